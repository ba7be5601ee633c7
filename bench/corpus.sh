#!/usr/bin/env bash
# The corpus benchmark, ready to run: 200 documents of about 300 GPT-2 tokens through two gpt2-shaped
# checkpoints (A observer/scorer, B performer/reference), tokenscope's `corpus` (at each --batch of
# BATCHES) against the PyTorch peer looping over the same documents one at a time
# (bench/corpus_peer_torch.py), both computing perplexity and GLTR of each model, Binoculars and
# Fast-DetectGPT; then whether their lines agree (bench/corpus_agree.py).
#
#   bench/corpus.sh CKPT_DIR OUT_DIR
#
# CKPT_DIR/gpt2a and CKPT_DIR/gpt2b (seeded random gpt2 shapes, BenchCheckpoint seeds 1 and 2) and
# CKPT_DIR/corpus.jsonl (BenchCorpus: N documents of T tokens, seed 1) are made when missing. Writes
#   OUT/ours-b<N>.jsonl, OUT/ours-b<N>.log     our document lines; stderr, whose last line is the rate
#   OUT/ours-b<N>.json                         {"batch", "documents", "tokens", "seconds", "documents_per_s", "tokens_per_s"}
#   OUT/peer.jsonl, OUT/peer.json              the peer's lines and {"documents_per_s", "tokens_per_s", ...}
#   OUT/agree-b<N>.json                        the largest differences between our lines and the peer's
#   OUT/summary.tsv                            who, batch, documents/s, tokens/s
# Both time from the first document to the last, loading excluded (ours also tokenizes each text and
# writes its line). Environment: PYTHON (default /usr/bin/python3), JAVA (default $JAVA_HOME/bin/java),
# BATCHES (default "1 8"), N (default 200), T (default 300), THREADS (the peer's torch threads, default
# all cores; ours uses PyTorch's default, all cores), PEER=0 skips the peer, QUIET=0 does not wait for
# the machine to be quiet before each run (as bench/run.sh does).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ckpt="$1"; out="$2"
python="${PYTHON:-/usr/bin/python3}"
java="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"
batches=(${BATCHES:-1 8})
n="${N:-200}"; t="${T:-300}"
mkdir -p "$ckpt" "$out"
cd "$here"

running() { awk '/procs_running/ {print $2}' /proc/stat; }
wait_quiet() { # until 5 s in a row with nothing runnable but this check
  [ "${QUIET:-1}" != 0 ] || return 0
  local calm=0
  while [ "$calm" -lt 10 ]; do
    if [ "$(running)" -le 1 ]; then calm=$((calm + 1)); else calm=0; fi
    sleep 0.5
  done
}

[ -f target/tokenscope.jar ] && [ -d target/test-classes ] || ./mvnw -B -q -DskipTests package
[ -f "$out/cp.txt" ] || ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$out/cp.txt" -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat "$out/cp.txt")"
[ -f "$ckpt/gpt2a/model.safetensors" ] || "$java" -cp "$cp" org.tokenscope.testing.BenchCheckpoint gpt2 "$ckpt/gpt2a" 1
[ -f "$ckpt/gpt2b/model.safetensors" ] || "$java" -cp "$cp" org.tokenscope.testing.BenchCheckpoint gpt2 "$ckpt/gpt2b" 2
[ -f "$ckpt/corpus.jsonl" ] || "$java" -cp "$cp" org.tokenscope.testing.BenchCorpus "$ckpt/corpus.jsonl" "$n" "$t" 1

printf 'who\tbatch\tdocuments_per_s\ttokens_per_s\n' > "$out/summary.tsv"
for b in "${batches[@]}"; do
  rm -f "$out/ours-b$b.jsonl"
  wait_quiet
  "$java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages -Xmn64m -jar target/tokenscope.jar corpus \
      --model "$ckpt/gpt2a" --compare "$ckpt/gpt2b" --input "$ckpt/corpus.jsonl" --id-field id --label-field label \
      --out "$out/ours-b$b.jsonl" --batch "$b" --no-progress --json > "$out/ours-b$b.summary.json" 2> "$out/ours-b$b.log"
  # "scored 200 documents (61234 tokens) in 12.34 s: 16.21 documents/s, 4962 tokens/s"
  tail -n 1 "$out/ours-b$b.log" | sed -E 's/^scored ([0-9]+) documents \(([0-9]+) tokens\) in ([0-9.]+) s: ([0-9.]+) documents\/s, ([0-9.]+) tokens\/s$/{"batch": '"$b"', "documents": \1, "tokens": \2, "seconds": \3, "documents_per_s": \4, "tokens_per_s": \5}/' \
      > "$out/ours-b$b.json"
  "$python" -c 'import json,sys; d=json.load(open(sys.argv[1])); print("ours\t%s\t%.3f\t%.1f" % (d["batch"], d["documents_per_s"], d["tokens_per_s"]))' \
      "$out/ours-b$b.json" >> "$out/summary.tsv"
done
if [ "${PEER:-1}" != 0 ]; then
  wait_quiet
  "$python" bench/corpus_peer_torch.py --model "$ckpt/gpt2a" --compare "$ckpt/gpt2b" --input "$ckpt/corpus.jsonl" \
      --out "$out/peer.jsonl" ${THREADS:+--threads "$THREADS"} --json > "$out/peer.json"
  "$python" -c 'import json,sys; d=json.load(open(sys.argv[1])); print("peer\t1\t%.3f\t%.1f" % (d["documents_per_s"], d["tokens_per_s"]))' \
      "$out/peer.json" >> "$out/summary.tsv"
  for b in "${batches[@]}"; do
    "$python" bench/corpus_agree.py "$out/ours-b$b.jsonl" "$out/peer.jsonl" --json > "$out/agree-b$b.json"
  done
fi
column -t "$out/summary.tsv"
