import torch
from torch import nn
class _Gelu(nn.Module):
    def forward(self, x):
        return nn.functional.gelu(x)
ACT2FN = {"gelu": _Gelu(), "tanh": nn.Tanh()}
