"""Optimizer trajectories from torch.optim (and SimCLR's LARS rule in numpy, which torch lacks).

write(out_dir) saves, per configuration, the initial parameters, a fixed gradient for every step and
the parameters after every step; tests/nn/optim_test.cpp replays the same gradients through thorax's
optimizers and compares the trajectories.
"""
import json
import os

import numpy as np
import torch

STEPS = 6
SHAPES = [(4, 3), (3,)]  # a weight matrix and a bias: LARS treats them differently

CONFIGS = [
    {"name": "sgd_plain", "kind": "sgd", "lr": 0.1, "weight_decay": 0.0, "momentum": 0.0, "dampening": 0.0,
     "nesterov": False},
    {"name": "sgd_momentum_decay", "kind": "sgd", "lr": 0.05, "weight_decay": 0.01, "momentum": 0.9,
     "dampening": 0.1, "nesterov": False},
    {"name": "sgd_nesterov", "kind": "sgd", "lr": 0.05, "weight_decay": 0.001, "momentum": 0.9, "dampening": 0.0,
     "nesterov": True},
    {"name": "adam", "kind": "adam", "lr": 0.01, "weight_decay": 0.0, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    {"name": "adam_l2", "kind": "adam", "lr": 0.01, "weight_decay": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    {"name": "adamw", "kind": "adamw", "lr": 0.01, "weight_decay": 0.1, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6},
    {"name": "lars", "kind": "lars", "lr": 0.5, "weight_decay": 1e-4, "momentum": 0.9, "eta": 0.001},
]


def torch_optimizer(c, params):
    if c["kind"] == "sgd":
        return torch.optim.SGD(params, lr=c["lr"], momentum=c["momentum"], dampening=c["dampening"],
                               weight_decay=c["weight_decay"], nesterov=c["nesterov"])
    if c["kind"] == "adam":
        return torch.optim.Adam(params, lr=c["lr"], betas=(c["beta1"], c["beta2"]), eps=c["eps"],
                                weight_decay=c["weight_decay"])
    return torch.optim.AdamW(params, lr=c["lr"], betas=(c["beta1"], c["beta2"]), eps=c["eps"],
                             weight_decay=c["weight_decay"])


def lars_trajectory(c, p0, grads):
    """SimCLR's LARSOptimizer, in float64: 1-d parameters skip weight decay and the trust ratio."""
    ps = [p.astype(np.float64) for p in p0]
    vs = [np.zeros_like(p) for p in ps]
    out = [[] for _ in ps]
    for k in range(STEPS):
        for j, p in enumerate(ps):
            adapt = p.ndim > 1
            d = grads[j][k] + (c["weight_decay"] * p if adapt else 0.0)
            wn, dn = np.linalg.norm(p), np.linalg.norm(d)
            trust = c["eta"] * wn / dn if adapt and wn > 0 and dn > 0 else 1.0
            vs[j] = c["momentum"] * vs[j] + c["lr"] * trust * d
            ps[j] = p - vs[j]
            out[j].append(ps[j].copy())
    return [np.stack(o).astype(np.float32) for o in out]


def write(out_dir):
    root = os.path.join(out_dir, "optim")
    os.makedirs(root)
    rng = np.random.default_rng(2026)
    for c in CONFIGS:
        d = os.path.join(root, c["name"])
        os.makedirs(d)
        p0 = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
        grads = [rng.standard_normal((STEPS,) + s).astype(np.float32) for s in SHAPES]
        if c["kind"] == "lars":
            traj = lars_trajectory(c, p0, grads)
        else:
            params = [torch.tensor(p, requires_grad=True) for p in p0]
            opt = torch_optimizer(c, params)
            traj = [[] for _ in params]
            for k in range(STEPS):
                for j, p in enumerate(params):
                    p.grad = torch.from_numpy(grads[j][k].copy())
                opt.step()
                for j, p in enumerate(params):
                    traj[j].append(p.detach().numpy().copy())
            traj = [np.stack(t) for t in traj]
        for j in range(len(SHAPES)):
            np.save(os.path.join(d, f"p{j}.npy"), p0[j])
            np.save(os.path.join(d, f"g{j}.npy"), grads[j])
            np.save(os.path.join(d, f"traj{j}.npy"), traj[j])
    # Gradient clipping: the norm before clipping and the clipped gradients.
    d = os.path.join(root, "clip")
    os.makedirs(d)
    params = [torch.zeros(s, requires_grad=True) for s in SHAPES]
    for j, p in enumerate(params):
        p.grad = torch.from_numpy((3 * rng.standard_normal(SHAPES[j])).astype(np.float32))
        np.save(os.path.join(d, f"g{j}.npy"), p.grad.numpy().copy())
    norm = torch.nn.utils.clip_grad_norm_(params, max_norm=1.5)
    np.save(os.path.join(d, "norm.npy"), np.array(norm.item(), dtype=np.float32))
    for j, p in enumerate(params):
        np.save(os.path.join(d, f"clipped{j}.npy"), p.grad.numpy())
    with open(os.path.join(root, "configs.json"), "w") as f:
        json.dump({"steps": STEPS, "configs": CONFIGS, "max_norm": 1.5}, f, indent=1)
