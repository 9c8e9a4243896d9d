"""Time per Lloyd iteration of course_utils.kmeans.fit against scikit-learn, and its memory.

Both libraries start from the same centers and run with tol=0 (the data are too noisy to
converge that fast, and the script checks it, as well as that all runs reach the same
labels). scikit-learn runs twice: ``algorithm="lloyd"``, the bar of issue 4, which
computes every distance in every iteration, and ``algorithm="elkan"``, which like
course_utils skips distances that bounds show cannot change a label (Elkan 2003 keeps k
bounds per point, course_utils one). Both give exactly the iterations of Lloyd's
algorithm. The time of one iteration is (time of ``--iterations`` iterations - time of 2
iterations) / (``--iterations`` - 2): the difference cancels each library's fixed costs
(validation, centring the data, the final assignment), as benchmarks/bench_gmm.py does.
Each fit time is the best of ``--repeats`` fits, the libraries taking turns. It is
measured twice: with default thread settings, as on a learner's laptop, and with BLAS
limited to one thread through threadpoolctl (scikit-learn's OpenMP threads
are left alone: that is how it runs its own Lloyd loop; course_utils's own threads, one per
core and at most four, are not affected either). The peak memory on top of X is
measured with tracemalloc, which sees numpy's allocations.

Three cases: overlapping blobs (100 000 x 16, k = 16, and 1 000 000 x 2, k = 8) from
k-means++ starts, where bounds let most points be skipped once the centers settle, and
standard normal data without any cluster structure (100 000 x 16, k = 16, 20 iterations
from the first 16 rows, issue 16), where the centers keep moving, the bounds would spare
too few points to pay for their upkeep, and course_utils takes plain steps that assign
every point in every iteration.

Run from the repository root::

    python benchmarks/bench_kmeans.py [--iterations 12] [--repeats 5]

(``--iterations`` applies to the blob cases; the unstructured case always runs 20.)

Requires scikit-learn (the ``reference`` extra), which brings threadpoolctl.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_info, threadpool_limits

from course_utils.kmeans import fit, kmeans_plusplus

# (name, n, d, k, iterations or None for --iterations)
CASES = [
    ("blobs", 100_000, 16, 16, None),
    ("blobs", 1_000_000, 2, 8, None),
    ("normal", 100_000, 16, 16, 20),
]
ALGORITHMS = ("lloyd", "elkan")


def best_times(runs, repeats):
    """Best wall-clock time of each run; the runs take turns, so that a change in the
    machine's load affects them alike."""
    for run in runs:
        run()  # warm-up: page faults, thread pools, caches
    best = [np.inf] * len(runs)
    for _ in range(repeats):
        for index, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[index] = min(best[index], time.perf_counter() - start)
    return best


def measure(X, centers, iterations, repeats):
    k = centers.shape[0]
    short = 2

    def ours(max_iter):
        return lambda: fit(X, k, init=centers, max_iter=max_iter)

    def theirs(max_iter, algorithm):
        return lambda: KMeans(k, init=centers, n_init=1, max_iter=max_iter, tol=0.0, algorithm=algorithm).fit(X)

    ours_result = ours(iterations)()
    their_results = [theirs(iterations, algorithm)() for algorithm in ALGORITHMS]
    if ours_result.n_iter != iterations or any(result.n_iter_ != iterations for result in their_results):
        raise RuntimeError("a run converged early; use fewer iterations")
    if not all(np.array_equal(ours_result.labels, result.labels_) for result in their_results):
        raise RuntimeError("the libraries disagree on the labels")
    runs = [ours] + [lambda max_iter, algorithm=algorithm: theirs(max_iter, algorithm) for algorithm in ALGORITHMS]
    times = best_times([run(iterations) for run in runs] + [run(short) for run in runs], repeats)
    long_times, short_times = times[:len(runs)], times[len(runs):]
    return [(long - short_) / (iterations - short) for long, short_ in zip(long_times, short_times)]


def peak_extra_memory(X, centers, iterations):
    tracemalloc.start()
    fit(X, centers.shape[0], init=centers, max_iter=iterations)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    threads = {info["internal_api"]: info["num_threads"] for info in threadpool_info()}
    print(f"thread pools by default: {threads}")
    rng = np.random.default_rng(0)
    header = (
        f"| {'data':>6} | {'X shape':>13} | {'k':>3} | {'iters':>5} | {'BLAS threads':>12} | {'course_utils ms/iter':>20} "
        f"| {'lloyd ms/iter':>13} | {'ratio':>5} | {'elkan ms/iter':>13} | {'ratio':>5} "
        f"| {'peak extra MiB':>14} |"
    )
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for name, n, d, k, iterations in CASES:
        iterations = iterations or args.iterations
        if name == "blobs":
            # Overlapping blobs: many iterations before the labels settle.
            X = rng.normal(scale=3.0, size=(k, d))[rng.integers(k, size=n)] + rng.normal(size=(n, d))
            centers = kmeans_plusplus(X, k, rng=1)
        else:
            # No cluster structure: the centers keep moving and bounds skip few points.
            X = np.random.default_rng(16).standard_normal((n, d))
            centers = X[:k].copy()
        peak = peak_extra_memory(X, centers, iterations)
        for limit in (None, 1):
            with threadpool_limits(limits=limit, user_api="blas"):
                t_ours, t_lloyd, t_elkan = measure(X, centers, iterations, args.repeats)
            print(
                f"| {name:>6} | {(n, d)!s:>13} | {k:>3} | {iterations:>5} | {'default' if limit is None else '1':>12} "
                f"| {1e3 * t_ours:>20.2f} | {1e3 * t_lloyd:>13.2f} | {t_ours / t_lloyd:>5.2f} "
                f"| {1e3 * t_elkan:>13.2f} | {t_ours / t_elkan:>5.2f} | {peak / 2**20:>14.1f} |"
            )


if __name__ == "__main__":
    main()
