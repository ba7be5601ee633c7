"""Writes the real-PyTorch fixtures TorchCheckpointRealTest reads (run with Debian's python3-torch 1.13):

  state_dict.bin      torch.save(model.state_dict()) of a small module: an OrderedDict with _metadata,
                      F32/F16/BF16/F64/I64 tensors, a transposed view and two slices sharing one storage,
                      an nn.Parameter, and a tied weight (two names, one storage)
  state_dict.json     for every tensor: dtype, shape and its contiguous little-endian bytes in hex
  plain_dict.bin      the same tensors as a plain dict (as transformers' save_pretrained writes shards)
  legacy.bin          the same with _use_new_zipfile_serialization=False (pre-1.6 format)
  evil.bin            torch.save of an object whose __reduce__ is (os.system, ("touch pwned-by-pickle",))

python3 make_fixtures.py   # in this folder
"""
import collections
import json
import os

import torch

torch.manual_seed(22)


class Evil:
    def __reduce__(self):
        return (os.system, ("touch pwned-by-pickle",))


class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(7, 4)
        self.norm = torch.nn.LayerNorm(4)
        self.proj = torch.nn.Linear(4, 3)
        self.head = torch.nn.Linear(4, 7, bias=False)
        self.head.weight = self.embed.weight  # tied: one storage, two names


model = Small()
sd = model.state_dict()
base = torch.randn(6, 5)
shared = torch.arange(20, dtype=torch.float32)
sd["extra.transposed"] = base.t()                      # strides (1, 5)
sd["extra.first"] = shared[:8].view(2, 4)              # offset 0 of a 20-element storage
sd["extra.second"] = shared[8:20].view(3, 4)           # offset 8 of the same storage
sd["extra.half"] = torch.randn(3, 2).half()
sd["extra.bfloat"] = torch.randn(2, 3).bfloat16()
sd["extra.double"] = torch.randn(4).double()
sd["extra.long"] = torch.arange(5)
sd["extra.scalar"] = torch.tensor(2.5)
sd["extra.param"] = torch.nn.Parameter(torch.randn(2, 2))

torch.save(sd, "state_dict.bin")
torch.save(dict(sd), "plain_dict.bin")
torch.save(sd, "legacy.bin", _use_new_zipfile_serialization=False)
torch.save(Evil(), "evil.bin")

names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64", torch.int64: "I64"}
manifest = collections.OrderedDict()
for name, t in sd.items():
    t = t.detach().contiguous()
    raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
    manifest[name] = {"dtype": names[t.dtype], "shape": list(t.shape), "hex": raw.hex()}
with open("state_dict.json", "w") as f:
    json.dump(manifest, f, indent=1)
print(torch.__version__, len(manifest), "tensors")
