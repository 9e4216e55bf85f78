#!/usr/bin/env python3
"""Writes PyTorch reference results for every case of thorax's op-case table.

Usage: make_references.py CASES.json OUT_DIR

CASES.json is exported by the C++ side (build/tests/export_op_cases), so each case is defined once.
For each case this draws the inputs (numpy, seeded from the case id), runs the op in float32 with
torch, back-propagates a random output gradient, and saves inputs, output, output gradient and input
gradients as .npy under OUT_DIR/<n>/, listed in OUT_DIR/manifest.json. The directory is written
under a temporary name and renamed, so a half-written reference set never exists.
"""
import json
import os
import shutil
import sys
import zlib

import numpy as np
import torch
import torch.nn.functional as F


def draw(spec, rng):
    shape = tuple(spec["shape"])
    n = int(np.prod(shape)) if shape else 1
    domain = spec["domain"]
    if domain == "positive":
        v = rng.uniform(0.5, 2.0, size=n)
    elif domain in ("distinct", "ties"):
        lin = np.linspace(-2.0, 2.0, n) if n > 1 else np.zeros(1)
        v = rng.permutation(lin)
        if domain == "ties":
            v = np.round(v / 2.0)
    else:
        v = rng.standard_normal(n) * spec["scale"]
    for k in spec["avoid"]:
        near = np.abs(v - k) < 0.05
        v[near] = k + np.where(v[near] >= k, 0.05, -0.05)
    return v.reshape(shape).astype(np.float32)


def dims(p, x):
    d = p["dims"]
    return tuple(d) if d else tuple(range(x.dim()))


OPS = {
    "add": lambda x, p: torch.add(x[0], x[1]),
    "sub": lambda x, p: torch.sub(x[0], x[1]),
    "mul": lambda x, p: torch.mul(x[0], x[1]),
    "div": lambda x, p: torch.div(x[0], x[1]),
    "pow": lambda x, p: torch.pow(x[0], x[1]),
    "exp": lambda x, p: torch.exp(x[0]),
    "log": lambda x, p: torch.log(x[0]),
    "sqrt": lambda x, p: torch.sqrt(x[0]),
    "rsqrt": lambda x, p: torch.rsqrt(x[0]),
    "abs": lambda x, p: torch.abs(x[0]),
    "neg": lambda x, p: torch.neg(x[0]),
    "clamp": lambda x, p: torch.clamp(x[0], p["lo"], p["hi"]),
    "pow_scalar": lambda x, p: torch.pow(x[0], p["exponent"]),
    "relu": lambda x, p: F.relu(x[0]),
    "relu6": lambda x, p: F.relu6(x[0]),
    "leaky_relu": lambda x, p: F.leaky_relu(x[0], p["slope"]),
    "sigmoid": lambda x, p: torch.sigmoid(x[0]),
    "tanh": lambda x, p: torch.tanh(x[0]),
    "silu": lambda x, p: F.silu(x[0]),
    "gelu": lambda x, p: F.gelu(x[0]),
    "hardswish": lambda x, p: F.hardswish(x[0]),
    "sum": lambda x, p: torch.sum(x[0], dim=dims(p, x[0]), keepdim=p["keepdim"]),
    "mean": lambda x, p: torch.mean(x[0], dim=dims(p, x[0]), keepdim=p["keepdim"]),
    "max": lambda x, p: torch.amax(x[0], dim=dims(p, x[0]), keepdim=p["keepdim"]),
    "min": lambda x, p: torch.amin(x[0], dim=dims(p, x[0]), keepdim=p["keepdim"]),
    "var": lambda x, p: torch.var(x[0], dim=dims(p, x[0]), unbiased=True, keepdim=p["keepdim"]),
    "matmul": lambda x, p: torch.matmul(x[0], x[1]),
    "bmm": lambda x, p: torch.bmm(x[0], x[1]),
    "linear": lambda x, p: F.linear(x[0], x[1], x[2] if len(x) > 2 else None),
    "reshape": lambda x, p: torch.reshape(x[0], p["shape"]),
    "permute": lambda x, p: x[0].permute(*p["dims"]),
    "transpose": lambda x, p: torch.transpose(x[0], p["dim0"], p["dim1"]),
    "narrow": lambda x, p: torch.narrow(x[0], p["dim"], p["start"], p["length"]),
    "expand": lambda x, p: x[0].expand(*p["shape"]),
    "squeeze": lambda x, p: torch.squeeze(x[0], p["dim"]),
    "unsqueeze": lambda x, p: torch.unsqueeze(x[0], p["dim"]),
    "flatten": lambda x, p: torch.flatten(x[0], p["start"], p["end"]),
}


def main():
    cases_path, out_dir = sys.argv[1], sys.argv[2]
    with open(cases_path) as f:
        cases = json.load(f)
    torch.set_num_threads(1)
    tmp = out_dir + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    manifest = {"torch_version": torch.__version__, "cases": []}
    unknown = sorted({c["op"] for c in cases if c["op"] not in OPS})
    if unknown:
        sys.exit("make_references.py: no PyTorch mapping for ops: " + ", ".join(unknown))
    for n, case in enumerate(cases):
        rng = np.random.default_rng(zlib.crc32(case["id"].encode()))
        arrays = [draw(s, rng) for s in case["inputs"]]
        xs = [torch.tensor(a, requires_grad=s["grad"]) for a, s in zip(arrays, case["inputs"])]
        y = OPS[case["op"]](xs, case["params"])
        gy = rng.standard_normal(tuple(y.shape)).astype(np.float32)
        y.backward(torch.from_numpy(gy))
        d = os.path.join(tmp, str(n))
        os.makedirs(d)
        for i, a in enumerate(arrays):
            np.save(os.path.join(d, f"in{i}.npy"), a)
        np.save(os.path.join(d, "out.npy"), y.detach().contiguous().numpy())
        np.save(os.path.join(d, "gout.npy"), gy)
        grads = []
        for i, x in enumerate(xs):
            if x.grad is not None:
                np.save(os.path.join(d, f"grad{i}.npy"), x.grad.numpy())
            grads.append(x.grad is not None)
        manifest["cases"].append({"id": case["id"], "op": case["op"], "dir": str(n), "grads": grads})
    with open(os.path.join(tmp, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    shutil.rmtree(out_dir, ignore_errors=True)
    os.rename(tmp, out_dir)
    print(f"make_references.py: {len(cases)} cases written to {out_dir} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
