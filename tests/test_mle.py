"""Maximum-likelihood normal fits of lesson 02 (course_utils.mle)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from course_utils.mle import fit_multivariate_normal, fit_normal, normal_log_likelihood


@pytest.mark.parametrize("seed", range(10))
def test_log_likelihood_matches_a_sum_of_scipy_logpdfs_over_a_grid(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(rng.uniform(-50, 200), rng.uniform(0.1, 20), size=rng.integers(1, 200))
    mu = rng.uniform(-60, 210, size=(4, 1))
    sigma = rng.uniform(0.05, 30, size=(1, 3))
    result = normal_log_likelihood(x, mu, sigma)
    assert result.shape == (4, 3)
    expected = stats.norm.logpdf(x[:, None, None], mu, sigma).sum(axis=0)
    np.testing.assert_allclose(result, expected, rtol=1e-10)


def test_scalar_parameters_give_a_float():
    x = np.array([1.0, 2.0, 4.0])
    result = normal_log_likelihood(x, 2.0, 1.5)
    assert isinstance(result, float)
    assert result == pytest.approx(stats.norm.logpdf(x, 2.0, 1.5).sum(), rel=1e-12)


def test_data_far_from_zero_keep_their_precision():
    # Heights in micrometres around 1.7e6: a naive sum of squares would lose the spread.
    rng = np.random.default_rng(1)
    x = 1.7e6 + rng.normal(0.0, 3.0, size=500)
    expected = stats.norm.logpdf(x, 1.7e6, 3.0).sum()
    assert normal_log_likelihood(x, 1.7e6, 3.0) == pytest.approx(expected, rel=1e-9)


def test_fit_normal_is_the_closed_form_and_the_maximum_value_is_known():
    rng = np.random.default_rng(3)
    x = rng.normal(170.0, 7.0, size=300)
    fit = fit_normal(x)
    assert fit.n == 300
    assert fit.mean == pytest.approx(np.mean(x), rel=1e-14)
    assert fit.std == pytest.approx(np.std(x, ddof=0), rel=1e-12)
    # At the maximum the quadratic term equals N/2 exactly (lesson 02, equation 2.7).
    expected = -0.5 * x.size * (np.log(2 * np.pi * fit.std**2) + 1.0)
    assert fit.log_likelihood == pytest.approx(expected, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 80),
    shift=st.floats(-5.0, 5.0),
    log_scale=st.floats(-3.0, 3.0),
)
def test_no_other_parameters_beat_the_maximum_likelihood_estimate(seed, n, shift, log_scale):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n) * 4.0 + 10.0
    fit = fit_normal(x)
    other = normal_log_likelihood(x, fit.mean + shift * fit.std, fit.std * np.exp(log_scale))
    assert other <= fit.log_likelihood + 1e-9 * abs(fit.log_likelihood)


@pytest.mark.parametrize("seed", range(8))
def test_multivariate_fit_matches_numpy_and_scipy(seed):
    rng = np.random.default_rng(seed)
    n, d = rng.integers(5, 200), rng.integers(1, 5)
    A = rng.normal(size=(d, d))
    X = rng.normal(size=(n, d)) @ A + rng.normal(scale=50, size=d)
    fit = fit_multivariate_normal(X)
    assert fit.n == n and fit.mean.shape == (d,) and fit.covariance.shape == (d, d)
    np.testing.assert_allclose(fit.mean, X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(fit.covariance, np.atleast_2d(np.cov(X.T, bias=True)), rtol=1e-10, atol=1e-12)
    expected = stats.multivariate_normal(fit.mean, fit.covariance).logpdf(X).sum()
    assert fit.log_likelihood == pytest.approx(expected, rel=1e-10)
    np.testing.assert_allclose(fit.correlation, np.atleast_2d(np.corrcoef(X.T)), atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_multivariate_maximum_beats_perturbed_parameters(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(40, 2)) @ np.array([[2.0, 0.8], [0.0, 1.0]])
    fit = fit_multivariate_normal(X)
    for _ in range(20):
        mean = fit.mean + rng.normal(scale=0.3, size=2)
        B = np.eye(2) + rng.normal(scale=0.2, size=(2, 2))
        covariance = B @ fit.covariance @ B.T
        other = stats.multivariate_normal(mean, covariance).logpdf(X).sum()
        assert other < fit.log_likelihood


@pytest.mark.parametrize(
    "x, mu, sigma, error, message",
    [
        (np.zeros((3, 2)), 0.0, 1.0, ValueError, r"x must be a 1-D array of shape \(n,\); got shape \(3, 2\)"),
        (np.array([]), 0.0, 1.0, ValueError, "x must contain at least one value"),
        (np.array([1.0, np.nan]), 0.0, 1.0, ValueError, "x contains NaN or inf"),
        (["a", "b"], 0.0, 1.0, TypeError, "x must be an array of real numbers; got strings"),
        (np.ones(3), np.inf, 1.0, ValueError, "mu contains NaN or inf"),
        (np.ones(3), 0.0, [1.0, np.nan], ValueError, "sigma contains NaN or inf"),
        (np.ones(3), 0.0, [1.0, 0.0], ValueError, "sigma must be > 0; got minimum 0"),
        (np.ones(3), 0.0, -2.0, ValueError, "sigma must be > 0; got minimum -2"),
        (np.ones(3), "abc", 1.0, TypeError, "mu must be a real number or an array of real numbers; got strings"),
        (np.ones(3), np.zeros(2), np.ones(3), ValueError, r"mu and sigma must broadcast together; got shapes \(2,\)"),
    ],
)
def test_bad_log_likelihood_arguments_are_named(x, mu, sigma, error, message):
    with pytest.raises(error, match=message):
        normal_log_likelihood(x, mu, sigma)


@pytest.mark.parametrize("x", [np.array([3.0]), np.full(5, 2.5)])
def test_fit_normal_needs_two_distinct_values(x):
    with pytest.raises(ValueError, match="x must contain at least two distinct values"):
        fit_normal(x)


def test_fit_normal_rejects_a_matrix():
    with pytest.raises(ValueError, match=r"x must be a 1-D array"):
        fit_normal(np.zeros((4, 2)))


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros(5), r"X must be a 2-D array of shape \(n, d\)"),
        (np.ones((2, 2)), r"X must have more rows than columns .*got shape \(2, 2\)"),
        (np.column_stack([np.arange(6.0), 2 * np.arange(6.0) + 1]), "covariance of X is singular"),
        (np.column_stack([np.arange(6.0), np.full(6, 3.0)]), "covariance of X is singular"),
        (np.array([[1.0, np.inf], [2.0, 3.0], [0.0, 1.0]]), "X contains NaN or inf"),
    ],
)
def test_bad_multivariate_data_are_named(X, message):
    with pytest.raises(ValueError, match=message):
        fit_multivariate_normal(X)
