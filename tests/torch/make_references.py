#!/usr/bin/env python3
"""Writes PyTorch reference results for every case of thorax's op-case table.

Usage: make_references.py CASES.json OUT_DIR

CASES.json is exported by the C++ side (build/tests/export_op_cases), so each case is defined once.
Modules refs_*.py beside this script add reference sets that are not op cases (optimizer
trajectories, the golden CNN) through their write(out_dir) function.
For each case this draws the inputs (numpy, seeded from the case id), runs the op in float32 with
torch, back-propagates a random output gradient, and saves inputs, output, output gradient and input
gradients as .npy under OUT_DIR/<n>/, listed in OUT_DIR/manifest.json. The directory is written
under a temporary name and renamed, so a half-written reference set never exists.
"""
import importlib
import json
import os
import shutil
import sys
import zlib

import numpy as np
import torch


def draw(spec, rng):
    shape = tuple(spec["shape"])
    n = int(np.prod(shape)) if shape else 1
    domain = spec["domain"]
    if domain == "positive":
        v = rng.uniform(0.5, 2.0, size=n)
    elif domain == "unit":
        v = rng.uniform(0.0, 1.0, size=n)
    elif domain == "binary":
        v = rng.integers(0, 2, size=n).astype(np.float64)
    elif domain.startswith("classes:"):
        v = rng.integers(0, int(domain[8:]), size=n).astype(np.float64)
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


def load_ops():
    """Merges the OPS tables of every ops_*.py module beside this script."""
    ops = {}
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    for name in sorted(f[:-3] for f in os.listdir(here) if f.startswith("ops_") and f.endswith(".py")):
        module = importlib.import_module(name)
        clash = set(ops) & set(module.OPS)
        if clash:
            sys.exit(f"make_references.py: {name} redefines {sorted(clash)}")
        ops.update(module.OPS)
    return ops


def main():
    cases_path, out_dir = sys.argv[1], sys.argv[2]
    with open(cases_path) as f:
        cases = json.load(f)
    torch.set_num_threads(1)
    OPS = load_ops()
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
        if y.requires_grad:  # cases that ask for no gradient (e.g. running statistics) skip backward
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
    # Reference sets that are not op cases (optimizers, the golden CNN): each refs_*.py module writes its own.
    for name in sorted(f[:-3] for f in os.listdir(os.path.dirname(os.path.abspath(__file__)))
                       if f.startswith("refs_") and f.endswith(".py")):
        importlib.import_module(name).write(tmp)
    with open(os.path.join(tmp, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    shutil.rmtree(out_dir, ignore_errors=True)
    os.rename(tmp, out_dir)
    print(f"make_references.py: {len(cases)} cases written to {out_dir} with torch {torch.__version__}")


if __name__ == "__main__":
    main()
