#!/bin/sh
# Weights both ways between thorax and timm for inception_resnet_v2 and xception, through the command
# line and the tools/ scripts run by the python of tools/timm_venv.sh: a 1-channel model written by
# `thorax model init` loads into timm's model and gives thorax's train-mode logits (a freshly
# initialized network's eval-mode logits nearly vanish); the timm state_dict saved there exports back to
# the very same tensor bytes (same SHA-256, shown verified by `thorax model summary FILE`).
# (timm -> thorax, eval and train mode with random batch-norm statistics, is test_models' parity test.)
# Usage: cli_timm_roundtrip.sh THORAX TOOLS_DIR WORK_DIR
set -eu
thorax=$1 tools=$2 work=$3
py=$(sh "$tools/timm_venv.sh")
rm -rf "$work" && mkdir -p "$work" && cd "$work"
sha() { sed -n 's/.*sha256 *\([0-9a-f]\{64\}\).*/\1/p' "$1"; }

# The smallest sizes at which train-mode batch norm still sees a 2×2 (xception) or 3×3 map at the end.
for spec in xception:39 inception_resnet_v2:139; do
  arch=${spec%:*} res=${spec#*:}
  "$py" -c "
import numpy as np
np.save('x_$arch.npy', np.random.default_rng(1).standard_normal((2, 1, $res, $res)).astype(np.float32))"
  "$thorax" model init "$arch" --in-channels 1 --num-classes 3 --seed 2 --output "$arch.safetensors" > "init_$arch.txt"
  cat "init_$arch.txt"
  "$thorax" model forward --weights "$arch.safetensors" --input "x_$arch.npy" --output "thorax_$arch.npy" --train-mode
  "$py" "$tools/safetensors_to_torchvision.py" "$arch.safetensors" "$arch.pth" --check-input "x_$arch.npy" \
    --check-output "timm_$arch.npy" --train-mode
  "$py" "$tools/torchvision_to_safetensors.py" "$arch" "again_$arch.safetensors" --state-dict "$arch.pth" --in-channels 1
  "$thorax" model summary "again_$arch.safetensors" --res "$res" > "again_$arch.txt"
  grep -Eq "tensor sha256 +[0-9a-f]{64} \(verified\)" "again_$arch.txt" || { echo "$arch: no verified card"; exit 1; }
  [ -n "$(sha "init_$arch.txt")" ] && [ "$(sha "init_$arch.txt")" = "$(sha "again_$arch.txt")" ] ||
    { echo "$arch: re-exported tensors differ: '$(sha "init_$arch.txt")' vs '$(sha "again_$arch.txt")'"; exit 1; }
done

"$py" -c "
import numpy as np, sys
bad = 0
for arch in ('xception', 'inception_resnet_v2'):
    a, b = np.load(f'thorax_{arch}.npy'), np.load(f'timm_{arch}.npy')
    err, scale = np.abs(a - b).max(), np.abs(b).max()
    bound = 1e-7 + 1e-4 * scale
    print(f'thorax -> timm, {arch}, train mode: max |error| {err:.3g}, bound {bound:.3g} (max |reference| {scale:.3g})')
    bad += a.shape != b.shape or not err <= bound or not scale > 1e-3  # a vanishing output would prove nothing
sys.exit(1 if bad else 0)"
