#!/usr/bin/python3
"""Whole models side by side: a thorax training step and inference pass vs torchvision's, same threads.

    /usr/bin/python3 bench/compare_models.py [--models resnet18 inception_v3@299 ...] [--batch 8] [--res 224]
                                             [--threads 2] [--reps 5] [--slow-reps 3] [--steps 5] [--warmup 1]
                                             [--build build] [--raw runs.json]

thorax runs `build/thorax bench model NAME@RES --json` (which measures the training step and inference each in
a process of its own); PyTorch runs this script's --torch-worker mode, one process per phase, with
torch.set_num_threads equal to thorax's threads and OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed from its
environment (compare_common.peer_env; never from thorax's). Both sides do the same work: torchvision's
architecture with its default 1000 classes (checked), N(0,1) images, uniform random labels; a training step is
forward in train mode + cross-entropy (+ 0.4 × the auxiliary head's for inception_v3) + backward + Adam (lr 1e-3);
inference is an eval-mode forward without a graph. Each side reports the median of --steps timed steps after
--warmup untimed ones, and its peak RSS (getrusage) in its own process.

Repetitions alternate which side goes first. A model whose PyTorch training step takes over a second in the
first repetition gets --slow-reps repetitions (if fewer than --reps). The table gives, per model, the median over
repetitions of each side's images/s and of the per-repetition ratio thorax / torch (above 1: thorax is faster;
for memory, below 1: thorax uses less), with the range of the speed ratios over repetitions in brackets. A
second table compares each side's fastest step over all repetitions: on a shared machine, other jobs only ever
slow a step down, so it is the steadier estimate of what each side does alone.
Needs build/thorax (`make build`).
"""
import argparse
import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_common as cc  # noqa: E402

DEFAULT_MODELS = ["resnet18", "resnet50", "mobilenet_v2", "vgg16", "densenet121", "inception_v3@299",
                  "efficientnet_b0"]
PHASES = ("train", "infer")
AUX_LOSS_WEIGHT = 0.4  # torchvision's reference recipe for inception_v3, as bench/model_step.cpp
SLOW_STEP_SECONDS = 1.0


def model_at_res(text, default_res):
    name, _, res = text.partition("@")
    return name, int(res) if res else default_res


def run_json(cmd, env):
    """Runs cmd after the contenders' threads have settled; returns its last stdout line as JSON. A failure stops
    the comparison with the command's own error output."""
    cmd = [str(c) for c in cmd]
    cc.settle()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        sys.stderr.write(out.stderr[-4000:])
        sys.exit(f"compare_models: '{' '.join(cmd)}' failed (exit status {out.returncode}; its errors are above)")
    return json.loads(lines[-1])


def run_thorax(thorax, name, res, args):
    return run_json([thorax, "bench", "model", f"{name}@{res}", "--batch", args.batch, "--threads", args.threads,
                     "--steps", args.steps, "--warmup", args.warmup, "--json"], cc.thorax_env(args.threads))


def run_torch(name, res, phase, args):
    return run_json([sys.executable, os.path.abspath(__file__), "--torch-worker", name, res, args.batch, args.threads,
                     phase, args.steps, args.warmup], cc.peer_env(args.threads))


def ratio_cell(ratios):
    """The median ratio, and the range over repetitions when there are several (how noisy the machine was)."""
    cell = cc.fmt(cc.median(ratios), 2) + "×"
    if len(ratios) > 1:
        cell += f" ({min(ratios):.2f}–{max(ratios):.2f})"
    return cell


def mib(nbytes):
    return nbytes / (1024 * 1024)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def cpu_name():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--models", nargs="+", default=DEFAULT_MODELS, help="names, NAME@RES for another resolution")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--res", type=int, default=224)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--slow-reps", type=int, default=3)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("--raw", default="", help="also write every run's JSON report to this file")
    args = ap.parse_args()
    thorax = os.path.join(args.build, "thorax")
    if not os.path.exists(thorax):
        sys.exit(f"compare_models: {thorax} not found; build it first (make build, or --build DIR)")
    if min(args.reps, args.slow_reps, args.steps, args.batch, args.threads) < 1 or args.warmup < 0:
        sys.exit("compare_models: --reps, --slow-reps, --steps, --batch and --threads must be at least 1")

    started = datetime.datetime.now()
    load_before = loadavg()
    rows, torch_info = [], None
    for text in args.models:
        name, res = model_at_res(text, args.res)
        runs = []  # one {"thorax": ..., "torch": {"train": ..., "infer": ...}} per repetition
        reps = args.reps
        rep = 0
        while rep < reps:
            order = ["thorax", "torch"] if rep % 2 == 0 else ["torch", "thorax"]
            run = {}
            for who in order:
                if who == "thorax":
                    run["thorax"] = run_thorax(thorax, name, res, args)
                else:
                    run["torch"] = {phase: run_torch(name, res, phase, args) for phase in PHASES}
                    torch_info = run["torch"]["train"]["info"]
            if run["thorax"]["num_classes"] != run["torch"]["train"]["num_classes"]:
                sys.exit(f"compare_models: {name}: thorax has {run['thorax']['num_classes']} classes, torchvision "
                         f"{run['torch']['train']['num_classes']}: the two would not do the same work")
            runs.append(run)
            if rep == 0 and run["torch"]["train"]["median_seconds"] > SLOW_STEP_SECONDS:
                reps = min(args.reps, args.slow_reps)
            print(f"{name}@{res} rep {rep + 1}/{reps}: " + ", ".join(
                f"{phase} thorax {run['thorax'][phase]['images_per_second']:.2f} / torch "
                f"{run['torch'][phase]['images_per_second']:.2f} img/s" for phase in PHASES), file=sys.stderr,
                flush=True)
            rep += 1
        rows.append((name, res, runs))
        if args.raw:  # after each model, so an interrupted comparison keeps what it measured
            tmp = args.raw + ".tmp"
            with open(tmp, "w") as f:
                json.dump([{"model": n, "res": r, "runs": rr} for n, r, rr in rows], f)
            os.replace(tmp, args.raw)

    print(f"# thorax vs PyTorch, whole models: batch {args.batch}, {args.threads} threads, median of {args.steps} "
          f"timed steps after {args.warmup} warm-up per run")
    print(f"# {started:%Y-%m-%d %H:%M}, {cpu_name()}, load average before {load_before}, after {loadavg()}")
    print(f"# torch {torch_info['torch']} (torchvision {torch_info['torchvision']}), "
          f"torch.get_num_threads() = {torch_info['torch_threads']}, OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset for torch "
          f"only; thorax {rows[0][2][0]['thorax']['threads']} OpenMP threads")
    print(f"# command: /usr/bin/python3 bench/compare_models.py " + " ".join(sys.argv[1:]))
    print()
    print_tables(rows, args.batch)


def print_tables(rows, batch):
    """The medians table (what the issue asks), then the best steps: a busy machine only ever slows a step down,
    so each side's fastest step over all repetitions is the closest to what it does on a quiet machine."""
    header = ["model", "res", "reps", "train img/s thorax", "torch", "ratio", "infer img/s thorax", "torch", "ratio",
              "train peak RSS MiB thorax", "torch", "ratio", "infer peak RSS MiB thorax", "torch", "ratio"]
    table = []
    for name, res, runs in rows:
        cells = [name, res, len(runs)]
        for phase in PHASES:
            t = [r["thorax"][phase]["images_per_second"] for r in runs]
            p = [r["torch"][phase]["images_per_second"] for r in runs]
            cells += [cc.fmt(cc.median(t), 2), cc.fmt(cc.median(p), 2), ratio_cell([a / b for a, b in zip(t, p)])]
        for phase in PHASES:
            t = [r["thorax"][phase]["peak_rss_bytes"] for r in runs]
            p = [r["torch"][phase]["peak_rss_bytes"] for r in runs]
            cells += [cc.fmt(mib(cc.median(t)), 0), cc.fmt(mib(cc.median(p)), 0),
                      cc.fmt(cc.median([a / b for a, b in zip(t, p)]), 2) + "×"]
        table.append(cells)
    print(cc.markdown_table(header, table))
    print()
    print("Best step over all repetitions (images/s of each side's fastest timed step):")
    print()
    header = ["model", "res", "train thorax", "torch", "ratio", "infer thorax", "torch", "ratio"]
    table = []
    for name, res, runs in rows:
        cells = [name, res]
        for phase in PHASES:
            t = batch / min(s for r in runs for s in r["thorax"][phase]["seconds"])
            p = batch / min(s for r in runs for s in r["torch"][phase]["seconds"])
            cells += [cc.fmt(t, 2), cc.fmt(p, 2), cc.fmt(t / p, 2) + "×"]
        table.append(cells)
    print(cc.markdown_table(header, table))


# ---- the PyTorch side: one model, one phase, one process ---------------------------------------------------

def torch_worker(name, res, batch, threads, phase, steps, warmup):
    import torch
    import torch.nn.functional as F
    import torchvision

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    kwargs = {"init_weights": True} if name == "inception_v3" else {}  # (its default, without the warning)
    model = getattr(torchvision.models, name)(weights=None, **kwargs)
    classes = _num_classes(model)
    x = torch.randn(batch, 3, res, res)
    y = torch.randint(0, classes, (batch,))
    if phase == "train":
        model.train()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        def step():
            opt.zero_grad(set_to_none=True)
            out = model(x)
            if isinstance(out, tuple):  # inception_v3's InceptionOutputs(logits, aux_logits) in train mode
                loss = F.cross_entropy(out.logits, y) + AUX_LOSS_WEIGHT * F.cross_entropy(out.aux_logits, y)
                logits = out.logits
            else:
                loss = F.cross_entropy(out, y)
                logits = out
            loss.backward()
            opt.step()
            return logits
    else:
        model.eval()

        def step():
            with torch.no_grad():
                return model(x)
    secs = []
    for i in range(warmup + steps):
        t = time.perf_counter()
        logits = step()
        if i >= warmup:
            secs.append(time.perf_counter() - t)
        if logits.shape[1] != classes:
            raise RuntimeError(f"{name}: {logits.shape[1]} outputs, expected {classes}")
    med = cc.median(secs)
    print(json.dumps({
        "seconds": secs, "median_seconds": med, "images_per_second": batch / med,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "num_classes": classes,
        "info": {"torch": torch.__version__, "torchvision": torchvision.__version__,
                 "torch_threads": torch.get_num_threads()}}), flush=True)


def _num_classes(model):
    """Outputs of the model's last Linear layer: its default class count."""
    import torch.nn as nn
    last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
    return last.out_features


if __name__ == "__main__":
    if len(sys.argv) == 9 and sys.argv[1] == "--torch-worker":
        n, r, b, t, ph, s, w = sys.argv[2:]
        torch_worker(n, int(r), int(b), int(t), ph, int(s), int(w))
    else:
        main()
