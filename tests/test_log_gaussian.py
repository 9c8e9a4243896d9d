"""The multivariate normal log-density of lessons 02 and 04 (course_utils.gmm.log_gaussian)."""

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from course_utils.gmm import log_gaussian


def random_spd(rng, d, condition=10.0):
    """A covariance with eigenvalues spread over [1, condition] in random directions."""
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    eigenvalues = np.geomspace(1.0, condition, d) * rng.uniform(0.5, 2.0)
    return (q * eigenvalues) @ q.T


@pytest.mark.parametrize("seed", range(12))
def test_matches_scipy_for_several_components(seed):
    rng = np.random.default_rng(seed)
    n, d, k = rng.integers(1, 60), rng.integers(1, 6), rng.integers(1, 5)
    means = rng.normal(scale=3.0, size=(k, d))
    covariances = np.stack([random_spd(rng, d) for _ in range(k)])
    X = rng.normal(scale=4.0, size=(n, d))
    result = log_gaussian(X, means, covariances)
    assert result.shape == (n, k)
    for j in range(k):
        expected = multivariate_normal(means[j], covariances[j]).logpdf(X)
        np.testing.assert_allclose(result[:, j], np.atleast_1d(expected), rtol=1e-10)


def test_single_pair_gives_one_column():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 2))
    covariance = np.array([[2.0, 0.6], [0.6, 1.0]])
    result = log_gaussian(X, np.array([1.0, -1.0]), covariance)
    assert result.shape == (7, 1)
    expected = multivariate_normal([1.0, -1.0], covariance).logpdf(X)
    np.testing.assert_allclose(result[:, 0], expected, rtol=1e-10)


def test_points_a_thousand_standard_deviations_away_stay_finite():
    d = 3
    covariance = np.diag([1.0, 4.0, 9.0])
    X = 1e3 * np.sqrt(np.diag(covariance)) * np.array([[1.0, 0, 0], [0, -1.0, 0], [1.0, 1.0, 1.0]])
    result = log_gaussian(X, np.zeros(d), covariance)
    assert np.all(np.isfinite(result))
    # The Mahalanobis terms are exactly 1e6, 1e6 and 3e6.
    half_log_det = 0.5 * np.log(36.0)
    expected = -0.5 * d * np.log(2 * np.pi) - half_log_det - 0.5 * np.array([1e6, 1e6, 3e6])
    np.testing.assert_allclose(result[:, 0], expected, rtol=1e-12)


def test_asymmetric_covariance_is_rejected():
    with pytest.raises(ValueError, match=r"covariances\[0\] is not symmetric"):
        log_gaussian(np.zeros((2, 2)), np.zeros(2), np.array([[1.0, 0.5], [0.0, 1.0]]))


@pytest.mark.parametrize(
    "covariance", [np.array([[1.0, 2.0], [2.0, 1.0]]), np.zeros((2, 2)), -np.eye(2)]
)
def test_covariance_that_is_not_positive_definite_is_rejected(covariance):
    covariances = np.stack([np.eye(2), covariance])
    with pytest.raises(ValueError, match=r"covariances\[1\] is not positive definite"):
        log_gaussian(np.zeros((3, 2)), np.zeros((2, 2)), covariances)


@pytest.mark.parametrize(
    "X, means, covariances, message",
    [
        (np.zeros(4), np.zeros(1), np.eye(1), r"X must be a 2-D array of shape \(n, d\); got shape \(4,\)"),
        (np.zeros((4, 2)), np.zeros(3), np.eye(3), r"means must have shape \(k, 2\); got shape \(3,\)"),
        (np.zeros((4, 2)), np.zeros((2, 2)), np.eye(2), r"covariances must have shape \(2, 2, 2\)"),
        (np.zeros((4, 2)), np.zeros(2), np.eye(3), r"covariances must have shape \(1, 2, 2\)"),
        (np.full((4, 2), np.nan), np.zeros(2), np.eye(2), "X contains NaN or inf"),
        (np.zeros((4, 2)), [np.inf, 0.0], np.eye(2), "means contains NaN or inf"),
    ],
)
def test_bad_shapes_and_values_are_named(X, means, covariances, message):
    with pytest.raises(ValueError, match=message):
        log_gaussian(X, means, covariances)


def test_non_numeric_data_is_a_type_error():
    with pytest.raises(TypeError, match="X must be an array of real numbers; got strings"):
        log_gaussian([["a", "b"]], np.zeros(2), np.eye(2))
