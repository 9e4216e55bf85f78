"""PyTorch references for the model zoo (tests/models/parity_test.cpp) and for the nn layers that no
zoo model uses (tests/nn/layer_parity_test.cpp).

For every architecture of the zoo (torchvision's, and timm's inception_resnet_v2 and xception, with timm
from the project's virtual environment: tools/timm_venv.sh): random weights with random batch-norm affine
parameters and running statistics, written by the export tool's own code path
(tools/torchvision_to_safetensors.py: export); an eval-mode input and logits; a train-mode input
(batch statistics, dropout off) with its logits and the batch-norm running statistics after that
step; inception_v3's auxiliary head alone in training mode; for resnet18 and mobilenet_v2 the gradient
of sum(logits · R) for every parameter. References are computed in float64 from the same float32
weights, so a comparison measures thorax's float32 error alone; the error float32 PyTorch itself makes
against them is recorded too, per array (train mode on deep networks amplifies rounding through every
batch norm, and no float32 computation gets closer than that). models/models.json lists it all, with
the FLOPs of one image counted by hooks, for timm's models the modules of its feature_info and their
eval-mode outputs (thorax's stages), and the reason for any model it could not write (timm not
installable: tests/models/parity_test.cpp then fails naming it).

Gradients and running statistics are stored in float32, rounded from float64: the smallest bound the test
applies to them, 1e-4·max|ref|, is 1700 times that rounding (2^-24·max|ref|), and float64 doubled the
size of the gradient files.
"""
import json
import os
import subprocess
import sys
import sysconfig

import numpy as np
import torch
import torch.nn as nn

_TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
sys.path.insert(0, _TOOLS)
import thorax_safetensors as st  # noqa: E402
import thorax_torchvision as tv  # noqa: E402
from torchvision_to_safetensors import export  # noqa: E402

NUM_CLASSES = 5
BATCH = 2
# name, eval resolution, train resolution, and the modes in which every parameter's gradient is compared.
# inception_v3 trains here with its auxiliary head off (at 299×299, the smallest size the head accepts,
# the float64 reference alone would cost half a minute); the head is compared on its own, in training
# mode, on a 17×17 input (AUX_INPUT), the size Mixed_6e has at 299×299. Gradients of a ReLU network jump where an
# activation crosses 0 (or 6, for ReLU6); train-mode batch norm on a batch of 2 amplifies float32
# rounding enough for a few of MobileNetV2's 10 000 final activations to cross such a kink, which
# changes its float32 gradients by percents in PyTorch itself, so MobileNetV2's are compared in eval mode.
MODELS = [
    ("resnet18", 64, 64, ("eval", "train")),
    ("resnet34", 64, 64, ()),
    ("resnet50", 64, 64, ()),
    ("resnet101", 64, 64, ()),
    ("densenet121", 64, 64, ()),
    ("densenet201", 64, 64, ()),
    ("mobilenet_v2", 64, 64, ("eval",)),
    ("vgg16", 32, 32, ()),  # its smallest size: VGG costs 16x a ResNet-18 per pixel
    ("vgg16_bn", 32, 32, ()),
    ("efficientnet_b0", 64, 64, ()),
    ("inception_v3", 75, 139, ()),  # 139: Mixed_7 at 3×3, enough values per channel for train-mode batch norm
    ("inception_resnet_v2", 75, 139, ()),  # the same sizes at the same depths as inception_v3
    ("xception", 39, 39, ()),  # its deepest maps at 2×2: every tap of their 3×3 kernels meets the image
]
AUX_INPUT = (BATCH, 768, 17, 17)


def import_timm():
    """Makes timm importable in this process (Debian's python3): tools/timm_venv.sh makes the project's
    virtual environment once and prints its python; the environment's site-packages goes at the end of
    sys.path, so that Debian's torch stays the one imported. Returns None, or why timm cannot be had."""
    try:
        import timm  # noqa: F401  (already importable: run from that environment)
        return None
    except ImportError:
        pass
    made = subprocess.run(["sh", os.path.join(_TOOLS, "timm_venv.sh")], capture_output=True, text=True)
    if made.returncode != 0:
        return f"tools/timm_venv.sh failed: {made.stderr.strip()}"
    venv = os.path.dirname(os.path.dirname(made.stdout.strip()))
    sys.path.append(sysconfig.get_paths("venv", vars={"base": venv, "platbase": venv})["purelib"])
    try:
        import timm  # noqa: F401
    except ImportError as e:
        return f"timm does not import from {venv} ({e}); delete that folder to have it made again"
    return None


def max_error(a, ref):
    return float(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(ref, dtype=np.float64)).max(initial=0.0))


def eval_logits_and_flops(model, x, stages=()):
    """Eval-mode logits, 2 × the multiply-adds of every Conv2d and Linear call per image, and the outputs
    of the modules named in `stages` (hooks)."""
    total = [0]
    outputs = {}

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            total[0] += 2 * out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        else:
            total[0] += 2 * out.numel() * m.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    handles += [model.get_submodule(name).register_forward_hook(
        lambda m, inp, out, name=name: outputs.__setitem__(name, out.clone())) for name in stages]
    with torch.no_grad():
        logits, _ = tv.forward(model, x, False)
    for h in handles:
        h.remove()
    return logits, total[0] // x.shape[0], [outputs[name] for name in stages]


def run(model, x_train, grad_modes, loss_weights, x_eval, x_aux):
    """What the test compares beyond eval logits, for one dtype: the gradients of sum(logits · R) in the
    requested modes, one train-mode step's logits and the running statistics after it, and the
    auxiliary head's train-mode logits for x_aux (inception_v3)."""
    out = {"aux_head_logits": None}
    aux_head = getattr(model, "AuxLogits", None)
    if aux_head is not None:
        model.AuxLogits = None  # torchvision's aux_logits=False: training skips the head
        with torch.no_grad():
            out["aux_head_logits"] = aux_head.train()(x_aux)
    for mode in grad_modes:
        model.zero_grad(set_to_none=True)
        x = x_eval if mode == "eval" else x_train
        logits, _ = tv.forward(model, x, mode == "train")
        (logits * loss_weights[mode].to(logits.dtype)).sum().backward()
        out[f"{mode}_grads"] = [(k, p.grad.clone()) for k, p in model.named_parameters()]
        if mode == "train":
            out["train_logits"] = logits.detach()
    if "train" not in grad_modes:
        with torch.no_grad():
            out["train_logits"] = tv.forward(model, x_train, True)[0]
    if aux_head is not None:
        model.AuxLogits = aux_head
    out["buffers"] = [(k, v.detach().clone()) for k, v in model.state_dict().items()
                      if k.endswith(("running_mean", "running_var"))]
    return out


def write_model(root, index, name, eval_res, train_res, grad_modes):
    d = os.path.join(root, name)
    os.makedirs(d)
    model, _ = export(name, os.path.join(d, "weights.safetensors"), num_classes=NUM_CLASSES, seed=100 + index,
                      randomize_batchnorm=True, log=lambda *a: None)
    rng = np.random.default_rng(200 + index)
    x_eval = rng.standard_normal((BATCH, 3, eval_res, eval_res)).astype(np.float32)
    x_train = rng.standard_normal((BATCH, 3, train_res, train_res)).astype(np.float32)
    x_aux = rng.standard_normal(AUX_INPUT).astype(np.float32)
    np.save(os.path.join(d, "x_eval.npy"), x_eval)
    np.save(os.path.join(d, "x_train.npy"), x_train)
    loss_weights = {}
    for mode in grad_modes:
        loss_weights[mode] = torch.from_numpy(rng.standard_normal((BATCH, NUM_CLASSES)))
        np.save(os.path.join(d, f"{mode}_loss_weights.npy"), loss_weights[mode].numpy())
    entry = {"name": name, "eval_res": eval_res, "train_res": train_res, "grad_modes": list(grad_modes)}

    # float32 PyTorch first (its own error is recorded), then the same model converted in place to float64
    # for the references: no copy of VGG's half a gigabyte of weights. Eval logits need no float32 run:
    # their tolerance is fixed, and PyTorch's own float32 error there is far below it.
    initial = {k: v.clone() for k, v in model.state_dict().items() if v.dtype != torch.float32 or "running" in k}
    f32 = run(model, torch.from_numpy(x_train), grad_modes, loss_weights, torch.from_numpy(x_eval), torch.from_numpy(x_aux))
    model.load_state_dict(initial, strict=False)  # undo the running-statistics update of the train step
    model.double()
    f64 = {}
    # timm's feature_info names the modules whose outputs its features_only mode returns: thorax's stages.
    stages = [f["module"] for f in model.feature_info] if name in tv.TIMM_MODELS else []
    f64["eval_logits"], entry["flops"], stage_outputs = eval_logits_and_flops(model, torch.from_numpy(x_eval).double(),
                                                                             stages)
    if stages:
        entry["stages"] = stages
        for stage, out in zip(stages, stage_outputs):
            np.save(os.path.join(d, f"stage_{stage}.npy"), out.numpy())
    f64.update(run(model, torch.from_numpy(x_train).double(), grad_modes, loss_weights, torch.from_numpy(x_eval).double(),
                   torch.from_numpy(x_aux).double()))
    np.save(os.path.join(d, "eval_logits.npy"), f64["eval_logits"].numpy())

    # float32 PyTorch's own max |error| against the float64 references, per array (per tensor for the
    # named lists), which the test's tolerance may not undercut (tests/models/parity_test.cpp).
    errors = {}
    for key in ("train_logits", "aux_head_logits"):
        if f64[key] is not None:
            np.save(os.path.join(d, f"{key}.npy"), f64[key].numpy())
            errors[key] = max_error(f32[key].numpy(), f64[key].numpy())
    entry["aux_head"] = f64["aux_head_logits"] is not None
    if entry["aux_head"]:
        np.save(os.path.join(d, "x_aux.npy"), x_aux)
    named = ["buffers"] + [f"{mode}_grads" for mode in grad_modes]
    for key in named:
        errors[key] = {k: max_error(a.numpy(), b.numpy()) for (k, a), (_, b) in zip(f32[key], f64[key])}
    st.save(os.path.join(d, "buffers_after_train.safetensors"), [(k, v.float()) for k, v in f64["buffers"]])
    for mode in grad_modes:
        st.save(os.path.join(d, f"{mode}_grads.safetensors"), [(k, g.float()) for k, g in f64[f"{mode}_grads"]])
    entry["torch_f32_error"] = errors
    return entry


def write_layers(root):
    """State dicts, inputs and outputs of nn layers the zoo does not exercise, with PyTorch's names."""
    torch.manual_seed(5)
    layers = {
        "lstm": (nn.LSTM(5, 4, num_layers=2, bidirectional=True, batch_first=True), (2, 3, 5)),
        "multihead_attention": (nn.MultiheadAttention(8, 2, batch_first=True), (2, 4, 8)),
        "layer_norm": (nn.LayerNorm(6), (3, 4, 6)),
        "upsample_bilinear": (nn.Upsample(scale_factor=2, mode="bilinear"), (1, 2, 3, 5)),
        "upsample_nearest": (nn.Upsample(size=(7, 4), mode="nearest"), (1, 2, 3, 5)),
    }
    for name, (layer, shape) in layers.items():
        d = os.path.join(root, name)
        os.makedirs(d)
        if isinstance(layer, nn.LayerNorm):
            with torch.no_grad():
                layer.weight.uniform_(0.5, 1.5)
                layer.bias.uniform_(-0.5, 0.5)
        x = torch.randn(shape)
        with torch.no_grad():
            if isinstance(layer, nn.MultiheadAttention):
                y = layer(x, x, x, need_weights=False)[0]
            elif isinstance(layer, nn.LSTM):
                y = layer(x)[0]
            else:
                y = layer(x)
        st.save(os.path.join(d, "weights.safetensors"), list(layer.state_dict().items()))
        np.save(os.path.join(d, "x.npy"), x.numpy())
        np.save(os.path.join(d, "y.npy"), y.numpy())


def write(out_dir):
    root = os.path.join(out_dir, "models")
    os.makedirs(root)
    timm_missing = import_timm()
    entries, unavailable = [], {}
    for i, spec in enumerate(MODELS):
        if timm_missing and spec[0] in tv.TIMM_MODELS:
            unavailable[spec[0]] = timm_missing
            print(f"refs_models: no references for {spec[0]}: {timm_missing}", file=sys.stderr)
        else:
            entries.append(write_model(root, i, *spec))
    with open(os.path.join(root, "models.json"), "w") as f:
        json.dump({"num_classes": NUM_CLASSES, "models": entries, "unavailable": unavailable}, f, indent=1)
    write_layers(os.path.join(out_dir, "layers"))
