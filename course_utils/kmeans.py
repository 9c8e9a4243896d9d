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
coordinates centered on the data mean (as scikit-learn does; rounded to a grid,
:func:`_kmeans_frame`) so that the expansion loses no digits when the data lie far from
the origin, and divided by a power of two so that no square overflows or underflows
(:func:`_frame`). k-means++ seeding computes its
distances directly from x - c in the data's own coordinates (divided by the same power of
two). Near ties, in every assignment step, are decided in the data's own coordinates too
(:func:`_resolve_ties`), so that an exact tie (of the distances computed there) goes to
the lowest index whatever the other rows. ``fit`` (and ``assign``) make one
centered, transposed copy of the data with a row of ones appended, (d + 1, n) numbers,
once: every iteration then reads its matrix products from it, in chunks of a few
thousand points (:class:`_NearestCenter`). All k scores of a chunk come from matrix
products; the label is the row that attains the minimum (numpy's ``argmin`` is slow over
short rows), found from the rows within the tie margin of the minimum by a few
whole-array operations on one byte per entry; where more than one row is that close (a
near tie), :func:`_resolve_ties` decides. For data whose clusters are far tighter than
their spread (a few far points next to tight clusters), and for data lying more than about
1e12 times their spread from zero (the margin covers the rounding of converting the
centers), most points are near ties: the labels stay right, at the cost of that slower
comparison.

Inside ``fit`` most points are not assigned again at all (:func:`_assign_step`): a
point keeps its label while the centers have moved, in total, less than its *gap* (how
much nearer its own center is than the next one), by the triangle inequality. This is
Hamerly's (2010) bound, folded into one number per point; the iterations, labels and
centers are exactly those of plain Lloyd iterations, and the tests check that. Once
the centers settle, a small share of the points is assigned again per iteration (a few
per cent for separated clusters, a quarter or more for heavily overlapping ones). The
cluster sums are then updated only for the points that changed cluster, and J comes
from the sums: :math:`J = \sum_n \lVert x_n\rVert^2 + \sum_j (N_j \lVert\mu_j\rVert^2
- 2 \mu_j^\top S_j)` with :math:`S_j` the sum of the points of cluster j, unless that
sum could cancel (:func:`_inertia`). When most points must be assigned again, they are
read in place rather than gathered. On data without cluster structure the centers keep
moving and the bounds spare few points: when they would spare less than 70 per cent,
upkeep of the bounds (the second-nearest center, square roots) costs more than it saves,
and ``fit`` takes runs of plain steps (:func:`_plain_step`) that assign every point
without bounds, of 1, 4, 16, ... steps; after each run it measures every gap again
unless the gaps of a sample of points show that the bounds would still spare too few
(:func:`_sampled_gaps`). The returned labels come from one full assignment at the end,
for the returned centers in data units, and the inertia and distances from ``x - mu``
with those centers, computed directly in the data's own coordinates.

The memory used on top of ``X`` is that copy, a few vectors of length n (the bounds, the
squared norms, the indices of the points to assign, labels of one or two bytes each) and
one set of chunk buffers (2 MiB) per thread, never an (n, k) matrix: at most about 55 MiB
for a million points in 2-D and 20 MiB for 100000 points in 16-D, whatever k is (measured
with tracemalloc, the same with one and with two threads: the peak comes in the first
step, outside the buffers), 24 MiB for the latter with four threads.

Threading
---------
The chunks of an assignment step are shared among threads, one per core and at most four
(``_THREADS``): each thread takes the next chunk as soon as it has finished one
(:func:`_over_chunks`). numpy lets go of Python's global interpreter lock while it
computes on a chunk of a few thousand points, so the threads wait for each other only
in the Python between numpy calls: on two cores, a plain step on 100000 points in 16-D
with k = 16 takes 2.1 ms with two threads and 2.9 ms with one (measured). Each thread
writes the labels and bounds of its own chunks only, and the sums are updated after all
chunks, from the moved points in index order, so the results are the same for any number
of threads (the tests check that). Letting BLAS thread the products instead is worse:
they are thin (k rows, d + 1 columns), and splitting each of them over threads cost more
in synchronization than the product itself, up to ten times slower on a busy two-core
machine. So every product is kept to at most ``_MAX_PRODUCT`` multiply-adds, which
OpenBLAS (numpy's bundled BLAS) runs on the calling thread whatever its thread setting;
``threadpoolctl`` limits change nothing. For the same reason the long reductions (the
data mean, the spread) use ``einsum`` (without ``optimize``, it does not call BLAS)
rather than ``np.dot``. scikit-learn's Lloyd loop likewise spreads chunks (of 256 rows)
over OpenMP threads, with a compiled loop body; ``benchmarks/bench_kmeans.py`` compares
the two.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np

from course_utils._validation import (
    as_count,
    as_data,
    as_float_array,
    as_generator,
    as_means,
    as_real,
    describe,
)

# Bytes of buffers per chunk of rows: large enough that numpy's per-call overhead is
# amortized over thousands of rows, small enough to stay in a core's cache.
_CHUNK_BYTES = 2**21
# Multiply-adds per matrix product. numpy's bundled OpenBLAS (0.3.31, measured) runs
# products of up to 2**19 on the calling thread and splits larger ones over its threads;
# for these thin products that costs far more in synchronization than it saves.
_MAX_PRODUCT = 2**18
# Share of candidate points above which an assignment step reads every point in place
# rather than gathering the candidates (gathering a point costs about as much as
# scoring it; measured on the benchmark shapes).
_DENSE_SHARE = 0.5
# Share of points whose bounds ran out above which fit stops keeping bounds for a while:
# a step with bounds then costs more than assigning every point without them (measured on
# the benchmark shapes: a point assigned with its bound costs about three times as much).
_PLAIN_SHARE = 0.3


def _thread_count() -> int:
    """Threads that share the chunks of an assignment step (see "Threading" above): one
    per processor this process may use (logical processors, as the system counts them),
    at most four."""
    if hasattr(os, "sched_getaffinity"):  # Linux: the processors this process may run on
        return min(4, len(os.sched_getaffinity(0)))
    return min(4, os.cpu_count() or 1)


_THREADS = _thread_count()


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
        it started from). It never increases, up to rounding: an entry exceeds the one
        before it by at most about 1e-12 of the data's total squared spread
        :math:`\sum_n \lVert x_n - \bar x\rVert^2` (as when repeated rows give J = 0 with
        their own points as centers, and about 1e-32 with their computed means).
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


# ------------------------------------------------------------------ textbook kernels
# The two Lloyd steps as lesson 03 shows them in its main text: written for reading, with
# all n x k distances held at once. assign, update_centers and fit below compute the same
# labels and centers with less memory and time (lesson 03, "Making it fast"); the tests
# check that they agree with these two.


def _textbook_assign(X, centers):
    r"""Assignment step (lesson 03, equation 3.2), written for reading.

    .. math:: r_n = \arg\min_j \lVert x_n - \mu_j \rVert^2

    Parameters
    ----------
    X : ndarray of shape (n, d)
    centers : ndarray of shape (k, d)

    Returns
    -------
    labels : ndarray of int, shape (n,)
        The nearest center of every point; ties go to the lowest index.
    squared_distances : ndarray of shape (n,)
        Squared distance of every point to its own center; their sum is J (3.1).
    """
    # (n, 1, d) - (1, k, d) -> (n, k, d): every point minus every center; squaring and
    # summing over the d coordinates (the last axis) gives the (n, k) squared distances.
    squared = ((X[:, np.newaxis, :] - centers[np.newaxis, :, :]) ** 2).sum(axis=2)
    labels = squared.argmin(axis=1)  # the first minimum of each row: ties go to the lowest index
    return labels, squared[np.arange(X.shape[0]), labels]


def _textbook_update(X, labels, n_clusters):
    r"""Update step (lesson 03, equation 3.3), written for reading.

    .. math:: \mu_j = \frac{\sum_n r_{nj} x_n}{\sum_n r_{nj}}

    A cluster with no point has no mean: it takes over the point farthest from its own
    center, among clusters with at least two points so that none is emptied (the rule
    of :func:`update_centers`), one empty cluster at a time in index order.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    labels : ndarray of int, shape (n,)
        Values in 0..n_clusters-1.
    n_clusters : int
        k, at most n.

    Returns
    -------
    centers : ndarray of shape (k, d)
    """
    labels = np.array(labels)  # a copy: a relocated point changes label
    while True:
        one_hot = (labels[:, np.newaxis] == np.arange(n_clusters)).astype(float)  # r_nj, (n, k)
        counts = one_hot.sum(axis=0)  # N_j, points per cluster
        centers = (one_hot.T @ X) / np.maximum(counts, 1.0)[:, np.newaxis]  # (3.3)
        empty = np.flatnonzero(counts == 0)
        if empty.size == 0:
            return centers
        # An empty cluster has no mean: it takes the point farthest from its own center.
        distances = ((X - centers[labels]) ** 2).sum(axis=1)
        distances[counts[labels] < 2] = -1.0  # never take the only point of a cluster
        labels[distances.argmax()] = empty[0]


# --------------------------------------------------------------------------- helpers


def _rows_per_chunk(k: int, d: int) -> int:
    # Per row: the k scores, the point (d + 1 numbers, gathered or as a difference to its
    # center), a few scalars (best and second-best score, squared norm, gap, label) and a
    # byte or two per score (the marks of the minimum).
    return max(1, _CHUNK_BYTES // (8 * (k + d + 8)))


def _row_squared_norms(A):
    return np.einsum("ij,ij->i", A, A)


def _frame(X, centers=None, name="centers"):
    """Origin and scale of the working coordinates (x - origin) / scale of the kernels.

    The origin is the data mean, so that the expansion of the squared distance loses no
    digits when the data lie far from zero. The scale is the power of two that brings the
    largest working coordinate (of the points, and of ``centers`` if given) into
    [0.5, 1) (into [1, 2) when that span is 2**1023 or more, since 2**1024 overflows):
    dividing by it is exact, and squares neither overflow nor underflow for data of any
    magnitude. Raises ValueError when the points and ``centers`` lie so far
    apart that their squared distances cannot share one floating-point range.
    """
    origin = _origin(X)
    with np.errstate(over="ignore"):  # a span beyond the range is reported below
        span = float(np.max(np.maximum(X.max(axis=0) - origin, origin - X.min(axis=0))))
        data_span = span
        if centers is not None:
            span = max(span, float(np.max(np.abs(centers - origin))))
    if not np.isfinite(data_span):
        raise ValueError("X spans more than the floating-point range (about 1.8e308) in a column: "
                         "its rows differ by more than the largest float; divide X by a constant")
    if not np.isfinite(span):
        raise ValueError(f"X and {name} span more than the floating-point range (about 1.8e308)")
    if 0.0 < data_span < 1e-140 * span:
        raise ValueError(
            f"{name} lie more than 1e140 times farther from the mean of X than any point of X "
            f"(spread of X {data_span:.3g}, farthest center {span:.3g}): squared distances at "
            "both scales do not fit in one floating-point range; move the centers nearer"
        )
    return origin, _power_of_two_above(span)


def _power_of_two_above(size) -> float:
    """The power of two that brings ``size`` into [0.5, 1); 1 for 0. It stops at 2**1023
    (2**1024 overflows): a size of 2**1023 or more comes into [1, 2)."""
    return float(np.ldexp(1.0, min(int(np.frexp(size)[1]), 1023))) if size > 0 else 1.0


def _kmeans_frame(X, centers=None, name="centers"):
    """:func:`_frame` with the origin rounded to a multiple of scale / 2**20.

    The rounding moves the origin by a negligible share of the spread. In return,
    x - origin is exact for data on a coarser grid (integers, or binary fractions such
    as halves and quarters), and so are the cluster sums of such data: a mean that is a representable number (an
    integer, say) then comes out exactly in the data's units, and a point halfway between
    two such centers is an exact tie, decided by the tie rule rather than by rounding.
    """
    origin, scale = _frame(X, centers, name)
    step = scale * 2.0**-20
    # A coordinate of the origin at least 2**52 steps from zero is a multiple of the step
    # already (its last bit is worth a step or more); a zero step (subnormal data) is left.
    grid = (step > 0) & (np.abs(origin) < 2.0**52 * step)
    snapped = origin.copy()
    snapped[grid] = np.round(origin[grid] / step) * step
    return snapped, scale


def _unscale(squared, scale, name="X"):
    """Squared distances (or J) from working to data units; ValueError on overflow."""
    with np.errstate(over="ignore"):
        squared = squared * scale * scale  # scale * scale alone may overflow
    if not np.all(np.isfinite(squared)):
        raise ValueError(
            f"the squared distances of {name} exceed the floating-point range (about 1.8e308): "
            "the data spread too widely; divide X by a constant"
        )
    return squared


def _centered_points(X, origin, scale):
    """The points as columns of a (d + 1, n) array: (x - origin) / scale, then a row of ones.

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
        block = np.subtract(X[start:stop].T, origin[:, np.newaxis], out=points[:d, start:stop])
        block /= scale
    points[d] = 1.0
    return points


class _NearestCenter:
    r"""The nearest of k centers for the points of one chunk at a time.

    The points are columns (x - origin, 1) of :func:`_centered_points` and ``centers``
    are relative to the same origin (about the data mean), so that the expansion below loses no
    digits to cancellation when the data lie far from the coordinate origin. In these
    homogeneous coordinates the score of center j is the dot product with
    :math:`(-2\mu_j, \lVert\mu_j\rVert^2)`, which is
    :math:`\lVert x-\mu_j\rVert^2 - \lVert x\rVert^2`: the k scores of a chunk come from
    matrix products, and :math:`\lVert x\rVert^2`, the same for every center, is not
    needed to compare them. The buffers are reused by every chunk: fresh arrays for
    every chunk would cost more page faults than arithmetic.
    """

    def __init__(self, centers, rows, margin):
        k, d = centers.shape
        self.k = k
        self.weights = np.column_stack([-2.0 * centers, _row_squared_norms(centers)])
        self.columns_per_product = max(1, _MAX_PRODUCT // (k * (d + 1)))
        self.margin = margin  # of the near ties: see _tie_margin
        self.scores = np.empty((k, rows))
        self.best = np.empty(rows)
        self.limit = np.empty(rows)
        self.match = np.empty((k, rows), dtype=bool)
        # Labels, row indices and counts take the smallest unsigned type that holds k:
        # whole-array operations on one byte per entry (for k < 256) are cheap.
        self.index = np.arange(k, dtype=_label_type(k))[:, np.newaxis]
        self.weighted = np.empty((k, rows), dtype=_label_type(k))
        self.count = np.empty(rows, dtype=_label_type(k))
        self.labels = np.empty(rows, dtype=_label_type(k))
        self.columns = np.arange(rows)

    def __call__(self, block):
        """Labels and best scores (views of buffers) of the columns of ``block``, (d + 1, m),
        and the indices of the near ties among them: columns whose two best scores are
        within ``margin`` (:func:`_tie_margin`). Their labels here are the lowest index of
        the minimum score; the callers decide them in the data's own coordinates
        (:func:`_resolve_ties`)."""
        rows = block.shape[1]
        scores = self.scores[:, :rows]
        # Products of at most columns_per_product columns each (see _MAX_PRODUCT); numpy
        # runs a stack of them in one call, which saves the Python overhead of a loop.
        width = self.columns_per_product
        whole = rows - rows % width
        if whole:
            np.matmul(self.weights, block[:, :whole].reshape(-1, whole // width, width).transpose(1, 0, 2),
                      out=scores[:, :whole].reshape(self.k, whole // width, width).transpose(1, 0, 2))
        if whole < rows:
            np.matmul(self.weights, block[:, whole:], out=scores[:, whole:])
        # The nearest center is the row of the column minimum. numpy's argmin is slow over
        # short columns, so mark instead the rows within the tie margin of the minimum:
        # where exactly one row is (almost always), the sum of the row indices times the
        # marks is the label. argmin labels the few near ties (and NaN scores, which no
        # row is near) for now.
        best = np.minimum.reduce(scores, axis=0, out=self.best[:rows])
        limit = np.add(best, self.margin, out=self.limit[:rows])
        marks = np.less_equal(scores, limit, out=self.match[:, :rows]).view(np.uint8)
        count = np.add.reduce(marks, axis=0, dtype=self.count.dtype, out=self.count[:rows])
        weighted = np.multiply(marks, self.index, out=self.weighted[:, :rows])
        labels = np.add.reduce(weighted, axis=0, out=self.labels[:rows])
        ties = np.flatnonzero(count != 1)
        if ties.size:
            labels[ties] = np.argmin(scores[:, ties], axis=0)
        return labels, best, ties

    def second_best(self, labels):
        """The second-lowest score of each column of the last chunk (+inf for k = 1).

        Overwrites the nearest center's score, so call it last."""
        rows = labels.size
        # The nearest center's entry of every column, as an index into the flat buffer:
        # several times as fast as indexing by (row, column) pairs.
        entries = labels.astype(np.intp)
        entries *= self.scores.shape[1]
        entries += self.columns[:rows]
        self.scores.reshape(-1)[entries] = np.inf
        return np.minimum.reduce(self.scores[:, :rows], axis=0)


def _label_type(k):
    """The smallest unsigned integer type that holds 0..k: labels inside fit take a
    byte per point (for k < 256) rather than eight."""
    return np.min_scalar_type(k)


def _assign_chunks(points, centers, labels, margin, pool) -> np.ndarray:
    r"""Nearest centers of all points (written into ``labels``); returns the indices of the
    near ties, points whose two best scores are within ``margin`` (see
    :func:`_tie_margin` and :func:`_resolve_ties`).

    ``points`` comes from :func:`_centered_points`; ``centers`` are in the same
    coordinates. ``pool``: see :func:`_over_chunks`.
    """
    n = points.shape[1]
    step = min(_rows_per_chunk(centers.shape[0], points.shape[0] - 1), n)
    ties = {}

    def task():
        nearest = _NearestCenter(centers, step, margin)

        def assign(start, stop):
            labels[start:stop], _, near = nearest(points[:, start:stop])
            ties[start] = start + near
        return assign

    _over_chunks(pool, n, step, task)
    return np.concatenate([ties[start] for start in sorted(ties)])


def _over_chunks(pool, size, step, task):
    """Call a task on the chunks [start, start + step) of range(size), on the calling
    thread and the threads of ``pool``.

    ``pool`` comes from :func:`_thread_pool`: ``_THREADS - 1`` threads, or None for the
    calling thread alone. ``task()`` is called once on each thread and returns a function of
    (start, stop) that uses that thread's own buffers. Each thread takes the next chunk
    as soon as it has finished one, so a core that is busy with other work slows only
    its own share. The tasks must write to disjoint places: the results are then the
    same for any number of threads. When a task raises (or the calling thread is
    interrupted), the other threads stop after their current chunk, and the calling
    thread's exception, else the first helper's, reaches the caller once all have stopped.
    """
    starts = iter(range(0, size, step))
    lock = threading.Lock()
    failed = threading.Event()

    def run():
        try:
            work = task()
            while not failed.is_set():
                with lock:
                    start = next(starts, None)
                if start is None:
                    return
                work(start, min(start + step, size))
        except BaseException:
            failed.set()
            raise

    chunks = -(-size // step)
    helpers = [pool.submit(run) for _ in range(min(_THREADS - 1, chunks - 1))] if pool else []
    try:
        run()
    finally:
        _wait_for(helpers, failed)
    for helper in helpers:
        helper.result()  # raises what the helper raised


def _wait_for(helpers, failed):
    """Wait until every helper of :func:`_over_chunks` has stopped: no helper may still
    write when the caller goes on, or raises. An interrupt that comes while waiting stops
    the helpers after their current chunk, and is raised once they have stopped."""
    interrupted = None
    while True:
        try:
            wait(helpers)
            break
        except KeyboardInterrupt as error:  # Ctrl-C, or the kernel's stop button
            failed.set()
            interrupted = error
    if interrupted is not None:
        raise interrupted


def _thread_pool():
    """The helper threads of :func:`_over_chunks`, as a context manager that shuts them
    down: a pool of ``_THREADS - 1`` threads (started when first needed), or None."""
    return ThreadPoolExecutor(_THREADS - 1) if _THREADS > 1 else nullcontext()


def _tie_margin(d, origin, scale) -> float:
    r"""How far apart rounding can put the scores of two equally near centers.

    In working coordinates (:func:`_frame`) every coordinate of a point or center is
    below 2 in size (below 1 unless the data span 2**1023 or more), so a score
    :math:`\lVert\mu\rVert^2 - 2x^\top\mu` is a sum of d + 1 terms of total size at
    most 12d, off by at most about :math:`(d + 2)\epsilon` times that; twice that for two
    scores, and twice again for room. The near ties are decided with the centers in data
    units, which differ from the working centers by the rounding of converting them (about
    :math:`\epsilon` times the origin's size over ``scale`` per coordinate): that moves a
    score by up to 8d times as much (points and centers lie within :math:`2\sqrt d`), so
    twice that is added, so that a tie in data units is always a near tie here.
    """
    eps = np.finfo(float).eps
    shift = eps * (float(np.max(np.abs(origin), initial=0.0)) / scale + 2.0)
    return 48.0 * d * (d + 2) * eps + 16.0 * d * shift


def _resolve_ties(X, centers, scale, rows):
    """Labels (m,) of the near ties ``rows`` (indices into X): the nearest of ``centers``
    (data units), from distances computed directly in the data's own coordinates, so that
    an exact tie goes to the lowest index whatever the other rows (the working coordinates
    depend on the data mean).

    The differences are divided by ``scale`` (a power of two: exact unless a difference
    falls below about 1e-154 of the data's spread), so that they cannot overflow, and each
    point's distance to each center is compared as a power of two times a number in
    [0.5, 1), computed at that pair's own scale: a far center does not hide the difference
    between two near ones. The distances are sums of rounded squares, so a tie is one of
    the distances as computed here (exact for data on a coarse grid, such as integers).
    """
    k, d = centers.shape
    labels = np.empty(rows.size, dtype=np.intp)
    step = max(1, _CHUNK_BYTES // (8 * k * d))
    for start in range(0, rows.size, step):
        part = rows[start:start + step]
        differences = X[part, np.newaxis, :] / scale - centers[np.newaxis] / scale  # (m, k, d)
        size = np.max(np.abs(differences), axis=2)  # (m, k)
        exponent = np.frexp(np.where(size > 0, size, 1.0))[1]
        differences = np.ldexp(differences, -exponent[:, :, np.newaxis])  # exact
        mantissa, power = np.frexp(np.einsum("mkd,mkd->mk", differences, differences))
        # distance = mantissa * 2**(power + 2 * exponent); a zero distance beats all.
        power = np.where(mantissa > 0, power + 2 * exponent, np.iinfo(power.dtype).min)
        mantissa = np.where(power == power.min(axis=1, keepdims=True), mantissa, np.inf)
        labels[start:start + step] = np.argmin(mantissa, axis=1)  # the first minimum: the lowest index
    return labels


def _tie_resolver(X, centers, scale, margin):
    """``resolve(rows)``: the labels of the near ties ``rows`` for ``centers`` in data
    units (:func:`_resolve_ties`), as the assignment steps of :func:`fit` take it, with
    ``resolve.margin`` the margin of the near ties (:func:`_tie_margin`)."""
    def resolve(rows):
        return _resolve_ties(X, centers, scale, rows)

    resolve.margin = margin
    return resolve


def _rounding_margin(points) -> float:
    r"""How far rounding can move a computed gap (see :func:`_assign_step`), with room.

    Every coordinate is at most ``size`` in absolute value, so no point or center (a mean
    of points) is farther than :math:`R = \sqrt d\,` ``size`` from the origin. A score
    is a dot product of d + 1 terms of size up to :math:`2R^2`, so it and the squared
    distance it gives are off by at most about :math:`3(d + 2)\epsilon R^2`, and a
    distance (a square root) by at most the square root of that. A gap is the difference
    of two distances; the margin covers four such errors: those of the gap when it was
    computed and those of the assignment it lets us skip.
    """
    d = points.shape[0] - 1
    size = max(float(points[:d].max(initial=0.0)), -float(points[:d].min(initial=0.0)))
    radius = np.sqrt(d) * size
    return 4.0 * np.sqrt(3.0 * (d + 2) * np.finfo(float).eps) * radius


def _assign_step(points, centers, labels, bounds, drift, margin, sums, counts, first, squared_norms, resolve,
                 pool):
    r"""The assignment step inside :func:`fit` (equation 3.2), skipping every point whose
    label cannot have changed.

    The *gap* of a point is how much farther it is from its second-nearest center than
    from its nearest. When every center moves by at most :math:`\delta_j`, by the
    triangle inequality the distance to the point's own center grows by at most
    :math:`\delta_{own}` and the distance to any other center shrinks by at most the
    largest other :math:`\delta_j`: the gap shrinks by at most the sum of the two
    largest shifts. ``drift`` is the running total of that sum over the iterations, and
    ``bounds`` holds, for every point, its gap when it was last computed, minus the
    rounding ``margin`` (:func:`_rounding_margin`), plus the drift at that time. While
    ``bounds[i] > drift`` the gap of point i is still positive, so its nearest center is
    still its own and its label would not change: only the other points are assigned
    again. This is Hamerly's (2010) bound with his two bounds folded into one gap and the
    shifts taken over all centers (one comparison per point per iteration, no lookups by
    label). The labels are exactly those of a plain assignment step.

    ``labels``, ``bounds``, ``sums`` (k, d) and ``counts`` (k,) are updated in place; the
    sums and counts only for points whose label changed. ``first`` means ``labels`` hold
    nothing yet: every point is assigned and added to the (zero) sums.
    ``squared_norms`` (n,) holds :math:`\lVert x\rVert^2` of every point, computed once.
    ``resolve(rows)`` returns the labels of the near ties ``rows`` (:func:`_resolve_ties`).
    ``pool``: see :func:`_over_chunks`.
    """
    d, n = points.shape[0] - 1, points.shape[1]
    k = centers.shape[0]
    candidates = np.arange(n) if first else np.flatnonzero(bounds <= drift)
    # When most points are candidates (data without cluster structure), reading every
    # point in place costs less than gathering the candidates; the others keep their
    # labels anyway, so the iterations do not change.
    dense = candidates.size > _DENSE_SHARE * n
    size = n if dense else candidates.size
    step = max(1, min(_rows_per_chunk(k, d), size))
    previous = None if first else labels[candidates]

    def task():
        nearest = _NearestCenter(centers, step, resolve.margin)
        gathered = np.empty((d + 1, step))
        gathered[d] = 1.0

        def assign(start, stop):
            if dense:
                # Slices rather than index arrays: every read and write below is in place.
                columns = slice(start, stop)
                block = points[:, columns]
            else:
                columns = candidates[start:stop]
                block = gathered[:, :columns.size]
                # mode="clip" skips the bounds check (the indices are valid) and so lets
                # take write straight into the buffer: twice as fast (measured).
                np.take(points[:d], columns, axis=1, out=block[:d], mode="clip")
            new, best, ties = nearest(block)
            if ties.size:
                new[ties] = resolve(start + ties if dense else columns[ties])
            gap = _gaps(nearest, new, best, squared_norms[columns])
            gap += drift - margin
            bounds[columns] = gap
            labels[columns] = new
        return assign

    _over_chunks(pool, size, step, task)
    if first:
        sums += _cluster_sums(points[:d].T, labels, k)
        counts += np.bincount(labels, minlength=k)
    else:
        moved = previous != labels[candidates]
        changed = candidates[moved]  # in index order, as the candidates are
        _move_points(sums, counts, points[:d, changed], previous[moved], labels[changed])


def _gaps(nearest, labels, best, norms):
    """Gaps (m,) of the points of the last chunk of ``nearest`` (a :class:`_NearestCenter`):
    distance to the second-nearest center minus distance to the nearest. ``labels`` and
    ``best`` are what it returned, ``norms`` the points' squared norms; ``best`` is
    overwritten."""
    # Scores plus ||x||^2 are squared distances (rounding can take a tiny one below 0).
    gap = nearest.second_best(labels)
    gap += norms
    np.sqrt(np.maximum(gap, 0.0, out=gap), out=gap)
    best += norms
    gap -= np.sqrt(np.maximum(best, 0.0, out=best), out=best)
    return gap


def _sampled_gaps(points, centers, squared_norms):
    """Gaps (see :func:`_gaps`) of at most 1024 points, evenly spaced over all: enough to
    tell a share of the points to within a few per cent, at a small cost."""
    n = points.shape[1]
    size = min(1024, n)
    sample = np.arange(size) * n // size
    nearest = _NearestCenter(centers, size, 0.0)  # near ties have gaps of about 0 anyway
    labels, best, _ = nearest(points[:, sample])
    return _gaps(nearest, labels, best, squared_norms[sample])


def _plain_step(points, centers, labels, sums, counts, resolve, pool):
    """The assignment step inside :func:`fit` without bounds: every point is assigned again.

    :func:`_lloyd` takes it while the bounds of :func:`_assign_step` spare too few points
    to pay for their upkeep (data without cluster structure): the labels are the same, at
    a lower cost per point. ``labels``, ``sums`` (k, d) and ``counts`` (k,) are
    updated in place, the sums and counts for the points that changed cluster only.
    ``resolve`` and ``pool``: see :func:`_assign_step`.
    """
    d, n = points.shape[0] - 1, points.shape[1]
    step = min(_rows_per_chunk(centers.shape[0], d), n)
    previous = labels.copy()

    def task():
        nearest = _NearestCenter(centers, step, resolve.margin)

        def assign(start, stop):
            new, _, ties = nearest(points[:, start:stop])
            if ties.size:
                new[ties] = resolve(start + ties)
            labels[start:stop] = new
        return assign

    _over_chunks(pool, n, step, task)
    changed = np.flatnonzero(previous != labels)
    _move_points(sums, counts, points[:d, changed], previous[changed], labels[changed])


def _move_points(sums, counts, coordinates, old, new):
    """Update ``sums`` (k, d) and ``counts`` (k,) in place for points that changed cluster.

    ``coordinates`` (d, m) are the moved points in index order, ``old`` and ``new`` (m,)
    their old and new labels. The order makes the sums round alike however many points
    were skipped."""
    k, d = sums.shape
    # Every moved point is added to its new cluster's sum and taken from its old one: a
    # product with a matrix of +1 and -1 (exact products), faster than a bincount per
    # coordinate, by pieces small enough for BLAS to run on this thread (_MAX_PRODUCT)
    # and for the matrix to stay small, never (k, m) at once.
    width = max(1, min(1024, _MAX_PRODUCT // (k * d), new.size))
    change = np.empty((k, width))
    columns = np.arange(width)
    for start in range(0, new.size, width):
        stop = min(start + width, new.size)
        piece = change[:, :stop - start]
        piece.fill(0.0)
        piece[new[start:stop], columns[:stop - start]] = 1.0
        piece[old[start:stop], columns[:stop - start]] = -1.0  # old != new
        sums += piece @ coordinates[:, start:stop].T
    counts += np.bincount(new, minlength=k) - np.bincount(old, minlength=k)


def _squared_spread(points) -> float:
    """The sum of ||x_n - origin||^2 over all points, from :func:`_centered_points`."""
    centered = points[:-1].reshape(-1)
    # einsum rather than np.dot: BLAS would split this long dot product over threads.
    return float(np.einsum("i,i->", centered, centered))


def _origin(X):
    """The mean of the rows: a point inside the data (numpy's column mean of a C-ordered
    array is several times slower than this contraction)."""
    total = np.einsum("ij->j", X)
    if not np.all(np.isfinite(total)):  # the sum of huge values overflowed: scale them down
        return np.einsum("ij->j", X * 2.0**-64) / X.shape[0] * 2.0**64
    return total / X.shape[0]


def _cluster_sums(X, labels, k):
    """Sums (k, d) of the points (rows of ``X``) of every cluster: one weighted count of
    the labels per coordinate."""
    return np.stack([np.bincount(labels, weights=column, minlength=k) for column in X.T], axis=1)


def _assign(X, centers):
    """Labels (n,) and squared distances (n,) to the nearest center, in chunks."""
    labels = np.empty(X.shape[0], dtype=np.intp)
    origin, scale = _kmeans_frame(X, centers)
    points = _centered_points(X, origin, scale)
    margin = _tie_margin(X.shape[1], origin, scale)
    with _thread_pool() as pool:
        ties = _assign_chunks(points, (centers - origin) / scale, labels, margin, pool)
    labels[ties] = _resolve_ties(X, centers, scale, ties)
    return labels, _unscale(_distances_to_own_center(X, labels, centers, scale), scale)


def _inertia(points, centers, labels, sums, counts, spread) -> float:
    r"""J of the labels and centers (working coordinates): from the sums when that is
    accurate, else point by point.

    From the sums, :math:`J = \sum_n \lVert x_n\rVert^2 + \sum_j (N_j \lVert\mu_j
    \rVert^2 - 2 \mu_j^\top S_j)` costs O(kd), but its terms are of the size of the
    data's whole spread and cancel when the clusters are far tighter than that (a few far
    points next to tight clusters lose every digit). Its rounding error is at most a few
    :math:`(d + 2)\epsilon` times the size of the terms; when that could exceed
    :math:`10^{-11} J`, J is summed point by point.
    """
    d = centers.shape[1]
    center_norms = counts * _row_squared_norms(centers)
    inertia = spread + float(np.sum(center_norms) - 2.0 * np.sum(centers * sums))
    size = spread + float(np.sum(center_norms) + 2.0 * np.sum(np.abs(centers * sums)))
    if 4.0 * (d + 2) * np.finfo(float).eps * size <= 1e-11 * inertia:
        return inertia
    centers_t = np.ascontiguousarray(centers.T)
    step = _rows_per_chunk(1, d)
    inertia = 0.0
    for start in range(0, points.shape[1], step):
        difference = points[:d, start:start + step] - np.take(centers_t, labels[start:start + step], axis=1)
        inertia += float(np.einsum("ij,ij->", difference, difference))
    return inertia


def _means(sums, counts):
    centers = np.zeros_like(sums)
    filled = counts > 0
    centers[filled] = sums[filled] / counts[filled, np.newaxis]
    return centers


def _distances_to_own_center(X, labels, centers, scale):
    """Squared distances (n,) from every row of X to its own center, computed directly from
    x - mu in the data's units and divided by ``scale`` squared (a power of two at least
    as large as the coordinates' spread, so that no difference overflows)."""
    n, d = X.shape
    out = np.empty(n)
    step = _rows_per_chunk(1, d)
    for start in range(0, n, step):
        difference = X[start:start + step] / scale - centers[labels[start:start + step]] / scale
        out[start:start + step] = _row_squared_norms(difference)
    return out


def _centers_from_sums(X, labels, sums, counts):
    """Means of the clusters; an empty cluster takes over the point farthest from its mean.

    ``labels``, ``sums`` and ``counts`` are updated in place when a point is moved.
    Returns the centers (k, d).
    """
    centers = _means(sums, counts)
    empty = np.flatnonzero(counts == 0)
    for cluster in empty:
        # Only a cluster with two or more points can give one away without emptying
        # itself; since k <= n, some cluster has two points whenever one is empty.
        scale = _power_of_two_above(max(np.max(np.abs(X)), np.max(np.abs(centers))))
        distances = _distances_to_own_center(X, labels, centers, scale)
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
    return centers


# ------------------------------------------------------------------------ validation


def _check_n_clusters(n_clusters, n: int) -> int:
    n_clusters = as_count(n_clusters, "n_clusters", minimum=1)
    if n_clusters > n:
        raise ValueError(f"n_clusters must be at most the number of points n={n}; got {n_clusters}")
    return n_clusters


def _check_labels(labels, n: int, n_clusters: int) -> np.ndarray:
    try:
        array = np.asarray(labels)
    except (TypeError, ValueError):
        raise ValueError(f"labels must be a 1-D array of shape ({n},); got {describe(labels)}") from None
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
    array = as_float_array(centers, name)
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
    helped; the number is scikit-learn's default. A point equal to a chosen center has
    weight zero, so the centers are always distinct points. Distances are computed
    directly from x - c (never from the expansion of the square, which cancels for data
    far from zero), so the seeding does not depend on where the data lie (shifted by 1e9,
    separated blobs still get one center each); of candidates whose potentials agree to
    within 1e-12 (relatively), the first drawn is kept, so that rounding, which depends on
    where the data lie, does not choose.

    Parameters
    ----------
    X : array_like of shape (n, d)
    n_clusters : int
        Number of centers k, 1 <= k <= n.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    centers : ndarray of shape (k, d)
        Rows of ``X``, pairwise different.

    Raises
    ------
    ValueError
        If ``X`` has fewer than ``n_clusters`` distinct rows, or its squared distances
        exceed the floating-point range.
    """
    X = as_data(X)
    n_clusters = _check_n_clusters(n_clusters, X.shape[0])
    generator = as_generator(rng)
    _, scale = _frame(X)
    return X[_kmeans_plusplus(X, scale, n_clusters, generator)]


def _squared_distances_to(X, scale, indices):
    """Squared distances (c, n) from every row of X to each of the rows ``indices``,
    divided by ``scale`` squared.

    Each distance is computed from the difference x - c in the data's own coordinates
    (divided by the power of two ``scale``, exactly, so that no square overflows), not from
    the expansion nor in coordinates centered on the data mean: the distance from a copy
    of c is exactly zero, so a copy is never drawn as a further center, and rows that
    differ by far less than the spread of X still count as different.
    """
    n, d = X.shape
    out = np.empty((len(indices), n))
    step = _rows_per_chunk(1, d)
    for row, index in enumerate(indices):
        center = X[index] / scale
        for start in range(0, n, step):
            difference = X[start:start + step] / scale - center
            out[row, start:start + step] = np.einsum("ij,ij->i", difference, difference)
    return out


def _kmeans_plusplus(X, scale, n_clusters, rng):
    """Indices of the k-means++ centers among the rows of X; ``scale`` from :func:`_frame`."""
    n = X.shape[0]
    n_trials = 2 + int(np.log(n_clusters))
    chosen = [int(rng.integers(n))]
    closest = _squared_distances_to(X, scale, chosen)[0]
    while len(chosen) < n_clusters:
        if not closest.any():
            # Every row has D^2 = 0: a copy of a chosen center, or so near one that its
            # square underflows at the spread of X. Draw among the rows that differ.
            fresh = np.ones(n, dtype=bool)
            for index in chosen:
                fresh &= np.any(X != X[index], axis=1)
            if not fresh.any():
                raise ValueError(
                    f"n_clusters must be at most the number of distinct rows of X ({len(chosen)}); got {n_clusters}"
                )
            chosen.append(int(rng.choice(np.flatnonzero(fresh))))
            continue
        cumulative = np.cumsum(closest)
        draws = rng.uniform(0.0, cumulative[-1], size=n_trials)
        # side="right" never lands on a point of weight zero (a copy of a center); the
        # minimum catches a draw that rounding put at the total itself.
        last = np.searchsorted(cumulative, cumulative[-1])
        candidates = np.minimum(np.searchsorted(cumulative, draws, side="right"), last)
        # (n_trials, n) is at most 8 * n * (2 + ln k) bytes: a few vectors, not a matrix.
        trial_closest = np.minimum(closest, _squared_distances_to(X, scale, candidates))
        # The candidate that lowers the potential most; of candidates equal to rounding,
        # the first drawn, so that rounding (which depends on where the data lie) does
        # not decide.
        potentials = trial_closest.sum(axis=1)
        best = int(np.flatnonzero(potentials <= potentials.min() * (1.0 + 1e-12))[0])
        chosen.append(int(candidates[best]))
        closest = trial_closest[best]
    return np.array(chosen)


def _distinct_rows(X, k, rng, name="n_clusters"):
    """Indices of k rows of X with pairwise different values, drawn at random.

    Row indices drawn without replacement (as ``rng.choice`` does) are kept when their
    rows differ; otherwise the first k different rows of a random permutation, so a value
    repeated m times is m times as likely to be drawn but never twice. ValueError when X
    has fewer than k different rows.
    """
    n = X.shape[0]
    indices = rng.choice(n, size=k, replace=False)
    if np.unique(X[indices], axis=0).shape[0] == k:
        return indices
    order = rng.permutation(n)
    _, first = np.unique(X[order], axis=0, return_index=True)
    if first.size < k:
        raise ValueError(f"{name} must be at most the number of distinct rows of X ({first.size}); got {k}")
    return order[np.sort(first)[:k]]


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

    Raises
    ------
    ValueError
        If a squared distance exceeds the floating-point range (about 1.8e308), or the
        centers lie more than 1e140 times farther from the data than the data spread.
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
    counts = np.bincount(labels, minlength=n_clusters)
    sums = _cluster_sums(X, labels, n_clusters)
    if np.all(np.isfinite(sums)):
        return _centers_from_sums(X, labels, sums, counts)
    # Sums of huge values overflowed: average X * 2**-64 (exact for values above about
    # 1e-290), relocating as usual; then the clusters whose sums fit take their means from
    # X itself (tiny values keep every digit), and the others stay within their points'
    # range (rounding could take a mean of values near the largest float past it).
    scaled = X * 2.0**-64
    centers = _centers_from_sums(scaled, labels, _cluster_sums(scaled, labels, n_clusters), counts) * 2.0**64
    plain = _means(_cluster_sums(X, labels, n_clusters), counts)  # labels after relocation
    fits = np.all(np.isfinite(plain), axis=1)
    centers[fits] = plain[fits]
    for cluster in np.flatnonzero(~fits):
        members = X[labels == cluster]
        centers[cluster] = np.clip(centers[cluster], members.min(axis=0), members.max(axis=0))
    return centers


def _lloyd(X, points, origin, scale, start, max_iter, tol, pool):
    """Lloyd iterations from the centers ``start`` (k, d), in data units; returns a
    KMeansResult.

    ``points`` (from :func:`_centered_points`) are in working coordinates,
    (x - origin) / scale, and so are the centers inside the loop; the result is in the
    data's units. ``pool``: see :func:`_over_chunks`."""
    n, d = X.shape
    k = start.shape[0]
    centers = (start - origin) / scale
    data_centers = start  # exactly as given, for the near ties of the first step
    spread = _squared_spread(points)
    margin = _rounding_margin(points)
    tie_margin = _tie_margin(d, origin, scale)
    with np.errstate(over="ignore"):  # inf for tiny data: then every shift is within tol
        working_tol = tol / scale / scale  # a squared shift, in working units
    squared_norms = np.einsum("ij,ij->j", points[:d], points[:d])
    labels = np.empty(n, dtype=_label_type(k))
    previous_labels = np.full(n, k, dtype=labels.dtype)  # k is no label: never equal
    bounds = np.empty(n)
    drift = last_drift = 0.0
    sums, counts = np.zeros((k, d)), np.zeros(k, dtype=np.intp)
    history = []
    converged = False
    n_iter = 0
    bounds_valid, plain_left, plain_run = False, 0, 1
    for n_iter in range(1, max_iter + 1):
        # Bounds that spare few points cost more than they save (the centers of data
        # without cluster structure keep moving): then take a run of plain steps, four
        # times as long as the last (a quarter as long after bounds that spared enough),
        # and after it measure every gap again only if the gaps of a sample of points say
        # that fresh bounds would spare enough. Not in iteration 2: the centers move most
        # in the first update, whatever the data.
        if bounds_valid and n_iter > 2 and np.count_nonzero(bounds <= drift) > _PLAIN_SHARE * n:
            plain_left, plain_run, bounds_valid = plain_run, 4 * plain_run, False
        elif bounds_valid:
            plain_run = max(1, plain_run // 4)
        elif n_iter > 1 and not plain_left and np.mean(
                _sampled_gaps(points, centers, squared_norms) - margin <= last_drift) > _PLAIN_SHARE:
            plain_left, plain_run = plain_run, 4 * plain_run
        # Near ties are decided in the data's own coordinates, as in the final assignment.
        resolve = _tie_resolver(X, data_centers, scale, tie_margin)
        if plain_left:
            _plain_step(points, centers, labels, sums, counts, resolve, pool)
            plain_left -= 1
        else:
            if not bounds_valid:
                bounds.fill(-np.inf)  # no bound is known: assign every point, measure its gap
            _assign_step(points, centers, labels, bounds, drift, margin, sums, counts, n_iter == 1, squared_norms,
                         resolve, pool)
            bounds_valid = True
        history.append(_inertia(points, centers, labels, sums, counts, spread))
        # A point that an empty cluster takes over needs no new bound: its gap was at most
        # its distance to that cluster's old center, which is how far the center moves
        # (onto the point), so the drift below makes its bound fail next time.
        new_centers = _centers_from_sums(points[:d].T, labels, sums, counts)
        shifts = _row_squared_norms(new_centers - centers)
        last_drift = float(np.sum(np.sqrt(np.sort(shifts)[-2:])))
        drift += last_drift
        centers = new_centers
        data_centers = centers * scale + origin
        if np.array_equal(labels, previous_labels) or float(np.sum(shifts)) <= working_tol:
            converged = True
            break
        previous_labels[:] = labels
    del bounds, previous_labels, squared_norms  # free before the distances below are allocated
    # One more assignment, of every point, makes the labels and the inertia those of the
    # returned centers in data units (after convergence it reproduces the last labels
    # exactly), with every distance computed directly.
    labels = np.empty(n, dtype=np.intp)
    ties = _assign_chunks(points, centers, labels, tie_margin, pool)
    centers = data_centers  # centers * scale + origin, made in the last iteration
    labels[ties] = _resolve_ties(X, centers, scale, ties)
    squared_distances = _distances_to_own_center(X, labels, centers, scale)
    return KMeansResult(
        centers=centers,
        labels=labels,
        inertia=float(_unscale(np.sum(squared_distances), scale)),
        inertia_history=_unscale(np.array(history), scale),
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
        ``"k-means++"``: :func:`kmeans_plusplus`; ``"random"``: k data points with
        pairwise different values, drawn uniformly among the rows; an array: these
        starting centers.
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

    Raises
    ------
    ValueError
        If ``X`` has fewer than ``n_clusters`` distinct rows (two clusters would start
        equal), or J exceeds the floating-point range (about 1.8e308).
    """
    X = as_data(X)
    n, d = X.shape
    n_clusters = _check_n_clusters(n_clusters, n)
    n_init = as_count(n_init, "n_init", minimum=1)
    max_iter = as_count(max_iter, "max_iter", minimum=1)
    tol = as_real(tol, "tol", minimum=0.0)
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
        starts = [centers]
    generator = as_generator(rng)
    origin, scale = _kmeans_frame(X, starts[0] if starts else None, "init")
    points = _centered_points(X, origin, scale)
    best = None
    with _thread_pool() as pool:
        for _ in range(1 if starts else n_init):
            if starts:
                start = starts[0]
            elif init == "k-means++":
                start = X[_kmeans_plusplus(X, scale, n_clusters, generator)]
            else:
                start = X[_distinct_rows(X, n_clusters, generator)]
            result = _lloyd(X, points, origin, scale, start, max_iter, tol, pool)
            if best is None or result.inertia < best.inertia:
                best = result
    return best
