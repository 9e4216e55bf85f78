"""Compares the tensors of two thorax weight files (checkpoints): prints the largest relative difference,
max|a - b| / max|b| over each tensor, and exits 1 when it exceeds --tol (or --expect-above: when it does not,
for the control that shows the comparison can tell runs apart).

usage: compare_weights.py A.safetensors B.safetensors [--tol 1e-4 | --expect-above 1e-3] [--prefix optim]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import thorax_safetensors  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--tol", type=float)
    ap.add_argument("--expect-above", type=float)
    ap.add_argument("--skip-prefix", default="optim", help="tensors not compared (optimizer state by default)")
    args = ap.parse_args()
    a = thorax_safetensors.load(args.a)[0]
    b = thorax_safetensors.load(args.b)[0]
    names = [n for n in b if not n.startswith(args.skip_prefix)]
    if set(n for n in a if not n.startswith(args.skip_prefix)) != set(names):
        print("the files hold different tensors")
        return 1
    worst, worst_name = 0.0, ""
    for n in names:
        x, y = a[n].double(), b[n].double()
        if x.shape != y.shape:
            print(f"{n}: shapes {tuple(x.shape)} and {tuple(y.shape)}")
            return 1
        scale = max(float(y.abs().max()), 1e-12) if y.numel() else 1.0
        err = float((x - y).abs().max()) / scale if y.numel() else 0.0
        if err > worst:
            worst, worst_name = err, n
    print(f"{len(names)} tensors; largest relative difference {worst:.3g} ({worst_name})")
    if args.tol is not None and worst > args.tol:
        print(f"above the tolerance {args.tol:g}")
        return 1
    if args.expect_above is not None and worst <= args.expect_above:
        print(f"expected the runs to differ by more than {args.expect_above:g}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
