"""EM for a normal with missing values: each step against an independent formula, the fit
against a direct numerical maximization and against the closed-form monotone-pattern MLE."""

import numpy as np
import pytest
from scipy import optimize, stats

from course_utils import missing
from course_utils.data import load_father_son


def random_problem(seed, n=60, d=3, fraction=0.3):
    """Correlated normal data with a random pattern of missing values (no empty row)."""
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=(d, d))
    X = rng.normal(size=(n, d)) @ factor.T + rng.normal(scale=3.0, size=d)
    hide = rng.random((n, d)) < fraction
    hide[hide.all(axis=1), 0] = False
    X[hide] = np.nan
    return X


def random_parameters(seed, d=3):
    rng = np.random.default_rng(seed + 1000)
    factor = rng.normal(size=(d, d))
    return rng.normal(size=d), factor @ factor.T + 0.5 * np.eye(d)


@pytest.mark.parametrize("seed", range(5))
def test_observed_log_likelihood_is_the_sum_of_marginal_densities_row_by_row(seed):
    X = random_problem(seed)
    mean, covariance = random_parameters(seed)
    expected = 0.0
    for row in X:
        o = ~np.isnan(row)
        expected += stats.multivariate_normal(mean[o], covariance[np.ix_(o, o)]).logpdf(row[o])
    assert missing.observed_log_likelihood(X, mean, covariance) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_e_step_matches_the_conditional_normal_written_with_the_precision_matrix(seed):
    # Independent route: with Lambda = Sigma^-1, x_m | x_o ~ N(mu_m - Lambda_mm^-1 Lambda_mo (x_o - mu_o),
    # Lambda_mm^-1) (Bishop 2006, equations 2.73 and 2.75), one row at a time.
    X = random_problem(seed)
    mean, covariance = random_parameters(seed)
    precision = np.linalg.inv(covariance)
    filled, conditional_covariance, log_lik = missing.e_step(X, mean, covariance)
    expected_sum = np.zeros_like(covariance)
    for row, got in zip(X, filled):
        m, o = np.isnan(row), ~np.isnan(row)
        np.testing.assert_array_equal(got[o], row[o])
        if m.any():
            inverse_block = np.linalg.inv(precision[np.ix_(m, m)])
            expected = mean[m] - inverse_block @ precision[np.ix_(m, o)] @ (row[o] - mean[o])
            np.testing.assert_allclose(got[m], expected, rtol=1e-9, atol=1e-9)
            expected_sum[np.ix_(m, m)] += inverse_block
    np.testing.assert_allclose(conditional_covariance, expected_sum, rtol=1e-9, atol=1e-9)
    assert log_lik == pytest.approx(missing.observed_log_likelihood(X, mean, covariance), rel=1e-12)


def test_on_complete_data_one_iteration_gives_the_sample_mean_and_biased_covariance():
    X = random_problem(0, fraction=0.0)
    assert not np.isnan(X).any()
    filled, conditional_covariance, _ = missing.e_step(X, *random_parameters(0))
    np.testing.assert_array_equal(filled, X)
    assert np.all(conditional_covariance == 0)
    mean, covariance = missing.m_step(filled, conditional_covariance)
    np.testing.assert_allclose(mean, X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(covariance, np.cov(X, rowvar=False, bias=True), rtol=1e-10)


@pytest.mark.parametrize("seed", range(20))
def test_the_observed_data_log_likelihood_never_decreases(seed):
    X = random_problem(seed, n=40, fraction=0.4)
    mean, covariance = random_parameters(seed)
    result = missing.fit(X, mean, covariance, max_iter=60, tol=0.0)
    gains = np.diff(result.log_likelihoods)
    assert np.all(gains >= -1e-9 * np.abs(result.log_likelihoods[1:]))
    assert result.log_likelihoods[-1] > result.log_likelihoods[0]


def negative_log_likelihood(parameters, X, d):
    """Unconstrained parametrization: the mean and a Cholesky factor with log-diagonal."""
    mean = parameters[:d]
    factor = np.zeros((d, d))
    factor[np.tril_indices(d)] = parameters[d:]
    factor[np.diag_indices(d)] = np.exp(np.diag(factor))
    covariance = factor @ factor.T
    total = 0.0
    for row in X:  # a plain loop over rows with a determinant and a solve: independent of the package
        o = ~np.isnan(row)
        block, centred = covariance[np.ix_(o, o)], row[o] - mean[o]
        total += -0.5 * (o.sum() * np.log(2 * np.pi) + np.linalg.slogdet(block)[1]
                         + centred @ np.linalg.solve(block, centred))
    return -total


@pytest.mark.parametrize("seed", range(3))
def test_em_reaches_the_maximum_found_by_a_general_purpose_optimizer(seed):
    d = 3
    X = random_problem(seed, n=50, d=d, fraction=0.25)
    result = missing.fit(X, tol=1e-14, max_iter=5000)
    assert result.converged
    start_factor = np.linalg.cholesky(np.diag(np.nanvar(X, axis=0)))
    start_factor[np.diag_indices(d)] = np.log(np.diag(start_factor))
    start = np.r_[np.nanmean(X, axis=0), start_factor[np.tril_indices(d)]]
    best = optimize.minimize(negative_log_likelihood, start, args=(X, d), method="BFGS",
                             options={"gtol": 1e-7, "maxiter": 2000})
    assert -best.fun <= result.log_likelihoods[-1] + 1e-7
    assert result.log_likelihoods[-1] - (-best.fun) < 1e-6
    factor = np.zeros((d, d))
    factor[np.tril_indices(d)] = best.x[d:]
    factor[np.diag_indices(d)] = np.exp(np.diag(factor))
    np.testing.assert_allclose(result.mean, best.x[:d], atol=1e-3)
    np.testing.assert_allclose(result.covariance, factor @ factor.T, atol=1e-3)


def test_father_son_with_hidden_sons_gives_the_closed_form_monotone_pattern_mle():
    # With fathers always observed, p(f, s) = p(f) p(s | f) factorizes the observed-data
    # likelihood (Anderson 1957): the father's moments come from all fathers, the
    # regression of son on father from the complete pairs.
    heights = load_father_son()
    hidden = np.random.default_rng(7).random(len(heights)) < 0.4
    observed = heights.copy()
    observed[hidden, 1] = np.nan
    result = missing.fit(observed, tol=1e-14)
    father, son = heights[~hidden, 0], heights[~hidden, 1]
    slope = np.cov(father, son, bias=True)[0, 1] / np.var(father)
    intercept = son.mean() - slope * father.mean()
    residual_variance = np.mean((son - intercept - slope * father) ** 2)
    mean_f, var_f = heights[:, 0].mean(), heights[:, 0].var()
    expected_mean = [mean_f, intercept + slope * mean_f]
    expected_covariance = [[var_f, slope * var_f], [slope * var_f, residual_variance + slope**2 * var_f]]
    np.testing.assert_allclose(result.mean, expected_mean, rtol=1e-9)
    np.testing.assert_allclose(result.covariance, expected_covariance, rtol=1e-7)
    # and it is not the complete-case answer
    assert abs(result.mean[0] - father.mean()) > 1e-3


def test_fit_with_max_iter_zero_returns_the_default_start():
    X = random_problem(1)
    result = missing.fit(X, max_iter=0)
    np.testing.assert_allclose(result.mean, np.nanmean(X, axis=0))
    np.testing.assert_allclose(result.covariance, np.diag(np.nanvar(X, axis=0)))
    assert result.n_iter == 0 and not result.converged and result.log_likelihoods.shape == (1,)


@pytest.mark.parametrize(
    ("X", "words"),
    [
        (np.zeros(5), "2-D array of shape (n, d); got shape (5,)"),
        (np.array([[1.0, np.inf], [2.0, 3.0], [1.0, 1.0]]), "inf values"),
        (np.array([[1.0, 2.0], [np.nan, np.nan], [1.0, 0.0]]), "no observed value (first: row 1)"),
        (np.array([[1.0, 2.0], [2.0, np.nan], [1.0, np.nan]]), "column 1 has 1"),
        ([["a", "b"]], "got strings"),
        ([[1 + 2j, 1.0]], "complex"),
    ],
)
def test_bad_data_is_named(X, words):
    with pytest.raises((ValueError, TypeError)) as error:
        missing.observed_log_likelihood(X, np.zeros(2), np.eye(2))
    assert words in str(error.value)


@pytest.mark.parametrize(
    ("mean", "covariance", "words"),
    [
        (np.zeros(3), np.eye(2), "mean must have shape (2,)"),
        (np.zeros(2), np.eye(3), "covariance must have shape (2, 2)"),
        (np.zeros(2), np.array([[1.0, 2.0], [2.0, 1.0]]), "not positive definite"),
        (np.zeros(2), np.array([[1.0, 0.5], [0.0, 1.0]]), "not symmetric"),
        (np.array([0.0, np.nan]), np.eye(2), "mean contains NaN"),
    ],
)
def test_bad_parameters_are_named(mean, covariance, words):
    X = random_problem(0, d=2)
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        missing.e_step(X, mean, covariance)


def test_bad_m_step_input_is_named():
    filled = np.ones((4, 2))
    with pytest.raises(ValueError, match="filled contains NaN"):
        missing.m_step(np.full((4, 2), np.nan), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        missing.m_step(filled, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="not positive semi-definite"):
        missing.m_step(filled, -np.eye(2))
    with pytest.raises(ValueError, match="2-D array"):
        missing.m_step(np.ones(4), np.zeros((2, 2)))


def test_bad_fit_controls_are_named():
    X = random_problem(0, d=2)
    with pytest.raises(TypeError, match="max_iter must be an integer"):
        missing.fit(X, max_iter=2.5)
    with pytest.raises(ValueError, match="tol must be a finite number >= 0"):
        missing.fit(X, tol=-1.0)
    with pytest.raises(TypeError, match="tol must be a real number"):
        missing.fit(X, tol="small")


def test_a_rank_deficient_problem_is_reported_not_returned():
    # Complete rows on a line and single observations elsewhere: the covariance of the MLE
    # is singular.
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0], [3.0, np.nan]])
    with pytest.raises(ValueError, match="singular"):
        missing.fit(X, tol=0.0, max_iter=2000)
