#!/usr/bin/python3
"""Loads a thorax weights file (safetensors) into the matching torchvision model and saves its
state_dict for PyTorch (torch.save), without the `safetensors` package. Run with Debian's python3.

  /usr/bin/python3 tools/safetensors_to_torchvision.py run/checkpoint-best.safetensors model.pth
  /usr/bin/python3 tools/safetensors_to_torchvision.py w.safetensors --check-input x.npy --check-output y.npy

The architecture, input channels and class count come from the file's model card (or --arch and the
shapes of the first convolution and the classifier). Loading is strict: a name or shape that does not
match torchvision's model is an error naming it. The file's SHA-256 is checked against its card.
Then, in PyTorch:  model = torchvision.models.get_model(ARCH, num_classes=K); model.load_state_dict(
torch.load("model.pth"))  — for 1-channel weights, first replace the model's first convolution by a
1-channel one (tools/thorax_torchvision.py: with_in_channels).

--check-input X.npy --check-output Y.npy writes the torchvision logits for X (eval mode, or batch
statistics with --train-mode), to compare with `thorax model forward`.

inception_resnet_v2 and xception load into timm's models (timm.create_model("inception_resnet_v2") and
timm.create_model("legacy_xception")): run the script with the python tools/timm_venv.sh prints.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import thorax_safetensors as st  # noqa: E402
import thorax_torchvision as tv  # noqa: E402


def import_weights(path, arch=None):
    """(torchvision model holding the file's weights, card or None)."""
    tensors, _, card = st.load(path)
    arch = arch or (card or {}).get("architecture")
    if not arch:
        raise SystemExit(f"{path} has no model card naming its architecture: pass --arch")
    probe = tv.build(arch)
    conv_name, _ = tv.first_conv(probe)
    head_name, _ = tv.classifier(probe)
    args = (card or {}).get("arguments", {})

    def dim(key, tensor, d, default):
        if key in args:
            return int(args[key])
        t = tensors.get(tensor + ".weight")
        return int(t.shape[d]) if t is not None else default

    model = tv.build(arch, dim("num_classes", head_name, 0, 1000), dim("in_channels", conv_name, 1, 3))
    expected = model.state_dict()
    state = {k: v for k, v in tensors.items() if not k.startswith("optim.")}
    for k in expected:  # PyTorch's batch-norm counter may be absent, as thorax allows
        if k.endswith("num_batches_tracked") and k not in state:
            state[k] = torch.zeros((), dtype=torch.long)
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    misshaped = [f"{k}: file {list(state[k].shape)}, torchvision {list(expected[k].shape)}"
                 for k in expected if k in state and state[k].shape != expected[k].shape]
    if missing or unexpected or misshaped:
        raise SystemExit(f"{path} does not fit torchvision's {arch}: missing {missing}, unexpected {unexpected}, "
                         f"mis-shaped {misshaped}")
    model.load_state_dict({k: v.to(expected[k].dtype) for k, v in state.items()})
    return model, card


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("weights", help="a thorax .safetensors file")
    p.add_argument("output", nargs="?", help="the .pth state_dict to write (torch.save)")
    p.add_argument("--arch", help="torchvision architecture, when the file has no model card")
    p.add_argument("--check-input", help="float32 NCHW .npy to run through the loaded model")
    p.add_argument("--check-output", help="where to write its logits (.npy)")
    p.add_argument("--train-mode", action="store_true", help="check with batch statistics (dropout stays off)")
    a = p.parse_args()
    if bool(a.check_input) != bool(a.check_output):
        p.error("--check-input and --check-output go together")
    if not a.output and not a.check_input:
        p.error("give an output .pth, a check, or both")
    model, card = import_weights(a.weights, a.arch)
    arch = a.arch or card["architecture"]
    if a.output:
        torch.save(model.state_dict(), a.output)
        source = "timm" if arch in tv.TIMM_MODELS else "torchvision"
        print(f"wrote {a.output}: {source} {arch} state_dict, {len(model.state_dict())} tensors")
    if a.check_input:
        tv.write_check_logits(model, a.check_input, a.check_output, a.train_mode)


if __name__ == "__main__":
    main()
