#!/usr/bin/env bash
# Data-parallel scaling on this machine, side by side in one run: one epoch of the same training (same global
# batch, same data) as 1 process × 1 thread, 1 process × 2 threads, and 2 MPI ranks × 1 thread each. Prints
# images/s of each (from the runs' metrics.jsonl) and the ratios. On 2 cores this measures what MPI ranks cost or
# gain against OpenMP threads on the same cores, not how thorax scales across machines.
# Usage: bench/dist_scaling.sh BUILD_DIR [MODEL] [RES] [IMAGES]
set -euo pipefail
build=${1:-build}
model=${2:-resnet18}
res=${3:-128}
images=${4:-600}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
common=(--data "embedded?n=$images&res=$res&seed=9&cache=$work/cache" --model "$model" --res "$res" --epochs 2
        --batch 32 --optimizer sgd --lr 0.01 --seed 1)
rate() {  # images/s of the second epoch (the first decodes and caches the images)
  /usr/bin/python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[1])['train_images_per_s'])" \
    "$1/metrics.jsonl"
}
[ -x "$build/thorax" ] || { echo "no $build/thorax: build first (make build)" >&2; exit 1; }
"$build/thorax" train "${common[@]}" --threads 1 --out "$work/p1t1" > /dev/null 2>&1
"$build/thorax" train "${common[@]}" --threads 2 --out "$work/p1t2" > /dev/null 2>&1
bash "$here/../tests/dist/mpirun.sh" 2 "$build/thorax" train "${common[@]}" --threads 1 --distributed \
  --out "$work/p2t1" > /dev/null 2>&1
a=$(rate "$work/p1t1") b=$(rate "$work/p1t2") c=$(rate "$work/p2t1")
/usr/bin/python3 - "$model" "$res" "$a" "$b" "$c" <<'PY'
import sys
model, res, a, b, c = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:])
print(f"data-parallel scaling, {model} at {res} px, batch 32, training images/s (epoch 2):")
print(f"  1 process  x 1 thread : {a:8.1f}")
print(f"  1 process  x 2 threads: {b:8.1f}  ({b / a:.2f}x of 1 thread)")
print(f"  2 MPI ranks x 1 thread: {c:8.1f}  ({c / a:.2f}x of 1 thread, {c / b:.2f}x of 2 threads)")
PY
