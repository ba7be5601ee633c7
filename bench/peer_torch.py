#!/usr/bin/env python3
"""The peer tokenscope must beat: GPT-2 and the Llama-style families in PyTorch eager mode, as a
notebook would run them.

Does what `tokenscope bench` does, on the same checkpoint folder (config.json + model.safetensors,
F32), and prints the same JSON shape:

  python3 bench/peer_torch.py --model /tmp/ckpt/gpt2 --tokens 1024 --new-tokens 32 --repeat 3 --json

- load_s: import torch, read config.json, map model.safetensors, weights into torch tensors (no copy
  of F32 data; pages are read on first use, as tokenscope's are).
- score: N pseudo-random ids (a fixed seed) through one forward pass per window, then what a notebook
  does: logits = h @ wte.T, log_softmax, gather of the targets, ranks, entropies, top-k. Windows as
  tokenscope plans them without BOS (first window [0, C) scores [1, C); each next one scores the next
  C/2 positions with C positions of context).
- generate: greedy decoding of K tokens after a 16-token prompt with a key/value cache; each step
  records the chosen token's log-probability, the entropy and the top-k, as tokenscope's steps do.
- generate_uncached: the same with a full forward pass over the whole sequence at every step.

The model is written in plain torch, so that only torch is needed: GPT-2 (the Hugging Face
GPT2LMHeadModel computation in eager mode: Conv1D layers as addmm, q·kᵀ/√d with a causal mask,
softmax, gelu_new) or, for LlamaForCausalLM / MistralForCausalLM / Qwen2ForCausalLM checkpoints, the
Llama-style decoder of modeling_llama.py / modeling_qwen2.py in eager mode (RMSNorm, RoPE with
rope_scaling linear or llama3, grouped-query attention through repeat_kv, q/k/v biases, SwiGLU,
tied or separate head). If transformers is installed, --transformers uses its GPT2LMHeadModel instead.

Both draw the same ids (java.util.SplittableRandom's, re-implemented here). --logprobs FILE writes
each scored position's id and log-probability ("position<TAB>id<TAB>logprob") from the warm-up run; bench/agree.py sets it beside tokenscope's `bench --logprobs` of the same checkpoint.

--attribute STEPS: integrated gradients of log p(target) for the N + 1 ids tokenscope's `bench --attribute`
draws (the last is the target), from zero embedding rows with positions kept, by the midpoint rule;
--attributions FILE writes each row's score ("index<TAB>id<TAB>score"), as `bench --attributions` does.
"""
import time

STARTED = time.perf_counter()  # load_s counts `import torch` too, as tokenscope's counts starting the engine

import argparse
import json
import math
import os
import statistics
import sys

import numpy as np
import torch
import torch.nn.functional as F

PROMPT_TOKENS = 16


def log(msg):
    print("peer: " + msg, file=sys.stderr, flush=True)


# ---- loading -------------------------------------------------------------------------------

def read_safetensors(path):
    """name -> torch tensor over a copy-on-write map of the file (F32 only; no copy is made)."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint8, mode="c", offset=8 + n)
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} is {info['dtype']}; the peer reads F32 only")
        begin, end = info["data_offsets"]
        array = data[begin:end].view(np.float32).reshape(info["shape"])
        out[name.removeprefix("transformer.")] = torch.from_numpy(array)
    return out


class Gpt2:
    """GPT-2's forward pass in plain torch, with an optional key/value cache."""

    def __init__(self, folder):
        with open(os.path.join(folder, "config.json")) as f:
            c = json.load(f)
        self.layers, self.heads, self.width = c["n_layer"], c["n_head"], c["n_embd"]
        self.context, self.vocab = c.get("n_positions", c.get("n_ctx")), c["vocab_size"]
        self.eps = c.get("layer_norm_epsilon", 1e-5)
        self.head_dim = self.width // self.heads
        w = read_safetensors(os.path.join(folder, "model.safetensors"))
        self.wte, self.wpe = w["wte.weight"], w["wpe.weight"]          # [V, E], [P, E]
        self.blocks = [{k: w[f"h.{i}.{k}"] for k in (
            "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight",
            "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
            "mlp.c_proj.weight", "mlp.c_proj.bias")} for i in range(self.layers)]
        self.ln_f = (w["ln_f.weight"], w["ln_f.bias"])
        self.parameters = sum(t.numel() for t in w.values() if not t.dim() == 4)

    def forward(self, ids, cache=None):
        """Hidden states after ln_f for ids appended after the cache: [T, E]."""
        t = ids.shape[0]
        past = 0 if cache is None or cache[0] is None else cache[0][0].shape[1]
        x = self.wte[ids] + self.wpe[past:past + t]                                  # [T, E]
        s = past + t
        mask = torch.ones(t, s, dtype=torch.bool).tril(diagonal=past) if t > 1 else None  # [T, S]
        for i, b in enumerate(self.blocks):
            h = F.layer_norm(x, (self.width,), b["ln_1.weight"], b["ln_1.bias"], self.eps)
            qkv = torch.addmm(b["attn.c_attn.bias"], h, b["attn.c_attn.weight"])      # [T, 3E]
            q, k, v = (z.view(t, self.heads, self.head_dim).transpose(0, 1) for z in qkv.split(self.width, 1))
            if cache is not None:
                if cache[i] is not None:
                    k = torch.cat((cache[i][0], k), 1)                                # [H, S, D]
                    v = torch.cat((cache[i][1], v), 1)
                cache[i] = (k, v)
            a = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)      # [H, T, S]
            if mask is not None:
                a = torch.where(mask, a, torch.tensor(torch.finfo(a.dtype).min))
            a = torch.softmax(a, -1)
            y = torch.matmul(a, v).transpose(0, 1).reshape(t, self.width)            # [T, E]
            x = x + torch.addmm(b["attn.c_proj.bias"], y, b["attn.c_proj.weight"])
            h = F.layer_norm(x, (self.width,), b["ln_2.weight"], b["ln_2.bias"], self.eps)
            m = F.gelu(torch.addmm(b["mlp.c_fc.bias"], h, b["mlp.c_fc.weight"]), approximate="tanh")
            x = x + torch.addmm(b["mlp.c_proj.bias"], m, b["mlp.c_proj.weight"])
        return F.layer_norm(x, (self.width,), self.ln_f[0], self.ln_f[1], self.eps)

    def logits(self, hidden):  # [T, E] -> [T, V]
        return hidden @ self.wte.T

    def forward_rows(self, rows):
        """Hidden states after ln_f from token embedding rows as looked up, a batch of texts: [B, T, E] -> [B, T, E]."""
        bsz, t, _ = rows.shape
        x = rows + self.wpe[:t]                                                      # [B, T, E]
        mask = torch.ones(t, t, dtype=torch.bool).tril()                             # [T, T]
        for b in self.blocks:
            h = F.layer_norm(x, (self.width,), b["ln_1.weight"], b["ln_1.bias"], self.eps)
            qkv = h @ b["attn.c_attn.weight"] + b["attn.c_attn.bias"]                 # [B, T, 3E]
            q, k, v = (z.view(bsz, t, self.heads, self.head_dim).transpose(1, 2) for z in qkv.split(self.width, -1))
            a = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)      # [B, H, T, T]
            a = torch.softmax(torch.where(mask, a, torch.tensor(torch.finfo(a.dtype).min)), -1)
            y = torch.matmul(a, v).transpose(1, 2).reshape(bsz, t, self.width)       # [B, T, E]
            x = x + y @ b["attn.c_proj.weight"] + b["attn.c_proj.bias"]
            h = F.layer_norm(x, (self.width,), b["ln_2.weight"], b["ln_2.bias"], self.eps)
            m = F.gelu(h @ b["mlp.c_fc.weight"] + b["mlp.c_fc.bias"], approximate="tanh")
            x = x + m @ b["mlp.c_proj.weight"] + b["mlp.c_proj.bias"]
        return F.layer_norm(x, (self.width,), self.ln_f[0], self.ln_f[1], self.eps)


def rms_norm(x, weight, eps):  # [T, E] -> [T, E]: LlamaRMSNorm
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def rope_frequencies(c, head_dim):
    """inv_freq as transformers' rope init functions compute it (default, linear, llama3): [D/2]."""
    base = c.get("rope_theta", 10000.0)
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    scaling = c.get("rope_scaling") or {}
    kind = scaling.get("rope_type", scaling.get("type"))
    if kind == "linear":
        inv_freq = inv_freq / scaling["factor"]
    elif kind == "llama3":  # _compute_llama3_parameters
        factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
        old = scaling["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / inv_freq
        llama = torch.where(wavelen > low_wavelen, inv_freq / factor, inv_freq)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * llama / factor + smooth * llama
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        inv_freq = torch.where(medium, smoothed, llama)
    elif kind not in (None, "default"):
        raise SystemExit(f"rope_scaling of type {kind} is not in the peer")
    return inv_freq


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), -1)


class Llama:
    """The Llama-style decoder (Llama 3, SmolLM2, Mistral without a window, Qwen2) in plain torch."""

    def __init__(self, folder):
        with open(os.path.join(folder, "config.json")) as f:
            c = json.load(f)
        self.layers, self.width = c["num_hidden_layers"], c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads") or self.heads
        self.head_dim = c.get("head_dim") or self.width // self.heads
        self.context, self.vocab = c["max_position_embeddings"], c["vocab_size"]
        self.eps = c.get("rms_norm_eps", 1e-6)
        if c.get("hidden_act", "silu") != "silu":
            raise SystemExit(f"hidden_act {c.get('hidden_act')} is not in the peer")
        if c.get("sliding_window") and (c["model_type"] == "mistral" or c.get("use_sliding_window")):
            raise SystemExit("sliding windows are not in the peer")
        self.inv_freq = rope_frequencies(c, self.head_dim)                            # [D/2]
        w = read_safetensors(os.path.join(folder, "model.safetensors"))
        self.embed = w["model.embed_tokens.weight"]                                    # [V, E]
        self.head = w.get("lm_head.weight", self.embed) if not c.get("tie_word_embeddings", False) else self.embed
        names = ("input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight",
                 "self_attn.v_proj.weight", "self_attn.o_proj.weight", "post_attention_layernorm.weight",
                 "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight")
        biases = ("self_attn.q_proj.bias", "self_attn.k_proj.bias", "self_attn.v_proj.bias")
        self.blocks = [{k: w.get(f"model.layers.{i}.{k}") for k in names + biases} for i in range(self.layers)]
        self.norm = w["model.norm.weight"]
        self.parameters = sum(t.numel() for t in w.values())

    def forward(self, ids, cache=None):
        """Hidden states after the final norm for ids appended after the cache: [T, E]."""
        t = ids.shape[0]
        past = 0 if cache is None or cache[0] is None else cache[0][0].shape[1]
        s = past + t
        x = self.embed[ids]                                                            # [T, E]
        freqs = torch.arange(past, s, dtype=torch.float32)[:, None] * self.inv_freq[None, :]  # [T, D/2]
        emb = torch.cat((freqs, freqs), -1)
        cos, sin = emb.cos(), emb.sin()                                               # [T, D]
        mask = torch.ones(t, s, dtype=torch.bool).tril(diagonal=past) if t > 1 else None  # [T, S]
        group = self.heads // self.kv_heads
        for i, b in enumerate(self.blocks):
            h = rms_norm(x, b["input_layernorm.weight"], self.eps)
            q = F.linear(h, b["self_attn.q_proj.weight"], b["self_attn.q_proj.bias"])  # [T, H·D]
            k = F.linear(h, b["self_attn.k_proj.weight"], b["self_attn.k_proj.bias"])  # [T, KV·D]
            v = F.linear(h, b["self_attn.v_proj.weight"], b["self_attn.v_proj.bias"])
            q = q.view(t, self.heads, self.head_dim).transpose(0, 1)                   # [H, T, D]
            k = k.view(t, self.kv_heads, self.head_dim).transpose(0, 1)                # [KV, T, D]
            v = v.view(t, self.kv_heads, self.head_dim).transpose(0, 1)
            q = q * cos + rotate_half(q) * sin
            k = k * cos + rotate_half(k) * sin
            if cache is not None:
                if cache[i] is not None:
                    k = torch.cat((cache[i][0], k), 1)                                # [KV, S, D]
                    v = torch.cat((cache[i][1], v), 1)
                cache[i] = (k, v)
            k_all = k.repeat_interleave(group, 0) if group > 1 else k                 # repeat_kv: [H, S, D]
            v_all = v.repeat_interleave(group, 0) if group > 1 else v
            a = torch.matmul(q, k_all.transpose(-1, -2)) / math.sqrt(self.head_dim)   # [H, T, S]
            if mask is not None:
                a = torch.where(mask, a, torch.tensor(torch.finfo(a.dtype).min))
            a = torch.softmax(a, -1)
            y = torch.matmul(a, v_all).transpose(0, 1).reshape(t, self.heads * self.head_dim)  # [T, H·D]
            x = x + F.linear(y, b["self_attn.o_proj.weight"])
            h = rms_norm(x, b["post_attention_layernorm.weight"], self.eps)
            m = F.silu(F.linear(h, b["mlp.gate_proj.weight"])) * F.linear(h, b["mlp.up_proj.weight"])  # [T, I]
            x = x + F.linear(m, b["mlp.down_proj.weight"])
        return rms_norm(x, self.norm, self.eps)

    def logits(self, hidden):  # [T, E] -> [T, V]
        return hidden @ self.head.T


def open_model(folder):
    with open(os.path.join(folder, "config.json")) as f:
        c = json.load(f)
    kind = c.get("model_type", "gpt2")
    if kind == "gpt2":
        return Gpt2(folder)
    if kind in ("llama", "mistral", "qwen2"):
        return Llama(folder)
    raise SystemExit(f"{folder}: model_type {kind} is not in the peer (gpt2, llama, mistral, qwen2)")


class HfGpt2:
    """transformers' GPT2LMHeadModel on the same folder (used with --transformers)."""

    def __init__(self, folder):
        from transformers import GPT2LMHeadModel
        self.model = GPT2LMHeadModel.from_pretrained(folder, torch_dtype=torch.float32).eval()
        c = self.model.config
        self.layers, self.width, self.context, self.vocab = c.n_layer, c.n_embd, c.n_positions, c.vocab_size
        self.parameters = sum(p.numel() for p in self.model.parameters())
        self.wte = self.model.transformer.wte.weight

    def forward(self, ids, cache=None):
        if cache is None:
            return self.model.transformer(ids[None], use_cache=False).last_hidden_state[0]
        out = self.model.transformer(ids[None], past_key_values=cache[0], use_cache=True)
        cache[0] = out.past_key_values
        return out.last_hidden_state[0]

    def logits(self, hidden):
        return self.model.lm_head(hidden)


# ---- what is timed -------------------------------------------------------------------------

def windows(n, context):
    """(start, end, score_from) of each window, as tokenscope's Windows.plan without BOS."""
    stride = max(1, context // 2)
    step = min(stride, context - 1)
    end = min(n, context)
    out = [(0, end, 1)]
    while end < n:
        start_scoring = end
        end = min(start_scoring + step, n)
        out.append((end - context, end, start_scoring))
    return out


def score(model, ids, top_k, logprobs_out=None):
    """Every position's log-prob, rank, entropy and top-k; windows past the context."""
    n = ids.shape[0]
    logprob = torch.empty(n)
    rank = torch.zeros(n, dtype=torch.long)
    entropy = torch.empty(n)
    top_ids = torch.zeros(n, top_k, dtype=torch.long)
    top_lp = torch.empty(n, top_k)
    plan = windows(n, model.context)
    for start, end, score_from in plan:
        x = ids[start:end]
        logp = torch.log_softmax(model.logits(model.forward(x)), -1)     # [T, V]
        rows = logp[score_from - 1 - start:end - 1 - start]               # rows predicting [from, end)
        target = ids[score_from:end]
        lp = rows.gather(1, target[:, None])                              # [c, 1]
        logprob[score_from:end] = lp[:, 0]
        rank[score_from:end] = (rows > lp).sum(1) + 1
        entropy[score_from:end] = -(rows.exp() * rows).sum(1)
        values, indices = rows.topk(top_k, 1)
        top_lp[score_from:end], top_ids[score_from:end] = values, indices
    if logprobs_out:
        with open(logprobs_out, "w") as f:
            for i in range(1, n):
                f.write(f"{i}\t{int(ids[i])}\t{float(logprob[i])!r}\n")
    return logprob.numpy(), rank.numpy(), entropy.numpy(), top_ids.numpy(), top_lp.numpy(), len(plan)


def integrated_gradients(model, ids, target, steps, batch):
    """Integrated gradients of log p(target) after ids from zero rows (positions kept), the midpoint rule
    over `steps`, `batch` steps a pass, as Captum's IntegratedGradients(internal_batch_size=batch) does:
    returns the attributions [T], the completeness error, and f at the text and at the baseline."""
    rows = model.wte[ids]                                                            # [T, E]
    total = torch.zeros(ids.shape[0], dtype=torch.float64)
    alphas = (torch.arange(steps, dtype=torch.float32) + 0.5) / steps
    for chunk in alphas.split(batch):
        x = (chunk[:, None, None] * rows[None]).requires_grad_(True)                 # [B, T, E]
        f = torch.log_softmax(model.forward_rows(x)[:, -1] @ model.wte.T, -1)[:, target].sum()
        grad, = torch.autograd.grad(f, x)
        total += (grad.sum(0) * rows).sum(-1).double()
    scores = total / steps
    with torch.no_grad():
        ends = torch.stack((rows, torch.zeros_like(rows)))                            # x and the baseline
        f = torch.log_softmax(model.forward_rows(ends)[:, -1] @ model.wte.T, -1)[:, target]
    return scores, abs(scores.sum().item() - (f[0] - f[1]).item()), f[0].item(), f[1].item()


def step_record(logits, top_k):
    """What tokenscope records per step: the greedy token, its log-prob, the entropy, the top-k."""
    logp = torch.log_softmax(logits, -1)                                  # [V]
    token = int(torch.argmax(logits))
    values, indices = logp.topk(top_k)
    return token, float(logp[token]), float(-(logp.exp() * logp).sum()), indices.tolist(), values.tolist()


def generate(model, prompt, count, cached, top_k):
    """Greedy decoding; returns the tokens and the time of each step (from the call's start)."""
    stamps = []
    start = time.perf_counter()
    seq = prompt.clone()
    cache = [None] if isinstance(model, HfGpt2) else [None] * model.layers
    hidden = model.forward(prompt, cache if cached else None)
    logits = model.logits(hidden[-1])
    tokens = []
    for _ in range(count):
        token = step_record(logits, top_k)[0]
        tokens.append(token)
        stamps.append(time.perf_counter() - start)
        seq = torch.cat((seq, torch.tensor([token])))
        if len(tokens) == count:
            break
        if cached:
            hidden = model.forward(seq[-1:], cache)
        else:
            hidden = model.forward(seq)
        logits = model.logits(hidden[-1])
    return tokens, stamps


def random_ids(seed, n, vocab):
    """The ids `tokenscope bench` draws: java.util.SplittableRandom(seed).nextInt(vocab), n times."""
    mask = (1 << 64) - 1
    state = seed & mask

    def next_int():  # SplittableRandom.nextInt(): mix32(nextSeed())
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & mask
        z = (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & mask) >> 32
        return z - (1 << 32) if z >= 1 << 31 else z  # as a signed int

    def to_int32(x):
        x &= 0xFFFFFFFF
        return x - (1 << 32) if x >= 1 << 31 else x

    out = []
    m = vocab - 1
    for _ in range(n):  # RandomSupport.boundedNextInt
        r = next_int()
        if vocab & m == 0:
            r &= m
        else:
            u = (r & 0xFFFFFFFF) >> 1
            while True:
                r = u % vocab
                if to_int32(u + m - r) >= 0:
                    break
                u = (next_int() & 0xFFFFFFFF) >> 1
        out.append(r)
    return out


def cpu_seconds():
    """CPU time of the whole process, every thread."""
    t = os.times()
    return t.user + t.system


def status_bytes(field):
    """A size from /proc/self/status (VmHWM: is the peak resident memory), or -1."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return -1


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="checkpoint folder (config.json, model.safetensors)")
    p.add_argument("--tokens", type=int, default=1024)
    p.add_argument("--new-tokens", type=int, default=32)
    p.add_argument("--uncached-new-tokens", type=int, default=None)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--top-k", type=int, default=5)
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="torch intra-op threads (default: all cores)")
    p.add_argument("--transformers", action="store_true", help="use transformers' GPT2LMHeadModel")
    p.add_argument("--json", action="store_true")
    p.add_argument("--logprobs", metavar="FILE", help="write each scored position's log-probability (warm-up run)")
    p.add_argument("--attribute", type=int, default=None, metavar="STEPS",
                   help="instead of scoring and generating: integrated gradients with STEPS steps for one target after N ids")
    p.add_argument("--attribute-batch", type=int, default=None, help="steps a pass (default: all at once, Captum's default)")
    p.add_argument("--attributions", metavar="FILE",
                   help="with --attribute: write each row's score (index<TAB>id<TAB>score, warm-up run)")
    a = p.parse_args()
    if a.attribute is not None:
        return attribute_main(a)
    uncached_count = a.new_tokens if a.uncached_new_tokens is None else a.uncached_new_tokens
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    with torch.inference_mode():
        model = HfGpt2(a.model) if a.transformers else open_model(a.model)
        load_s = time.perf_counter() - STARTED
        log(f"loaded {a.model} in {load_s:.2f} s")
        rss_after_load = status_bytes("VmRSS:")
        ids = torch.tensor(random_ids(a.seed, a.tokens, model.vocab))

        times, cpu = [], []
        first = 0.0
        n_windows = 0
        for run in range(-1, a.repeat):
            log(f"scoring {a.tokens} tokens, {'warm-up' if run < 0 else f'run {run + 1}/{a.repeat}'}")
            c0, t0 = cpu_seconds(), time.perf_counter()
            n_windows = score(model, ids, a.top_k, a.logprobs if run < 0 else None)[-1]
            dt = time.perf_counter() - t0
            if run < 0:
                first = dt
            else:
                times.append(dt)
                cpu.append(cpu_seconds() - c0)
        median = statistics.median(times)
        root = {"model": os.path.basename(os.path.normpath(a.model)), "load_s": round(load_s, 4),
                "rss_after_load_bytes": rss_after_load,
                "score": {"tokens": a.tokens, "median_s": round(median, 4), "min_s": round(min(times), 4),
                          "tokens_per_s": round(a.tokens / median, 3), "first_s": round(first, 4),
                          "cpu_s": round(statistics.median(cpu), 4),
                          "repeats": a.repeat, "windows": n_windows, "top_k": a.top_k}}

        prompt = torch.tensor(random_ids(a.seed + 1, PROMPT_TOKENS, model.vocab))
        for key, count, cached in (("generate", a.new_tokens, True), ("generate_uncached", uncached_count, False)):
            if count <= 0:
                continue
            totals, firsts, cpus, steps = [], [], [], []
            for run in range(-1, a.repeat):
                log(f"generating {count} tokens {'with' if cached else 'without'} the cache, "
                    f"{'warm-up' if run < 0 else f'run {run + 1}/{a.repeat}'}")
                c0, t0 = cpu_seconds(), time.perf_counter()
                _, stamps = generate(model, prompt, count, cached, a.top_k)
                dt = time.perf_counter() - t0
                if run >= 0:
                    totals.append(dt)
                    cpus.append(cpu_seconds() - c0)
                    firsts.append(stamps[0] * 1e3)
                    steps = [round((s - (stamps[i - 1] if i else 0)) * 1e3, 4) for i, s in enumerate(stamps)]
            gm = statistics.median(totals)
            fm = statistics.median(firsts)
            root[key] = {"new_tokens": count, "prompt_tokens": PROMPT_TOKENS, "median_s": round(gm, 4),
                         "min_s": round(min(totals), 4), "tokens_per_s": round(count / gm, 3),
                         "first_token_ms": round(fm, 4),
                         "decode_tokens_per_s": round((count - 1) / (gm - fm / 1e3), 3) if count > 1 else None,
                         "cpu_s": round(statistics.median(cpus), 4), "kv_cache": cached, "repeats": a.repeat, "step_ms": steps}

    root["peak_rss_bytes"] = status_bytes("VmHWM:")
    root["parameters"] = model.parameters
    root["layers"] = model.layers
    root["width"] = model.width
    root["context"] = model.context
    root["cores"] = os.cpu_count()
    root["engine"] = f"torch {torch.__version__} eager, {torch.get_num_threads()} threads" + (
        ", transformers" if a.transformers else f", plain-torch {type(model).__name__}")
    root["seed"] = a.seed
    if a.json:
        print(json.dumps(root, indent=2))
    else:
        s = root["score"]
        print(f"model {root['model']}: {root['layers']} layers, width {root['width']}, {root['parameters']:,} parameters")
        print(f"load              {root['load_s']:8.2f} s")
        print(f"score {s['tokens']:5d} tokens {s['median_s']:8.3f} s median, {s['min_s']:.3f} s min, "
              f"{s['tokens_per_s']:.1f} tokens/s ({s['windows']} windows)")
        for key in ("generate", "generate_uncached"):
            if key in root:
                g = root[key]
                print(f"{key:17s} {g['median_s']:8.3f} s median for {g['new_tokens']} tokens, "
                      f"{g['tokens_per_s']:.2f} tokens/s, first token {g['first_token_ms']:.1f} ms")
        print(f"peak RSS          {root['peak_rss_bytes'] / 1048576:8.1f} MiB")


def attribute_main(a):
    torch.set_num_threads(a.threads)
    model = open_model(a.model)
    if not isinstance(model, Gpt2):
        raise SystemExit(f"{a.model}: --attribute runs GPT-2 checkpoints only (the peer's forward_rows is GPT-2's)")
    load_s = time.perf_counter() - STARTED
    log(f"loaded {a.model} in {load_s:.2f} s")
    # the ids and target `tokenscope bench --attribute` draws: N + 1 ids from SplittableRandom(seed), the last the target
    every = torch.tensor(random_ids(a.seed, a.tokens + 1, model.vocab))
    ids, target = every[:a.tokens], int(every[a.tokens])
    batch = a.attribute_batch or a.attribute
    times = []
    for run in range(-1, a.repeat):
        log(f"integrated gradients, {a.attribute} steps over {a.tokens} tokens, {'warm-up' if run < 0 else f'run {run + 1}/{a.repeat}'}")
        t0 = time.perf_counter()
        scores, error, value, baseline = integrated_gradients(model, ids, target, a.attribute, batch)
        if run >= 0:
            times.append(time.perf_counter() - t0)
        elif a.attributions:
            with open(a.attributions, "w") as f:
                for i in range(a.tokens):
                    f.write(f"{i}\t{int(ids[i])}\t{float(scores[i])!r}\n")
    root = {"model": os.path.basename(os.path.normpath(a.model)), "load_s": round(load_s, 4),
            "attribute": {"tokens": a.tokens, "steps": a.attribute, "target": target, "value": value,
                          "baseline_value": baseline, "sum": float(scores.sum()), "steps_per_pass": batch,
                          "median_s": round(statistics.median(times), 4), "min_s": round(min(times), 4),
                          "completeness_error": round(error, 6), "repeats": a.repeat},
            "peak_rss_bytes": status_bytes("VmHWM:"), "layers": model.layers, "width": model.width,
            "cores": os.cpu_count(), "engine": f"torch {torch.__version__} eager autograd, {torch.get_num_threads()} threads",
            "seed": a.seed}
    print(json.dumps(root, indent=2))


if __name__ == "__main__":
    main()
