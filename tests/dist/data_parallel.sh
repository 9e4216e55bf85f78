#!/usr/bin/env bash
# Data-parallel training (issue 10): 2 ranks under mpirun end with the weights of one process training on the
# same global batches — for a model without batch norm, and with synchronized batch norm; per-process batch
# norm (no --sync-bn) is the control that must come out different; a rank that fails stops the whole job.
# Usage: data_parallel.sh THORAX PYTHON WORKDIR
set -uo pipefail
thorax=$1 python=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
# 112 training images in 7 batches of 16 per epoch, 2 epochs: 14 optimizer steps. SGD at lr 0.01: at 0.05 this
# small net's loss jumps about in the third epoch and rounding differences grow with it.
common=(--data "embedded?n=160&res=64&seed=2&cache=$work/cache" --res 32 --epochs 2 --batch 16 --threads 1
        --optimizer sgd --lr 0.01 --seed 3)
fail=0
run() {  # NAME PROCESSES MODEL [extra options]
  local name=$1 np=$2 model=$3
  shift 3
  if [ "$np" = 1 ]; then
    "$thorax" train "${common[@]}" --model "$model" "$@" --out "$work/$name" > "$work/$name.log" 2>&1
  else
    bash "$here/mpirun.sh" "$np" "$thorax" train "${common[@]}" --model "$model" "$@" --out "$work/$name" \
      > "$work/$name.log" 2>&1
  fi || { echo "FAIL: $name did not finish:"; tail -5 "$work/$name.log"; fail=1; }
}
compare() {  # LABEL A B python-options
  local label=$1 a=$2 b=$3
  shift 3
  echo -n "$label: "
  "$python" "$here/compare_weights.py" "$work/$a/checkpoint-last.safetensors" "$work/$b/checkpoint-last.safetensors" "$@" ||
    { echo "FAIL: $label"; fail=1; }
}

run plain_1 1 "small_cnn?norm=none&width=8"
run plain_2 2 "small_cnn?norm=none&width=8" --distributed
compare "no batch norm, 2 ranks vs 1 process" plain_2 plain_1 --tol 1e-5
run bn_1 1 "small_cnn?width=8"
run bn_sync_2 2 "small_cnn?width=8" --distributed --sync-bn
compare "synchronized batch norm, 2 ranks vs 1 process" bn_sync_2 bn_1 --tol 1e-4
run bn_local_2 2 "small_cnn?width=8" --distributed
compare "control: per-process batch norm, 2 ranks vs 1 process" bn_local_2 bn_1 --expect-above 1e-3
grep -h "^distributed:" "$work/bn_sync_2.log"
grep -q "^finished after 2 epochs" "$work/bn_sync_2.log" && [ "$(grep -c '^finished after' "$work/bn_sync_2.log")" = 1 ] ||
  { echo "FAIL: rank 0 alone should print the run's summary"; fail=1; }

# A rank that fails (here: rank 0 cannot read the data) stops every rank, with the reason.
bash "$here/mpirun.sh" 2 "$thorax" train --data "folder:$work/no-such-folder" --distributed --out "$work/failed" \
  > "$work/failed.log" 2>&1
status=$?
if [ "$status" -ne 0 ] && grep -q "rank [01] of 2): .*stopping every rank of the job" "$work/failed.log"; then
  echo "failed rank: exit $status, $(grep -o 'rank [01] of 2): [^—]*' "$work/failed.log" | head -1)"
else
  echo "FAIL: a failing rank should stop the job with its reason (exit $status):"
  cat "$work/failed.log"
  fail=1
fi
[ "$fail" = 0 ] && echo "data-parallel: all checks passed"
exit "$fail"
