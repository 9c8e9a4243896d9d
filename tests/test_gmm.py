"""Gaussian mixtures fitted by EM (course_utils.gmm): E-step, M-step, fit and sample."""

import warnings

import numpy as np
import pytest

from course_utils import gmm
from course_utils.data import load_old_faithful


def random_spd(rng, d, condition=10.0):
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    eigenvalues = np.geomspace(1.0, condition, d) * rng.uniform(0.3, 2.0)
    return (q * eigenvalues) @ q.T


def random_problem(seed, n=None, d=None, k=None):
    """Data drawn from a random mixture and a random (poor) starting point for EM."""
    rng = np.random.default_rng(seed)
    d = int(rng.integers(1, 4)) if d is None else d
    k = int(rng.integers(1, 5)) if k is None else k
    n = int(rng.integers(3 * k + 5, 120)) if n is None else n
    centres = rng.normal(scale=4.0, size=(k, d))
    X = centres[rng.integers(k, size=n)] + rng.normal(size=(n, d))
    weights = rng.dirichlet(np.full(k, 2.0))
    means = X[rng.choice(n, size=k, replace=False)] + rng.normal(scale=0.5, size=(k, d))
    covariances = np.stack([random_spd(rng, d) for _ in range(k)])
    return X, (weights, means, covariances)


# ------------------------------------------------------------- loop-based reference


def reference_density(x, mean, covariance):
    d = x.size
    diff = x - mean
    return np.exp(-0.5 * diff @ np.linalg.inv(covariance) @ diff) / np.sqrt(
        (2 * np.pi) ** d * np.linalg.det(covariance)
    )


def reference_em(X, weights, means, covariances, iterations, reg_covar):
    """EM written with plain loops over points and components, straight from the formulas."""
    n, d = X.shape
    k = len(weights)
    weights, means, covariances = np.array(weights), np.array(means), np.array(covariances)
    for _ in range(iterations):
        gamma = np.zeros((n, k))
        for i in range(n):
            for j in range(k):
                gamma[i, j] = weights[j] * reference_density(X[i], means[j], covariances[j])
            gamma[i] /= gamma[i].sum()
        for j in range(k):
            n_j = sum(gamma[i, j] for i in range(n))
            means[j] = sum(gamma[i, j] * X[i] for i in range(n)) / n_j
            covariances[j] = sum(gamma[i, j] * np.outer(X[i] - means[j], X[i] - means[j]) for i in range(n)) / n_j
            covariances[j] += reg_covar * np.eye(d)
            weights[j] = n_j / n
    total = sum(
        np.log(sum(weights[j] * reference_density(X[i], means[j], covariances[j]) for j in range(k)))
        for i in range(n)
    )
    return weights, means, covariances, total


def assert_parameters_close(actual, expected, rtol):
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=rtol, atol=rtol * np.max(np.abs(e)))


@pytest.mark.parametrize("seed", range(6))
def test_fit_matches_a_loop_based_reference(seed):
    X, start = random_problem(seed, n=40)
    iterations = 1 + seed % 3
    result = gmm.fit(X, len(start[0]), init=start, max_iter=iterations, tol=0.0, reg_covar=1e-3)
    *expected, expected_total = reference_em(X, *start, iterations, 1e-3)
    assert result.n_iter == iterations
    assert_parameters_close((result.weights, result.means, result.covariances), expected, 1e-8)
    assert result.log_likelihood == pytest.approx(expected_total, rel=1e-10)


@pytest.mark.parametrize("seed", range(4))
def test_e_step_and_m_step_match_the_loop_based_reference(seed):
    X, start = random_problem(100 + seed, n=30)
    responsibilities, _ = gmm.e_step(X, *start)
    *expected, _ = reference_em(X, *start, 1, 0.0)
    assert_parameters_close(gmm.m_step(X, responsibilities, reg_covar=0.0), expected, 1e-10)


def test_streaming_blocks_give_the_same_iterations(monkeypatch):
    # With a tiny block size the pass over X uses many blocks and a partial last one.
    X, start = random_problem(7, n=203, d=3, k=4)
    whole = gmm.fit(X, 4, init=start, max_iter=5, tol=0.0)
    monkeypatch.setattr(gmm, "_BLOCK_FLOATS", 7 * 4 * 3)
    assert gmm._rows_per_block(4, 3) < 203
    blocked = gmm.fit(X, 4, init=start, max_iter=5, tol=0.0)
    assert_parameters_close(
        (blocked.weights, blocked.means, blocked.covariances, blocked.responsibilities),
        (whole.weights, whole.means, whole.covariances, whole.responsibilities),
        1e-12,
    )
    assert blocked.log_likelihood == pytest.approx(whole.log_likelihood, rel=1e-13)


@pytest.mark.parametrize("seed", range(5))
def test_fit_agrees_with_the_textbook_e_and_m_steps(seed):
    X, start = random_problem(200 + seed)
    result = gmm.fit(X, len(start[0]), init=start, max_iter=8, tol=0.0)
    parameters = start
    history = []
    for _ in range(8):
        responsibilities, _ = gmm.e_step(X, *parameters)
        parameters = gmm.m_step(X, responsibilities)
        history.append(gmm.log_likelihood(X, *parameters))
    assert_parameters_close((result.weights, result.means, result.covariances), parameters, 1e-9)
    np.testing.assert_allclose(result.log_likelihood_history, history, rtol=1e-10)


def test_a_component_without_responsibility_matches_the_textbook_steps():
    # A zero weight (or a component far from every point) gets responsibilities of exactly
    # zero; the streaming M-step must then give what m_step gives, not a negative covariance.
    X, (weights, means, covariances) = random_problem(17, n=60, d=2, k=3)
    weights = np.array([0.6, 0.4, 0.0])
    means[2] = [1e3, -1e3]
    result = gmm.fit(X, 3, init=(weights, means, covariances), max_iter=3, tol=0.0)
    parameters = (weights, means, covariances)
    for _ in range(3):
        responsibilities, _ = gmm.e_step(X, *parameters)
        parameters = gmm.m_step(X, responsibilities)
    # The mean of a component without responsibility is a placeholder (0 in m_step's
    # coordinates, the data mean in fit's centred ones); everything else must agree.
    assert_parameters_close((result.weights, result.means[:2], result.covariances), (parameters[0], parameters[1][:2], parameters[2]), 1e-9)
    assert np.all(np.isfinite(result.means[2]))
    np.testing.assert_allclose(result.covariances[2], 1e-6 * np.eye(2), rtol=1e-9)


# ------------------------------------------------------------------- scikit-learn


@pytest.mark.parametrize("seed", range(6))
def test_fit_matches_scikit_learn_from_the_same_start(seed):
    mixture = pytest.importorskip("sklearn.mixture")
    from sklearn.exceptions import ConvergenceWarning

    # k >= 2: a single Gaussian reaches its maximum in one step and hides a shifted count.
    X, (weights, means, covariances) = random_problem(300 + seed, k=2 + seed % 3)
    k = len(weights)
    iterations = (1, 2, 3, 5, 8, 13)[seed]

    def sklearn_fit(max_iter):
        model = mixture.GaussianMixture(
            k, covariance_type="full", tol=0.0, max_iter=max_iter, reg_covar=1e-6,
            weights_init=weights, means_init=means, precisions_init=np.linalg.inv(covariances),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X)
        return model.weights_, model.means_, model.covariances_

    # Given all three starting parameters scikit-learn runs no initial M-step, so its
    # max_iter counts the same E-step + M-step iterations as ours.
    ours = gmm.fit(X, k, init=(weights, means, covariances), max_iter=iterations, tol=0.0)
    expected = sklearn_fit(iterations)
    assert_parameters_close((ours.weights, ours.means, ours.covariances), expected, 1e-8)
    # The comparison can tell one iteration from the next, so a shifted count would fail.
    one_more = sklearn_fit(iterations + 1)
    assert max(np.max(np.abs(a - b)) for a, b in zip(expected, one_more)) > 1e-6


# --------------------------------------------------------------------- properties


@pytest.mark.parametrize("seed", range(40))
def test_log_likelihood_never_decreases(seed):
    # Exact EM needs reg_covar = 0: a positive reg_covar moves the M-step off the maximizer.
    X, start = random_problem(400 + seed, n=150)
    result = gmm.fit(X, len(start[0]), init=start, max_iter=40, tol=0.0, reg_covar=0.0)
    path = np.concatenate([[gmm.log_likelihood(X, *start)], result.log_likelihood_history])
    slack = 1e-10 * np.max(np.abs(path))
    assert np.all(np.diff(path) >= -slack)


@pytest.mark.parametrize("seed", range(20))
def test_responsibilities_are_probabilities(seed):
    X, start = random_problem(500 + seed)
    for responsibilities in (gmm.e_step(X, *start)[0], gmm.fit(X, len(start[0]), init=start).responsibilities):
        assert np.all(responsibilities >= 0)
        np.testing.assert_allclose(responsibilities.sum(axis=1), 1.0, rtol=0, atol=1e-12)


def test_result_belongs_to_the_returned_parameters():
    X, start = random_problem(11, n=150, d=2, k=3)
    result = gmm.fit(X, 3, init=start)
    parameters = (result.weights, result.means, result.covariances)
    responsibilities, total = gmm.e_step(X, *parameters)
    assert result.log_likelihood == pytest.approx(total, rel=1e-12)
    assert result.log_likelihood == result.log_likelihood_history[-1]
    np.testing.assert_allclose(result.responsibilities, responsibilities, atol=1e-12)
    assert result.n_iter == len(result.log_likelihood_history)
    assert result.converged and result.n_iter < 500
    gain = np.diff(result.log_likelihood_history[-2:]) / len(X)
    assert gain <= 1e-8


def test_max_iter_stops_without_convergence_and_zero_keeps_the_start():
    X, start = random_problem(12, n=150, d=2, k=3)
    short = gmm.fit(X, 3, init=start, max_iter=2, tol=0.0)
    assert short.n_iter == 2 and not short.converged
    unchanged = gmm.fit(X, 3, init=start, max_iter=0)
    assert unchanged.n_iter == 0 and unchanged.log_likelihood_history.shape == (0,)
    assert_parameters_close((unchanged.weights, unchanged.means, unchanged.covariances), start, 1e-15)
    assert unchanged.log_likelihood == pytest.approx(gmm.log_likelihood(X, *start), rel=1e-12)


def test_far_points_get_finite_responsibilities():
    weights = np.array([0.5, 0.5])
    means = np.array([[0.0, 0.0], [3.0, 0.0]])
    covariances = np.stack([np.eye(2), np.eye(2)])
    X = np.array([[1e6, 0.0], [-1e6, 0.0], [1.5, 1e7], [1.0, 1.0]])
    responsibilities, total = gmm.e_step(X, weights, means, covariances)
    assert np.all(np.isfinite(responsibilities)) and np.isfinite(total)
    np.testing.assert_allclose(responsibilities.sum(axis=1), 1.0)
    # Far to the right belongs to the right component, far to the left to the left one;
    # far up on the bisector, both are equally far.
    assert responsibilities[0, 1] == 1.0 and responsibilities[1, 0] == 1.0
    np.testing.assert_allclose(responsibilities[2], [0.5, 0.5])
    streamed = gmm.fit(X, 2, init=(weights, means, covariances), max_iter=0)
    np.testing.assert_allclose(streamed.responsibilities, responsibilities, atol=1e-12)


def collapse_problem():
    """A tight cloud plus one isolated point, with a narrow component sitting on that point."""
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(size=(60, 2)), [[8.0, 8.0]]])
    start = (np.array([0.9, 0.1]), np.array([[0.0, 0.0], [8.0, 8.0]]), np.stack([np.eye(2), 0.5 * np.eye(2)]))
    return X, start


def test_reg_covar_keeps_a_collapsing_component_finite():
    X, start = collapse_problem()
    result = gmm.fit(X, 2, init=start, max_iter=20, reg_covar=1e-6)
    assert all(np.all(np.isfinite(a)) for a in (result.weights, result.means, result.covariances))
    assert np.isfinite(result.log_likelihood)
    # The component has shrunk onto the single point: only reg_covar is left of its spread.
    np.testing.assert_allclose(result.covariances[1], 1e-6 * np.eye(2), atol=1e-12)
    assert result.weights[1] == pytest.approx(1 / 61, rel=1e-9)


def test_collapse_without_reg_covar_is_reported():
    X, start = collapse_problem()
    with pytest.raises(ValueError, match="collapsed onto too few points; increase reg_covar"):
        gmm.fit(X, 2, init=start, max_iter=20, reg_covar=0.0)


# ------------------------------------------------------------------- Old Faithful


@pytest.fixture(scope="module")
def faithful_best():
    """The best log-likelihood of 40 runs from random starts (independent of k-means)."""
    X = load_old_faithful()
    rng = np.random.default_rng(2024)
    return max(gmm.fit(X, 2, init="random", rng=rng).log_likelihood for _ in range(40))


def test_old_faithful_defaults_reach_the_global_maximum(faithful_best):
    X = load_old_faithful()
    for seed in range(3):
        assert gmm.fit(X, 2, rng=seed).log_likelihood == pytest.approx(faithful_best, abs=1e-6)
    restarted = gmm.fit(X, 2, n_init=5, rng=0)
    assert restarted.log_likelihood == pytest.approx(faithful_best, abs=1e-6)
    assert restarted.converged


def test_old_faithful_maximum_agrees_with_scikit_learn(faithful_best):
    mixture = pytest.importorskip("sklearn.mixture")
    X = load_old_faithful()
    model = mixture.GaussianMixture(2, covariance_type="full", tol=1e-10, max_iter=1000, n_init=5,
                                    random_state=0).fit(X)
    assert model.score(X) * len(X) == pytest.approx(faithful_best, abs=1e-5)


def test_n_init_keeps_the_best_run():
    X, _ = random_problem(13, n=120, d=2, k=4)
    best = gmm.fit(X, 4, init="random", n_init=6, max_iter=30, rng=np.random.default_rng(5))
    generator = np.random.default_rng(5)
    runs = [gmm.fit(X, 4, init="random", max_iter=30, rng=generator).log_likelihood for _ in range(6)]
    assert best.log_likelihood == max(runs)
    assert len(set(np.round(runs, 6))) > 1, "the restarts should not all agree, or the test shows nothing"


# ------------------------------------------------------------------------- sample


def test_sample_follows_the_generative_story():
    weights = np.array([0.2, 0.5, 0.3])
    means = np.array([[0.0, 0.0], [5.0, 1.0], [-3.0, 4.0]])
    rng = np.random.default_rng(0)
    covariances = np.stack([random_spd(rng, 2, 4.0) for _ in range(3)])
    X, z = gmm.sample(weights, means, covariances, 40000, rng=1)
    assert X.shape == (40000, 2) and z.shape == (40000,)
    np.testing.assert_allclose(np.bincount(z) / 40000, weights, atol=0.01)
    for j in range(3):
        np.testing.assert_allclose(X[z == j].mean(axis=0), means[j], atol=0.06)
        np.testing.assert_allclose(np.cov(X[z == j].T), covariances[j], atol=0.1 * np.max(covariances[j]))
    again, z_again = gmm.sample(weights, means, covariances, 40000, rng=1)
    assert np.array_equal(X, again) and np.array_equal(z, z_again)


def test_sample_in_one_dimension():
    X, z = gmm.sample([0.5, 0.5], [[-10.0], [10.0]], [[[1.0]], [[4.0]]], 500, rng=2)
    assert X.shape == (500, 1)
    assert np.all((X[:, 0] > 0) == (z == 1))


# ---------------------------------------------------------------------- bad input

X_OK = np.arange(20.0).reshape(10, 2)
START = (np.array([0.5, 0.5]), np.array([[0.0, 1.0], [10.0, 11.0]]), np.stack([np.eye(2), np.eye(2)]))


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"n_components": 0}, ValueError, "n_components must be at least 1; got 0"),
        ({"n_components": 11}, ValueError, "n_components must be at most 10; got 11"),
        ({"n_components": 2.0}, TypeError, "n_components must be an integer"),
        ({"init": "k-means++"}, ValueError, "init must be 'kmeans', 'random' or a tuple"),
        ({"init": np.zeros((2, 2))}, TypeError, "init must be 'kmeans', 'random' or a tuple"),
        ({"n_components": 3, "init": START}, ValueError, "init has 2 components but n_components is 3"),
        ({"init": (np.array([0.6, 0.6]), *START[1:])}, ValueError, "weights must sum to 1"),
        ({"init": (np.array([1.5, -0.5]), *START[1:])}, ValueError, "weights must be non-negative"),
        ({"init": (START[0], np.zeros((2, 3)), START[2])}, ValueError, r"means must have shape \(k, 2\)"),
        ({"init": (START[0], START[1], np.stack([np.eye(2), -np.eye(2)]))}, ValueError,
         r"covariances\[1\] is not positive definite"),
        ({"init": (START[0], START[1], np.stack([np.eye(2), [[1.0, 0.5], [0.0, 1.0]]]))}, ValueError,
         r"covariances\[1\] is not symmetric"),
        ({"n_init": 0}, ValueError, "n_init must be at least 1"),
        ({"max_iter": -1}, ValueError, "max_iter must be at least 0"),
        ({"tol": -1e-3}, ValueError, "tol must be a finite number >= 0"),
        ({"tol": "small"}, TypeError, "tol must be a real number"),
        ({"reg_covar": np.nan}, ValueError, "reg_covar must be a finite number >= 0"),
    ],
)
def test_fit_rejects_bad_arguments(kwargs, error, message):
    arguments = {"n_components": 2} | kwargs
    with pytest.raises(error, match=message):
        gmm.fit(X_OK, **arguments)


@pytest.mark.parametrize(
    "X, message",
    [
        (np.arange(5.0), r"X must be a 2-D array of shape \(n, d\)"),
        (np.array([[1.0, np.nan], [0.0, 1.0]]), "X contains NaN or inf"),
        (np.array([[1.0, np.inf], [0.0, 1.0]]), "X contains NaN or inf"),
    ],
)
def test_fit_rejects_bad_data(X, message):
    with pytest.raises(ValueError, match=message):
        gmm.fit(X, 1)


def test_e_step_rejects_mismatched_means_and_weights():
    with pytest.raises(ValueError, match="means must have one row per weight"):
        gmm.e_step(X_OK, [0.2, 0.3, 0.5], START[1], START[2])


@pytest.mark.parametrize(
    "responsibilities, reg_covar, message",
    [
        (np.full(10, 1.0), 1e-6, r"responsibilities must be a 2-D array of shape \(n, k\)"),
        (np.full((9, 2), 0.5), 1e-6, r"responsibilities must have shape \(10, 2\)"),
        (np.full((10, 2), 0.6), 1e-6, "each row of responsibilities must sum to 1"),
        (np.tile([1.5, -0.5], (10, 1)), 1e-6, "responsibilities must be non-negative"),
        (np.full((10, 2), 0.5), -1.0, "reg_covar must be a finite number >= 0"),
    ],
)
def test_m_step_rejects_bad_arguments(responsibilities, reg_covar, message):
    with pytest.raises(ValueError, match=message):
        gmm.m_step(X_OK, responsibilities, reg_covar=reg_covar)


@pytest.mark.parametrize(
    "arguments, error, message",
    [
        (([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[1.0]]], 0), ValueError, "n must be at least 1"),
        (([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[1.0]]], 2.5), TypeError, "n must be an integer"),
        (([0.5, 0.6], [[0.0], [1.0]], [[[1.0]], [[1.0]]], 5), ValueError, "weights must sum to 1"),
        (([1.0], [[0.0], [1.0]], [[[1.0]], [[1.0]]], 5), ValueError, "means must have one row per weight"),
        (([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[0.0]]], 5), ValueError,
         r"covariances\[1\] is not positive definite"),
        (([0.5, 0.5], [[0.0], [1.0]], [[1.0], [1.0]], 5), ValueError, r"covariances must have shape \(2, 1, 1\)"),
    ],
)
def test_sample_rejects_bad_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        gmm.sample(*arguments)


def test_degenerate_data_without_reg_covar_is_reported_at_the_start():
    X = np.tile([[1.0, 2.0]], (5, 1))
    with pytest.raises(ValueError, match="a covariance became singular at the start"):
        gmm.fit(X, 1, init="random", reg_covar=0.0, rng=0)
