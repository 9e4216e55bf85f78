#!/usr/bin/python3
"""Convolutions side by side: thorax's default CPU conv2d and depthwise_conv2d vs PyTorch, same threads.

    /usr/bin/python3 bench/compare_conv.py [--op depthwise_conv2d|conv2d|all] [--build build] [--threads 2]
                                           [--rounds 5] [--reps 5] [--passes forward,backward_data,backward_weight]
                                           [--only TEXT]

Shapes, batch 8 at 224 px: every depthwise layer of torchvision's MobileNetV2 (3×3, padding 1), and
ResNet-50 convolutions (conv2d's im2col + GEMM path). PyTorch runs F.conv2d (forward under no_grad;
each backward pass alone through torch.autograd.grad, the weight gradient without the bias gradient,
as thorax's kernel_time does). Each round times every case with both contenders, alternating which
goes first; a contender's time in a round is the median of --reps calls after a warm-up call, and the
table gives the median over rounds of each time and of the per-round speed-up (torch time / thorax
time). The issue's bar for depthwise: ≥ 2× PyTorch. Needs build/bench/kernel_time (`make build`).
"""
import argparse
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_common as cc  # noqa: E402

BATCH = 8
# (label, C_in, size, C_out, kernel, stride, pad, groups)
DEPTHWISE = [(f"mobilenetv2_dw_c{c}_{hw}px_s{s}", c, hw, c, 3, s, 1, c)
             for c, hw, s in [(32, 112, 1), (96, 112, 2), (144, 56, 1), (144, 56, 2), (192, 28, 1), (192, 28, 2),
                              (384, 14, 1), (576, 14, 1), (576, 14, 2), (960, 7, 1)]]
CONV2D = [
    ("resnet50_conv1_7x7s2", 3, 224, 64, 7, 2, 3, 1),
    ("resnet50_layer1_3x3_c64_56px", 64, 56, 64, 3, 1, 1, 1),
    ("resnet50_layer1_1x1_c64to256_56px", 64, 56, 256, 1, 1, 0, 1),
    ("resnet50_layer3_3x3_c256_14px", 256, 14, 256, 3, 1, 1, 1),
    ("resnet50_layer4_3x3_c512_7px", 512, 7, 512, 3, 1, 1, 1),
]
TARGETS = {"depthwise_conv2d": 2.0}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--op", default="depthwise_conv2d", choices=["depthwise_conv2d", "conv2d", "all"])
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--passes", default="forward,backward_data,backward_weight")
    ap.add_argument("--only", default="", help="only shapes whose label (e.g. c144_56px_s2) contains this text")
    args = ap.parse_args()
    kernel_time = os.path.join(args.build, "bench", "kernel_time")
    if not os.path.exists(kernel_time):
        sys.exit(f"compare_conv: {kernel_time} not found; build it first (make build, or --build DIR)")
    passes = [p for p in args.passes.split(",") if p]
    for p in passes:
        if p not in ("forward", "backward_data", "backward_weight"):
            sys.exit(f"compare_conv: unknown pass '{p}' (forward, backward_data, backward_weight)")
    shapes = []
    if args.op in ("depthwise_conv2d", "all"):
        shapes += [("depthwise_conv2d",) + s for s in DEPTHWISE]
    if args.op in ("conv2d", "all"):
        shapes += [("conv2d",) + s for s in CONV2D]
    shapes = [s for s in shapes if args.only in s[1]]
    if not shapes:
        sys.exit(f"compare_conv: no shape matches --only '{args.only}'")

    peer = cc.PeerWorker(args.threads)
    cases = [(s, p) for s in shapes for p in passes]
    result = {c: {"thorax": [], "torch": []} for c in cases}
    versions = {}
    for rnd in range(args.rounds):
        for case in cases:
            (op, name, cin, hw, cout, k, stride, pad, groups), pss = case
            order = ["thorax", "torch"] if rnd % 2 == 0 else ["torch", "thorax"]
            for who in order:
                if who == "thorax":
                    dims = ["depthwise", BATCH, cin, hw, hw, k, stride] if op == "depthwise_conv2d" else \
                        ["conv2d", BATCH, cin, hw, hw, cout, k, stride, pad]
                    rep = cc.run_thorax(kernel_time, dims + ["--pass", pss, "--reps", args.reps], args.threads)
                    versions[op] = rep["version"]
                    secs = rep["seconds"]
                else:
                    secs = peer.time({"op": "conv", "lib": "torch", "N": BATCH, "C_in": cin, "C_out": cout, "H": hw,
                                      "W": hw, "K": k, "stride": stride, "pad": pad, "groups": groups, "pass": pss,
                                      "reps": args.reps})["seconds"]
                result[case][who].append(cc.median(secs))
        print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    peer.close()

    print(f"Convolutions, batch {BATCH}, {args.threads} threads, {args.rounds} rounds × {args.reps} calls, "
          f"{datetime.datetime.now().isoformat(timespec='minutes')}")
    print(f"command: /usr/bin/python3 bench/compare_conv.py {' '.join(sys.argv[1:])}".rstrip())
    print("thorax versions: " + ", ".join(f"{op} {v}" for op, v in versions.items()) +
          f"; torch {peer.info['torch']} ({peer.info['torch_threads']} threads)")
    for op in dict.fromkeys(c[0][0] for c in cases):
        rows, ratios = [], []
        for case in (c for c in cases if c[0][0] == op):
            t, p = result[case]["thorax"], result[case]["torch"]
            ratio = cc.median([b / a for a, b in zip(t, p)])
            ratios.append(ratio)
            rows.append([case[0][1], case[1], cc.fmt(cc.median(t) * 1e3, 3), cc.fmt(cc.median(p) * 1e3, 3),
                         cc.fmt(ratio, 2)])
        print(f"\n{op}\n")
        print(cc.markdown_table(["shape", "pass", "thorax ms", "torch ms", "speed-up (torch/thorax)"], rows))
        summary = f"lowest {min(ratios):.2f}×, median {cc.median(ratios):.2f}×"
        if op in TARGETS:
            met = sum(r >= TARGETS[op] for r in ratios)
            print(f"\ntarget: ≥ {TARGETS[op]:.1f}× PyTorch — met on {met} of {len(ratios)} shape/pass pairs; "
                  f"{summary}")
        else:
            print(f"\n{summary}")


if __name__ == "__main__":
    main()
