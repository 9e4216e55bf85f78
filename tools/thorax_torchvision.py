"""torchvision models as thorax sees them: building one by name with a class count and 1 or 3 input
channels, finding its first convolution and its classifier, and running it the way `thorax model
forward` does. Shared by the two conversion scripts and the parity tests (tests/torch/refs_models.py).

Two architectures of the zoo come from timm instead (TIMM_MODELS): building them needs a Python in which
timm imports, such as the one tools/timm_venv.sh makes and prints.
"""
import warnings

import torch
import torch.nn as nn
import torchvision

# thorax's name -> timm's, for the zoo's architectures that torchvision lacks (parameter names as timm's).
TIMM_MODELS = {"inception_resnet_v2": "inception_resnet_v2", "xception": "legacy_xception"}


def import_timm(arch):
    try:
        import timm
    except ImportError:
        raise SystemExit(f"{arch} is built by timm, which this Python cannot import: run tools/timm_venv.sh and run "
                         "this script with the python it prints") from None
    return timm


def first_conv(model):
    """(name, module) of the first convolution: the one that reads the image."""
    for name, m in model.named_modules():
        if isinstance(m, nn.Conv2d):
            return name, m
    raise ValueError(f"{type(model).__name__} has no Conv2d")


def classifier(model):
    """(name, module) of the last linear layer: the one whose rows are the classes."""
    found = None
    for name, m in model.named_modules():
        if isinstance(m, nn.Linear):
            found = (name, m)
    if found is None:
        raise ValueError(f"{type(model).__name__} has no Linear layer")
    return found


def set_submodule(model, name, new):
    parent, _, leaf = name.rpartition(".")
    setattr(model.get_submodule(parent) if parent else model, leaf, new)


def with_in_channels(model, in_channels):
    """Rebuilds the first convolution for `in_channels` inputs (its weights are then re-drawn)."""
    name, conv = first_conv(model)
    if conv.in_channels == in_channels:
        return model
    new = nn.Conv2d(in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, conv.dilation,
                    conv.groups, conv.bias is not None)
    set_submodule(model, name, new)
    return model


def build(arch, num_classes=1000, in_channels=3):
    """A torchvision (or timm, TIMM_MODELS) architecture with its default (random) initialization."""
    if arch in TIMM_MODELS:
        return import_timm(arch).create_model(TIMM_MODELS[arch], pretrained=False, num_classes=num_classes,
                                              in_chans=in_channels)
    if arch not in torchvision.models.list_models():
        raise SystemExit(f"unknown torchvision model {arch!r}; see torchvision.models.list_models() "
                         f"(from timm: {', '.join(TIMM_MODELS)})")
    kwargs = {"num_classes": num_classes}
    if arch in ("inception_v3", "googlenet"):
        kwargs["init_weights"] = True  # torchvision's default, stated to silence its FutureWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = torchvision.models.get_model(arch, weights=None, **kwargs)
    return with_in_channels(model, in_channels)


def sum_input_channels(state_dict, conv_name):
    """Turns 3-channel first-layer weights into 1-channel ones by summing over RGB: for a gray image g,
    conv(w, [g, g, g]) == conv(sum_c w_c, g), so the 1-channel model computes exactly what the 3-channel
    one does on the gray image replicated three times."""
    key = conv_name + ".weight"
    state_dict = dict(state_dict)
    state_dict[key] = state_dict[key].sum(dim=1, keepdim=True)
    return state_dict


def randomize_batchnorm(model, gen):
    """Random affine parameters and running statistics for every batch norm (parity tests: defaults of
    ones and zeros would hide a swapped weight/bias or mean/var)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.modules.batchnorm._BatchNorm):
                m.weight.uniform_(0.5, 1.5, generator=gen)
                m.bias.uniform_(-0.5, 0.5, generator=gen)
                m.running_mean.uniform_(-0.2, 0.2, generator=gen)
                m.running_var.uniform_(0.5, 1.5, generator=gen)


def set_mode(model, train):
    """thorax's --train-mode: batch norm on batch statistics, dropout and stochastic depth still off (so
    the output is reproducible)."""
    model.train(train)
    for m in model.modules():
        if isinstance(m, nn.Dropout) or type(m).__name__ == "StochasticDepth":
            m.eval()


def forward(model, x, train=False):
    """(logits, aux_logits or None) as thorax's ModelOutput has them."""
    set_mode(model, train)
    out = model(x)
    if isinstance(out, tuple):  # inception_v3 in training mode: (logits, aux_logits)
        return out[0], out[1]
    return out, None


def write_check_logits(model, input_path, output_path, train=False):
    """The conversion scripts' --check-input/--check-output: PyTorch's logits for an .npy batch, to
    compare with `thorax model forward` on the same file."""
    import numpy as np
    x = torch.from_numpy(np.load(input_path).astype(np.float32))
    with torch.no_grad():
        logits, _ = forward(model, x, train)
    np.save(output_path, logits.numpy())
    print(f"wrote {output_path}: PyTorch logits {tuple(logits.shape)} for {input_path}")
