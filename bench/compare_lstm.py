#!/usr/bin/python3
"""LSTM forward + backward side by side: thorax's lstm vs torch.nn.LSTM, same shapes and threads.

    /usr/bin/python3 bench/compare_lstm.py [--build build] [--threads 2] [--rounds 5] [--reps 5]
                                           [--seq 49,98,196] [--batch 8] [--input 256] [--hidden 256]
                                           [--layers 1] [--unidirectional]

Shapes: the hybrid CNN-LSTM model's, batch 8, input and hidden 256, bidirectional, sequences of 49 to 196
steps (a 7×7 to 14×14 feature map read as a sequence). thorax: build/bench/op_time lstm (out =
lstm(x, weights) with every weight requiring its gradient, then backward of sum(out)); PyTorch:
out, _ = torch.nn.LSTM(...)(x); out.sum().backward(). x (T, N, I) requires its gradient in both. Each
round times every shape with both contenders, alternating the order; a contender's time in a round is
the median of --reps calls after a warm-up call; the table gives the median over rounds of each time
and of the per-round speed-up. The issue's bar: ≥ 1.5× torch.nn.LSTM. Needs build/bench/op_time.
"""
import argparse
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_common as cc  # noqa: E402

TARGET = 1.5


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--seq", default="49,98,196", help="sequence lengths, comma-separated")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--input", type=int, default=256)
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--unidirectional", action="store_true")
    args = ap.parse_args()
    op_time = os.path.join(args.build, "bench", "op_time")
    if not os.path.exists(op_time):
        sys.exit(f"compare_lstm: {op_time} not found; build it first (make build, or --build DIR)")
    try:
        seqs = [int(v) for v in args.seq.split(",") if v]
        assert seqs and all(t >= 1 for t in seqs)
    except (ValueError, AssertionError):
        sys.exit(f"compare_lstm: --seq '{args.seq}' must be positive integers, e.g. 49,196")
    bidir = not args.unidirectional

    peer = cc.PeerWorker(args.threads)
    secs = {t: {"thorax": [], "torch": []} for t in seqs}
    for rnd in range(args.rounds):
        for T in seqs:
            order = ["thorax", "torch"] if rnd % 2 == 0 else ["torch", "thorax"]
            for who in order:
                if who == "thorax":
                    rep = cc.run_thorax(op_time, ["lstm", T, args.batch, args.input, args.hidden, "--layers", args.layers,
                                                  "--reps", args.reps] + (["--bidirectional"] if bidir else []),
                                        args.threads)
                else:
                    rep = peer.time({"op": "lstm", "lib": "torch", "T": T, "N": args.batch, "I": args.input,
                                     "H": args.hidden, "layers": args.layers, "bidirectional": bidir, "reps": args.reps})
                secs[T][who].append(cc.median(rep["seconds"]))
        print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    peer.close()

    print(f"LSTM forward + backward, batch {args.batch}, input {args.input}, hidden {args.hidden}, {args.layers} "
          f"layer(s), {'bidirectional' if bidir else 'unidirectional'}, {args.threads} threads, {args.rounds} rounds × "
          f"{args.reps} calls, {datetime.datetime.now().isoformat(timespec='minutes')}")
    print(f"command: /usr/bin/python3 bench/compare_lstm.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"torch {peer.info['torch']} ({peer.info['torch_threads']} threads)\n")
    rows, ratios = [], []
    for T in seqs:
        t, p = secs[T]["thorax"], secs[T]["torch"]
        ratio = cc.median([b / a for a, b in zip(t, p)])
        ratios.append(ratio)
        rows.append([T, cc.fmt(cc.median(t) * 1e3, 2), cc.fmt(cc.median(p) * 1e3, 2), cc.fmt(ratio, 2)])
    print(cc.markdown_table(["sequence", "thorax ms", "torch ms", "speed-up (torch/thorax)"], rows))
    met = sum(r >= TARGET for r in ratios)
    print(f"\ntarget: ≥ {TARGET:.1f}× torch.nn.LSTM — met on {met} of {len(ratios)} lengths; "
          f"lowest {min(ratios):.2f}×")


if __name__ == "__main__":
    main()
