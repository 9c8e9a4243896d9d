r"""k-means: k-means++ seeding, the two Lloyd steps and a fit that alternates them.

Shapes: data ``X`` is (n, d), ``centers`` (k, d), ``labels`` (n,) with values in
0..k-1. Lesson 03 derives the objective (the inertia)

.. math:: J(\mathbf r, \boldsymbol\mu) = \sum_{n} \lVert x_n - \mu_{r_n} \rVert^2

(equation 3.1) and its two alternating minimizations: the assignment step (equation 3.2)
and the update step (equation 3.3).

Memory and speed
----------------
The assignment step uses the expansion
:math:`\lVert x-\mu\rVert^2 = \lVert x\rVert^2 - 2 x^\top\mu + \lVert\mu\rVert^2`, in
coordinates centered on the data mean (as scikit-learn does) so that the expansion loses
no digits when the data lie far from the origin. ``fit`` (and ``assign``) make one
centered, transposed copy of the data with a row of ones appended, (d + 1, n) numbers,
once: every iteration then reads its matrix products straight from it, in chunks of a
few thousand points, instead of centering and transposing every chunk again (that was
about a fifth of an iteration's time). All k scores of a chunk come from matrix products; the label is the
first row that attains the minimum (numpy's ``argmin`` is slow over short rows), found by
k same-type passes over small integers. The memory used on top of ``X`` is that copy, a
few vectors of length n (labels, distances, the sparse matrix below) and one set of chunk
buffers, never an (n, k) matrix: about 55 MiB for a million points in 2-D (17 MiB for
100000 points in 16-D), whatever k is. Inside ``fit`` the inertia of an iteration comes
from the scores; the returned inertia and distances are computed directly from
``x - mu``. The update step's sums are one sparse product :math:`R^\top X` with the
one-hot label matrix R. Every iteration does the full work of Lloyd's algorithm: there
is no bound-based skipping of points (Hamerly 2010, Elkan 2003), which would be exact but
much more code.

Threading
---------
The kernel runs on one core, on purpose. scikit-learn's Lloyd loop spreads chunks of 256
rows over OpenMP threads and holds BLAS to one thread inside each chunk; its loop body is
compiled, so the threads run freely. Here the body of a chunk is a few dozen numpy calls
on a few thousand numbers each, and a pool of Python threads over the chunks spent its
time waiting for the GIL between calls: two threads were no faster than one (measured on
the benchmark shapes). Letting BLAS thread the products is worse: they are thin (k rows,
d + 1 columns), and splitting each of them over threads cost more in synchronization
than the product itself, up to ten times slower on a busy two-core machine. So every
product is kept to at most ``_MAX_PRODUCT`` multiply-adds, which OpenBLAS (numpy's
bundled BLAS) runs on the calling thread whatever its thread setting. The results are
the same for any thread setting, and ``threadpoolctl`` limits change nothing. For the
same reason the long reductions (the data mean, the spread) use ``einsum`` (without
``optimize``, it does not call BLAS) rather than ``np.dot``.
``benchmarks/bench_kmeans.py`` compares the speed with scikit-learn, which does use every
core.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from course_utils._validation import as_count, as_data, as_means

# Bytes of buffers per chunk of rows: large enough that numpy's per-call overhead is
# amortized over thousands of rows, small enough to stay in a core's cache.
_CHUNK_BYTES = 2**21
# Multiply-adds per matrix product. numpy's bundled OpenBLAS (0.3.31, measured) runs
# products of up to 2**19 on the calling thread and splits larger ones over its threads;
# for these thin products that costs far more in synchronization than it saves.
_MAX_PRODUCT = 2**18


@dataclass(frozen=True)
class KMeansResult:
    r"""The outcome of :func:`fit`.

    Attributes
    ----------
    centers : ndarray of shape (k, d)
    labels : ndarray of shape (n,)
        Index of the nearest center of every point, for the returned ``centers``.
    inertia : float
        :math:`J = \sum_n \lVert x_n - \mu_{r_n} \rVert^2` of the returned labels and centers.
    inertia_history : ndarray of shape (n_iter,)
        J after the assignment step of every iteration (labels of that iteration, centers
        it started from). It never increases.
    n_iter : int
        Number of Lloyd iterations (assignment plus update) of the best run.
    converged : bool
        True when the labels stopped changing or the squared center shift fell to ``tol``
        or below before ``max_iter`` iterations were used up.
    """

    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    inertia_history: np.ndarray
    n_iter: int
    converged: bool


# --------------------------------------------------------------------------- helpers


def _rows_per_chunk(k: int, d: int) -> int:
    # Per row: the k scores, the point and its difference to its center (d + 1 and d
    # numbers) and a few scalars.
    return max(1, _CHUNK_BYTES // (8 * (k + 2 * d + 5)))


def _row_squared_norms(A):
    return np.einsum("ij,ij->i", A, A)


def _centered_points(X, origin):
    """The points as columns of a (d + 1, n) array: x - origin, then a row of ones.

    One transposed copy of the data, made once per fit: every assignment step then reads
    its matrix products straight from it instead of transposing and centering every chunk
    again (the copy costs about as much as one such pass).
    """
    n, d = X.shape
    points = np.empty((d + 1, n))
    # By blocks of rows: transposing the whole array at once runs across memory.
    step = _rows_per_chunk(0, d)
    for start in range(0, n, step):
        stop = min(start + step, n)
        np.subtract(X[start:stop].T, origin[:, np.newaxis], out=points[:d, start:stop])
    points[d] = 1.0
    return points


def _assign_chunks(points, centers, labels, origin, squared_distances=None) -> float:
    r"""Nearest centers of all points, written into ``labels``.

    ``points`` comes from :func:`_centered_points`: coordinates relative to ``origin``
    (the data mean), so that the expansion below loses no digits to cancellation when the
    data lie far from the coordinate origin. With ``squared_distances`` given, every
    point's squared distance to its center is written there, computed directly from
    x - mu, and J is returned. Without it, the sum of the best scores is returned: J minus
    the constant :math:`\sum_n \lVert x_n - \text{origin}\rVert^2` (see
    :func:`_squared_spread`).
    """
    d = points.shape[0] - 1
    n = points.shape[1]
    k = centers.shape[0]
    step = min(_rows_per_chunk(k, d), n)
    centers = centers - origin
    # In homogeneous coordinates (x, 1), the score of center j is the dot product with
    # (-2 mu_j, ||mu_j||^2), which is ||x - mu_j||^2 - ||x||^2: the k scores of a chunk come
    # from matrix products, and ||x||^2, the same for every center, is not needed for the
    # comparison.
    weights = np.column_stack([-2.0 * centers, _row_squared_norms(centers)])
    centers_t = np.ascontiguousarray(centers.T)
    columns_per_product = max(1, _MAX_PRODUCT // (k * (d + 1)))
    # Buffers reused by every chunk (results go straight into the outputs): fresh arrays
    # for every chunk would cost more page faults than arithmetic.
    all_scores = np.empty((k, step))
    all_best = np.empty(step)
    all_match = np.empty(step, dtype=bool)
    all_found = np.empty(step, dtype=bool)
    # The count is at most k: the smallest unsigned type that holds k makes the k
    # additions per chunk same-type (bool viewed as uint8 for k < 256): about 1.7 times as
    # fast as adding booleans to machine integers (measured, k = 16).
    count_type = np.min_scalar_type(k)
    all_count = np.empty(step, dtype=count_type)
    inertia = 0.0
    for start in range(0, n, step):
        stop = min(start + step, n)
        rows = stop - start
        scores = all_scores[:, :rows]
        for first in range(start, stop, columns_per_product):
            last = min(first + columns_per_product, stop)
            np.matmul(weights, points[:, first:last], out=scores[:, first - start:last - start])
        # The nearest center is the first row of the column minimum: ties go to the lowest
        # index. numpy's argmin is slow over short rows, so count instead, for every point,
        # the rows from its first minimum on (k minus that count is its label).
        best = np.minimum.reduce(scores, axis=0, out=all_best[:rows])
        match, found, count = all_match[:rows], all_found[:rows], all_count[:rows]
        found_as_int = found.view(np.uint8)
        found[:] = False
        count[:] = 0
        for row in scores:
            np.equal(row, best, out=match)
            np.logical_or(found, match, out=found)
            np.add(count, found_as_int, out=count)
        nearest = labels[start:stop]
        np.subtract(k, count, out=nearest)
        if squared_distances is None:
            # ||x - mu||^2 = ||x||^2 + best score; the caller adds the sum of ||x||^2
            inertia += float(np.sum(best))
            continue
        difference = np.take(centers_t, nearest, axis=1)
        np.subtract(points[:d, start:stop], difference, out=difference)
        difference *= difference
        np.add.reduce(difference, axis=0, out=squared_distances[start:stop])
        inertia += float(np.sum(squared_distances[start:stop]))
    return inertia


def _squared_spread(points) -> float:
    """The sum of ||x_n - origin||^2 over all points, from :func:`_centered_points`."""
    centered = points[:-1].reshape(-1)
    # einsum rather than np.dot: BLAS would split this long dot product over threads.
    return float(np.einsum("i,i->", centered, centered))


def _origin(X):
    """The mean of the rows: a point inside the data (numpy's column mean of a C-ordered
    array is several times slower than this contraction)."""
    return np.einsum("ij->j", X) / X.shape[0]


def _one_hot_parts(n):
    """The values and column pointers of a sparse one-hot (k, n) matrix: n ones, and
    column n starting at entry n. They do not depend on the labels, so ``fit`` makes them
    once (fresh arrays every iteration cost about as much as the product itself)."""
    return np.ones(n), np.arange(n + 1)


def _cluster_sums(X, labels, k, one_hot_parts=None):
    """Sums (k, d) of the points of every cluster, as the product R^T X.

    R is the (n, k) one-hot matrix of the labels (equation 3.3's r_nj). Stored sparse, by
    columns of R^T, it needs no sorting: column n holds a single 1 in row ``labels[n]``.
    ``one_hot_parts`` is :func:`_one_hot_parts` of n, made here when not given.
    """
    values, pointers = _one_hot_parts(X.shape[0]) if one_hot_parts is None else one_hot_parts
    indicator_t = sparse.csc_array((values, labels, pointers), shape=(k, X.shape[0]))
    return indicator_t @ X


def _assign(X, centers):
    """Labels (n,) and squared distances (n,) to the nearest center, in chunks."""
    n = X.shape[0]
    labels = np.empty(n, dtype=np.intp)
    squared_distances = np.empty(n)
    origin = _origin(X)
    _assign_chunks(_centered_points(X, origin), centers, labels, origin, squared_distances)
    return labels, squared_distances


def _means(sums, counts):
    centers = np.zeros_like(sums)
    filled = counts > 0
    centers[filled] = sums[filled] / counts[filled, np.newaxis]
    return centers


def _distances_to_own_center(X, labels, centers):
    n, d = X.shape
    out = np.empty(n)
    step = _rows_per_chunk(1, d)
    for start in range(0, n, step):
        out[start:start + step] = _row_squared_norms(
            X[start:start + step] - centers[labels[start:start + step]]
        )
    return out


def _centers_from_sums(X, labels, sums, counts):
    """Means of the clusters; an empty cluster takes over the point farthest from its mean.

    ``labels``, ``sums`` and ``counts`` are updated in place when a point is moved.
    Returns the centers (k, d) and whether any point was moved.
    """
    centers = _means(sums, counts)
    empty = np.flatnonzero(counts == 0)
    for cluster in empty:
        # Only a cluster with two or more points can give one away without emptying
        # itself; since k <= n, some cluster has two points whenever one is empty.
        distances = _distances_to_own_center(X, labels, centers)
        distances[counts[labels] < 2] = -1.0
        point = int(np.argmax(distances))
        donor = labels[point]
        labels[point] = cluster
        sums[donor] -= X[point]
        counts[donor] -= 1
        sums[cluster] = X[point]
        counts[cluster] = 1
        centers[donor] = sums[donor] / counts[donor]
        centers[cluster] = X[point]
    return centers, empty.size > 0


# ------------------------------------------------------------------------ validation


def _check_n_clusters(n_clusters, n: int) -> int:
    n_clusters = as_count(n_clusters, "n_clusters", minimum=1)
    if n_clusters > n:
        raise ValueError(f"n_clusters must be at most the number of points n={n}; got {n_clusters}")
    return n_clusters


def _check_labels(labels, n: int, n_clusters: int) -> np.ndarray:
    array = np.asarray(labels)
    if array.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one per row of X; got shape {array.shape}")
    if not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"labels must be integers; got dtype {array.dtype}")
    if n and (array.min() < 0 or array.max() >= n_clusters):
        raise ValueError(
            f"labels must lie in 0..{n_clusters - 1} (n_clusters={n_clusters}); "
            f"got values from {array.min()} to {array.max()}"
        )
    return array.astype(np.intp)


def _check_centers(centers, d: int, name: str = "centers") -> np.ndarray:
    array = np.asarray(centers, dtype=float)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (k, {d}); got shape {array.shape}")
    return as_means(array, d, name)


# ------------------------------------------------------------------------ public API


def kmeans_plusplus(X, n_clusters, rng=None) -> np.ndarray:
    r"""Greedy k-means++ seeding: well-spread starting centers chosen among the data points.

    The first center is a uniformly random point. Each further center is drawn with
    probability proportional to :math:`D(x)^2`, the squared distance from a point to its
    nearest center chosen so far (Arthur & Vassilvitskii 2007). The greedy variant draws
    :math:`2 + \lfloor \ln k \rfloor` candidates per step and keeps the one that lowers the
    potential :math:`\sum_n D(x_n)^2` most: one draw gives the
    :math:`O(\log k)`-in-expectation guarantee of the paper, and a few more make an
    unlucky draw (a candidate next to an existing center) much less likely at the price
    of a few more distance passes. Arthur and Vassilvitskii report that such local trials
    helped; the number is scikit-learn's default. If every point already coincides with a
    center (the potential is zero), the next center is drawn uniformly.

    Parameters
    ----------
    X : array_like of shape (n, d)
    n_clusters : int
        Number of centers k, 1 <= k <= n.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    centers : ndarray of shape (k, d)
        Rows of ``X``.
    """
    X = as_data(X)
    n_clusters = _check_n_clusters(n_clusters, X.shape[0])
    return _kmeans_plusplus(X, n_clusters, np.random.default_rng(rng))


def _squared_distances_to(X, candidates):
    """Squared distances (n, c) from every point to a few candidate centers, in chunks."""
    n, d = X.shape
    out = np.empty((n, candidates.shape[0]))
    step = _rows_per_chunk(candidates.shape[0], d)
    for start in range(0, n, step):
        X_chunk = X[start:start + step]
        block = X_chunk @ (-2.0 * candidates.T)
        block += _row_squared_norms(candidates)
        block += _row_squared_norms(X_chunk)[:, np.newaxis]
        # The expansion can round a tiny distance below zero; a probability cannot be.
        np.maximum(block, 0.0, out=block)
        out[start:start + step] = block
    return out


def _kmeans_plusplus(X, n_clusters, rng):
    n, d = X.shape
    n_trials = 2 + int(np.log(n_clusters))
    centers = np.empty((n_clusters, d))
    centers[0] = X[rng.integers(n)]
    closest = _squared_distances_to(X, centers[:1])[:, 0]
    for index in range(1, n_clusters):
        potential = closest.sum()
        if potential > 0:
            cumulative = np.cumsum(closest)
            draws = rng.uniform(0.0, cumulative[-1], size=n_trials)
            candidates = np.minimum(np.searchsorted(cumulative, draws, side="right"), n - 1)
        else:
            candidates = rng.integers(n, size=n_trials)
        # (n, n_trials) is at most 8 * n * (2 + ln k) bytes: a few vectors, not a matrix.
        trial_closest = np.minimum(closest[:, np.newaxis], _squared_distances_to(X, X[candidates]))
        best = int(np.argmin(trial_closest.sum(axis=0)))
        centers[index] = X[candidates[best]]
        closest = trial_closest[:, best].copy()
    return centers


def assign(X, centers) -> tuple[np.ndarray, np.ndarray]:
    r"""Assignment step: the nearest center of every point (lesson 03, equation 3.2).

    .. math:: r_n = \arg\min_j \lVert x_n - \mu_j \rVert^2

    Ties go to the lowest index. For fixed centers this minimizes J over the labels.

    Parameters
    ----------
    X : array_like of shape (n, d)
    centers : array_like of shape (k, d)

    Returns
    -------
    labels : ndarray of int, shape (n,)
    squared_distances : ndarray of shape (n,)
        :math:`\lVert x_n - \mu_{r_n}\rVert^2`; their sum is J.
    """
    X = as_data(X)
    centers = _check_centers(centers, X.shape[1])
    return _assign(X, centers)


def update_centers(X, labels, n_clusters) -> np.ndarray:
    r"""Update step: every center moves to the mean of its points (lesson 03, equation 3.3).

    .. math:: \mu_j = \frac{1}{N_j} \sum_{n : r_n = j} x_n

    For fixed labels this minimizes J over the centers.

    **Empty clusters.** A cluster with no point has no mean. It takes over the point
    farthest from its own cluster's mean (among clusters with at least two points),
    which leaves that cluster, whose mean is recomputed; several empty clusters are
    served in index order. The moved point then costs nothing and the cluster it left
    fits the rest of its points at least as well as before, so J does not increase, and
    no center is wasted on a region without data. (Keeping the old center would need the
    old centers, and an empty cluster tends to stay empty.) scikit-learn also relocates
    empty clusters to far points, but measures distances to the previous centers.

    Parameters
    ----------
    X : array_like of shape (n, d)
    labels : array_like of int, shape (n,)
        Values in 0..n_clusters-1.
    n_clusters : int
        Number of clusters k, 1 <= k <= n.

    Returns
    -------
    centers : ndarray of shape (k, d)
    """
    X = as_data(X)
    n_clusters = _check_n_clusters(n_clusters, X.shape[0])
    labels = _check_labels(labels, X.shape[0], n_clusters).copy()
    sums = _cluster_sums(X, labels, n_clusters)
    counts = np.bincount(labels, minlength=n_clusters)
    centers, _ = _centers_from_sums(X, labels, sums, counts)
    return centers


def _lloyd(X, centers, max_iter, tol):
    """Lloyd iterations from ``centers``; returns a KMeansResult."""
    n = X.shape[0]
    k = centers.shape[0]
    origin = _origin(X)
    points = _centered_points(X, origin)
    spread = _squared_spread(points)
    one_hot_parts = _one_hot_parts(n)
    labels = np.empty(n, dtype=np.intp)
    previous_labels = np.full(n, -1, dtype=np.intp)
    history = []
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):
        history.append(spread + _assign_chunks(points, centers, labels, origin))
        sums = _cluster_sums(X, labels, k, one_hot_parts)
        counts = np.bincount(labels, minlength=k)
        new_centers, _ = _centers_from_sums(X, labels, sums, counts)
        shift = float(np.sum((new_centers - centers) ** 2))
        centers = new_centers
        if np.array_equal(labels, previous_labels) or shift <= tol:
            converged = True
            break
        labels, previous_labels = previous_labels, labels
    del one_hot_parts, previous_labels  # free before the distances below are allocated
    # One more assignment makes the labels and the inertia those of the returned centers
    # (after convergence it reproduces the last labels exactly), with every distance
    # computed directly.
    squared_distances = np.empty(n)
    inertia = _assign_chunks(points, centers, labels, origin, squared_distances)
    return KMeansResult(
        centers=centers,
        labels=labels,
        inertia=inertia,
        inertia_history=np.array(history),
        n_iter=n_iter,
        converged=converged,
    )


def fit(X, n_clusters, *, init="k-means++", n_init=1, max_iter=300, tol=0.0, rng=None) -> KMeansResult:
    r"""k-means by Lloyd's algorithm: alternate :func:`assign` and :func:`update_centers`.

    Each iteration can only lower J (lesson 03, equation 3.1), so J converges; the
    iterations stop when the labels no longer change, when the squared shift of the
    centers :math:`\sum_j \lVert \mu_j^{new} - \mu_j^{old} \rVert^2` is at most ``tol``,
    or after ``max_iter`` iterations. The returned labels and inertia always belong to the
    returned centers.

    Parameters
    ----------
    X : array_like of shape (n, d)
    n_clusters : int
        Number of clusters k, 1 <= k <= n.
    init : {"k-means++", "random"} or array_like of shape (k, d)
        ``"k-means++"``: :func:`kmeans_plusplus`; ``"random"``: k distinct data points
        drawn uniformly; an array: these starting centers.
    n_init : int
        Number of runs from different seeds; the run with the lowest final inertia wins
        (the first one on a tie). With an ``init`` array every run would be the same, so
        it runs once.
    max_iter : int
        Maximum number of Lloyd iterations per run.
    tol : float
        Non-negative tolerance on the squared center shift; 0 stops only when the
        labels stop changing (or the centers stop moving at all).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    KMeansResult
    """
    X = as_data(X)
    n, d = X.shape
    n_clusters = _check_n_clusters(n_clusters, n)
    n_init = as_count(n_init, "n_init", minimum=1)
    max_iter = as_count(max_iter, "max_iter", minimum=1)
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not np.isfinite(tol) or tol < 0:
        raise ValueError(f"tol must be a finite number >= 0; got {tol!r}")
    tol = float(tol)
    if isinstance(init, str):
        if init not in ("k-means++", "random"):
            raise ValueError(f"init must be 'k-means++', 'random' or an array of shape ({n_clusters}, {d}); "
                             f"got {init!r}")
        starts = None
    else:
        centers = _check_centers(init, d, "init")
        if centers.shape[0] != n_clusters:
            raise ValueError(
                f"init must have shape ({n_clusters}, {d}), one row per cluster; got shape {centers.shape}"
            )
        starts = [centers.copy()]
    generator = np.random.default_rng(rng)
    best = None
    for _ in range(1 if starts else n_init):
        if starts:
            centers = starts[0]
        elif init == "k-means++":
            centers = _kmeans_plusplus(X, n_clusters, generator)
        else:
            centers = X[generator.choice(n, size=n_clusters, replace=False)]
        result = _lloyd(X, centers, max_iter, tol)
        if best is None or result.inertia < best.inertia:
            best = result
    return best
