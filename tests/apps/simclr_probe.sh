#!/bin/sh
# Issue 6's SimCLR check on a small real set: pretraining lowers NT-Xent, and a linear probe (frozen encoder,
# trained classifier) on the pretrained encoder beats the same probe on a randomly initialized encoder by a paired
# bootstrap CI of the test AUROC difference that excludes zero.
# Usage: simclr_probe.sh THORAX DATA_DIR OUT
set -eu
# Two tests share the two cores under ctest -j2: spinning OpenMP threads would slow both several-fold.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
thorax=$1 data=$2 out=$3
if [ ! -d "$data/kermany/train" ]; then echo "skipping: no shared data ($data/kermany/train)"; exit 77; fi
rm -rf "$out"
common="--data folder:$data/kermany/train --model chest_attention_net?width=8 --res 32 --max-images 1200 --batch 64 --threads 2 --seed 0"
$thorax pretrain $common --epochs 25 --out "$out/simclr"
python3 - "$out/simclr/metrics.jsonl" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
first, last = rows[0]["contrastive_loss"], rows[-1]["contrastive_loss"]
print(f"NT-Xent: epoch 1 {first:.4f}, epoch {len(rows)} {last:.4f}")
if not last < first - 0.3:
    sys.exit("NT-Xent did not fall by 0.3 over pretraining")
PY
probe="--freeze-encoder --epochs 30 --split-file $out/simclr/split.json"
$thorax train $common $probe --init "$out/simclr/encoder.safetensors" --out "$out/probe-simclr"
$thorax train $common $probe --out "$out/probe-random"
$thorax compare --runs "$out/probe-random" "$out/probe-simclr" --json "$out/compare.json"
python3 - "$out/compare.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["macro"]
a, b, diff = d["auroc_a"]["value"], d["auroc_b"]["value"], d["difference"]
print(f"linear probe test AUROC: random init {a:.3f}, SimCLR {b:.3f}; "
      f"difference {diff['value']:+.3f} [{diff['low']:+.3f}, {diff['high']:+.3f}]")
if not diff["low"] > 0:
    sys.exit("the SimCLR probe does not beat the random-init probe: the CI includes zero")
print("SimCLR probe beats random-init probe")
PY
