"""PyTorch references for the model zoo (tests/models/parity_test.cpp) and for the nn layers that no
zoo model uses (tests/nn/layer_parity_test.cpp).

For every torchvision architecture thorax implements: random weights with random batch-norm affine
parameters and running statistics, written by the export tool's own code path
(tools/torchvision_to_safetensors.py: export); an eval-mode input and logits; a train-mode input
(batch statistics, dropout off) with its logits and the batch-norm running statistics after that
step; inception_v3's auxiliary head alone in training mode; for resnet18 and mobilenet_v2 the gradient
of sum(logits · R) for every parameter. References are computed in float64 from the same float32
weights, so a comparison measures thorax's float32 error alone; the error float32 PyTorch itself makes
against them is recorded too, per array (train mode on deep networks amplifies rounding through every
batch norm, and no float32 computation gets closer than that). models/models.json lists it all, with
the FLOPs of one image counted by hooks.
"""
import json
import os
import sys

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
]
AUX_INPUT = (BATCH, 768, 17, 17)


def max_error(a, ref):
    return float(np.abs(np.asarray(a, dtype=np.float64) - np.asarray(ref, dtype=np.float64)).max(initial=0.0))


def eval_logits_and_flops(model, x):
    """Eval-mode logits, and 2 × the multiply-adds of every Conv2d and Linear call per image (hooks)."""
    total = [0]

    def hook(m, inp, out):
        if isinstance(m, nn.Conv2d):
            total[0] += 2 * out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]
        else:
            total[0] += 2 * out.numel() * m.in_features

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        logits, _ = tv.forward(model, x, False)
    for h in handles:
        h.remove()
    return logits, total[0] // x.shape[0]


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
    f64["eval_logits"], entry["flops"] = eval_logits_and_flops(model, torch.from_numpy(x_eval).double())
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
    st.save(os.path.join(d, "buffers_after_train.safetensors"), f64["buffers"])
    named = ["buffers"] + [f"{mode}_grads" for mode in grad_modes]
    for key in named:
        errors[key] = {k: max_error(a.numpy(), b.numpy()) for (k, a), (_, b) in zip(f32[key], f64[key])}
    for mode in grad_modes:
        st.save(os.path.join(d, f"{mode}_grads.safetensors"), f64[f"{mode}_grads"])
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
    entries = [write_model(root, i, *spec) for i, spec in enumerate(MODELS)]
    with open(os.path.join(root, "models.json"), "w") as f:
        json.dump({"num_classes": NUM_CLASSES, "models": entries}, f, indent=1)
    write_layers(os.path.join(out_dir, "layers"))
