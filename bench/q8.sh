#!/usr/bin/env bash
# tokenscope's weight formats side by side with llama.cpp, one run after the other on the same machine:
#   OUT/<model>-ours-<f32|bf16|q8>.json   (tokenscope bench --weights W)
#   OUT/<model>-llamacpp-<q8_0|f32>.json  (bench/peer_llamacpp.mjs on a GGUF from bench/gguf_convert.py)
#   OUT/<model>-llamacpp-q8_0-noamx.json  (the same with AMX refused, bench/noamx.c; only where the CPU has AMX)
#
#   bench/q8.sh CKPT_DIR OUT_DIR [MODEL...]     (models default: gpt2; GGUF and llama.cpp for gpt2 only)
#
# Environment: WEIGHTS (default "f32 q8"), REPEAT (default 3), TOKENS (default 1024), NEW (default 32),
# LLAMACPP=0 skips llama.cpp, JAVA (default $JAVA_HOME/bin/java), PYTHON (default python3), THREADS (default 2:
# both sides' threads; THREADS=1 runs everything on one thread (our Java kernels too: Rows reads the common pool's 0), whose CPU seconds (cpu_s) stay comparable on a
# machine shared with other work, where spinning thread pools make two-thread wall times meaningless).
# OUT/load.tsv notes the load average before each run: this project's machines are shared.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ckpt="$1"; out="$2"; shift 2
models=("$@"); [ ${#models[@]} -gt 0 ] || models=(gpt2)
java="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"
python="${PYTHON:-python3}"
repeat="${REPEAT:-3}" tokens="${TOKENS:-1024}" new="${NEW:-32}" threads="${THREADS:-2}"
single=()
[ "$threads" = 1 ] && single=(-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1
                             -Djava.util.concurrent.ForkJoinPool.common.parallelism=0)
mkdir -p "$out"
load() { printf '%s\t%s\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/load.tsv"; }
for m in "${models[@]}"; do
  for w in ${WEIGHTS:-f32 q8}; do
    load "$m-ours-$w"
    "$java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages -Xmn64m ${single[@]+"${single[@]}"} \
      -jar "$here/target/tokenscope.jar" \
      bench --model "$ckpt/$m" --weights "$w" --tokens "$tokens" --new-tokens "$new" --uncached-new-tokens 0 \
      --repeat "$repeat" --json > "$out/$m-ours-$w.json" 2>> "$out/ours.log"
  done
  if [ "${LLAMACPP:-1}" != 0 ] && [ "$m" = gpt2 ]; then
    for t in q8_0 f32; do
      gguf="$out/$m-$t.gguf"
      [ -f "$gguf" ] || "$python" "$here/bench/gguf_convert.py" "$ckpt/$m" "$gguf" --type "$t"
      load "$m-llamacpp-$t"
      node "$here/bench/peer_llamacpp.mjs" --model "$gguf" --tokens "$tokens" --new-tokens "$new" --repeat "$repeat" \
        --threads "$threads" \
        > "$out/$m-llamacpp-$t.json" 2>> "$out/llamacpp.log"
    done
    # On a CPU with AMX (Xeon Sapphire Rapids and later) llama.cpp multiplies Q8_0 matrices with it; once
    # more with AMX refused (bench/noamx.c): llama.cpp as it runs on every CPU without AMX, laptops included.
    if grep -qw amx_int8 /proc/cpuinfo 2>/dev/null && command -v cc > /dev/null; then
      cc -shared -fPIC -O2 -o "$out/libnoamx.so" "$here/bench/noamx.c" -ldl
      load "$m-llamacpp-q8_0-noamx"
      LD_PRELOAD="$out/libnoamx.so" node "$here/bench/peer_llamacpp.mjs" --model "$out/$m-q8_0.gguf" --tokens "$tokens" \
        --new-tokens "$new" --repeat "$repeat" --threads "$threads" \
        > "$out/$m-llamacpp-q8_0-noamx.json" 2>> "$out/llamacpp-noamx.log"
      rm -f "$out/libnoamx.so"
    fi
  fi
done
