#!/usr/bin/env bash
# The README's detection demonstration, reproducible: a labelled corpus of human paragraphs the
# bundled models never trained on (pieces of the 5 % held out of their training corpus) against
# texts sampled from the bundled tokenscope-large, then `corpus` with tokenscope-small as observer
# and scorer and tokenscope-large as performer and reference.
#
#   bench/detect-demo.sh [OUT_DIR] [N]      (default target/detect-demo, 100 documents of each class)
#
# Needs what assets/models/prepare-corpus.sh needs (apt-get download, dpkg-deb, python3) and a JDK ≥ 21.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/detect-demo}"
n="${2:-100}"
mkdir -p "$out"
[ -f target/corpus/python-docs.txt ] || assets/models/prepare-corpus.sh target/corpus/python-docs.txt
./mvnw -B -q -DskipTests package
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat "$out/cp.txt")" org.tokenscope.cli.DetectDemoCorpus \
    target/corpus/python-docs.txt assets/models/tokenscope-large "$out/corpus.jsonl" "$n"
rm -f "$out/scores.jsonl"
java -jar target/tokenscope.jar corpus --model tokenscope-small --compare tokenscope-large \
    --input "$out/corpus.jsonl" --id-field id --label-field label --out "$out/scores.jsonl" --json | tee "$out/summary.json"
