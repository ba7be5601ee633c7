#!/usr/bin/env python3
"""Whether tokenscope's `corpus` lines and the PyTorch peer's agree, document by document.

  python3 bench/corpus_agree.py OURS.jsonl PEER.jsonl [--json]

Both files are one JSON line per document with "id", "tokens", "perplexity" {"A", "B"}, "gltr"
{"A": {...}, "B": {...}}, "binoculars" and "fast_detectgpt". Prints, per metric, the largest relative
difference over the documents both have (GLTR fractions: the largest absolute one), and how many
documents each has; exits 1 when a document's token count differs (they did not score the same ids).
"""
import json
import sys


def load(path):
    with open(path) as f:
        return {d["id"]: d for d in (json.loads(line) for line in f if line.strip())}


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-12)


def main():
    ours, peer = load(sys.argv[1]), load(sys.argv[2])
    common = [i for i in ours if i in peer]
    worst = {"perplexity_A": 0.0, "perplexity_B": 0.0, "binoculars": 0.0, "fast_detectgpt": 0.0, "gltr": 0.0}
    mismatched = [i for i in common if ours[i]["tokens"] != peer[i]["tokens"]]
    for i in common:
        o, p = ours[i], peer[i]
        for m in "AB":
            worst["perplexity_" + m] = max(worst["perplexity_" + m], rel(o["perplexity"][m], p["perplexity"][m]))
            for bucket, v in p["gltr"][m].items():
                worst["gltr"] = max(worst["gltr"], abs(o["gltr"][m][bucket] - v))
        worst["binoculars"] = max(worst["binoculars"], rel(o["binoculars"], p["binoculars"]))
        worst["fast_detectgpt"] = max(worst["fast_detectgpt"], rel(o["fast_detectgpt"], p["fast_detectgpt"]))
    result = {"documents": {"ours": len(ours), "peer": len(peer), "both": len(common)},
              "token_count_mismatches": len(mismatched), "max_relative_difference": worst}
    print(json.dumps(result, indent=1) if "--json" in sys.argv else result)
    sys.exit(1 if mismatched else 0)


if __name__ == "__main__":
    main()
