"""Exact references, BIC and the mixture log joint of lesson 06 (course_utils.laplace_reference)."""

import itertools
import math

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import expit

from course_utils.laplace import beta_binomial_log_evidence, fit_logistic_regression
from course_utils.laplace_reference import (
    GridPosterior,
    ImportanceEstimate,
    bic,
    grid_posterior,
    logistic_grid_posterior,
    logistic_importance_sampling,
    logistic_log_joint,
    mixture_means_hessian,
    mixture_means_log_joint,
    predict_weighted,
)


def logistic_problem(seed, n=40, d=3):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.normal(size=(n, d - 1))])
    y = (rng.uniform(size=n) < expit(X @ rng.normal(scale=1.5, size=d))).astype(float)
    return X, y, float(rng.uniform(0.3, 2.0))


def loop_log_joint(w, X, y, alpha):
    """log p(y, w | X) one data point at a time, from scipy's Bernoulli and normal densities."""
    total = sum(stats.bernoulli.logpmf(label, expit(row @ w)) for row, label in zip(X, y))
    return total + stats.norm.logpdf(w, 0.0, alpha**-0.5).sum()


def plain_log_joint(w, X, y, alpha):
    """The same density written directly, fast enough for scipy's adaptive quadrature."""
    a = X @ w
    return np.sum(y * np.log(expit(a)) + (1 - y) * np.log(expit(-a))) - 0.5 * alpha * w @ w \
        + 0.5 * w.size * np.log(alpha / (2 * np.pi))


# ----------------------------------------------------------------------------- grid


@pytest.mark.parametrize("seed", range(4))
def test_grid_is_exact_for_a_gaussian_integrand(seed):
    rng = np.random.default_rng(seed)
    d = int(rng.integers(1, 4))
    factor = rng.normal(size=(d, d + 1))
    precision = factor @ factor.T + 0.1 * np.eye(d)
    center, height = rng.normal(size=d), rng.normal()

    def log_joint(nodes):
        centred = nodes - center
        return height - 0.5 * np.einsum("mi,ij,mj->m", centred, precision, centred)

    covariance = np.linalg.inv(precision)
    grid = grid_posterior(log_joint, center + 0.3, np.linalg.cholesky(covariance), n_points=31, half_width=8.0)
    expected = height + 0.5 * d * np.log(2 * np.pi) - 0.5 * np.linalg.slogdet(precision)[1]
    assert grid.log_evidence == pytest.approx(expected, abs=1e-9)
    assert np.allclose(grid.mean, center, atol=1e-9)
    assert np.allclose(grid.covariance, covariance, atol=1e-9)
    assert grid.edge_probability < 1e-10
    assert grid.probabilities.sum() == pytest.approx(1.0)


def test_grid_reports_mass_cut_off_at_its_edges():
    grid = grid_posterior(lambda w: -0.5 * w[:, 0] ** 2, [0.0], [[1.0]], n_points=11, half_width=1.0)
    assert grid.edge_probability > 0.1


def test_logistic_grid_matches_scipy_quad_in_one_dimension():
    X, y, alpha = logistic_problem(0, d=1)
    grid = logistic_grid_posterior(X, y, alpha, n_points=61, half_width=8.0)
    mode = fit_logistic_regression(X, y, alpha).mean[0]
    peak = plain_log_joint(np.array([mode]), X, y, alpha)
    integral, _ = integrate.quad(lambda w: np.exp(plain_log_joint(np.array([w]), X, y, alpha) - peak),
                                 mode - 10, mode + 10, epsabs=1e-13, epsrel=1e-12)
    assert grid.log_evidence == pytest.approx(peak + np.log(integral), abs=1e-8)
    x_new = np.array([[3.0]])
    predictive, _ = integrate.quad(
        lambda w: expit(3.0 * w) * np.exp(plain_log_joint(np.array([w]), X, y, alpha) - peak),
        mode - 10, mode + 10, epsabs=1e-13)
    assert predict_weighted(grid, x_new)[0] == pytest.approx(predictive / integral, abs=1e-8)


def test_logistic_grid_matches_nested_quad_in_two_dimensions():
    X, y, alpha = logistic_problem(1, n=25, d=2)
    grid = logistic_grid_posterior(X, y, alpha, n_points=41, half_width=8.0)
    mode = fit_logistic_regression(X, y, alpha).mean
    peak = plain_log_joint(mode, X, y, alpha)
    integral, _ = integrate.dblquad(
        lambda w1, w0: np.exp(plain_log_joint(np.array([w0, w1]), X, y, alpha) - peak),
        mode[0] - 8, mode[0] + 8, mode[1] - 8, mode[1] + 8, epsabs=1e-10, epsrel=1e-9)
    assert grid.log_evidence == pytest.approx(peak + np.log(integral), abs=1e-6)


def test_logistic_log_joint_matches_a_loop():
    X, y, alpha = logistic_problem(2)
    nodes = np.random.default_rng(0).normal(size=(5, 3))
    expected = [loop_log_joint(w, X, y, alpha) for w in nodes]
    assert np.allclose(logistic_log_joint(nodes, X, y, alpha), expected, rtol=1e-12)


def test_predict_weighted_is_a_weighted_average_of_sigmoids():
    X, y, alpha = logistic_problem(3)
    grid = logistic_grid_posterior(X, y, alpha, n_points=9)
    X_new = np.array([[1.0, 0.5, -1.0], [1.0, 4.0, 4.0]])
    expected = [sum(p * expit(x @ w) for w, p in zip(grid.nodes, grid.probabilities)) for x in X_new]
    assert np.allclose(predict_weighted(grid, X_new), expected, rtol=1e-12)


# ----------------------------------------------------------------------------- importance sampling


@pytest.mark.parametrize("seed", range(3))
def test_importance_sampling_agrees_with_the_grid(seed):
    X, y, alpha = logistic_problem(seed)
    grid = logistic_grid_posterior(X, y, alpha, n_points=31, half_width=7.0)
    sampled = logistic_importance_sampling(X, y, alpha, n_samples=40_000, rng=seed)
    assert isinstance(sampled, ImportanceEstimate)
    assert abs(sampled.log_evidence - grid.log_evidence) < 5 * sampled.standard_error + 1e-4
    assert sampled.effective_sample_size > 0.3 * 40_000
    X_new = np.array([[1.0, 0.0, 0.0], [1.0, -4.0, 4.0]])
    assert np.allclose(predict_weighted(sampled, X_new), predict_weighted(grid, X_new), atol=0.01)


def test_importance_sampling_is_reproducible_with_a_seed():
    X, y, alpha = logistic_problem(4)
    first = logistic_importance_sampling(X, y, alpha, n_samples=500, rng=7)
    second = logistic_importance_sampling(X, y, alpha, n_samples=500, rng=7)
    assert first.log_evidence == second.log_evidence


# ----------------------------------------------------------------------------- BIC


def test_bic_is_minus_twice_the_log_likelihood_plus_the_penalty():
    assert bic(-100.0, 3, 50) == pytest.approx(200.0 + 3 * math.log(50))
    assert bic(-1.5, 0, 1) == pytest.approx(3.0)


def test_minus_half_bic_misses_the_log_evidence_by_a_constant_order_term():
    """Beta-Binomial, flat prior: log p(D) + BIC/2 tends to log(2 pi theta (1 - theta)) / 2."""
    theta = 0.3
    gaps = []
    for n in (100, 1_000, 10_000, 100_000):
        k = round(theta * n)
        log_likelihood = k * np.log(k / n) + (n - k) * np.log1p(-k / n)
        gaps.append(beta_binomial_log_evidence(k, n) + 0.5 * bic(log_likelihood, 1, n))
    limit = 0.5 * np.log(2 * np.pi * theta * (1 - theta))
    errors = np.abs(np.array(gaps) - limit)
    assert np.all(np.diff(errors) < 0) and errors[-1] < 1e-4


# ----------------------------------------------------------------------------- mixture means


def test_mixture_log_joint_matches_scipy_and_is_symmetric_under_permutations():
    rng = np.random.default_rng(5)
    x = rng.normal(size=12) * 3
    means = np.array([-2.0, 0.5, 3.0])
    expected = sum(np.log(np.mean(stats.norm.pdf(value, means, 1.5))) for value in x)
    expected += stats.norm.logpdf(means, 0, 4.0).sum()
    values = mixture_means_log_joint([list(p) for p in itertools.permutations(means)], x, sd=1.5, prior_sd=4.0)
    assert np.allclose(values, expected, rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_mixture_hessian_matches_finite_differences(seed):
    rng = np.random.default_rng(seed)
    x, means = rng.normal(size=20) * 2, rng.normal(size=3)
    step = 1e-4

    def f(m):
        return -mixture_means_log_joint(m, x, sd=0.8, prior_sd=3.0)[0]

    basis = np.eye(3) * step
    finite = np.array([[(f(means + a + b) - f(means + a - b) - f(means - a + b) + f(means - a - b)) / (4 * step**2)
                        for b in basis] for a in basis])
    assert np.allclose(mixture_means_hessian(means, x, sd=0.8, prior_sd=3.0), finite, atol=1e-5)


def test_laplace_at_one_mode_of_a_two_component_mixture_misses_log_2():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-4, 1, 15), rng.normal(4, 1, 15)])
    grid = grid_posterior(lambda m: mixture_means_log_joint(m, x), [0.0, 0.0], 9 * np.eye(2),
                          n_points=161, half_width=1.0)
    mode = np.array([x[:15].mean(), x[15:].mean()])
    for _ in range(50):  # the EM update of the means, with the prior, to the mode
        log_r = -0.5 * (x[:, None] - mode) ** 2
        r = np.exp(log_r - log_r.max(axis=1, keepdims=True))
        r /= r.sum(axis=1, keepdims=True)
        mode = (r * x[:, None]).sum(axis=0) / (r.sum(axis=0) + 1 / 100)
    hessian = mixture_means_hessian(mode, x)
    laplace = mixture_means_log_joint(mode, x)[0] + np.log(2 * np.pi) - 0.5 * np.linalg.slogdet(hessian)[1]
    assert grid.log_evidence - laplace == pytest.approx(np.log(2), abs=0.01)


# ----------------------------------------------------------------------------- bad input


def test_bad_input_gets_messages_that_name_the_argument():
    X, y, alpha = logistic_problem(0)
    with pytest.raises(ValueError, match="exceeds"):
        grid_posterior(lambda w: -np.sum(w**2, axis=1), np.zeros(6), np.eye(6), n_points=41)
    with pytest.raises(ValueError, match="scale is singular"):
        grid_posterior(lambda w: -np.sum(w**2, axis=1), np.zeros(2), np.zeros((2, 2)))
    with pytest.raises(TypeError, match="log_joint must be a callable"):
        grid_posterior(3.0, np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="log_joint must return shape"):
        grid_posterior(lambda w: w, np.zeros(2), np.eye(2), n_points=5)
    with pytest.raises(ValueError, match="NaN"):
        grid_posterior(lambda w: np.full(w.shape[0], np.nan), np.zeros(1), np.eye(1), n_points=5)
    with pytest.raises(ValueError, match="-inf at every"):
        grid_posterior(lambda w: np.full(w.shape[0], -np.inf), np.zeros(1), np.eye(1), n_points=5)
    with pytest.raises(ValueError, match=r"scale must have shape \(2, 2\)"):
        grid_posterior(lambda w: -np.sum(w**2, axis=1), np.zeros(2), np.eye(3))
    with pytest.raises(ValueError, match="n_points must be at least 3"):
        grid_posterior(lambda w: -np.sum(w**2, axis=1), np.zeros(2), np.eye(2), n_points=2)
    with pytest.raises(ValueError, match="center must be a 1-D"):
        grid_posterior(lambda w: -np.sum(w**2, axis=1), np.zeros((2, 2)), np.eye(2))
    with pytest.raises(ValueError, match="nodes must have 3 columns"):
        logistic_log_joint(np.zeros((4, 2)), X, y, alpha)
    with pytest.raises(ValueError, match="only the labels 0 and 1"):
        logistic_grid_posterior(X, np.full(X.shape[0], 2.0), alpha)
    with pytest.raises(ValueError, match="one label per row"):
        logistic_importance_sampling(X, y[:-1], alpha)
    with pytest.raises(TypeError, match="GridPosterior or an ImportanceEstimate"):
        predict_weighted(fit_logistic_regression(X, y, alpha), X)
    grid = logistic_grid_posterior(X, y, alpha, n_points=5)
    assert isinstance(grid, GridPosterior)
    with pytest.raises(ValueError, match="X_new must have 3 columns"):
        predict_weighted(grid, np.ones((2, 2)))
    with pytest.raises(ValueError, match="log_likelihood must be finite"):
        bic(-np.inf, 2, 10)
    with pytest.raises(TypeError, match="n_parameters must be an integer"):
        bic(-1.0, 2.5, 10)
    with pytest.raises(ValueError, match="n_observations must be at least 1"):
        bic(-1.0, 2, 0)
    with pytest.raises(ValueError, match="sd must be a finite number > 0"):
        mixture_means_log_joint([0.0, 1.0], [0.0, 1.0], sd=0.0)
    with pytest.raises(ValueError, match="x must be a 1-D"):
        mixture_means_hessian([0.0, 1.0], np.zeros((2, 2)))


def test_bad_sampling_and_mixture_input_gets_messages_that_name_the_argument():
    X, y, alpha = logistic_problem(1)
    with pytest.raises(ValueError, match="n_samples must be at least 2"):
        logistic_importance_sampling(X, y, alpha, n_samples=1)
    with pytest.raises(ValueError, match="degrees_of_freedom must be a finite number > 0"):
        logistic_importance_sampling(X, y, alpha, degrees_of_freedom=0.0)
    with pytest.raises(ValueError, match="means must be a 2-D array"):
        mixture_means_log_joint(np.zeros((2, 2, 2)), [0.0, 1.0])
    with pytest.raises(TypeError, match="means must be an array of real numbers"):
        mixture_means_log_joint("ab", [0.0, 1.0])
    with pytest.raises(ValueError, match="means must be a 1-D array"):
        mixture_means_hessian(np.zeros((2, 2)), [0.0, 1.0])
