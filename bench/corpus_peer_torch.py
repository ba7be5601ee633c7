#!/usr/bin/env python3
"""The corpus benchmark's peer: the detectors in PyTorch eager mode, one document at a time, as a
notebook (or the Binoculars and Fast-DetectGPT reference code) loops over a corpus.

  python3 bench/corpus_peer_torch.py --model A --compare B --input bench.jsonl [--out peer.jsonl] [--threads N] --json

Each line of --input has the document's GPT-2 `ids` (written by org.tokenscope.testing.BenchCorpus).
Per document: <|endoftext|> + ids through A and B (bench/peer_torch.py's plain-torch GPT-2), logits
= h @ wte.T, log_softmax of both [T, V], then what `tokenscope corpus` computes: perplexity and GLTR
of each model, Binoculars (A observer, B performer), Fast-DetectGPT analytic (A scorer, B reference).
Timed from the first document to the last (loading excluded, as tokenscope's figure excludes it).
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from peer_torch import Gpt2  # noqa: E402

EOT = 50256


def gltr(ranks):
    n = ranks.numel()
    return {"top10": (ranks <= 10).sum().item() / n,
            "top100": ((ranks > 10) & (ranks <= 100)).sum().item() / n,
            "top1000": ((ranks > 100) & (ranks <= 1000)).sum().item() / n,
            "rest": (ranks > 1000).sum().item() / n}


@torch.inference_mode()
def score(a, b, ids):
    seq = torch.tensor([EOT] + ids)
    x = seq[1:]                                                        # [n] targets
    lp = F.log_softmax(a.logits(a.forward(seq))[:-1], -1)              # [n, V]
    lq = F.log_softmax(b.logits(b.forward(seq))[:-1], -1)              # [n, V]
    lp_x = lp.gather(1, x[:, None])[:, 0]
    lq_x = lq.gather(1, x[:, None])[:, 0]
    rank_a = (lp > lp_x[:, None]).sum(1) + 1
    rank_b = (lq > lq_x[:, None]).sum(1) + 1
    p, q = lp.exp(), lq.exp()
    cross = -(p * lq).sum(1)                                           # Σ p·(−log q)
    mu = (q * lp).sum(1)                                               # Σ q·log p
    var = (q * lp * lp).sum(1) - mu * mu
    return {"tokens": len(ids),
            "perplexity": {"A": torch.exp(-lp_x.mean()).item(), "B": torch.exp(-lq_x.mean()).item()},
            "gltr": {"A": gltr(rank_a), "B": gltr(rank_b)},
            "binoculars": ((-lq_x).mean() / cross.mean()).item(),
            "fast_detectgpt": ((lp_x.sum() - mu.sum()) / var.sum().sqrt()).item()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--compare", required=True)
    ap.add_argument("--input", required=True)
    ap.add_argument("--out")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="torch intra-op threads (default: all cores)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    docs = [json.loads(line) for line in open(args.input) if line.strip()]
    a, b = Gpt2(args.model), Gpt2(args.compare)
    score(a, b, docs[0]["ids"][:16])  # warm-up
    out = open(args.out, "w") if args.out else None
    start = time.perf_counter()
    tokens = 0
    for d in docs:
        r = score(a, b, d["ids"])
        tokens += r["tokens"]
        if out:
            out.write(json.dumps({"id": d["id"], **r}) + "\n")
    seconds = time.perf_counter() - start
    result = {"documents": len(docs), "tokens": tokens, "seconds": seconds,
              "documents_per_s": len(docs) / seconds, "tokens_per_s": tokens / seconds,
              "threads": torch.get_num_threads(), "torch": torch.__version__}
    print(json.dumps(result) if args.json else result)


if __name__ == "__main__":
    main()
