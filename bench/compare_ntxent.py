#!/usr/bin/python3
"""NT-Xent forward + backward side by side: thorax's fused op vs PyTorch's composite, same threads.

    /usr/bin/python3 bench/compare_ntxent.py [--build build] [--threads 2] [--rounds 5] [--reps 20]
                                             [--shapes 512x128,...] [--tau 0.1]

thorax: build/bench/op_time nt_xent (loss = nt_xent(z), then backward: one similarity GEMM, one fused
pass, one gradient GEMM). PyTorch: F.normalize, zn @ zn.T / τ, the diagonal masked with −inf,
F.cross_entropy against the positive pairs, .backward() — SimCLR's usual composite. Both on z (2N, d)
requiring its gradient. Each round times every shape with both contenders, alternating the order; a
contender's time in a round is the median of --reps calls after a warm-up call; the table gives the
median over rounds of each time and of the per-round speed-up. The issue's bar: ≥ 3× PyTorch at
2N = 512, d = 128. Needs build/bench/op_time (`make build`).
"""
import argparse
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_common as cc  # noqa: E402

TARGET = ((512, 128), 3.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--shapes", default="512x128,256x128,1024x128", help="2N×d pairs, comma-separated")
    ap.add_argument("--tau", type=float, default=0.1)
    args = ap.parse_args()
    op_time = os.path.join(args.build, "bench", "op_time")
    if not os.path.exists(op_time):
        sys.exit(f"compare_ntxent: {op_time} not found; build it first (make build, or --build DIR)")
    try:
        shapes = [tuple(int(v) for v in s.split("x")) for s in args.shapes.split(",") if s]
        assert all(len(s) == 2 and s[0] % 2 == 0 and s[0] >= 2 and s[1] >= 1 for s in shapes)
    except (ValueError, AssertionError):
        sys.exit(f"compare_ntxent: --shapes '{args.shapes}' must be pairs 2Nxd with 2N even, e.g. 512x128")

    peer = cc.PeerWorker(args.threads)
    secs = {s: {"thorax": [], "torch": []} for s in shapes}
    for rnd in range(args.rounds):
        for s in shapes:
            order = ["thorax", "torch"] if rnd % 2 == 0 else ["torch", "thorax"]
            for who in order:
                if who == "thorax":
                    rep = cc.run_thorax(op_time, ["nt_xent", s[0], s[1], "--tau", args.tau, "--reps", args.reps],
                                        args.threads)
                else:
                    rep = peer.time({"op": "nt_xent", "lib": "torch", "N2": s[0], "D": s[1], "tau": args.tau,
                                     "reps": args.reps})
                secs[s][who].append(cc.median(rep["seconds"]))
        print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    peer.close()

    print(f"NT-Xent forward + backward, {args.threads} threads, {args.rounds} rounds × {args.reps} calls, "
          f"τ = {args.tau}, {datetime.datetime.now().isoformat(timespec='minutes')}")
    print(f"command: /usr/bin/python3 bench/compare_ntxent.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"torch {peer.info['torch']} ({peer.info['torch_threads']} threads)\n")
    rows = []
    for s in shapes:
        t, p = secs[s]["thorax"], secs[s]["torch"]
        rows.append([f"{s[0]}×{s[1]}", cc.fmt(cc.median(t) * 1e3, 3), cc.fmt(cc.median(p) * 1e3, 3),
                     cc.fmt(cc.median([b / a for a, b in zip(t, p)]), 2)])
    print(cc.markdown_table(["2N×d", "thorax ms", "torch ms", "speed-up (torch/thorax)"], rows))
    if TARGET[0] in secs:
        t, p = secs[TARGET[0]]["thorax"], secs[TARGET[0]]["torch"]
        ratio = cc.median([b / a for a, b in zip(t, p)])
        print(f"\ntarget: 2N = {TARGET[0][0]}, d = {TARGET[0][1]} at ≥ {TARGET[1]:.1f}× PyTorch — measured "
              f"{ratio:.2f}× ({'met' if ratio >= TARGET[1] else 'MISSED'})")


if __name__ == "__main__":
    main()
