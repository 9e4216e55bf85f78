#!/bin/bash
# The main job (README command #1, `make demo`): does self-supervised pretraining help when labels are few?
#   1. SimCLR pretraining on the training and validation images, labels unused (test patients never seen);
#   2. fine-tuning from that encoder on 10% of the labels (same patient-disjoint split, split.json);
#   3. the same model from scratch on the same 10%, and from scratch on 100% of the labels (on phantoms also a
#      control: 100% of the labels shuffled among the training and validation images, which should stay at chance);
#   4. evaluation of all three on the held-out test split with bootstrap 95% CIs, and the paired-bootstrap
#      comparison of SimCLR+10% against scratch+10%;
#   5. Grad-CAM overlays of test images (on phantoms: the pointing game and IoU against the lesion masks);
#   6. report.html comparing the runs, and a printed summary.
# Usage: tools/demo.sh BUILD_DIR [OUT_DIR]; environment: DATA=SPEC (default: the generated phantom set),
# PRESET=default|full|toy, SEED=N, THREADS=N. Every stage prints its progress; the timings are printed at the end.
set -euo pipefail
BUILD=${1:-build}
OUT=${2:-demo}
THORAX="$BUILD/thorax"
PRESET=${PRESET:-default}
SEED=${SEED:-0}
THREADS=${THREADS:-$(nproc)}
[ -x "$THORAX" ] || { echo "demo: $THORAX is not built (run make build)" >&2; exit 1; }

# Presets: model, resolution, image cap, epochs of pretraining, of the two 10%-label runs (fine-tuned and scratch,
# the same count: 10% of the images give few steps per epoch) and of the 100%-label run.
case "$PRESET" in
  toy)     MODEL='chest_attention_net?width=16'; RES=32;  MAX=120;  PRE_EPOCHS=2;  FT_EPOCHS=2;   FULL_EPOCHS=2;  BATCH=16; N=120 ;;
  default) MODEL='chest_attention_net?width=16'; RES=64;  MAX=3000; PRE_EPOCHS=30; FT_EPOCHS=60;  FULL_EPOCHS=20; BATCH=64; N=3000 ;;
  full)    MODEL='chest_attention_net?width=16'; RES=128; MAX=6000; PRE_EPOCHS=40; FT_EPOCHS=60;  FULL_EPOCHS=25; BATCH=64; N=6000 ;;
  *) echo "demo: PRESET must be toy, default or full (got '$PRESET')" >&2; exit 1 ;;
esac
PHANTOMS=""
if [ -z "${DATA:-}" ]; then
  # The project's own data: phantoms with known lesions, generated once into OUT/data.
  DATA="embedded?n=$N&res=$((RES < 64 ? 64 : RES * 2))&seed=1&cache=$OUT/data"
  PHANTOMS=1
fi
mkdir -p "$OUT"
# Loader threads and compute threads share the cores: waiting threads should sleep, not spin.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
COMMON=(--data "$DATA" --model "$MODEL" --res "$RES" --max-images "$MAX" --batch "$BATCH" --seed "$SEED" --threads "$THREADS")
START=$(date +%s)
stage() { echo; echo "== $1 =="; STAGE_START=$(date +%s); }
took() { echo "   ($1: $(( $(date +%s) - STAGE_START )) s)"; TIMES="${TIMES:-}$1 $(( $(date +%s) - STAGE_START )) s; "; }
fresh() { rm -rf "$OUT/$1"; }

stage "1/6 SimCLR pretraining (no labels)"
fresh simclr
"$THORAX" pretrain "${COMMON[@]}" --epochs $PRE_EPOCHS --out "$OUT/simclr"
took pretrain

stage "2/6 fine-tuning the pretrained encoder on 10% of the labels"
fresh simclr-10
"$THORAX" train "${COMMON[@]}" --epochs $FT_EPOCHS --label-fraction 0.1 --init "$OUT/simclr/encoder.safetensors" \
  --split-file "$OUT/simclr/split.json" --out "$OUT/simclr-10"
took fine-tune

stage "3/6 the same model from scratch: 10% and 100% of the labels (on phantoms also a shuffled-label control)"
fresh scratch-10
"$THORAX" train "${COMMON[@]}" --epochs $FT_EPOCHS --label-fraction 0.1 --split-file "$OUT/simclr/split.json" --out "$OUT/scratch-10"
fresh scratch-100
"$THORAX" train "${COMMON[@]}" --epochs $FULL_EPOCHS --split-file "$OUT/simclr/split.json" --out "$OUT/scratch-100"
RUNS=(simclr-10 scratch-10 scratch-100)
if [ -n "$PHANTOMS" ]; then
  # The control: the same 100% run with its labels permuted among the train and val images. It should score at chance
  # on the (truly labeled) test split, and its Grad-CAM should point at lesions no better than chance.
  fresh control
  "$THORAX" train "${COMMON[@]}" --epochs $FULL_EPOCHS --shuffle-labels --split-file "$OUT/simclr/split.json" --out "$OUT/control"
  RUNS+=(control)
fi
took scratch

stage "4/6 evaluation on the held-out test split, and SimCLR+10% against scratch+10%"
: > "$OUT/summary.txt"
for run in "${RUNS[@]}"; do
  "$THORAX" eval --run "$OUT/$run" --seed "$SEED" --threads "$THREADS" | tail -1 | tee -a "$OUT/summary.txt"
done
"$THORAX" compare --runs "$OUT/scratch-10" "$OUT/simclr-10" --seed "$SEED" --json "$OUT/compare.json" | grep -v "^wrote" | tail -1 | tee -a "$OUT/summary.txt"
took eval

stage "5/6 Grad-CAM"
if [ -n "$PHANTOMS" ]; then
  SET=$(ls -d "$OUT"/data/*/ | head -1)
  # layer2 (stride 8: an 8×8 grid at 64 px): the last stage's 2×2 grid cannot point at lesions of 1–4% of the image.
  for run in scratch-100 control; do
    echo "-- $run"
    "$THORAX" explain --run "$OUT/$run" --split test --limit 200 --layer layer2 --boxes "${SET}BBox_List_2017.csv" --masks "${SET}masks" --threads "$THREADS"
  done
else
  "$THORAX" explain --run "$OUT/scratch-100" --split test --limit 12 --threads "$THREADS"
fi
took explain

stage "6/6 report"
"$THORAX" report --runs "${RUNS[@]/#/$OUT/}" --compare "$OUT/compare.json" \
  --title "thorax demo: SimCLR + 10% labels vs scratch ($DATA)" --out "$OUT/report.html"
took report

echo
echo "== summary ($PRESET preset, data $DATA, seed $SEED) =="
cat "$OUT/summary.txt"
echo "stages: ${TIMES}total $(( $(date +%s) - START )) s"
echo "open $OUT/report.html"
