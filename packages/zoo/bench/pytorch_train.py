"""PyTorch CPU baseline for bench/train-throughput.mjs: the same Llama-style block (RMSNorm, rotary
`half`, grouped-query attention, SwiGLU), batch, sequence length and AdamW, timed on training steps.

Usage: python3 pytorch_train.py '<json config>'  -> prints one JSON line {"tokensPerSecond": ...}.
Not a dependency of marr: run only by the benchmark when python3 can import torch.
"""
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
torch.manual_seed(0)
torch.set_num_threads(cfg.get("threads", 1))
d, H, K, dh, f, V, L = cfg["dModel"], cfg["nHeads"], cfg["nKvHeads"], cfg["dHead"], cfg["dMlp"], cfg["dVocab"], cfg["nLayers"]
B, T = cfg["batch"], cfg["seq"]


class RMSNorm(nn.Module):
    def __init__(self, n, eps=1e-5):
        super().__init__()
        self.w = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.w


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


inv = 1.0 / (10000 ** (torch.arange(0, dh, 2).float() / dh))
ang = torch.outer(torch.arange(T).float(), inv)
cos = torch.cat((ang, ang), -1).cos()
sin = torch.cat((ang, ang), -1).sin()
causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.n1, self.n2 = RMSNorm(d), RMSNorm(d)
        self.q = nn.Linear(d, H * dh, bias=False)
        self.k = nn.Linear(d, K * dh, bias=False)
        self.v = nn.Linear(d, K * dh, bias=False)
        self.o = nn.Linear(H * dh, d, bias=False)
        self.gate = nn.Linear(d, f, bias=False)
        self.up = nn.Linear(d, f, bias=False)
        self.down = nn.Linear(f, d, bias=False)

    def forward(self, x):
        h = self.n1(x)
        q = self.q(h).view(B, T, H, dh).transpose(1, 2)
        k = self.k(h).view(B, T, K, dh).transpose(1, 2)
        v = self.v(h).view(B, T, K, dh).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(H // K, dim=1)
        v = v.repeat_interleave(H // K, dim=1)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(dh)
        z = s.masked_fill(causal, float("-inf")).softmax(-1) @ v
        x = x + self.o(z.transpose(1, 2).reshape(B, T, H * dh))
        h = self.n2(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(V, d)
        self.blocks = nn.ModuleList([Block() for _ in range(L)])
        self.nf = RMSNorm(d)
        self.head = nn.Linear(d, V, bias=False)

    def forward(self, tok, tgt):
        x = self.emb(tok)
        for b in self.blocks:
            x = b(x)
        return F.cross_entropy(self.head(self.nf(x)).view(-1, V), tgt.view(-1))


model = Model()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
tok = torch.randint(0, V, (B, T))
tgt = torch.randint(0, V, (B, T))


def step():
    opt.zero_grad(set_to_none=True)
    loss = model(tok, tgt)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return loss.item()


for _ in range(5):
    step()
steps = cfg.get("steps", 30)
t0 = time.perf_counter()
for _ in range(steps):
    step()
dt = time.perf_counter() - t0
print(json.dumps({"tokensPerSecond": steps * B * T / dt, "seconds": dt, "steps": steps, "torch": torch.__version__, "threads": torch.get_num_threads()}))
