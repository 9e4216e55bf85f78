#!/usr/bin/python3
"""Convolutions side by side: thorax's CPU conv2d and depthwise_conv2d vs PyTorch, same threads.

    /usr/bin/python3 bench/compare_conv.py [--op depthwise_conv2d|conv2d|all] [--build build] [--threads 2]
                                           [--rounds 5] [--reps 5] [--passes forward,backward_data,backward_weight]
                                           [--only TEXT] [--versions NAME,NAME]

Shapes, batch 8 at 224 px: every depthwise layer of torchvision's MobileNetV2 (3×3, padding 1), and
the convolutions of ResNet-18/50, DenseNet-121 and VGG-16 (each distinct layer shape once; the label
names one model that has it). PyTorch runs F.conv2d (forward under no_grad; each backward pass alone
through torch.autograd.grad, the weight gradient without the bias gradient, as thorax's kernel_time
does). Each round times every case with every contender, alternating the order; a contender's time in
a round is the median of --reps calls after a warm-up call, and the table gives the median over rounds
of each time and of the per-round speed-up (torch time / thorax time). --versions times named thorax
versions (e.g. im2col_gemm,winograd_avx512: before and after) instead of the default one, each against
the same PyTorch times. Below each table: the lowest and median speed-up, and the total: all the
table's PyTorch time over all its thorax time. The issue's bars: depthwise ≥ 2× PyTorch, conv2d ≥ 1×.
Needs build/bench/kernel_time (`make build`).
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
    ("resnet_conv1_7x7s2", 3, 224, 64, 7, 2, 3, 1),
    ("resnet_layer1_3x3_c64_56px", 64, 56, 64, 3, 1, 1, 1),
    ("resnet18_layer2_3x3s2_c64to128_56px", 64, 56, 128, 3, 2, 1, 1),
    ("resnet50_layer2_3x3s2_c128_56px", 128, 56, 128, 3, 2, 1, 1),
    ("resnet_layer2_3x3_c128_28px", 128, 28, 128, 3, 1, 1, 1),
    ("resnet_layer3_3x3_c256_14px", 256, 14, 256, 3, 1, 1, 1),
    ("resnet_layer4_3x3_c512_7px", 512, 7, 512, 3, 1, 1, 1),
    ("resnet18_downsample_1x1s2_c64to128_56px", 64, 56, 128, 1, 2, 0, 1),
    ("resnet50_downsample_1x1s2_c256to512_56px", 256, 56, 512, 1, 2, 0, 1),
    ("resnet50_layer1_1x1_c64to256_56px", 64, 56, 256, 1, 1, 0, 1),
    ("resnet50_layer1_1x1_c256to64_56px", 256, 56, 64, 1, 1, 0, 1),
    ("resnet50_layer3_1x1_c1024to256_14px", 1024, 14, 256, 1, 1, 0, 1),
    ("resnet50_layer4_1x1_c512to2048_7px", 512, 7, 2048, 1, 1, 0, 1),
    ("densenet121_block1_1x1_c160to128_56px", 160, 56, 128, 1, 1, 0, 1),
    ("densenet121_block1_3x3_c128to32_56px", 128, 56, 32, 3, 1, 1, 1),
    ("densenet121_block2_3x3_c128to32_28px", 128, 28, 32, 3, 1, 1, 1),
    ("densenet121_block3_1x1_c640to128_14px", 640, 14, 128, 1, 1, 0, 1),
    ("densenet121_block3_3x3_c128to32_14px", 128, 14, 32, 3, 1, 1, 1),
    ("densenet121_block4_3x3_c128to32_7px", 128, 7, 32, 3, 1, 1, 1),
    ("vgg16_conv2_3x3_c64_224px", 64, 224, 64, 3, 1, 1, 1),
    ("vgg16_conv4_3x3_c128_112px", 128, 112, 128, 3, 1, 1, 1),
    ("vgg16_conv6_3x3_c256_56px", 256, 56, 256, 3, 1, 1, 1),
    ("vgg16_conv9_3x3_c512_28px", 512, 28, 512, 3, 1, 1, 1),
    ("vgg16_conv12_3x3_c512_14px", 512, 14, 512, 3, 1, 1, 1),
]
TARGETS = {"depthwise_conv2d": 2.0, "conv2d": 1.0}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--op", default="depthwise_conv2d", choices=["depthwise_conv2d", "conv2d", "all"])
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--passes", default="forward,backward_data,backward_weight")
    ap.add_argument("--only", default="", help="only shapes whose label (e.g. c144_56px_s2) contains this text")
    ap.add_argument("--versions", default="", help="thorax versions to time (default: the op's default version)")
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

    wanted = [v for v in args.versions.split(",") if v] or [""]  # "" = the op's default version
    peer = cc.PeerWorker(args.threads)
    cases = [(s, p) for s in shapes for p in passes]
    result = {c: {} for c in cases}  # contender → seconds per round
    labels = {}  # (op, wanted) → the version kernel_time reported
    for rnd in range(args.rounds):
        for case in cases:
            (op, name, cin, hw, cout, k, stride, pad, groups), pss = case
            contenders = [("thorax", v) for v in wanted] + [("torch", None)]
            if rnd % 2:
                contenders.reverse()
            for who, version in contenders:
                if who == "thorax":
                    dims = ["depthwise", BATCH, cin, hw, hw, k, stride] if op == "depthwise_conv2d" else \
                        ["conv2d", BATCH, cin, hw, hw, cout, k, stride, pad]
                    extra = ["--version", version] if version else []
                    rep = cc.run_thorax(kernel_time, dims + ["--pass", pss, "--reps", args.reps] + extra, args.threads)
                    labels[(op, version)] = rep["version"]
                    key = version
                else:
                    rep = peer.time({"op": "conv", "lib": "torch", "N": BATCH, "C_in": cin, "C_out": cout, "H": hw,
                                     "W": hw, "K": k, "stride": stride, "pad": pad, "groups": groups, "pass": pss,
                                     "reps": args.reps})
                    key = "torch"
                result[case].setdefault(key, []).append(cc.median(rep["seconds"]))
        print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    peer.close()

    print(f"Convolutions, batch {BATCH}, {args.threads} threads, {args.rounds} rounds × {args.reps} calls, "
          f"{datetime.datetime.now().isoformat(timespec='minutes')}")
    print(f"command: /usr/bin/python3 bench/compare_conv.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"torch {peer.info['torch']} ({peer.info['torch_threads']} threads)")
    for op in dict.fromkeys(c[0][0] for c in cases):
        op_cases = [c for c in cases if c[0][0] == op]
        names = [labels[(op, v)] for v in wanted]
        header = ["shape", "pass", "torch ms"]
        for n in names:
            header += [f"{n} ms", f"speed-up {n}" if len(names) > 1 else "speed-up (torch/thorax)"]
        rows, ratios = [], {v: [] for v in wanted}
        for case in op_cases:
            p = result[case]["torch"]
            row = [case[0][1], case[1], cc.fmt(cc.median(p) * 1e3, 3)]
            for v in wanted:
                t = result[case][v]
                ratio = cc.median([b / a for a, b in zip(t, p)])
                ratios[v].append(ratio)
                row += [cc.fmt(cc.median(t) * 1e3, 3), cc.fmt(ratio, 2)]
            rows.append(row)
        print(f"\n{op}\n")
        print(cc.markdown_table(header, rows))
        print()
        torch_total = sum(cc.median(result[c]["torch"]) for c in op_cases)
        for v, n in zip(wanted, names):
            r = ratios[v]
            total = torch_total / sum(cc.median(result[c][v]) for c in op_cases)
            line = (f"{n}: lowest {min(r):.2f}×, median {cc.median(r):.2f}×, total {total:.2f}× "
                    "(all PyTorch time / all thorax time)")
            if op in TARGETS:
                met = sum(x >= TARGETS[op] for x in r)
                line += f"; target ≥ {TARGETS[op]:.1f}× met on {met} of {len(r)} shape/pass pairs"
            print(line)


if __name__ == "__main__":
    main()
