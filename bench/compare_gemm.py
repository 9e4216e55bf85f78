#!/usr/bin/python3
"""SGEMM side by side: thorax's default CPU gemm vs numpy (OpenBLAS) vs torch.mm, same threads, one run.

    /usr/bin/python3 bench/compare_gemm.py [--build build] [--threads 2] [--rounds 5] [--reps 5] [--only NAME]

Each round times every shape with each contender (the order alternates between rounds); a contender's
time in a round is the median of --reps calls after one warm-up call. The table gives the median over
rounds of each GFLOP/s figure and of the per-round ratios. Shapes: those of build/bench/kernel_bench
(square, ResNet-50 at 224 px batch 8 as im2col GEMMs, a 2048 → 1000 linear layer at batch 8).
Needs build/bench/kernel_time (`make build`) and the Debian packages python3-numpy, python3-torch and
libopenblas0-pthread (tools/setup_debian.sh).
"""
import argparse
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_common as cc  # noqa: E402

# name, M, N, K, B transposed (as kernel_bench's gemm shapes)
SHAPES = [
    ("square", 256, 256, 256, False),
    ("square", 512, 512, 512, False),
    ("square", 1024, 1024, 1024, False),
    ("square", 2048, 2048, 2048, False),
    ("resnet50_conv1_7x7s2", 64, 8 * 112 * 112, 3 * 7 * 7, False),
    ("resnet50_layer1_1x1", 64, 8 * 56 * 56, 64, False),
    ("resnet50_layer1_3x3", 64, 8 * 56 * 56, 64 * 9, False),
    ("resnet50_layer4_3x3", 512, 8 * 7 * 7, 512 * 9, False),
    ("linear_2048to1000_batch8", 8, 1000, 2048, True),
]
TARGET = ("square", 2048, 0.90)  # the bar: 2048³ at ≥ 90% of OpenBLAS's sgemm in the same run


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--only", default="", help="only shapes whose name or MxNxK contains this text")
    args = ap.parse_args()
    kernel_time = os.path.join(args.build, "bench", "kernel_time")
    if not os.path.exists(kernel_time):
        sys.exit(f"compare_gemm: {kernel_time} not found; build it first (make build, or --build DIR)")
    shapes = [s for s in SHAPES if args.only in f"{s[0]} {s[1]}x{s[2]}x{s[3]}"]
    if not shapes:
        sys.exit(f"compare_gemm: no shape matches --only '{args.only}'")

    peer = cc.PeerWorker(args.threads)
    info = peer.info
    gflops = {s: {"thorax": [], "openblas": [], "torch": []} for s in shapes}
    version = "?"
    for rnd in range(args.rounds):
        for s in shapes:
            name, M, N, K, tb = s
            flops = 2.0 * M * N * K
            contenders = ["thorax", "openblas", "torch"]
            if rnd % 2:
                contenders.reverse()
            for who in contenders:
                if who == "thorax":
                    rep = cc.run_thorax(kernel_time, ["gemm", M, N, K, "--reps", args.reps] + (["--tb"] if tb else []),
                                        args.threads)
                    version = rep["version"]
                    secs = rep["seconds"]
                else:
                    secs = peer.time({"op": "gemm", "lib": "numpy" if who == "openblas" else "torch", "M": M, "N": N,
                                      "K": K, "tb": tb, "reps": args.reps})["seconds"]
                gflops[s][who].append(flops / cc.median(secs) / 1e9)
        print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    peer.close()

    print(f"SGEMM, {args.threads} threads, {args.rounds} rounds × {args.reps} calls, "
          f"{datetime.datetime.now().isoformat(timespec='minutes')}")
    print(f"command: /usr/bin/python3 bench/compare_gemm.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"thorax gemm version: {version}; OpenBLAS core: {info['openblas_core']} ({info['openblas_path']}, "
          f"{info['openblas_threads']} threads); numpy {info['numpy']}; torch {info['torch']} "
          f"({info['torch_threads']} threads)")
    print()
    rows = []
    for s in shapes:
        g = gflops[s]
        r_ob = [t / o for t, o in zip(g["thorax"], g["openblas"])]
        r_pt = [t / o for t, o in zip(g["thorax"], g["torch"])]
        rows.append([s[0], f"{s[1]}×{s[2]}×{s[3]}" + ("ᵀ" if s[4] else ""), cc.fmt(cc.median(g["thorax"])),
                     cc.fmt(cc.median(g["openblas"])), cc.fmt(cc.median(g["torch"])), cc.fmt(cc.median(r_ob), 2),
                     cc.fmt(cc.median(r_pt), 2)])
    print(cc.markdown_table(["shape", "M×N×K", "thorax GFLOP/s", "OpenBLAS GFLOP/s", "torch.mm GFLOP/s",
                             "thorax/OpenBLAS", "thorax/torch"], rows))
    for s in shapes:
        if s[0] == TARGET[0] and s[1] == TARGET[1]:
            g = gflops[s]
            ratio = cc.median([t / o for t, o in zip(g["thorax"], g["openblas"])])
            verdict = "met" if ratio >= TARGET[2] else "MISSED"
            print(f"\ntarget: {TARGET[1]}³ at ≥ {TARGET[2]:.2f}× OpenBLAS — measured {ratio:.3f}× ({verdict})")


if __name__ == "__main__":
    main()
