#!/usr/bin/env bash
# The README's detection demonstration, reproducible: a labelled corpus of human paragraphs the
# bundled models never trained on (pieces of the 5 % held out of their training corpus, cut as
# `train` cut it) against texts sampled from the bundled tokenscope-large, then `corpus` with
# tokenscope-small as observer and scorer and tokenscope-large as performer and reference, and the
# README's table of the result.
#
#   bench/detect-demo.sh [OUT_DIR] [N]      (default target/detect-demo, 100 documents of each class)
#
# CORPUS (default target/corpus/english-and-python.txt, made by assets/models/prepare-corpus.sh when
# missing) must be the corpus the bundled models were trained on (training.json names it): its
# held-out blocks are the human documents. The Python documentation comes first in it, so its
# held-out blocks there are the ones the earlier, Python-only models held out too.
# Needs what prepare-corpus.sh needs (when the corpus is missing), python3 and a JDK ≥ 21.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/detect-demo}"
n="${2:-100}"
corpus="${CORPUS:-target/corpus/english-and-python.txt}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mkdir -p "$out"
[ -f "$corpus" ] || assets/models/prepare-corpus.sh "$corpus"
./mvnw -B -q -DskipTests package
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" -Dmdep.includeScope=test
"$java" -cp "target/test-classes:target/classes:$(cat "$out/cp.txt")" org.tokenscope.cli.DetectDemoCorpus \
    "$corpus" assets/models/tokenscope-large "$out/corpus.jsonl" "$n"
rm -f "$out/scores.jsonl"
"$java" -jar target/tokenscope.jar corpus --model tokenscope-small --compare tokenscope-large \
    --input "$out/corpus.jsonl" --id-field id --label-field label --out "$out/scores.jsonl" --json > "$out/summary.json"
cat "$out/summary.json"
# the README's table, from the summary and the document lines
python3 - "$out/summary.json" "$out/scores.jsonl" <<'PY' | tee "$out/table.md"
import json, sys
summary = json.load(open(sys.argv[1]))
docs = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
human = sum(d["label"] == "human" for d in docs)
print(f"{summary['documents']:,} documents ({human} human, {len(docs) - human} machine, {summary['tokens']:,} tokens)\n")
rows = [("binoculars", "Binoculars (lower)", "≤"), ("fast_detectgpt", "Fast-DetectGPT (higher)", "≥"),
        ("perplexity_A", "perplexity under tokenscope-small (lower)", "≤"),
        ("perplexity_B", "perplexity under tokenscope-large (lower)", "≤")]
print("| metric (machine-like is …) | AUROC | TPR at 1 % FPR | threshold |")
print("|---|---|---|---|")
for key, name, side in rows:
    m = summary["metrics"].get(key)
    if m is None:
        continue
    f = lambda v, d=3: "–" if v is None else f"{v:.{d}f}"
    t = m["threshold"]
    print(f"| {name} | {f(m['auroc'])} | {f(m['tpr_at_1pct_fpr'])} | {'–' if t is None else side + ' ' + format(t, '.3g')} |")
PY
