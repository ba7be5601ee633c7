#!/usr/bin/env python3
"""Tables (Markdown, on stdout) and a plot (PNG) from the JSON files bench/run.sh writes.

  python3 bench/plot.py OUT_DIR bench/cost.png
"""
import glob
import json
import os
import sys

MODELS = [("gpt2", "124M"), ("gpt2-medium", "355M"), ("gpt2-large", "774M"), ("gpt2-xl", "1.5B")]
SIZES = [64, 256, 1024, 4096]


def load(folder, name):
    path = os.path.join(folder, name + ".json")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    with open(path) as f:
        return json.load(f)


def cell(ours, peer, fmt, better_low=True):
    if ours is None:
        return "–", "–", "–"
    o = fmt.format(ours)
    if peer is None:
        return o, "–", "–"
    ratio = peer / ours if better_low else ours / peer
    return o, fmt.format(peer), f"{ratio:.2f}×"


def tables(folder):
    lines = []
    for model, size in MODELS:
        rows = []
        for n in SIZES:
            o, p = load(folder, f"{model}-score{n}-ours"), load(folder, f"{model}-score{n}-peer")
            if o is None:
                continue
            so, sp = o["score"], p["score"] if p else None
            rows.append((f"score {n:,} tokens, median s ({so['windows']} window{'s' if so['windows'] > 1 else ''}, "
                         f"{so['repeats']} run{'s' if so['repeats'] > 1 else ''})",)
                        + cell(so["median_s"], sp and sp["median_s"], "{:.3f}"))
            rows.append((f"  tokens/s",) + cell(so["tokens_per_s"], sp and sp["tokens_per_s"], "{:.0f}", False))
        first = load(folder, f"{model}-score1024-ours") or load(folder, f"{model}-score64-ours")
        if first is None:
            continue
        peer_first = load(folder, f"{model}-score1024-peer") or load(folder, f"{model}-score64-peer")
        rows.insert(0, ("load s",) + cell(first["load_s"], peer_first and peer_first["load_s"], "{:.2f}"))
        g, gp = load(folder, f"{model}-generate-ours"), load(folder, f"{model}-generate-peer")
        if g:
            c, cp = g["generate"], gp and gp.get("generate")
            rows.append((f"generate {c['new_tokens']} tokens with the cache, tokens/s",)
                        + cell(c["tokens_per_s"], cp and cp["tokens_per_s"], "{:.1f}", False))
            rows.append(("  first token (16-token prompt), ms",) + cell(c["first_token_ms"], cp and cp["first_token_ms"], "{:.0f}"))
            u, up = g.get("generate_uncached"), gp and gp.get("generate_uncached")
            if u:
                rows.append((f"generate {u['new_tokens']} tokens without the cache, tokens/s",)
                            + cell(u["tokens_per_s"], up and up["tokens_per_s"], "{:.1f}", False))
        for label, name in (("peak RSS scoring 1,024 tokens, MiB", f"{model}-score1024"),
                            ("peak RSS generating, MiB", f"{model}-generate")):
            o, p = load(folder, name + "-ours"), load(folder, name + "-peer")
            if o:
                rows.append((label,) + cell(o["peak_rss_bytes"] / 2**20, p and p["peak_rss_bytes"] / 2**20, "{:.0f}"))
        lines.append(f"### {model} ({size}, {first['parameters']:,} parameters, {first['layers']} layers × {first['width']})")
        lines.append("")
        lines.append("| | tokenscope | PyTorch eager | tokenscope's advantage |")
        lines.append("|---|---:|---:|---:|")
        for r in rows:
            lines.append("| " + " | ".join(r) + " |")
        lines.append("")
    return "\n".join(lines)


def plot(folder, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=90)
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red"]
    for (model, size), color in zip(MODELS, colors):
        for who, style in (("ours", "-o"), ("peer", "--x")):
            xs, ys = [], []
            for n in SIZES:
                d = load(folder, f"{model}-score{n}-{who}")
                if d:
                    xs.append(n)
                    ys.append(d["score"]["median_s"])
            if xs:
                left.plot(xs, ys, style, color=color, label=f"{model} {'tokenscope' if who == 'ours' else 'PyTorch'}")
    left.set_xscale("log", base=2)
    left.set_yscale("log")
    left.set_xlabel("tokens scored (past 1,024: windows of 1,024, stride 512)")
    left.set_ylabel("seconds (median)")
    left.set_title("Scoring time against tokens")
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=7)
    for who, color in (("ours", "tab:blue"), ("peer", "tab:orange")):
        d = load(folder, f"gpt2-long-{who}")
        if d and "generate" in d:
            steps = d["generate"]["step_ms"][1:]  # the first includes the prompt
            start = d["generate"]["prompt_tokens"] + 1
            right.plot(range(start, start + len(steps)), steps, ".", ms=2, color=color, alpha=0.5,
                       label=("tokenscope" if who == "ours" else "PyTorch eager") + ", with KV cache")
    right.set_xlabel("position of the token being generated")
    right.set_ylabel("ms per step")
    right.set_title("gpt2: generation time per step against position")
    right.grid(True, alpha=0.3)
    right.legend(fontsize=7, markerscale=4)
    right.set_ylim(bottom=0)
    fig.tight_layout()
    fig.savefig(png)


if __name__ == "__main__":
    folder = sys.argv[1]
    print(tables(folder))
    if len(sys.argv) > 2:
        plot(folder, sys.argv[2])
