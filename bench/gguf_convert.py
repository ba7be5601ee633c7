#!/usr/bin/env python3
"""Writes a GPT-2 model folder (config.json, tokenizer.json, model.safetensors) as a GGUF file that
llama.cpp runs, so that tokenscope and llama.cpp are timed on the same weights:

  python3 bench/gguf_convert.py /tmp/ckpt/gpt2 /tmp/gguf/gpt2-q8_0.gguf --type q8_0
  python3 bench/gguf_convert.py /tmp/ckpt/gpt2 /tmp/gguf/gpt2-f32.gguf --type f32

Only numpy is needed. The layout follows llama.cpp's `gpt2` architecture (convert_hf_to_gguf.py's
GPT2Model and gguf-py's constants): GGUF v3, tensors named token_embd, position_embd, blk.N.attn_norm,
attn_qkv, attn_output, ffn_norm, ffn_up, ffn_down, output_norm, output; a GGUF tensor's dimensions are
listed innermost first, so a weight W [out, in] is written with ne = [in, out] (GPT-2's Conv1D
weights, stored [in, out], are transposed first).

--type q8_0 writes every 2-D weight except the position embedding in Q8_0 (blocks of 32: a float16
scale d = max|x|/127 and 32 int8 values round(x/d), as ggml's quantize_row_q8_0_ref), the way
llama-quantize would; norms, biases and position_embd stay F32. --type f32 writes everything in F32.
"""
import argparse
import json
import struct
import sys

import numpy as np

GGUF_MAGIC = 0x46554747
ALIGN = 32
# gguf value types
U32, I32, F32V, BOOL, STRING, ARRAY = 4, 5, 6, 7, 8, 9
# ggml tensor types
T_F32, T_Q8_0 = 0, 8
# llama_ftype
FTYPE = {"f32": 0, "q8_0": 7}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = np.frombuffer(data[begin:end], dtype=np.uint8)
        dtype = info["dtype"]
        if dtype == "F32":
            a = raw.view("<f4")
        elif dtype == "F16":
            a = raw.view("<f2").astype(np.float32)
        elif dtype == "BF16":
            a = (raw.view("<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            sys.exit(f"{path}: tensor {name} is {dtype}; F32, F16 or BF16 expected")
        out[name[len("transformer."):] if name.startswith("transformer.") else name] = a.reshape(info["shape"])
    return out


def quantize_q8_0(w):
    """[rows, cols] float32 -> Q8_0 bytes, row after row (ggml's quantize_row_q8_0_ref)."""
    rows, cols = w.shape
    if cols % 32:
        sys.exit(f"a row of {cols} values is not a whole number of Q8_0 blocks")
    blocks = w.astype(np.float32).reshape(rows, cols // 32, 32)
    amax = np.abs(blocks).max(axis=2, keepdims=True)
    d = amax / np.float32(127)
    inv = np.divide(np.float32(1), d, out=np.zeros_like(d), where=d != 0)
    x = blocks * inv
    q = (np.sign(x) * np.floor(np.abs(x) + np.float32(0.5))).astype(np.int8)  # roundf: halves away from 0
    out = np.empty((rows, cols // 32, 34), dtype=np.uint8)
    out[:, :, :2] = d.astype(np.float16).view(np.uint8).reshape(rows, cols // 32, 2)
    out[:, :, 2:] = q.view(np.uint8)
    return out.tobytes()


class Writer:
    def __init__(self):
        self.kv = []
        self.tensors = []  # (name, ne, type, bytes)

    @staticmethod
    def string(s):
        b = s.encode("utf-8")
        return struct.pack("<Q", len(b)) + b

    def add(self, key, vtype, value):
        self.kv.append(self.string(key) + struct.pack("<I", vtype) + self.value(vtype, value))

    def add_array(self, key, etype, values):
        body = struct.pack("<IQ", etype, len(values)) + b"".join(self.value(etype, v) for v in values)
        self.kv.append(self.string(key) + struct.pack("<I", ARRAY) + body)

    def value(self, vtype, v):
        if vtype == U32:
            return struct.pack("<I", v)
        if vtype == I32:
            return struct.pack("<i", v)
        if vtype == F32V:
            return struct.pack("<f", v)
        if vtype == BOOL:
            return struct.pack("<?", v)
        if vtype == STRING:
            return self.string(v)
        raise ValueError(vtype)

    def tensor(self, name, w, ggml_type):
        ne = list(reversed(w.shape))
        data = quantize_q8_0(w) if ggml_type == T_Q8_0 else np.ascontiguousarray(w, dtype="<f4").tobytes()
        self.tensors.append((name, ne, ggml_type, data))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IIQQ", GGUF_MAGIC, 3, len(self.tensors), len(self.kv)))
            for kv in self.kv:
                f.write(kv)
            offset = 0
            for name, ne, t, data in self.tensors:
                f.write(self.string(name) + struct.pack("<I", len(ne)) + struct.pack(f"<{len(ne)}Q", *ne)
                        + struct.pack("<IQ", t, offset))
                offset += (len(data) + ALIGN - 1) // ALIGN * ALIGN
            f.write(b"\0" * (-f.tell() % ALIGN))
            for _, _, _, data in self.tensors:
                f.write(data)
                f.write(b"\0" * (-len(data) % ALIGN))


def byte_level_tokens(tok):
    """tokenizer.json's vocabulary in id order (its byte-level strings, as llama.cpp's gpt2 vocab wants)."""
    vocab = tok["model"]["vocab"]
    tokens = [None] * (max(vocab.values()) + 1)
    for piece, i in vocab.items():
        tokens[i] = piece
    for added in tok.get("added_tokens", []):
        if added["id"] >= len(tokens):
            tokens.extend([None] * (added["id"] + 1 - len(tokens)))
        tokens[added["id"]] = added["content"]
    return tokens, {a["id"] for a in tok.get("added_tokens", []) if a.get("special")}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", help="model folder: config.json, tokenizer.json, model.safetensors")
    p.add_argument("out", help="the .gguf file to write")
    p.add_argument("--type", choices=sorted(FTYPE), default="q8_0")
    a = p.parse_args()

    config = json.load(open(f"{a.model}/config.json"))
    tok = json.load(open(f"{a.model}/tokenizer.json", encoding="utf-8"))
    t = read_safetensors(f"{a.model}/model.safetensors")
    n_layer, n_embd, n_head = config["n_layer"], config["n_embd"], config["n_head"]
    n_ctx, vocab = config["n_positions"], config["vocab_size"]
    n_ff = config.get("n_inner") or 4 * n_embd
    matrix = T_Q8_0 if a.type == "q8_0" else T_F32

    w = Writer()
    w.add("general.architecture", STRING, "gpt2")
    w.add("general.name", STRING, config.get("_name_or_path") or a.model.rstrip("/").split("/")[-1])
    w.add("general.file_type", U32, FTYPE[a.type])
    w.add("general.alignment", U32, ALIGN)
    w.add("gpt2.context_length", U32, n_ctx)
    w.add("gpt2.embedding_length", U32, n_embd)
    w.add("gpt2.feed_forward_length", U32, n_ff)
    w.add("gpt2.block_count", U32, n_layer)
    w.add("gpt2.attention.head_count", U32, n_head)
    w.add("gpt2.attention.layer_norm_epsilon", F32V, float(config.get("layer_norm_epsilon", 1e-5)))
    tokens, special = byte_level_tokens(tok)
    tokens += [f"[PAD{i}]" for i in range(len(tokens), vocab)]
    w.add("tokenizer.ggml.model", STRING, "gpt2")
    w.add("tokenizer.ggml.pre", STRING, "gpt-2")
    w.add_array("tokenizer.ggml.tokens", STRING, tokens)
    w.add_array("tokenizer.ggml.token_type", I32, [3 if i in special else 1 for i in range(len(tokens))])
    merges = [m if isinstance(m, str) else " ".join(m) for m in tok["model"]["merges"]]
    w.add_array("tokenizer.ggml.merges", STRING, merges)
    eos = config.get("eos_token_id", 50256)
    w.add("tokenizer.ggml.bos_token_id", U32, config.get("bos_token_id", eos))
    w.add("tokenizer.ggml.eos_token_id", U32, eos)
    w.add("tokenizer.ggml.add_bos_token", BOOL, False)

    w.tensor("token_embd.weight", t["wte.weight"], matrix)
    w.tensor("position_embd.weight", t["wpe.weight"], T_F32)
    for i in range(n_layer):
        h, b = f"h.{i}.", f"blk.{i}."
        w.tensor(b + "attn_norm.weight", t[h + "ln_1.weight"], T_F32)
        w.tensor(b + "attn_norm.bias", t[h + "ln_1.bias"], T_F32)
        w.tensor(b + "attn_qkv.weight", t[h + "attn.c_attn.weight"].T, matrix)   # Conv1D [in, out] -> [out, in]
        w.tensor(b + "attn_qkv.bias", t[h + "attn.c_attn.bias"], T_F32)
        w.tensor(b + "attn_output.weight", t[h + "attn.c_proj.weight"].T, matrix)
        w.tensor(b + "attn_output.bias", t[h + "attn.c_proj.bias"], T_F32)
        w.tensor(b + "ffn_norm.weight", t[h + "ln_2.weight"], T_F32)
        w.tensor(b + "ffn_norm.bias", t[h + "ln_2.bias"], T_F32)
        w.tensor(b + "ffn_up.weight", t[h + "mlp.c_fc.weight"].T, matrix)
        w.tensor(b + "ffn_up.bias", t[h + "mlp.c_fc.bias"], T_F32)
        w.tensor(b + "ffn_down.weight", t[h + "mlp.c_proj.weight"].T, matrix)
        w.tensor(b + "ffn_down.bias", t[h + "mlp.c_proj.bias"], T_F32)
    w.tensor("output_norm.weight", t["ln_f.weight"], T_F32)
    w.tensor("output_norm.bias", t["ln_f.bias"], T_F32)
    w.tensor("output.weight", t.get("lm_head.weight", t["wte.weight"]), matrix)  # tied: wte again
    w.write(a.out)
    print(f"wrote {a.out}: {len(w.tensors)} tensors, {a.type}", file=sys.stderr)


if __name__ == "__main__":
    main()
