#!/usr/bin/env bash
# Runs tokenscope's `bench` and the PyTorch peer (bench/peer_torch.py) on the same checkpoints, one
# configuration after the other so that both see the same machine, and writes one JSON per run:
#   OUT/<model>-score<N>-<who>.json, OUT/<model>-generate-<who>.json, OUT/gpt2-long-<who>.json
# (round r > 1 of ROUNDS: ...-<who>.r<r>.json), and the log-probabilities of the longest scoring
# of each program, OUT/<model>-logprobs-<who>.tsv, which bench/agree.py compares.
#
#   bench/run.sh CKPT_DIR OUT_DIR [MODEL...]        (models default: gpt2 gpt2-medium gpt2-large)
#
# CKPT_DIR/<model> are checkpoint folders (see BENCHMARKS.md for making random GPT-2- or
# family-shaped ones). Environment: PYTHON (default /usr/bin/python3), JAVA (default
# $JAVA_HOME/bin/java), PEER=0 skips the peer, LONG=0 skips the 1,000-token generation run, REPEAT
# (default 3), LENGTHS (tokens scored, default "64 256 1024 4096"), NEW and UNCACHED (tokens generated
# with and without the cache, default 64 and 32), ROUNDS (default 1: how often each configuration
# is run, ours and the peer's alternating), JAR (default target/tokenscope.jar; another build's jar
# for a before/after comparison, with WHO=name to tell its files apart from "ours"), LOGPROBS=0
# leaves out --logprobs (a build before it).
#
# On a shared machine: before each run it waits until nothing else is runnable (/proc/stat's
# procs_running) for 5 s, samples procs_running every half second while the run lasts, and runs a
# configuration again (TRIES, default 3) when other processes were runnable in more than 10% of the
# samples. OUT/contention.tsv says how contended each kept run was, with the load averages
# (/proc/loadavg) before and after it. QUIET=0 turns the waiting and the retries off.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
ckpt="$1"; out="$2"; shift 2
models=("$@"); [ ${#models[@]} -gt 0 ] || models=(gpt2 gpt2-medium gpt2-large)
python="${PYTHON:-/usr/bin/python3}"
java="${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}"
jar="${JAR:-$here/target/tokenscope.jar}"
ours_name="${WHO:-ours}"
lengths=(${LENGTHS:-64 256 1024 4096})
repeat="${REPEAT:-3}"
mkdir -p "$out"
# The peer's BLAS is whatever Debian's libblas.so.3 alternative points at: OpenBLAS ("auto") or the
# reference BLAS, twenty times slower on a GEMM. Record it, and say so when it is the reference one.
blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)"
echo "$blas" > "$out/peer-blas.txt"
case "$blas" in
  */blas/libblas.so.3) echo "warning: the peer runs on the reference BLAS ($blas); 'update-alternatives --auto libblas.so.3-x86_64-linux-gnu' selects OpenBLAS" >&2 ;;
esac

running() { awk '/procs_running/ {print $2}' /proc/stat; }

wait_quiet() { # until 5 s in a row with nothing runnable but this check
  [ "${QUIET:-1}" != 0 ] || return 0
  local calm=0
  while [ "$calm" -lt 10 ]; do
    if [ "$(running)" -le 1 ]; then calm=$((calm + 1)); else calm=0; fi
    sleep 0.5
  done
}

measured() { # FILE COMMAND...: runs it, prints the share of half-seconds in which others were runnable
  local file="$1"; shift
  local samples; samples="$(mktemp)"
  ( while true; do running >> "$samples"; sleep 0.5; done ) &
  local monitor=$!
  "$@" > "$file"
  kill "$monitor"; wait "$monitor" 2>/dev/null || true
  # ours: 2 engine threads (+ the sampler); more than 3 runnable means someone else wanted a core
  awk '{ n++; if ($1 > 3) busy++ } END { printf "%.2f\n", n ? busy / n : 0 }' "$samples"
  rm -f "$samples"
}

ours() { "$java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages -Xmn64m -jar "$jar" bench --json "$@" 2>>"$out/$ours_name.log"; }
peer() { "$python" "$here/bench/peer_torch.py" --json "$@" 2>>"$out/peer.log"; }

run() { # NAME ARGS...: ours, then the peer, with the same arguments ({who} in one: ours/peer); again while contended
  local name="$1"; shift
  local try who share round file before
  for round in $(seq 1 "${ROUNDS:-1}"); do
    for who in "$ours_name" peer; do
      [ "$who" != peer ] || [ "${PEER:-1}" != 0 ] || continue
      file="$out/$name-$who.json"; [ "$round" = 1 ] || file="$out/$name-$who.r$round.json"
      for try in $(seq 1 "${TRIES:-3}"); do
        wait_quiet
        before="$(cut -d' ' -f1-3 /proc/loadavg)"
        echo "$(date +%T) load $before: $name $who (round $round, try $try)" >&2
        if [ "$who" = peer ]; then
          share="$(measured "$file" peer "${@//\{who\}/$who}")"
        else
          share="$(measured "$file" ours "${@//\{who\}/$who}")"
        fi
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$who" "$round" "$try" "$share" "$before" \
          "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/contention.tsv"
        awk "BEGIN { exit !($share <= 0.10) }" && break
        [ "${QUIET:-1}" != 0 ] || break
      done
    done
  done
}

for m in "${models[@]}"; do
  for n in "${lengths[@]}"; do
    r="$repeat"
    # the long texts of the large models take minutes a pass: one timed pass after the warm-up
    if [ "$n" = 4096 ] && [ "$m" != gpt2 ]; then r=1; fi
    if [ "$m" = gpt2-xl ] && [ "$n" -ge 1024 ]; then r=1; fi
    extra=()
    if [ "$n" = "${lengths[-1]}" ] && [ "${LOGPROBS:-1}" != 0 ]; then extra=(--logprobs "$out/$m-logprobs-{who}.tsv"); fi
    run "$m-score$n" --model "$ckpt/$m" --tokens "$n" --new-tokens 0 --uncached-new-tokens 0 --repeat "$r" "${extra[@]}"
  done
  k="${NEW:-64}"; u="${UNCACHED:-32}"
  if [ "$m" = gpt2-xl ]; then k="${NEW:-16}"; u="${UNCACHED:-8}"; fi
  [ "$k" = 0 ] && [ "$u" = 0 ] || \
    run "$m-generate" --model "$ckpt/$m" --tokens 64 --new-tokens "$k" --uncached-new-tokens "$u" --repeat "$repeat"
  if [ "${PEER:-1}" != 0 ] && [ -s "$out/$m-logprobs-$ours_name.tsv" ] && [ -s "$out/$m-logprobs-peer.tsv" ]; then
    echo "$m: $(python3 "$here/bench/agree.py" "$out/$m-logprobs-$ours_name.tsv" "$out/$m-logprobs-peer.tsv" 2>&1)" \
      | tee -a "$out/agree.txt" >&2 || true
  fi
done
if [ "${LONG:-1}" != 0 ] && [ -d "$ckpt/gpt2" ]; then
  # generation time per step against position, up to the end of the context
  run "gpt2-long" --model "$ckpt/gpt2" --tokens 64 --new-tokens 1000 --uncached-new-tokens 0 --repeat 1
fi
echo "$(date +%T) done" >&2
