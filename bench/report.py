#!/usr/bin/env python3
"""Turns the JSON files of bench/run.sh into BENCHMARKS.md's tables and its cost plot.

  python3 bench/report.py OUT_DIR [--plot docs/bench-cost.png]

Reads OUT_DIR/<model>-score<N>-<who>.json, <model>-generate-<who>.json and gpt2-long-<who>.json
(who: ours, peer), prints one Markdown table per model size on stdout, and with --plot draws
scoring time against tokens (log-log, every size, both programs) and generation time per step
against position (gpt2, both programs) into one PNG. Needs matplotlib only for --plot.
"""
import argparse
import json
import os
import sys

MODELS = ["gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl"]
LABELS = {"gpt2": "gpt2 (124M)", "gpt2-medium": "gpt2-medium (355M)", "gpt2-large": "gpt2-large (774M)",
          "gpt2-xl": "gpt2-xl (1.5B)"}
LENGTHS = [64, 256, 1024, 4096]


def load(out, name, who):
    path = os.path.join(out, f"{name}-{who}.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text else None


def seconds(x):
    return "–" if x is None else (f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s")


def ratio(ours, peer):
    return "–" if not ours or not peer else f"{peer / ours:.2f}×"


def table(out, model):
    rows = []
    any_data = False
    for n in LENGTHS:
        o, p = load(out, f"{model}-score{n}", "ours"), load(out, f"{model}-score{n}", "peer")
        if o or p:
            any_data = True
        om = o["score"]["median_s"] if o else None
        pm = p["score"]["median_s"] if p else None
        rows.append((f"score {n:,} tokens, median", seconds(om), seconds(pm), ratio(om, pm)))
    o, p = load(out, f"{model}-generate", "ours"), load(out, f"{model}-generate", "peer")
    if o or p:
        any_data = True
        og, pg = (o or {}).get("generate"), (p or {}).get("generate")
        rows.append((f"generate {(og or pg)['new_tokens']} tokens, tokens/s",
                     f"{og['tokens_per_s']:.1f}" if og else "–", f"{pg['tokens_per_s']:.1f}" if pg else "–",
                     ratio(pg["tokens_per_s"] if pg else None, og["tokens_per_s"] if og else None)))
        rows.append(("first token (16-token prompt)", f"{og['first_token_ms']:.0f} ms" if og else "–",
                     f"{pg['first_token_ms']:.0f} ms" if pg else "–",
                     ratio(og["first_token_ms"] if og else None, pg["first_token_ms"] if pg else None)))
        if og and "step_forward_ms" in og:
            rows.append(("a step: forward pass / the rest",
                         f"{og['step_forward_ms']:.1f} / {og['step_other_ms']:.1f} ms", "–", ""))
        ou, pu = (o or {}).get("generate_uncached"), (p or {}).get("generate_uncached")
        if ou or pu:
            rows.append((f"generate {(ou or pu)['new_tokens']} tokens without the cache, tokens/s",
                         f"{ou['tokens_per_s']:.2f}" if ou else "–", f"{pu['tokens_per_s']:.2f}" if pu else "–",
                         ratio(pu["tokens_per_s"] if pu else None, ou["tokens_per_s"] if ou else None)))
    loads = [d for d in (load(out, f"{model}-score1024", "ours"), load(out, f"{model}-score1024", "peer"))]
    if any(loads):
        rows.insert(0, ("load", seconds(loads[0]["load_s"]) if loads[0] else "–",
                        seconds(loads[1]["load_s"]) if loads[1] else "–",
                        ratio(loads[0]["load_s"] if loads[0] else None, loads[1]["load_s"] if loads[1] else None)))
        peaks = [max(load(out, f"{model}-score{n}", w)["peak_rss_bytes"]
                     for n in LENGTHS if load(out, f"{model}-score{n}", w))
                 if any(load(out, f"{model}-score{n}", w) for n in LENGTHS) else None for w in ("ours", "peer")]
        rows.append(("peak RSS (largest of the scoring runs)",
                     f"{peaks[0] / 2**30:.2f} GiB" if peaks[0] else "–",
                     f"{peaks[1] / 2**30:.2f} GiB" if peaks[1] else "–", ""))
    if not any_data:
        return None
    lines = [f"### {LABELS[model]}", "", "| | tokenscope | PyTorch eager | tokenscope's advantage |",
             "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


def plot(out, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    colours = {"gpt2": "#1f77b4", "gpt2-medium": "#2ca02c", "gpt2-large": "#d62728", "gpt2-xl": "#9467bd"}
    for model in MODELS:
        for who, style in (("ours", "-o"), ("peer", "--s")):
            points = [(n, load(out, f"{model}-score{n}", who)) for n in LENGTHS]
            points = [(n, d["score"]["median_s"]) for n, d in points if d]
            if points:
                xs, ys = zip(*points)
                left.plot(xs, ys, style, color=colours[model], markersize=4,
                          label=f"{model} {'tokenscope' if who == 'ours' else 'PyTorch'}")
    left.set_xscale("log", base=2)
    left.set_yscale("log")
    left.set_xlabel("tokens scored (past 1,024: windows)")
    left.set_ylabel("seconds, median")
    left.set_title("Scoring time against length")
    left.grid(True, which="both", color="#e6e6e6")
    left.legend(fontsize=7, ncol=2)
    for who, colour in (("ours", "#1f77b4"), ("peer", "#ff7f0e")):
        d = load(out, "gpt2-long", who)
        if d and d.get("generate"):
            steps = d["generate"]["step_ms"]
            prompt = d["generate"]["prompt_tokens"]
            right.plot(range(prompt, prompt + len(steps)), steps, color=colour, linewidth=0.7, alpha=0.8,
                       label="tokenscope" if who == "ours" else "PyTorch eager")
    right.set_xlabel("position of the new token")
    right.set_ylabel("ms per step")
    right.set_title("gpt2: greedy step time against position (KV cache)")
    right.grid(True, color="#e6e6e6")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", help="the OUT_DIR of bench/run.sh")
    p.add_argument("--plot", help="write the cost plot to this PNG")
    args = p.parse_args()
    tables = [t for t in (table(args.out, m) for m in MODELS) if t]
    if not tables:
        sys.exit(f"No bench/run.sh results in {args.out}.")
    print("\n\n".join(tables))
    if args.plot:
        plot(args.out, args.plot)


if __name__ == "__main__":
    main()
