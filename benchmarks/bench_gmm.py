"""Time per EM iteration and peak memory of course_utils.gmm.fit against scikit-learn.

Usage (from the repository root, scikit-learn and threadpoolctl installed)::

    python benchmarks/bench_gmm.py [--repeats 5] [--quick]

Both libraries start from the same explicit parameters (equal weights, k data points as
means, the data covariance for every component) and run with ``tol=0``. The time of one
iteration is the difference between a fit with ``--long`` and one with ``--short``
iterations, divided by the difference in iterations: the set-up, the input checks and the
final E-step that both libraries run after their last iteration cancel out. The two
libraries run alternately (in turn first) and the medians over the repeats are reported,
once with the default BLAS threads and once with BLAS limited to one thread, because
spinning BLAS workers make two-thread timings noisy on a two-core machine.

Peak memory is measured separately with ``tracemalloc`` (numpy reports its buffers to it)
and given in units of one (n, k) float64 array, beyond X. The bar of the issue: time per
iteration at most 0.8 times scikit-learn's and peak extra memory at most three (n, k) arrays.
The exit status is 1 when a bar is missed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
import warnings
from contextlib import nullcontext

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_info, threadpool_limits

from course_utils import gmm

CASES = ((100_000, 16, 16), (1_000_000, 2, 8))
SPEED_BAR = 0.8
MEMORY_BAR = 3.0


def make_problem(n, d, k, seed=0):
    """Data from a random k-component mixture and a common starting point."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(k, d))
    X = centres[rng.integers(k, size=n)] + rng.normal(size=(n, d))
    weights = np.full(k, 1.0 / k)
    means = X[rng.choice(n, size=k, replace=False)].copy()
    covariances = np.repeat(np.cov(X, rowvar=False).reshape(1, d, d), k, axis=0)
    return X, (weights, means, covariances)


def fit_ours(X, start, iterations):
    result = gmm.fit(X, len(start[0]), init=start, max_iter=iterations, tol=0.0)
    return result.weights, result.means, result.covariances


def fit_sklearn(X, start, iterations):
    weights, means, covariances = start
    model = GaussianMixture(
        len(weights), covariance_type="full", tol=0.0, max_iter=iterations, reg_covar=1e-6,
        weights_init=weights, means_init=means, precisions_init=np.linalg.inv(covariances),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X)
    return model.weights_, model.means_, model.covariances_


FITS = {"course_utils": fit_ours, "scikit-learn": fit_sklearn}


def seconds(fit, X, start, iterations):
    begin = time.perf_counter()
    fit(X, start, iterations)
    return time.perf_counter() - begin


def time_per_iteration(X, start, repeats, short, long):
    """Median seconds per iteration of each library, the two interleaved."""
    samples = {name: [] for name in FITS}
    names = list(FITS)
    for repeat in range(repeats):
        for name in names if repeat % 2 == 0 else names[::-1]:
            fit = FITS[name]
            t_short = seconds(fit, X, start, short)
            t_long = seconds(fit, X, start, long)
            samples[name].append((t_long - t_short) / (long - short))
    return {name: statistics.median(values) for name, values in samples.items()}, samples


def peak_extra_memory(fit, X, start, iterations):
    """Peak bytes allocated during a fit (X itself already exists and is not counted)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    fit(X, start, iterations)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def check_same_answer(X, start, iterations):
    ours, theirs = fit_ours(X, start, iterations), fit_sklearn(X, start, iterations)
    worst = max(np.max(np.abs(a - b)) / np.max(np.abs(b)) for a, b in zip(ours, theirs))
    if worst > 1e-8:
        raise AssertionError(f"the two libraries disagree after {iterations} iterations: {worst:.2e}")
    return worst


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--short", type=int, default=1, help="iterations of the short fit")
    parser.add_argument("--long", type=int, default=6, help="iterations of the long fit")
    parser.add_argument("--quick", action="store_true", help="cases 10 times smaller (a smoke run)")
    args = parser.parse_args(argv)
    blas = [f"{i['internal_api']} {i['version']} ({i['num_threads']} threads)"
            for i in threadpool_info() if i["user_api"] == "blas"]
    print(f"numpy {np.__version__}, BLAS: {', '.join(blas)}")
    print(f"one iteration = (time of {args.long} - time of {args.short} iterations) / "
          f"{args.long - args.short}; median of {args.repeats} interleaved repeats\n")
    rows = []
    for n, d, k in CASES:
        n = n // 10 if args.quick else n
        X, start = make_problem(n, d, k)
        worst = check_same_answer(X, start, 3)
        unit = n * k * 8
        memory = {name: peak_extra_memory(fit, X, start, 3) / unit for name, fit in FITS.items()}
        for threads in ("default", 1):
            limit = threadpool_limits(limits=1, user_api="blas") if threads == 1 else nullcontext()
            with limit:
                medians, samples = time_per_iteration(X, start, args.repeats, args.short, args.long)
            ratios = [a / b for a, b in zip(samples["course_utils"], samples["scikit-learn"])]
            rows.append((f"({n}, {d}), k={k}", threads, medians["course_utils"], medians["scikit-learn"],
                         medians["course_utils"] / medians["scikit-learn"], statistics.median(ratios),
                         memory["course_utils"], memory["scikit-learn"], worst))
    print("| X shape, k | BLAS threads | ours s/iter | sklearn s/iter | ratio of medians | median ratio "
          "| ours peak (n,k) arrays | sklearn peak (n,k) arrays | max rel. diff |")
    print("|---|---|---|---|---|---|---|---|---|")
    failed = False
    for case, threads, ours, theirs, ratio, median_ratio, mem_ours, mem_theirs, worst in rows:
        print(f"| {case} | {threads} | {ours:.4f} | {theirs:.4f} | {ratio:.2f} | {median_ratio:.2f} "
              f"| {mem_ours:.2f} | {mem_theirs:.2f} | {worst:.1e} |")
        failed |= ratio > SPEED_BAR or mem_ours > MEMORY_BAR
    print(f"\nbars: ratio <= {SPEED_BAR}, peak extra memory <= {MEMORY_BAR:g} (n, k) arrays: "
          f"{'FAILED' if failed else 'passed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
