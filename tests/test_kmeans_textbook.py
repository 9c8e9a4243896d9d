"""Lesson 03's textbook kernels (kmeans._textbook_assign, kmeans._textbook_update) against
the fast path: the same labels and centers, ties by the documented rule (lowest index)."""

import numpy as np
import pytest

from course_utils import kmeans

CASES = range(60)


def random_case(seed):
    """Data and centers of varied size, dimension, scale and offset, from one seed."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    d = int(rng.integers(1, 6))
    k = int(rng.integers(1, min(n, 12) + 1))
    scale = 10.0 ** rng.uniform(-3, 3)
    offset = rng.normal(size=d) * 10.0 ** rng.uniform(-1, 3)
    X = offset + scale * rng.normal(size=(n, d))
    centers = offset + scale * rng.normal(size=(k, d))
    return rng, X, centers


def first_minimum_loop(X, centers):
    """Ties to the lowest index, by a loop over the centers (an independent oracle)."""
    labels = np.zeros(len(X), dtype=int)
    best = np.full(len(X), np.inf)
    for j, center in enumerate(centers):
        distance = np.sum((X - center) ** 2, axis=1)
        better = distance < best
        labels[better], best[better] = j, distance[better]
    return labels, best


@pytest.mark.parametrize("seed", CASES)
def test_textbook_assign_matches_the_fast_assign(seed):
    _, X, centers = random_case(seed)
    labels, distances = kmeans._textbook_assign(X, centers)
    fast_labels, fast_distances = kmeans.assign(X, centers)
    np.testing.assert_array_equal(labels, fast_labels)
    np.testing.assert_allclose(distances, fast_distances, rtol=1e-9, atol=1e-12 * np.max(fast_distances))
    np.testing.assert_array_equal(labels, first_minimum_loop(X, centers)[0])


@pytest.mark.parametrize("k", [2, 3, 5, 9])
def test_ties_go_to_the_lowest_index_in_both(k):
    # Integer points on a grid and integer centers, with n a power of two: every distance,
    # direct or by the fast path's expansion around the data mean, is exact, so the ties
    # below are exact ties for both computations.
    grid = np.array([(i, j) for i in range(-4, 4) for j in range(-4, 4)], dtype=float)  # 64 points
    rng = np.random.default_rng(k)
    centers = rng.integers(-3, 4, size=(k, 2)).astype(float)
    centers[1] = centers[0]  # a duplicated center: every point of it is tied
    labels, _ = kmeans._textbook_assign(grid, centers)
    squared = ((grid[:, None, :] - centers[None]) ** 2).sum(axis=2)
    tied = (squared == squared.min(axis=1, keepdims=True)).sum(axis=1) > 1
    assert tied.sum() >= 8  # the test is about ties: make sure there are many
    np.testing.assert_array_equal(labels, first_minimum_loop(grid, centers)[0])
    np.testing.assert_array_equal(labels, kmeans.assign(grid, centers)[0])
    assert not np.any(labels == 1)  # center 1 copies center 0, which wins every tie


def test_textbook_assign_on_a_hand_example():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [4.0, 1.0]])
    centers = np.array([[0.0, 0.0], [4.0, 0.0]])
    labels, distances = kmeans._textbook_assign(X, centers)
    np.testing.assert_array_equal(labels, [0, 0, 1, 1])
    np.testing.assert_allclose(distances, [0.0, 1.0, 1.0, 1.0])
    # A point halfway between the centers goes to the first one.
    assert kmeans._textbook_assign(np.array([[2.0, 5.0]]), centers)[0][0] == 0


@pytest.mark.parametrize("seed", CASES)
def test_textbook_update_matches_update_centers(seed):
    rng, X, centers = random_case(seed)
    k = centers.shape[0]
    labels, _ = kmeans.assign(X, centers)
    np.testing.assert_allclose(kmeans._textbook_update(X, labels, k), kmeans.update_centers(X, labels, k),
                               rtol=1e-10, atol=1e-10 * np.abs(X).max())
    # Labels that leave some clusters empty (when n allows it), to exercise relocation.
    if X.shape[0] >= 2 * k and k > 1:
        used = rng.choice(k, size=int(rng.integers(1, k)), replace=False)
        sparse = rng.choice(used, size=X.shape[0])
        np.testing.assert_allclose(kmeans._textbook_update(X, sparse, k), kmeans.update_centers(X, sparse, k),
                                   rtol=1e-10, atol=1e-10 * np.abs(X).max())


def test_textbook_update_on_a_hand_example_with_an_empty_cluster():
    X = np.array([[0.0], [1.0], [2.0], [10.0]])
    labels = np.array([0, 0, 0, 0])
    centers = kmeans._textbook_update(X, labels, 2)
    # Cluster 1 is empty: it takes 10 (farthest from the mean 3.25); cluster 0 keeps 0, 1, 2.
    np.testing.assert_allclose(centers, [[1.0], [10.0]])
    np.testing.assert_array_equal(labels, [0, 0, 0, 0])  # the caller's labels are not changed


@pytest.mark.parametrize("seed", range(30))
def test_lloyd_with_the_textbook_kernels_reproduces_fit(seed):
    rng, X, _ = random_case(seed)
    k = int(rng.integers(1, min(X.shape[0], 8) + 1))
    start = X[rng.choice(X.shape[0], size=k, replace=False)]
    result = kmeans.fit(X, k, init=start)
    centers, previous, history = start, None, []
    for _ in range(300):
        labels, distances = kmeans._textbook_assign(X, centers)
        history.append(distances.sum())
        centers = kmeans._textbook_update(X, labels, k)
        if previous is not None and np.array_equal(labels, previous):
            break
        previous = labels
    assert len(history) == result.n_iter
    np.testing.assert_allclose(history, result.inertia_history, rtol=1e-8, atol=1e-12 * history[0])
    np.testing.assert_allclose(centers, result.centers, rtol=1e-9, atol=1e-9 * np.abs(X).max())
    np.testing.assert_array_equal(kmeans._textbook_assign(X, centers)[0], result.labels)


@pytest.mark.parametrize("kernel", [kmeans._textbook_assign, kmeans._textbook_update])
def test_textbook_kernels_fit_on_one_screen(kernel):
    # Lesson 03 shows them as its main text (issue 14): docstring and code within 40 lines.
    import inspect

    assert len(inspect.getsource(kernel).splitlines()) <= 40
