#!/usr/bin/env bash
# Crash safety (issue 11): a training run killed at any moment — at named points inside the atomic file writes
# (THORAX_CRASH_AT, tensor/crash_point.h) and at seeded random times — keeps its last good checkpoint intact, and
# `--resume` (repeated as often as it is killed) ends with exactly the weights of a run never interrupted.
# Usage: kill_resume.sh THORAX PYTHON WORKDIR
set -uo pipefail
thorax=$1 python=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
args=(--data "embedded?n=160&res=64&seed=8&cache=$work/cache" --model "small_cnn?width=8" --res 32 --epochs 4
      --batch 16 --threads 2 --optimizer sgd --lr 0.01 --seed 2)
fail=0
same_as_reference() {  # RUN_DIR LABEL
  "$python" "$here/../dist/compare_weights.py" "$1/checkpoint-last.safetensors" "$work/reference/checkpoint-last.safetensors" \
    --tol 0 > "$work/compare.log" 2>&1 && echo "$2: resumed run ends with the reference weights, bit for bit" ||
    { echo "FAIL: $2: $(cat "$work/compare.log")"; fail=1; }
}
resume_until_done() {  # RUN_DIR
  for _ in $(seq 10); do
    "$thorax" train --resume --out "$1" > "$1.resume.log" 2>&1 && return 0
  done
  echo "FAIL: $1 did not finish on resume: $(tail -2 "$1.resume.log")"
  fail=1
}

"$thorax" train "${args[@]}" --out "$work/reference" > "$work/reference.log" 2>&1 || { echo "FAIL: reference run"; exit 1; }

# Named points: the 3rd file write dies half-written, the 5th before its rename, the 6th just after it, and the
# process dies right after epoch 2's checkpoint. (Writes: config.json, split.json, then per epoch metrics.jsonl,
# checkpoint-best when better, checkpoint-last.)
for point in mid-write:3 before-rename:5 after-rename:6 mid-write:7 after-epoch:2; do
  dir="$work/crash-${point/:/-}"
  THORAX_CRASH_AT=$point "$thorax" train "${args[@]}" --out "$dir" > "$dir.log" 2>&1
  status=$?
  [ "$status" = 137 ] || { echo "FAIL: $point: expected death by SIGKILL (137), got $status"; fail=1; continue; }
  if [ -f "$dir/checkpoint-last.safetensors" ]; then
    "$thorax" model summary "$dir/checkpoint-last.safetensors" > /dev/null 2>&1 ||
      { echo "FAIL: $point: the last checkpoint does not load"; fail=1; }
    kept="checkpoint-last intact"
  else
    kept="no checkpoint yet"
  fi
  resume_until_done "$dir"
  same_as_reference "$dir" "killed at $point ($kept)"
done

# Seeded random kills: SIGKILL after a random 0.2-1.4 s, then resume, until the run finishes.
RANDOM=11
dir="$work/random-kills"
kills=0
"$thorax" train "${args[@]}" --out "$dir" > /dev/null 2>&1 &
pid=$!
sleep "0.$(( RANDOM % 9 + 2 ))"
kill -9 "$pid" 2> /dev/null && kills=$((kills + 1))
wait "$pid" 2> /dev/null
for _ in $(seq 40); do
  [ -f "$dir/predictions.csv" ] && break
  "$thorax" train --resume --out "$dir" > "$dir.log" 2>&1 &
  pid=$!
  sleep "$(( RANDOM % 2 )).$(( RANDOM % 9 + 2 ))"
  kill -9 "$pid" 2> /dev/null && kills=$((kills + 1))
  wait "$pid" 2> /dev/null
done
[ -f "$dir/predictions.csv" ] || resume_until_done "$dir"
same_as_reference "$dir" "killed $kills times at random"
leftovers=$(find "$work" -name '*.tmp.*' | wc -l)
[ "$leftovers" = 0 ] || { echo "FAIL: $leftovers temporary files left behind after resuming"; fail=1; }
[ "$fail" = 0 ] && echo "kill-resume: all checks passed"
exit "$fail"
