"""PyTorch counterparts of the convolution, pooling and resampling op cases (tests/support/cases/conv.cpp).

Params are those the C++ cases build their calls from; a missing key takes torch's default.
"""
import torch.nn.functional as F


def pair(p, key, default):
    v = p.get(key)
    return default if v is None else tuple(v)


def bias(x):
    return x[2] if len(x) > 2 else None


def conv2d(x, p):
    return F.conv2d(x[0], x[1], bias(x), stride=pair(p, "stride", (1, 1)), padding=pair(p, "padding", (0, 0)),
                    dilation=pair(p, "dilation", (1, 1)), groups=p.get("groups", 1))


def conv_transpose2d(x, p):
    return F.conv_transpose2d(x[0], x[1], bias(x), stride=pair(p, "stride", (1, 1)),
                              padding=pair(p, "padding", (0, 0)), output_padding=pair(p, "output_padding", (0, 0)),
                              groups=p.get("groups", 1), dilation=pair(p, "dilation", (1, 1)))


def max_pool2d(x, p):
    return F.max_pool2d(x[0], pair(p, "kernel", None), stride=pair(p, "stride", None),
                        padding=pair(p, "padding", (0, 0)), dilation=pair(p, "dilation", (1, 1)),
                        ceil_mode=p.get("ceil_mode", False))


def avg_pool2d(x, p):
    return F.avg_pool2d(x[0], pair(p, "kernel", None), stride=pair(p, "stride", None),
                        padding=pair(p, "padding", (0, 0)), ceil_mode=p.get("ceil_mode", False),
                        count_include_pad=p.get("count_include_pad", True))


def interpolate(x, p, mode):
    size = pair(p, "size", None)
    scale = pair(p, "scale", None)
    align = p.get("align_corners", False) if mode == "bilinear" else None
    return F.interpolate(x[0], size=size, scale_factor=scale, mode=mode, align_corners=align)


OPS = {
    "conv2d": conv2d,
    "conv_transpose2d": conv_transpose2d,
    "max_pool2d": max_pool2d,
    "avg_pool2d": avg_pool2d,
    "adaptive_avg_pool2d": lambda x, p: F.adaptive_avg_pool2d(x[0], tuple(p["output_size"])),
    "upsample_nearest": lambda x, p: interpolate(x, p, "nearest"),
    "upsample_bilinear": lambda x, p: interpolate(x, p, "bilinear"),
}
