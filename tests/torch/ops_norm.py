"""PyTorch counterparts of the normalization, dropout, softmax, joining and padding op cases.

Dropout cannot share torch's random stream, so its cases either inject a fixed 0/1 mask, or (mode
"philox") rebuild thorax's mask here with an independent Philox-4x32-10, which checks that thorax's
mask is a pure function of (seed, counter) and matches Generator::uniform_'s numbers.
"""
import numpy as np
import torch
import torch.nn.functional as F

_M32 = np.uint64(0xFFFFFFFF)


def philox4x32(counter, subsequence, key):
    """Philox-4x32-10 (Salmon et al., SC'11) on an array of 64-bit counters; returns the 4 lanes."""
    c = np.asarray(counter, dtype=np.uint64)
    c0, c1 = c & _M32, c >> np.uint64(32)
    c2 = np.full_like(c, np.uint64(subsequence) & _M32)
    c3 = np.full_like(c, np.uint64(subsequence) >> np.uint64(32))
    k0, k1 = np.uint64(key) & _M32, np.uint64(key) >> np.uint64(32)
    for _ in range(10):
        p0, p1 = np.uint64(0xD2511F53) * c0, np.uint64(0xCD9E8D57) * c2
        c0, c1, c2, c3 = (p1 >> np.uint64(32)) ^ c1 ^ k0, p1 & _M32, (p0 >> np.uint64(32)) ^ c3 ^ k1, p0 & _M32
        k0, k1 = (k0 + np.uint64(0x9E3779B9)) & _M32, (k1 + np.uint64(0xBB67AE85)) & _M32
    return np.stack([c0, c1, c2, c3], axis=-1)


def philox_keep_mask(n, p, seed, base=0):
    """thorax's dropout mask for a fresh Generator(seed): element i kept when u_i > p."""
    i = np.arange(n, dtype=np.uint64)
    lanes = philox4x32(np.uint64(base) + i // np.uint64(4), 0, seed)
    bits = lanes[np.arange(n), (i % np.uint64(4)).astype(np.int64)]
    u = ((bits >> np.uint64(8)).astype(np.float64) + 1.0) / 16777216.0  # uint_to_unit, exactly
    return u > p


def batch_norm(x, p):
    i, rm, rv, w, b = 1, None, None, None, None
    if p["running"]:
        rm, rv, i = x[1].detach().clone(), x[2].detach().clone(), 3  # updated in place by torch
    if p["affine"]:
        w, b = x[i], x[i + 1]
    y = F.batch_norm(x[0], rm, rv, w, b, p["training"], p["momentum"], p["eps"])
    return torch.cat([rm, rv]) if p["output"] == "running_stats" else y


def layer_norm(x, p):
    w, b = (x[1], x[2]) if p["affine"] else (None, None)
    return F.layer_norm(x[0], p["normalized_shape"], w, b, p["eps"])


def dropout(x, p):
    mode = p["mode"]
    if mode == "mask":
        return x[0] * x[1] / (1 - p["p"])
    if mode == "philox":
        keep = philox_keep_mask(x[0].numel(), p["p"], p["seed"]).reshape(tuple(x[0].shape))
        return x[0] * torch.from_numpy(keep.astype(np.float32)) / (1 - p["p"])
    return F.dropout(x[0], p["p"], training=mode == "train")


def rejoined_split(x, p):
    chunks = torch.split(x[0], p["split"], p["dim"])
    return torch.cat([c * (i + 1) for i, c in enumerate(chunks)], p["dim"])


OPS = {
    "batch_norm": batch_norm,
    "layer_norm": layer_norm,
    "dropout": dropout,
    "softmax": lambda x, p: F.softmax(x[0], dim=p["dim"]),
    "log_softmax": lambda x, p: F.log_softmax(x[0], dim=p["dim"]),
    "cat": lambda x, p: torch.cat(x, p["dim"]),
    "stack": lambda x, p: torch.stack(x, p["dim"]),
    "split": rejoined_split,
    "pad": lambda x, p: F.pad(x[0], p["pads"], mode=p["mode"], value=p["value"])
    if p["mode"] == "constant" else F.pad(x[0], p["pads"], mode=p["mode"]),
}
