"""k-means of lesson 03 (course_utils.kmeans): seeding, the two Lloyd steps and fit."""

import threading
import time
import tracemalloc

import numpy as np
import pytest

from course_utils import kmeans
from course_utils.kmeans import KMeansResult, assign, fit, kmeans_plusplus, update_centers

# ----------------------------------------------------------------- plain-loop oracle


def loop_assign(X, centers):
    """Nearest center by a double loop over points and centers (ties: lowest index)."""
    labels, distances = [], []
    for x in X:
        best, best_distance = 0, None
        for j, center in enumerate(centers):
            distance = sum((a - b) ** 2 for a, b in zip(x, center))
            if best_distance is None or distance < best_distance:
                best, best_distance = j, distance
        labels.append(best)
        distances.append(best_distance)
    return np.array(labels), np.array(distances)


def loop_update(X, labels, k):
    """Means by loops; an empty cluster takes the point farthest from its own mean
    (among clusters of two or more points), as documented in update_centers."""
    labels = list(labels)
    d = X.shape[1]

    def means():
        out = np.zeros((k, d))
        for j in range(k):
            members = [x for x, label in zip(X, labels) if label == j]
            if members:
                out[j] = [sum(column) / len(members) for column in zip(*members)]
        return out

    centers = means()
    moved = False
    for j in range(k):
        if labels.count(j) > 0:
            continue
        best, best_distance = None, -1.0
        for i, (x, label) in enumerate(zip(X, labels)):
            if labels.count(label) < 2:
                continue
            distance = sum((a - b) ** 2 for a, b in zip(x, centers[label]))
            if distance > best_distance:
                best, best_distance = i, distance
        labels[best] = j
        centers = means()
        moved = True
    return centers, moved


def loop_lloyd(X, centers, max_iter=300):
    """Lloyd's algorithm with tol=0 built from the loop steps; also reports relocations."""
    previous = None
    relocated = False
    history = []
    for n_iter in range(1, max_iter + 1):
        labels, distances = loop_assign(X, centers)
        history.append(distances.sum())
        centers, moved = loop_update(X, labels, len(centers))
        relocated |= moved
        if previous is not None and np.array_equal(labels, previous):
            break
        previous = labels
    labels, distances = loop_assign(X, centers)
    return centers, labels, distances.sum(), np.array(history), n_iter, relocated


def blobs(rng, n, d, k, spread=1.0):
    means = rng.normal(scale=4.0, size=(k, d))
    return means[rng.integers(k, size=n)] + spread * rng.normal(size=(n, d))


# ------------------------------------------------------------------------- the steps


@pytest.mark.parametrize("seed", range(6))
def test_assign_matches_loops(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=3.0, size=(40, int(rng.integers(1, 5))))
    centers = rng.normal(scale=3.0, size=(int(rng.integers(1, 6)), X.shape[1]))
    labels, distances = assign(X, centers)
    expected_labels, expected_distances = loop_assign(X, centers)
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_allclose(distances, expected_distances, rtol=1e-12, atol=1e-12)


def test_assign_ties_go_to_the_lowest_index():
    centers = np.array([[5.0, 5.0], [1.0, 0.0], [-1.0, 0.0], [1.0, 0.0]])
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.9, 0.1]])
    labels, distances = assign(X, centers)
    np.testing.assert_array_equal(labels, [1, 1, 1])
    np.testing.assert_allclose(distances, [1.0, 0.0, 0.02])


@pytest.mark.parametrize("k", [3, 255, 256, 300])
def test_assign_ties_with_many_centers(k):
    # Small integers, symmetric about 0: the data mean is exactly 0 and every score is
    # exact, so ties are exact. Each center appears twice; the first copy must win.
    # k >= 256 needs a wider count type than k < 256.
    rng = np.random.default_rng(k)
    half = rng.integers(-3, 4, size=(400, 2)).astype(float)
    X = np.vstack([half, -half])
    distinct = rng.integers(-3, 4, size=((k + 1) // 2, 2)).astype(float)
    centers = np.vstack([distinct, distinct])[:k]
    labels, distances = assign(X, centers)
    exact = ((X[:, np.newaxis, :] - centers[np.newaxis]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(labels, np.argmin(exact, axis=1))
    np.testing.assert_array_equal(distances, exact.min(axis=1))
    assert labels.dtype == np.intp


def test_assign_distances_stay_accurate_far_from_the_origin():
    # The expansion |x|^2 - 2 x.mu + |mu|^2 would lose every digit here.
    X = 1e8 + np.array([[0.0, 0.0], [1e-3, 0.0], [0.0, 2e-3]])
    _, distances = assign(X, X[:1])
    np.testing.assert_allclose(distances, np.sum((X - X[0]) ** 2, axis=1), rtol=1e-12)
    np.testing.assert_allclose(distances, [0.0, 1e-6, 4e-6], rtol=1e-4)


@pytest.mark.parametrize("seed", range(5))
def test_update_centers_are_the_means(seed):
    rng = np.random.default_rng(seed)
    k = 4
    X = rng.normal(size=(30, 3))
    labels = np.concatenate([np.arange(k), rng.integers(k, size=26)])
    centers = update_centers(X, labels, k)
    for j in range(k):
        np.testing.assert_allclose(centers[j], X[labels == j].mean(axis=0), rtol=1e-12, atol=1e-14)


def test_update_centers_minimizes_j_for_fixed_labels():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(50, 2))
    labels = rng.integers(3, size=50)
    centers = update_centers(X, labels, 3)

    def j_of(c):
        return np.sum((X - c[labels]) ** 2)

    for _ in range(20):
        assert j_of(centers) < j_of(centers + 1e-3 * rng.normal(size=centers.shape))


def test_empty_cluster_takes_the_point_farthest_from_its_mean():
    X = np.array([[0.0], [1.0], [2.0], [10.0]])
    labels = np.array([0, 1, 1, 1])
    centers = update_centers(X, labels, 3)
    # Cluster 1 has mean 13/3; the point 10 is farthest from it, moves to cluster 2 and
    # leaves {1, 2} behind.
    np.testing.assert_allclose(centers, [[0.0], [1.5], [10.0]])
    np.testing.assert_array_equal(labels, [0, 1, 1, 1])  # the caller's labels are untouched
    expected, moved = loop_update(X, labels, 3)
    assert moved
    np.testing.assert_allclose(centers, expected)


def test_several_empty_clusters_never_empty_a_singleton():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.0, 5.4], [9.0, 0.0], [20.0, 20.0]])
    labels = np.array([0, 0, 1, 1, 1, 2])
    centers = update_centers(X, labels, 5)
    expected, _ = loop_update(X, labels, 5)
    np.testing.assert_allclose(centers, expected)
    # Every center now owns at least one point.
    assert len(np.unique(assign(X, centers)[0])) == 5


def test_relocation_never_takes_the_only_point_of_a_cluster():
    # Every point sits on its cluster's mean, so all distances tie at zero; the point of
    # the singleton cluster 1 comes first but must stay, or cluster 1 would be emptied.
    X = np.array([[5.0], [0.0], [0.0]])
    centers = update_centers(X, np.array([1, 0, 0]), 3)
    np.testing.assert_array_equal(centers, [[0.0], [5.0], [0.0]])


@pytest.mark.parametrize("seed", range(8))
def test_relocation_does_not_increase_j(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(25, 2))
    k = 5
    labels = rng.integers(2, size=25)  # clusters 2..4 are empty
    before = update_centers(X, labels, 2)
    j_before = np.sum((X - before[labels]) ** 2)
    centers = update_centers(X, labels, k)
    _, distances = assign(X, centers)
    assert distances.sum() < j_before
    np.testing.assert_allclose(centers, loop_update(X, labels, k)[0], rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------------------ seeding


def test_kmeans_plusplus_returns_distinct_data_points():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    centers = kmeans_plusplus(X, 10, rng=1)
    assert centers.shape == (10, 3)
    rows = {tuple(row) for row in X}
    assert all(tuple(center) in rows for center in centers)
    assert len({tuple(center) for center in centers}) == 10


def test_kmeans_plusplus_never_picks_a_copy_of_a_chosen_center():
    # Three distinct points, each repeated many times: a point equal to a chosen center
    # has D(x)^2 = 0 and must never be drawn, so the three centers are the three points.
    X = np.repeat(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 3.0]]), 50, axis=0)
    for seed in range(20):
        centers = kmeans_plusplus(X, 3, rng=seed)
        assert len({tuple(center) for center in centers}) == 3


def test_kmeans_plusplus_refuses_more_centers_than_distinct_points():
    # Two centers on one point would start two identical clusters (issue 16).
    with pytest.raises(ValueError, match=r"n_clusters must be at most the number of distinct rows of X \(1\); got 3"):
        kmeans_plusplus(np.ones((5, 2)), 3, rng=0)
    with pytest.raises(ValueError, match=r"distinct rows of X \(2\); got 3"):
        fit(np.repeat([[0.0, 0.0], [1.0, 1.0]], 4, axis=0), 3, rng=0)
    with pytest.raises(ValueError, match=r"distinct rows of X \(2\); got 3"):
        fit(np.repeat([[0.0, 0.0], [1.0, 1.0]], 4, axis=0), 3, init="random", rng=0)


def test_kmeans_plusplus_spreads_centers_over_separated_blobs():
    rng = np.random.default_rng(3)
    means = np.array([[0.0, 0.0], [20.0, 0.0], [0.0, 20.0], [20.0, 20.0]])
    X = np.repeat(means, 100, axis=0) + 0.3 * rng.normal(size=(400, 2))
    for seed in range(10):
        labels, _ = assign(kmeans_plusplus(X, 4, rng=seed), means)
        assert sorted(labels) == [0, 1, 2, 3]


# ---------------------------------------------------------------------------------- fit


@pytest.mark.parametrize("seed", range(6))
def test_fit_matches_the_loop_oracle(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6))
    X = blobs(rng, 60, int(rng.integers(1, 4)), k)
    start = kmeans_plusplus(X, k, rng=seed)
    if seed % 2:  # a center far from the data: an empty cluster on the first iteration
        start[-1] = 100.0
    result = fit(X, k, init=start)
    centers, labels, inertia, history, n_iter, relocated = loop_lloyd(X, start)
    assert relocated == bool(seed % 2)
    np.testing.assert_array_equal(result.labels, labels)
    np.testing.assert_allclose(result.centers, centers, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(result.inertia, inertia, rtol=1e-10)
    np.testing.assert_allclose(result.inertia_history, history, rtol=1e-10)
    assert result.n_iter == n_iter


@pytest.mark.parametrize("seed", range(5))
def test_fit_matches_scikit_learn(seed):
    cluster = pytest.importorskip("sklearn.cluster")
    rng = np.random.default_rng(100 + seed)
    n, d, k = int(rng.integers(200, 3000)), int(rng.integers(1, 8)), int(rng.integers(2, 10))
    X = blobs(rng, n, d, k, spread=rng.uniform(0.5, 3.0)) + rng.normal(scale=10.0, size=d)
    start = kmeans_plusplus(X, k, rng=seed)
    result = fit(X, k, init=start)
    reference = cluster.KMeans(k, init=start, n_init=1, max_iter=300, tol=0.0, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(result.labels, reference.labels_)
    scale = np.abs(X).max()
    np.testing.assert_allclose(result.centers, reference.cluster_centers_, rtol=1e-10, atol=1e-12 * scale)
    np.testing.assert_allclose(result.inertia, reference.inertia_, rtol=1e-10)
    assert result.n_iter == reference.n_iter_


def test_inertia_never_increases_over_many_random_data_sets():
    rng = np.random.default_rng(2024)
    for case in range(60):
        n = int(rng.integers(2, 80))
        k = int(rng.integers(1, min(n, 8) + 1))
        X = blobs(rng, n, int(rng.integers(1, 4)), k, spread=rng.uniform(0.1, 3.0))
        if case % 3 == 0:  # repeated points make ties and empty clusters
            X = np.round(X)
            k = min(k, np.unique(X, axis=0).shape[0])  # never more clusters than distinct points
        init = ("k-means++", "random")[case % 2]
        result = fit(X, k, init=init, rng=case)
        steps = np.diff(result.inertia_history)
        assert np.all(steps <= 1e-12 * result.inertia_history[0]), (case, steps.max())
        assert result.inertia <= result.inertia_history[-1] * (1 + 1e-12) + 1e-12
        assert len(result.inertia_history) == result.n_iter


def test_returned_labels_and_inertia_belong_to_the_returned_centers():
    rng = np.random.default_rng(5)
    X = blobs(rng, 300, 2, 5, spread=2.0)
    for max_iter, tol in [(1, 0.0), (2, 0.0), (300, 0.0), (300, 1.0)]:
        result = fit(X, 5, max_iter=max_iter, tol=tol, rng=0)
        labels, distances = assign(X, result.centers)
        np.testing.assert_array_equal(result.labels, labels)
        np.testing.assert_allclose(result.inertia, distances.sum(), rtol=1e-12)


def test_max_iter_and_tol_stop_the_iterations():
    rng = np.random.default_rng(6)
    X = blobs(rng, 500, 2, 6, spread=2.5)
    full = fit(X, 6, rng=1)
    assert full.converged and full.n_iter > 2
    short = fit(X, 6, max_iter=2, rng=1)
    assert not short.converged and short.n_iter == 2
    np.testing.assert_array_equal(short.inertia_history, full.inertia_history[:2])
    loose = fit(X, 6, tol=1e6, rng=1)
    assert loose.converged and loose.n_iter == 1


def test_fit_is_reproducible_and_n_init_keeps_the_best_run():
    rng = np.random.default_rng(8)
    X = blobs(rng, 300, 2, 8, spread=1.5)
    first, second = fit(X, 8, n_init=4, rng=11), fit(X, 8, n_init=4, rng=11)
    np.testing.assert_array_equal(first.centers, second.centers)
    np.testing.assert_array_equal(first.labels, second.labels)
    # The runs of n_init=4 are four single runs drawing from one generator in turn.
    generator = np.random.default_rng(11)
    singles = [fit(X, 8, rng=generator).inertia for _ in range(4)]
    assert first.inertia == min(singles)
    assert isinstance(first, KMeansResult)


def test_one_cluster_and_one_cluster_per_point():
    X = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 8.0]])
    one = fit(X, 1)
    np.testing.assert_allclose(one.centers, [[2.0, 4.0]])
    np.testing.assert_allclose(one.inertia, 8.0 + 26.0)
    every = fit(X, 3, rng=0)
    assert every.inertia == 0.0
    np.testing.assert_array_equal(np.sort(every.labels), [0, 1, 2])


def test_extra_memory_is_chunked(monkeypatch):
    # An (n, k) distance matrix here would take 8 * 200000 * 40 bytes = 64 MB. With the
    # most threads fit uses (four), four sets of chunk buffers of 2 MiB are allocated.
    monkeypatch.setattr(kmeans, "_THREADS", 4)
    rng = np.random.default_rng(9)
    X = rng.normal(size=(200_000, 2))
    start = X[:40].copy()
    tracemalloc.start()
    fit(X, 40, init=start, max_iter=2)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 22e6, peak


def test_chunk_boundaries_do_not_matter(monkeypatch):
    rng = np.random.default_rng(10)
    X = blobs(rng, 101, 3, 4)
    start = X[:4].copy()
    whole = fit(X, 4, init=start)
    monkeypatch.setattr(kmeans, "_CHUNK_BYTES", 8 * (4 + 3 + 8) * 7)  # 7 rows per chunk
    assert kmeans._rows_per_chunk(4, 3) == 7
    chunked = fit(X, 4, init=start)
    np.testing.assert_array_equal(chunked.labels, whole.labels)
    np.testing.assert_allclose(chunked.centers, whole.centers, rtol=1e-13)


# ----------------------------------------------------------- skipping by gap bounds


HUGE_MARGIN = np.finfo(float).max


def skipping_cases():
    """Data sets where the gap bounds of fit are tested hard: overlapping and separated
    blobs, data far from the origin, repeated points (exact ties), a far starting
    center (an empty cluster, relocated) and k = 1."""
    rng = np.random.default_rng(31)
    for case in range(40):
        n, d = int(rng.integers(50, 2000)), int(rng.integers(1, 12))
        k = int(rng.integers(1, 10))
        X = blobs(rng, n, d, k, spread=rng.uniform(0.2, 4.0))
        if case % 4 == 1:
            X += 1e6
        if case % 4 == 2:
            X = np.round(X)
        start = X[rng.choice(n, size=k, replace=False)].copy()
        if case % 4 == 3 and k > 1:
            start[-1] = 1e3
        yield case, X, start


def assert_same_iterations(first, second, case):
    """Two fits ran exactly the same iterations: labels, centers and J history bit for bit."""
    np.testing.assert_array_equal(first.labels, second.labels, err_msg=f"case {case}")
    np.testing.assert_array_equal(first.centers, second.centers, err_msg=f"case {case}")
    np.testing.assert_array_equal(first.inertia_history, second.inertia_history, err_msg=f"case {case}")
    assert first.n_iter == second.n_iter, case


def test_skipping_never_changes_the_iterations(monkeypatch):
    # A huge rounding margin makes every finite bound fail: every point is assigned again
    # in every iteration, as in a plain Lloyd loop (with k = 1 the gap is infinite, and
    # no point needs assigning again). Skipping must change nothing at all.
    for case, X, start in list(skipping_cases()):
        skipping = fit(X, start.shape[0], init=start)
        monkeypatch.setattr(kmeans, "_rounding_margin", lambda points: HUGE_MARGIN)
        plain = fit(X, start.shape[0], init=start)
        monkeypatch.undo()
        assert_same_iterations(skipping, plain, case)


def assigned_per_iteration(monkeypatch, X, start, max_iter=300):
    """Number of points each assignment step of fit computes (-n for a plain step, which
    assigns all n points without bounds), and the result."""
    counts = []
    real_step, real_plain_step = kmeans._assign_step, kmeans._plain_step

    def spy(points, centers, labels, bounds, drift, margin, sums, counts_, first, *rest):
        counts.append(points.shape[1] if first else int(np.count_nonzero(bounds <= drift)))
        return real_step(points, centers, labels, bounds, drift, margin, sums, counts_, first, *rest)

    def plain_spy(points, *rest):
        counts.append(-points.shape[1])
        return real_plain_step(points, *rest)

    monkeypatch.setattr(kmeans, "_assign_step", spy)
    monkeypatch.setattr(kmeans, "_plain_step", plain_spy)
    result = fit(X, start.shape[0], init=start, max_iter=max_iter)
    monkeypatch.undo()
    return np.array(counts), result


def test_skipping_leaves_out_most_points_once_the_centers_settle(monkeypatch):
    rng = np.random.default_rng(32)
    X = blobs(rng, 20_000, 3, 6, spread=0.8)
    assigned, result = assigned_per_iteration(monkeypatch, X, X[:6].copy())
    assert result.n_iter == len(assigned) > 5
    # No plain step: from iteration 4 on the bounds spare more than 90 per cent.
    assert assigned[0] == len(X) and np.all(assigned >= 0), assigned
    assert np.all(assigned[3:] < 0.1 * len(X)), assigned
    monkeypatch.setattr(kmeans, "_rounding_margin", lambda points: HUGE_MARGIN)
    plain_assigned, plain = assigned_per_iteration(monkeypatch, X, X[:6].copy())
    assert np.all(np.abs(plain_assigned) == len(X))
    np.testing.assert_array_equal(result.labels, plain.labels)


def test_plain_steps_never_change_the_iterations(monkeypatch):
    # _PLAIN_SHARE = 0 takes plain steps after every bounded one that follows another,
    # 1 never takes one: the labels, centers, J history and n_iter must be the same.
    cases = list(skipping_cases())
    X = np.random.default_rng(33).standard_normal((3000, 4))
    cases.append(("structureless", X, X[:7].copy()))
    for case, X, start in cases:
        monkeypatch.setattr(kmeans, "_PLAIN_SHARE", 0.0)
        plain = fit(X, start.shape[0], init=start)
        monkeypatch.setattr(kmeans, "_PLAIN_SHARE", 1.0)
        bounded = fit(X, start.shape[0], init=start)
        monkeypatch.undo()
        assert_same_iterations(plain, bounded, case)


def test_threads_never_change_the_results(monkeypatch):
    # Every assignment step shares its chunks among the threads; with chunks of a few
    # dozen rows every step here has many. Bounded and plain steps, and assign, must give
    # the same results bit for bit with any number of threads.
    # Each chunk lets the other threads run first (sleep(0)), so that threads that wrongly
    # shared a buffer would overwrite each other's work; and the test checks that the
    # chunks of a step did go to several threads.
    workers = set()

    class Yielding(kmeans._NearestCenter):
        def __call__(self, block):
            time.sleep(0)
            workers.add(threading.get_ident())
            return super().__call__(block)

    monkeypatch.setattr(kmeans, "_NearestCenter", Yielding)
    X = np.random.default_rng(35).standard_normal((3000, 4))
    cases = list(skipping_cases())[:12] + [("structureless", X, X[:7].copy())]
    monkeypatch.setattr(kmeans, "_CHUNK_BYTES", 2**14)
    for case, X, start in cases:
        for plain_share in (0.0, 1.0):
            monkeypatch.setattr(kmeans, "_PLAIN_SHARE", plain_share)
            results = []
            for threads in (1, 2, 4):
                monkeypatch.setattr(kmeans, "_THREADS", threads)
                workers.clear()
                results.append((fit(X, start.shape[0], init=start), kmeans.assign(X, start)))
                assert len(workers) == 1 or threads > 1, case
            assert len(workers) > 1, case  # four threads shared the chunks
            for result, assigned in results[1:]:
                assert_same_iterations(results[0][0], result, case)
                np.testing.assert_array_equal(results[0][1][0], assigned[0], err_msg=f"case {case}")
                np.testing.assert_array_equal(results[0][1][1], assigned[1], err_msg=f"case {case}")


def test_an_error_in_a_thread_reaches_the_caller_and_stops_every_thread(monkeypatch):
    calls = []

    class Failing(kmeans._NearestCenter):
        def __call__(self, block):
            calls.append(threading.get_ident())
            if len(calls) == 3:
                raise ArithmeticError("chunk 3")
            return super().__call__(block)

    X = np.random.default_rng(36).standard_normal((3000, 4))
    threads_before = threading.active_count()
    monkeypatch.setattr(kmeans, "_THREADS", 4)
    monkeypatch.setattr(kmeans, "_CHUNK_BYTES", 2**14)
    monkeypatch.setattr(kmeans, "_NearestCenter", Failing)
    with pytest.raises(ArithmeticError, match="chunk 3"):
        fit(X, 5, init=X[:5].copy())
    assert len(calls) < 3 + 4  # the others stopped after their current chunk
    assert threading.active_count() == threads_before
    monkeypatch.undo()
    np.testing.assert_array_equal(fit(X, 5, init=X[:5].copy()).labels, loop_lloyd(X, X[:5].copy())[1])


def test_structureless_data_take_plain_steps_and_sample_the_gaps_after_each_run(monkeypatch):
    # On standard normal data the centers keep moving and the bounds would spare few
    # points: fit takes plain steps from iteration 3 on. After each run of plain steps
    # (1, then 4, then 16 steps) it measures the gaps of a sample, which say that fresh
    # bounds would spare too few as well, so it never measures all the gaps again.
    X = np.random.default_rng(16).standard_normal((20_000, 16))
    events = []

    def spy(name):
        real = getattr(kmeans, name)

        def record(*args):
            events.append(name)
            return real(*args)

        monkeypatch.setattr(kmeans, name, record)

    for name in ("_assign_step", "_plain_step", "_sampled_gaps"):
        spy(name)
    result = fit(X, 16, init=X[:16].copy(), max_iter=20)
    monkeypatch.undo()
    letters = {"_assign_step": "b", "_plain_step": "p", "_sampled_gaps": "s"}
    assert "".join(letters[name] for name in events) == "bbp" + "s" + 4 * "p" + "s" + 13 * "p"
    monkeypatch.setattr(kmeans, "_PLAIN_SHARE", 1.0)  # bounds in every step
    bounded = fit(X, 16, init=X[:16].copy(), max_iter=20)
    np.testing.assert_array_equal(result.centers, bounded.centers)
    np.testing.assert_array_equal(result.inertia_history, bounded.inertia_history)


def test_sampled_gaps_are_the_gaps_of_evenly_spaced_points():
    rng = np.random.default_rng(34)
    X = blobs(rng, 5000, 3, 4, spread=1.0)
    points = kmeans._centered_points(X, *kmeans._frame(X))
    centers = points[:3, :4].T.copy()
    norms = np.einsum("ij,ij->j", points[:3], points[:3])
    gaps = kmeans._sampled_gaps(points, centers, norms)
    x = points[:3, np.arange(1024) * 5000 // 1024].T
    distances = np.sort(np.sqrt(((x[:, np.newaxis] - centers[np.newaxis]) ** 2).sum(axis=2)), axis=1)
    np.testing.assert_allclose(gaps, distances[:, 1] - distances[:, 0], atol=1e-6)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: fit(np.zeros(5), 2), ValueError, r"X must be a 2-D array of shape \(n, d\); got shape \(5,\)"),
        (lambda: fit([[0.0, np.nan], [1.0, 1.0]], 1), ValueError, "X contains NaN or inf"),
        (lambda: fit([["a", "b"]], 1), TypeError, "X must be an array of real numbers; got strings"),
        (lambda: fit(np.zeros((4, 2)), 0), ValueError, "n_clusters must be at least 1; got 0"),
        (lambda: fit(np.zeros((4, 2)), 5), ValueError, r"n_clusters must be at most the number of points n=4"),
        (lambda: fit(np.zeros((4, 2)), 2.0), TypeError, "n_clusters must be an integer; got 2.0"),
        (lambda: fit(np.zeros((4, 2)), 2, init=np.zeros((3, 2))), ValueError,
         r"init must have shape \(2, 2\), one row per cluster; got shape \(3, 2\)"),
        (lambda: fit(np.zeros((4, 2)), 2, init=np.zeros((2, 3))), ValueError,
         r"init must have shape \(k, 2\); got shape \(2, 3\)"),
        (lambda: fit(np.zeros((4, 2)), 2, init=np.zeros(2)), ValueError,
         r"init must be a 2-D array of shape \(k, 2\); got shape \(2,\)"),
        (lambda: fit(np.zeros((4, 2)), 2, init=[[0.0, np.inf], [1.0, 1.0]]), ValueError,
         "init contains NaN or inf"),
        (lambda: fit(np.zeros((4, 2)), 2, init="kmeans++"), ValueError,
         r"init must be 'k-means\+\+', 'random' or an array of shape \(2, 2\); got 'kmeans\+\+'"),
        (lambda: fit(np.zeros((4, 2)), 2, n_init=0), ValueError, "n_init must be at least 1; got 0"),
        (lambda: fit(np.zeros((4, 2)), 2, max_iter=0), ValueError, "max_iter must be at least 1; got 0"),
        (lambda: fit(np.zeros((4, 2)), 2, tol=-1.0), ValueError, r"tol must be a finite number >= 0; got -1.0"),
        (lambda: kmeans_plusplus(np.zeros((3, 1)), 4), ValueError, "n_clusters must be at most"),
        (lambda: kmeans_plusplus(np.zeros((3, 1)), True), TypeError, "n_clusters must be an integer"),
        (lambda: assign(np.zeros((3, 2)), np.zeros((2, 3))), ValueError,
         r"centers must have shape \(k, 2\); got shape \(2, 3\)"),
        (lambda: assign(np.zeros((3, 2)), [[np.nan, 0.0]]), ValueError, "centers contains NaN or inf"),
        (lambda: update_centers(np.zeros((3, 2)), [0, 1], 2), ValueError,
         r"labels must have shape \(3,\), one per row of X; got shape \(2,\)"),
        (lambda: update_centers(np.zeros((3, 2)), [0.0, 1.0, 0.0], 2), TypeError,
         "labels must be integers; got dtype float64"),
        (lambda: update_centers(np.zeros((3, 2)), [0, 2, 1], 2), ValueError,
         r"labels must lie in 0..1 \(n_clusters=2\); got values from 0 to 2"),
        (lambda: update_centers(np.zeros((3, 2)), [0, -1, 1], 2), ValueError, "got values from -1 to 1"),
    ],
)
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()



def test_matrix_products_stay_small(monkeypatch):
    # Every product of the assignment step is capped (so that BLAS never splits it
    # over threads); the cap must not change any result.
    rng = np.random.default_rng(12)
    X = blobs(rng, 5000, 3, 5, spread=2.0)
    start = X[:5].copy()
    shapes = []
    real_matmul = np.matmul

    def spy(a, b, **kwargs):
        shapes.append(a.shape[0] * a.shape[1] * np.shape(b)[-1])
        return real_matmul(a, b, **kwargs)

    whole = fit(X, 5, init=start, max_iter=5)
    monkeypatch.setattr(kmeans.np, "matmul", spy)
    spied = fit(X, 5, init=start, max_iter=5)
    monkeypatch.undo()
    assert shapes and max(shapes) <= kmeans._MAX_PRODUCT
    monkeypatch.setattr(kmeans, "_MAX_PRODUCT", 5 * 4 * 3)  # three points per product
    tiny = fit(X, 5, init=start, max_iter=5)
    for result in (spied, tiny):
        np.testing.assert_array_equal(result.labels, whole.labels)
        np.testing.assert_allclose(result.centers, whole.centers, rtol=1e-13)
        np.testing.assert_allclose(result.inertia_history, whole.inertia_history, rtol=1e-13)
