#!/bin/sh
# Weights both ways between torchvision and thorax, through the command line and the tools/ scripts:
#   1. torchvision -> thorax: an exported resnet18 (random batch-norm statistics) gives torchvision's
#      logits in `thorax model forward`, in eval and in train mode;
#   2. thorax -> torchvision: a 1-channel densenet121 written by `thorax model init` loads into
#      torchvision and gives thorax's logits (in train mode: a freshly initialized network's eval-mode
#      logits are ~1e-10); `thorax model summary FILE` shows its verified card;
#   3. the .pth written in 2 (a 1-channel checkpoint, as TorchXRayVision's are) exported again gives the
#      very same tensor bytes (same SHA-256); --in-channels 1 on exporting RGB weights gives a gray model
#      equal to the RGB model on the gray image replicated;
#   4. a wrong --num-classes fails naming the mis-shaped key.
# Usage: cli_roundtrip.sh THORAX PYTHON TOOLS_DIR WORK_DIR
set -eu
thorax=$1 py=$2 tools=$3 work=$4
rm -rf "$work" && mkdir -p "$work" && cd "$work"
"$py" -c "
import numpy as np
r = np.random.default_rng(1)
np.save('x3.npy', r.standard_normal((2, 3, 64, 64)).astype(np.float32))
np.save('x1.npy', r.standard_normal((2, 1, 64, 64)).astype(np.float32))
np.save('x1x3.npy', np.repeat(np.load('x1.npy'), 3, axis=1))"

"$py" "$tools/torchvision_to_safetensors.py" resnet18 tv.safetensors --num-classes 3 --randomize-batchnorm --seed 4 \
  --check-input x3.npy --check-output tv_eval.npy
"$py" "$tools/safetensors_to_torchvision.py" tv.safetensors --check-input x3.npy --check-output tv_train.npy --train-mode
"$thorax" model forward --weights tv.safetensors --input x3.npy --output th_eval.npy
"$thorax" model forward --weights tv.safetensors --input x3.npy --output th_train.npy --train-mode

"$thorax" model init densenet121 --in-channels 1 --classes normal,pneumonia,covid --label-kind multi-class --seed 2 \
  --output th.safetensors
"$thorax" model forward --weights th.safetensors --input x1.npy --output th1.npy --train-mode
"$py" "$tools/safetensors_to_torchvision.py" th.safetensors th.pth --check-input x1.npy --check-output tv1.npy --train-mode
"$thorax" model summary th.safetensors --res 64 > summary.txt
grep -Eq "tensor sha256 +[0-9a-f]{64} \(verified\)" summary.txt || { echo "no verified card in the summary"; exit 1; }
grep -q "multi-class, 3 classes: normal, pneumonia, covid" summary.txt || { echo "no label space in the summary"; exit 1; }

"$py" "$tools/torchvision_to_safetensors.py" densenet121 again.safetensors --state-dict th.pth --in-channels 1
"$thorax" model summary again.safetensors --res 64 > again.txt
sha() { sed -n 's/.*tensor sha256 *\([0-9a-f]*\).*/\1/p' "$1"; }
[ -n "$(sha again.txt)" ] && [ "$(sha summary.txt)" = "$(sha again.txt)" ] ||
  { echo "re-exported tensors differ: '$(sha summary.txt)' vs '$(sha again.txt)'"; exit 1; }

"$py" "$tools/torchvision_to_safetensors.py" resnet18 gray.safetensors --in-channels 1 --num-classes 3 \
  --randomize-batchnorm --seed 4
"$thorax" model forward --weights gray.safetensors --input x1.npy --output th_gray.npy
"$thorax" model forward --weights tv.safetensors --input x1x3.npy --output th_rgb.npy

if "$thorax" model forward --weights tv.safetensors --input x3.npy --output bad.npy --num-classes 4 2> bad.txt; then
  echo "a wrong --num-classes was accepted"; exit 1
fi
grep -q "fc.weight: \[3, 512\] in the file, \[4, 512\] in the model" bad.txt || { cat bad.txt; exit 1; }

"$py" -c "
import numpy as np, sys
bad = 0
for got, ref, what in [('th_eval', 'tv_eval', 'torchvision -> thorax, eval'),
                       ('th_train', 'tv_train', 'torchvision -> thorax, train mode'),
                       ('th1', 'tv1', 'thorax -> torchvision'),
                       ('th_gray', 'th_rgb', '1-channel export vs RGB on replicated gray')]:
    a, b = np.load(got + '.npy'), np.load(ref + '.npy')
    err, scale = np.abs(a - b).max(), np.abs(b).max()
    bound = 1e-7 + 1e-4 * scale
    print(f'{what}: max |error| {err:.3g}, bound {bound:.3g} (max |reference| {scale:.3g})')
    bad += a.shape != b.shape or not err <= bound or not scale > 1e-3  # a vanishing output would prove nothing
sys.exit(1 if bad else 0)"
