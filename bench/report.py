#!/usr/bin/env python3
"""Turns the JSON files of bench/run.sh into BENCHMARKS.md's tables and its plots.

  python3 bench/report.py OUT_DIR [--plot docs/bench-cost.png] [--family-plot docs/bench-families.png]
  python3 bench/report.py --before-after BA_DIR...     (GPT-2 before and after a change)

Reads OUT_DIR/<model>-score<N>-<who>.json, <model>-generate-<who>.json and gpt2-long-<who>.json
(who: ours, peer; the rounds of ROUNDS > 1, ...-<who>.r<r>.json, are merged into their medians),
OUT_DIR/contention.tsv (the load averages) and OUT_DIR/agree.txt (bench/agree.py's verdicts), and
prints one Markdown table per model on stdout. --plot draws scoring time against tokens (log-log,
every size, both programs) and generation time per step against position (gpt2, both programs) into
one PNG; --family-plot draws the families' scoring time and generation speed, both programs.
--before-after reads BA_DIR/gpt2-score1024-{before,after}.json and gpt2-generate-{before,after}.json
of several rounds (bench/run.sh with JAR=, WHO=before / WHO=after, PEER=0) and prints their table.
Needs matplotlib only for the plots.
"""
import argparse
import glob
import json
import os
import statistics
import sys

MODELS = ["gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl", "smollm2-135m", "qwen2.5-0.5b", "llama3.2-1b"]
FAMILIES = ["smollm2-135m", "qwen2.5-0.5b", "llama3.2-1b"]
LABELS = {"gpt2": "gpt2 (124M)", "gpt2-medium": "gpt2-medium (355M)", "gpt2-large": "gpt2-large (774M)",
          "gpt2-xl": "gpt2-xl (1.5B)", "smollm2-135m": "SmolLM2-135M shape", "qwen2.5-0.5b": "Qwen2.5-0.5B shape",
          "llama3.2-1b": "Llama-3.2-1B shape"}
LENGTHS = [64, 256, 1024, 4096]
GOAL_OVER_WEIGHTS = 700e6  # peak RSS goal: the F32 weights + 700 MB


def read_json(path):
    with open(path) as f:
        text = f.read().strip()
    return json.loads(text) if text else None


def merged(runs):
    """The rounds of one configuration as one: the median of each number, the first of anything else."""
    if len(runs) == 1:
        return runs[0]
    first = runs[0]
    if isinstance(first, dict):
        return {k: merged([r[k] for r in runs if isinstance(r, dict) and k in r]) for k in first}
    if isinstance(first, (int, float)) and not isinstance(first, bool) and all(
            isinstance(r, (int, float)) for r in runs):
        return statistics.median(runs)
    return first


def load(out, name, who):
    paths = [os.path.join(out, f"{name}-{who}.json")] + sorted(glob.glob(os.path.join(out, f"{name}-{who}.r*.json")))
    runs = [d for d in (read_json(p) for p in paths if os.path.exists(p)) if d]
    if not runs:
        return None
    result = merged(runs)
    result["rounds"] = len(runs)
    return result


def loads_of(out, name, who):
    """The 1-minute load averages before the runs of one configuration, from contention.tsv."""
    path = os.path.join(out, "contention.tsv")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    return [float(r[5].split()[0]) for r in rows if len(r) >= 7 and r[0] == name and r[1] == who]


def seconds(x):
    return "–" if x is None else (f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s")


def speed(x):
    return f"{x:.3g}"


def ratio(ours, peer):
    return "–" if not ours or not peer else f"{peer / ours:.2f}×"


def table(out, model):
    rows = []
    any_data = False
    notes = []
    for n in LENGTHS:
        o, p = load(out, f"{model}-score{n}", "ours"), load(out, f"{model}-score{n}", "peer")
        if o or p:
            any_data = True
        om = o["score"]["median_s"] if o else None
        pm = p["score"]["median_s"] if p else None
        if om is None and pm is None:
            continue
        rows.append((f"score {n:,} tokens, median", seconds(om), seconds(pm), ratio(om, pm)))
        oc = o["score"].get("cpu_s") if o else None
        pc = p["score"].get("cpu_s") if p else None
        if oc is not None or pc is not None:
            rows.append((f"score {n:,} tokens, CPU seconds (both cores)", seconds(oc), seconds(pc), ratio(oc, pc)))
    o, p = load(out, f"{model}-generate", "ours"), load(out, f"{model}-generate", "peer")
    if o or p:
        any_data = True
        og, pg = (o or {}).get("generate"), (p or {}).get("generate")
        rows.append((f"generate {(og or pg)['new_tokens']} tokens, tokens/s",
                     speed(og['tokens_per_s']) if og else "–", speed(pg['tokens_per_s']) if pg else "–",
                     ratio(pg["tokens_per_s"] if pg else None, og["tokens_per_s"] if og else None)))
        if og and pg and "cpu_s" in og and "cpu_s" in pg:
            rows.append(("generate, CPU seconds (both cores)", seconds(og["cpu_s"]), seconds(pg["cpu_s"]),
                         ratio(og["cpu_s"], pg["cpu_s"])))
        rows.append(("first token (16-token prompt)", f"{og['first_token_ms']:.0f} ms" if og else "–",
                     f"{pg['first_token_ms']:.0f} ms" if pg else "–",
                     ratio(og["first_token_ms"] if og else None, pg["first_token_ms"] if pg else None)))
        if og and "step_forward_ms" in og:
            rows.append(("a step: forward pass / the rest",
                         f"{og['step_forward_ms']:.1f} / {og['step_other_ms']:.1f} ms", "–", ""))
        ou, pu = (o or {}).get("generate_uncached"), (p or {}).get("generate_uncached")
        if ou or pu:
            rows.append((f"generate {(ou or pu)['new_tokens']} tokens without the cache, tokens/s",
                         speed(ou['tokens_per_s']) if ou else "–", speed(pu['tokens_per_s']) if pu else "–",
                         ratio(pu["tokens_per_s"] if pu else None, ou["tokens_per_s"] if ou else None)))
    longest = next((n for n in (1024, 4096, 256, 64) if load(out, f"{model}-score{n}", "ours")
                    or load(out, f"{model}-score{n}", "peer")), 1024)
    loads = [load(out, f"{model}-score{longest}", "ours"), load(out, f"{model}-score{longest}", "peer")]
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
        parameters = next((d["parameters"] for d in loads if d), None)
        if model in FAMILIES and parameters:
            goal = 4 * parameters + GOAL_OVER_WEIGHTS
            rows.append(("peak RSS goal: F32 weights + 700 MB", f"{goal / 2**30:.2f} GiB",
                         "", "met" if peaks[0] and peaks[0] <= goal else "not met"))
    if not any_data:
        return None
    for who in ("ours", "peer"):
        averages = [a for n in LENGTHS for a in loads_of(out, f"{model}-score{n}", who)]
        averages += loads_of(out, f"{model}-generate", who)
        if averages:
            notes.append(f"{'tokenscope' if who == 'ours' else 'peer'} {min(averages):.1f}–{max(averages):.1f}")
    lines = [f"### {LABELS[model]}", "", "| | tokenscope | PyTorch eager | tokenscope's advantage |",
             "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    if notes:
        lines += ["", "1-minute load average before the runs: " + ", ".join(notes) + "."]
    agree = os.path.join(out, "agree.txt")
    if os.path.exists(agree):
        with open(agree) as f:
            verdicts = [line.strip() for line in f if line.startswith(model + ":")]
        if verdicts:
            lines += ["", "Same log-probabilities (bench/agree.py, the longest text scored): " + verdicts[-1].split(": ", 1)[1]]
    return "\n".join(lines)


def before_after(dirs):
    """GPT-2 before and after, every round and the medians."""
    runs = {w: [d for d in (load(x, "gpt2-score1024", w) for x in dirs) if d] for w in ("before", "after")}
    gens = {w: [d for d in (load(x, "gpt2-generate", w) for x in dirs) if d] for w in ("before", "after")}
    lines = ["| gpt2 | before (82c2101, Gpt2Model) | after (LanguageModel) | after / before |", "|---|---|---|---|"]

    def row(label, values, fmt, higher_better=False):
        b, a = (statistics.median(values[w]) if values[w] else None for w in ("before", "after"))
        each = {w: ", ".join(fmt(v) for v in values[w]) for w in values}
        change = "–" if not a or not b else f"{a / b:.2f}"
        lines.append(f"| {label} | {fmt(b) if b else '–'} ({each['before']}) | {fmt(a) if a else '–'} ({each['after']}) "
                     f"| {change}{' (higher is better)' if higher_better else ''} |")

    row("score 1,024 tokens, median (each round)", {w: [d["score"]["median_s"] for d in runs[w]] for w in runs}, seconds)
    row("score 1,024 tokens, CPU seconds", {w: [d["score"]["cpu_s"] for d in runs[w]] for w in runs}, seconds)
    row("generate 16 tokens, tokens/s", {w: [d["generate"]["tokens_per_s"] for d in gens[w]] for w in gens},
        speed, True)
    row("a cached step's forward pass", {w: [d["generate"]["step_forward_ms"] for d in gens[w]] for w in gens},
        lambda v: f"{v:.1f} ms")
    row("peak RSS, scoring", {w: [d["peak_rss_bytes"] / 2**30 for d in runs[w]] for w in runs},
        lambda v: f"{v:.2f} GiB")
    averages = []
    for x in dirs:
        for w in ("before", "after"):
            averages += loads_of(x, "gpt2-score1024", w) + loads_of(x, "gpt2-generate", w)
    if averages:
        lines += ["", f"1-minute load average before the runs: {min(averages):.1f}–{max(averages):.1f}."]
    return "\n".join(lines)


def family_plot(out, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = [m for m in FAMILIES if load(out, f"{m}-score1024", "ours") or load(out, f"{m}-score256", "ours")]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    width = 0.38
    for i, who in enumerate(("ours", "peer")):
        scores, labels, speeds = [], [], []
        for m in models:
            n = 1024 if load(out, f"{m}-score1024", who) else 256
            d = load(out, f"{m}-score{n}", who)
            scores.append(d["score"]["median_s"] if d else 0)
            labels.append(f"{LABELS[m]}\n{n:,} tokens")
            g = load(out, f"{m}-generate", who)
            speeds.append(g["generate"]["tokens_per_s"] if g else 0)
        xs = [x + (i - 0.5) * width for x in range(len(models))]
        colour = "#1f77b4" if who == "ours" else "#ff7f0e"
        name = "tokenscope" if who == "ours" else "PyTorch eager"
        left.bar(xs, scores, width, color=colour, label=name)
        right.bar(xs, speeds, width, color=colour, label=name)
        left.set_xticks(range(len(models)), labels, fontsize=8)
        right.set_xticks(range(len(models)), [LABELS[m] for m in models], fontsize=8)
    left.set_ylabel("seconds, median (lower is better)")
    left.set_title("Scoring (random ids, one window)")
    right.set_ylabel("tokens/s (higher is better)")
    right.set_title("Greedy generation with the KV cache")
    for ax in (left, right):
        ax.grid(True, axis="y", color="#e6e6e6")
        ax.legend(fontsize=8)
    loads = []  # the 1-minute load averages bench/run.sh recorded before each run
    if os.path.exists(os.path.join(out, "contention.tsv")):
        with open(os.path.join(out, "contention.tsv")) as f:
            loads = [float(row.split("\t")[5].split()[0]) for row in f if row.count("\t") >= 6]
    where = f" (load average {min(loads):.1f}–{max(loads):.1f} before the runs)" if loads else ""
    fig.suptitle(f"Family-shaped random checkpoints, 2 cores{where}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)


def plot(out, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2), dpi=110)
    colours = {"gpt2": "#1f77b4", "gpt2-medium": "#2ca02c", "gpt2-large": "#d62728", "gpt2-xl": "#9467bd"}
    for model in MODELS[:4]:  # the GPT-2 sizes
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
    p.add_argument("out", nargs="?", help="the OUT_DIR of bench/run.sh")
    p.add_argument("--plot", help="write the cost plot to this PNG")
    p.add_argument("--family-plot", help="write the families' plot to this PNG")
    p.add_argument("--before-after", nargs="+", metavar="BA_DIR", help="print the GPT-2 before/after table")
    args = p.parse_args()
    if args.before_after:
        print(before_after(args.before_after))
        return
    if not args.out:
        p.error("give OUT_DIR or --before-after")
    tables = [t for t in (table(args.out, m) for m in MODELS) if t]
    if not tables:
        sys.exit(f"No bench/run.sh results in {args.out}.")
    print("\n\n".join(tables))
    if args.plot:
        plot(args.out, args.plot)
    if args.family_plot:
        family_plot(args.out, args.family_plot)


if __name__ == "__main__":
    main()
