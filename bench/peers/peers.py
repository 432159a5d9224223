#!/usr/bin/env python3
"""Peer implementations for `ldbench bench --peers`: POT and SciPy on the same inputs.

Called by build/bench/ldbench_peers with one JSON task on the command line; prints one JSON
object {"value": ..., "seconds": ..., "library": ...}. The inputs are whitespace-separated text
files written by ldbench_peers (one point per row), so both sides see identical numbers.

Tasks (timings include building the cost matrix or the trees, as on the C++ side):
  emd2          POT ot.emd2 on uniform weights, squared Euclidean cost      -> W2 squared
  sinkhorn_log  POT ot.sinkhorn2(method='sinkhorn_log') at reg = eps        -> <P, C> of the entropic plan
  knn_kl        the Wang-Kulkarni-Verdu kNN KL with scipy.spatial.cKDTree  -> KL(p||q), nats
  ula_gaussian  NumPy ULA x <- x - eta a*x + sqrt(2 eta) xi on an ensemble d x chains (no input files;
                a = linspace(1, 10, d), x_0 = 0, lambda = 1)             -> mean over coordinates of
                the ensemble variance / the exact ULA variance after `steps` steps
"""
import json
import sys
import time

import numpy as np


def load(path):
    x = np.loadtxt(path, ndmin=2)
    return np.ascontiguousarray(x, dtype=np.float64)


def ula_gaussian(task):
    """The same update as lib/langevin ULA on a diagonal Gaussian, written the fast NumPy way:
    in-place scaling, noise drawn into a preallocated buffer (PCG64, standard_normal)."""
    d, n, steps, eta = int(task["d"]), int(task["chains"]), int(task["steps"]), float(task["eta"])
    a = np.linspace(1.0, 10.0, d)
    rng = np.random.default_rng(int(task.get("seed", 1)))
    t0 = time.perf_counter()
    x = np.zeros((d, n))
    z = np.empty((d, n))
    contraction = (1.0 - eta * a)[:, None]
    scale = np.sqrt(2.0 * eta)
    for _ in range(steps):
        x *= contraction
        rng.standard_normal(out=z)
        z *= scale
        x += z
    seconds = time.perf_counter() - t0
    q = (1.0 - eta * a) ** 2
    exact = 2.0 * eta * (1.0 - q ** steps) / (1.0 - q)
    value = float(np.mean(x.var(axis=1) / exact))
    return {"value": value, "seconds": seconds, "library": "NumPy " + np.__version__ + " (PCG64, 1 thread)"}


def main():
    task = json.loads(sys.argv[1])
    kind = task["task"]
    if kind == "ula_gaussian":
        print(json.dumps(ula_gaussian(task)))
        return
    x = load(task["x"])
    y = load(task["y"])
    if kind in ("emd2", "sinkhorn_log"):
        import ot
        lib = "POT " + ot.__version__
        t0 = time.perf_counter()
        a = np.full(x.shape[0], 1.0 / x.shape[0])
        b = np.full(y.shape[0], 1.0 / y.shape[0])
        M = ot.dist(x, y, metric="sqeuclidean")
        extra = {}
        if kind == "emd2":
            value = float(ot.emd2(a, b, M, numItermax=10**8))
        else:
            value, log = ot.sinkhorn2(a, b, M, task["eps"], method="sinkhorn_log",
                                      numItermax=task.get("max_iter", 100000), stopThr=task["tol"], log=True)
            value = float(value)
            err = [float(e) for e in log.get("err", [])]
            # POT's stopping error: L2 norm of the column-marginal violation, every 10 iterations.
            extra = {"iterations": int(log.get("niter", -1)), "final_marginal_error_l2": err[-1] if err else None,
                     "converged": bool(err) and err[-1] <= task["tol"]}
        seconds = time.perf_counter() - t0
    elif kind == "knn_kl":
        import scipy
        from scipy.spatial import cKDTree
        from scipy.special import digamma
        lib = "SciPy " + scipy.__version__
        k = int(task.get("k", 1))
        l = int(task.get("l", k))
        workers = int(task.get("workers", -1))
        t0 = time.perf_counter()
        n, d = x.shape
        m = y.shape[0]
        rho = cKDTree(x).query(x, k=k + 1, workers=workers)[0]
        rho = rho[:, -1] if rho.ndim == 2 else rho
        nu = cKDTree(y).query(x, k=l, workers=workers)[0]
        nu = nu[:, -1] if nu.ndim == 2 else nu
        value = float(d * np.mean(np.log(nu / rho)) + digamma(k) - digamma(l) + np.log(m / (n - 1)))
        seconds = time.perf_counter() - t0
    else:
        raise SystemExit("unknown task " + kind)
    out = {"value": value, "seconds": seconds, "library": lib}
    if kind in ("emd2", "sinkhorn_log"):
        out.update(extra)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
