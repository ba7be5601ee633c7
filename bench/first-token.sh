#!/usr/bin/env bash
# The first token after a 16-token prompt, tokenscope q8 against llama.cpp Q8_0, in alternating rounds
# (one program's noisy minute does not land on one side only):
#   OUT/ours-q8-<r>.json, OUT/llamacpp-q8_0-<r>.json (and OUT/llamacpp-q8_0-noamx-<r>.json on a CPU with AMX)
# then one line a round: median (min–max) of the first token, and generation's tokens/s.
#
#   bench/first-token.sh CKPT_DIR/gpt2 GGUF OUT_DIR [ROUNDS]      (ROUNDS default 3; 20 prompts each)
#
# GGUF: bench/gguf_convert.py CKPT_DIR/gpt2 GGUF --type q8_0. Environment: JAVA, THREADS (default 2).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
model="$1"; gguf="$2"; out="$3"; rounds="${4:-3}"
java="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"
threads="${THREADS:-2}"
mkdir -p "$out"
amx=0
if grep -qw amx_int8 /proc/cpuinfo 2>/dev/null && command -v cc > /dev/null; then
  cc -shared -fPIC -O2 -o "$out/libnoamx.so" "$here/bench/noamx.c" -ldl
  amx=1
fi
for r in $(seq 1 "$rounds"); do
  "$java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages -Xmn64m \
    -jar "$here/target/tokenscope.jar" bench --model "$model" --weights q8 --tokens 64 --new-tokens 32 \
    --uncached-new-tokens 0 --repeat 20 --json > "$out/ours-q8-$r.json" 2>> "$out/ours.log"
  node "$here/bench/peer_llamacpp.mjs" --model "$gguf" --tokens 64 --new-tokens 32 --repeat 20 --threads "$threads" \
    > "$out/llamacpp-q8_0-$r.json" 2>> "$out/llamacpp.log"
  if [ "$amx" = 1 ]; then
    LD_PRELOAD="$out/libnoamx.so" node "$here/bench/peer_llamacpp.mjs" --model "$gguf" --tokens 64 --new-tokens 32 \
      --repeat 20 --threads "$threads" > "$out/llamacpp-q8_0-noamx-$r.json" 2>> "$out/llamacpp-noamx.log"
  fi
done
rm -f "$out/libnoamx.so"
python3 - "$out" "$rounds" << 'EOF'
import json, os, sys
out, rounds = sys.argv[1], int(sys.argv[2])
who = [w for w in ("ours-q8", "llamacpp-q8_0", "llamacpp-q8_0-noamx") if os.path.exists(f"{out}/{w}-1.json")]
print("| round | " + " | ".join(who) + " |")
print("|---|" + "---:|" * len(who))
for r in range(1, rounds + 1):
    cells = []
    for w in who:
        g = json.load(open(f"{out}/{w}-{r}.json"))["generate"]
        cells.append(f"{g['first_token_ms']:.1f} ms ({g['first_token_ms_min']:.1f}–{g['first_token_ms_max']:.1f}), "
                     f"{g['tokens_per_s']:.1f}/s")
    print(f"| {r} | " + " | ".join(cells) + " |")
EOF
