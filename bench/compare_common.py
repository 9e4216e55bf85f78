"""Shared machinery of the side-by-side comparison scripts (compare_gemm.py, compare_conv.py,
compare_ntxent.py, compare_lstm.py).

thorax is timed through build/bench/kernel_time or op_time (one process per round); the peers (numpy on OpenBLAS,
PyTorch) run in one long-lived worker process started with this file's --peer-worker mode. The
environment sets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which handicap OpenBLAS: they are removed from
the worker's environment only (never from thorax's, the tests' or CI's). Rounds alternate the order
in which the contenders run, and the tables report medians over rounds, ratios taken per round.
Run with Debian's /usr/bin/python3 (it has numpy and torch).
"""
import ctypes
import json
import os
import statistics
import subprocess
import sys
import time

HANDICAPS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def peer_env(threads):
    env = {k: v for k, v in os.environ.items() if k not in HANDICAPS}
    env.update(OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    return env


def thorax_env(threads):
    env = dict(os.environ)
    env["OMP_NUM_THREADS"] = str(threads)
    return env


# Between two contenders: after a call, OpenBLAS's threads spin for up to 2^28 cycles (about 0.1 s)
# and OpenMP's for a while before sleeping; a contender started sooner shares the cores with them.
SETTLE_SECONDS = 0.5


def settle():
    time.sleep(SETTLE_SECONDS)


def run_thorax(kernel_time, args, threads):
    """Runs kernel_time with args; returns its JSON report (seconds per repetition, flops, version)."""
    settle()
    out = subprocess.run([kernel_time] + [str(a) for a in args], env=thorax_env(threads), check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


class PeerWorker:
    """numpy/OpenBLAS and torch in a child process with the handicapping variables removed."""

    def __init__(self, threads):
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--peer-worker", str(threads)],
                                     env=peer_env(threads), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.info = self._read()

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the peer worker exited early (see its error above)")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError("peer worker: " + reply["error"])
        return reply

    def time(self, request):
        settle()
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def median(xs):
    return statistics.median(xs)


def fmt(x, digits=1):
    return f"{x:.{digits}f}"


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ---- the worker side -------------------------------------------------------------------------------

def _openblas_corename():
    """The core OpenBLAS chose, via ctypes on the libopenblas this process has loaded."""
    with open("/proc/self/maps") as f:
        paths = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and "/" in line})
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib.openblas_get_corename().decode(), path, lib.openblas_get_num_threads()
        except (OSError, AttributeError):
            continue
    return "not loaded (numpy is not using OpenBLAS)", "", 0


def _timed(fn, reps):
    fn()  # warm-up
    secs = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        secs.append(time.perf_counter() - t)
    return secs


def _worker(threads):
    import numpy as np
    import torch
    torch.set_num_threads(threads)
    np.ones((4, 4), np.float32) @ np.ones((4, 4), np.float32)  # loads the BLAS
    core, path, blas_threads = _openblas_corename()
    print(json.dumps({"openblas_core": core, "openblas_path": path, "openblas_threads": blas_threads,
                      "numpy": np.__version__, "torch": torch.__version__,
                      "torch_threads": torch.get_num_threads()}), flush=True)
    rng = np.random.default_rng(0)
    cache = {}
    for line in sys.stdin:
        req = json.loads(line)
        try:
            key = json.dumps({k: v for k, v in req.items() if k not in ("lib", "reps")}, sort_keys=True)
            if key not in cache:
                cache.clear()  # one shape's buffers at a time
                cache[key] = _make_inputs(req, np, torch, rng)
            fn = _make_call(req, cache[key], np, torch)
            print(json.dumps({"seconds": _timed(fn, req["reps"])}), flush=True)
        except Exception as e:  # reported to the parent, which stops with it
            print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)


def _make_inputs(req, np, torch, rng):
    if req["op"] == "gemm":
        M, N, K = req["M"], req["N"], req["K"]
        a = rng.uniform(-1, 1, (M, K)).astype(np.float32)
        b = rng.uniform(-1, 1, (N, K) if req["tb"] else (K, N)).astype(np.float32)
        c = np.empty((M, N), np.float32)
        return {"a": a, "b": b, "c": c, "ta": torch.from_numpy(a), "tb": torch.from_numpy(b), "tc": torch.from_numpy(c)}
    if req["op"] == "conv":
        n, cin, cout, h, w, k, g = req["N"], req["C_in"], req["C_out"], req["H"], req["W"], req["K"], req["groups"]
        x = torch.from_numpy(rng.uniform(-1, 1, (n, cin, h, w)).astype(np.float32))
        wt = torch.from_numpy(rng.uniform(-1, 1, (cout, cin // g, k, k)).astype(np.float32))
        bias = torch.from_numpy(rng.uniform(-1, 1, (cout,)).astype(np.float32))
        return {"x": x, "w": wt, "bias": bias}
    if req["op"] == "nt_xent":
        z = torch.from_numpy(rng.standard_normal((req["N2"], req["D"])).astype(np.float32)).requires_grad_(True)
        return {"z": z}
    if req["op"] == "lstm":
        torch.manual_seed(1)
        lstm = torch.nn.LSTM(req["I"], req["H"], num_layers=req["layers"], bidirectional=req["bidirectional"])
        x = torch.from_numpy(rng.standard_normal((req["T"], req["N"], req["I"])).astype(np.float32))
        return {"lstm": lstm, "x": x.requires_grad_(True)}
    raise ValueError(f"unknown op {req['op']}")


def _nt_xent_torch(z, tau, torch):
    """PyTorch's composite NT-Xent (SimCLR): normalize, similarity matmul, masked cross-entropy."""
    import torch.nn.functional as F
    n2 = z.shape[0]
    zn = F.normalize(z, dim=1)
    s = (zn @ zn.t()) / tau
    s = s.masked_fill(torch.eye(n2, dtype=torch.bool), float("-inf"))
    target = torch.cat([torch.arange(n2 // 2, n2), torch.arange(0, n2 // 2)])
    return F.cross_entropy(s, target)


def _make_call(req, d, np, torch):
    if req["op"] == "nt_xent" and req["lib"] == "torch":
        def step():
            z = d["z"]
            z.grad = None
            _nt_xent_torch(z, req["tau"], torch).backward()
        return step
    if req["op"] == "lstm" and req["lib"] == "torch":
        def step():
            d["lstm"].zero_grad(set_to_none=True)
            d["x"].grad = None
            out, _ = d["lstm"](d["x"])
            out.sum().backward()
        return step
    if req["op"] == "gemm":
        if req["lib"] == "numpy":
            b = d["b"].T if req["tb"] else d["b"]
            return lambda: np.matmul(d["a"], b, out=d["c"])
        if req["lib"] == "torch":
            b = d["tb"].t() if req["tb"] else d["tb"]
            return lambda: torch.mm(d["ta"], b, out=d["tc"])
    if req["op"] == "conv" and req["lib"] == "torch":
        import torch.nn.functional as F
        s, p, g = req["stride"], req["pad"], req["groups"]
        if req["pass"] == "forward":
            def fwd():
                with torch.no_grad():
                    F.conv2d(d["x"], d["w"], d["bias"], stride=s, padding=p, groups=g)
            return fwd
        # One backward pass alone: only the input it differentiates requires grad.
        x = d["x"].clone().requires_grad_(req["pass"] == "backward_data")
        w = d["w"].clone().requires_grad_(req["pass"] == "backward_weight")
        y = F.conv2d(x, w, None, stride=s, padding=p, groups=g)
        gy = torch.ones_like(y)
        target = x if req["pass"] == "backward_data" else w
        return lambda: torch.autograd.grad(y, target, gy, retain_graph=True)
    raise ValueError(f"no peer call for {req['lib']} {req['op']}")


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--peer-worker":
    try:
        _worker(int(sys.argv[2]))
    except Exception as e:
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
        raise
