"""Gaussian mixtures: log-densities, the E-step, the M-step and the log-likelihood.

Shapes: data ``X`` is (n, d), ``weights`` (k,), ``means`` (k, d), ``covariances``
(k, d, d), ``responsibilities`` (n, k). Lesson 02 derives the log-density, lesson 04 the
E and M steps.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import logsumexp

from course_utils._validation import (
    as_covariances,
    as_data,
    as_means,
    as_rows_on_simplex,
    as_weights,
    cholesky_factors,
)

LOG_2PI = np.log(2.0 * np.pi)


def _log_gaussian_from_cholesky(X: np.ndarray, means: np.ndarray, cholesky: np.ndarray) -> np.ndarray:
    """Log-densities (n, k) given lower Cholesky factors (k, d, d) of the covariances."""
    n, d = X.shape
    log_density = np.empty((n, means.shape[0]))
    for component, (mean, factor) in enumerate(zip(means, cholesky)):
        # Solving L y = (x - mu) gives the Mahalanobis term as |y|^2 without forming an
        # inverse, and log det Sigma = 2 sum log diag L without a determinant.
        whitened = solve_triangular(factor, (X - mean).T, lower=True, check_finite=False)
        log_det = 2.0 * np.sum(np.log(np.diag(factor)))
        log_density[:, component] = -0.5 * (d * LOG_2PI + log_det + np.sum(whitened**2, axis=0))
    return log_density


def log_gaussian(X, means, covariances) -> np.ndarray:
    r"""Log-density of every point under every Gaussian component.

    .. math:: \log \mathcal N(x \mid \mu, \Sigma) = -\tfrac12\left(d \log 2\pi
              + 2 \sum_i \log L_{ii} + \lVert L^{-1}(x-\mu) \rVert^2\right),
              \quad \Sigma = L L^\top

    (lesson 02, equation 2.10). Computed through a Cholesky factorization: no inverse, no
    determinant, finite even for points far from every component.

    Parameters
    ----------
    X : array_like of shape (n, d)
    means : array_like of shape (k, d), or (d,) for a single component
    covariances : array_like of shape (k, d, d), or (d, d) for a single component
        Each must be symmetric positive definite.

    Returns
    -------
    log_density : ndarray of shape (n, k)
    """
    X = as_data(X)
    means = as_means(means, X.shape[1])
    covariances = as_covariances(covariances, means.shape[0], X.shape[1])
    return _log_gaussian_from_cholesky(X, means, cholesky_factors(covariances))


def _check_parameters(X, weights, means, covariances):
    X = as_data(X)
    weights = as_weights(weights)
    means = as_means(means, X.shape[1])
    if means.shape[0] != weights.size:
        raise ValueError(
            f"means must have one row per weight: weights has {weights.size} entries, "
            f"means has shape {means.shape}"
        )
    covariances = as_covariances(covariances, weights.size, X.shape[1])
    return X, weights, means, cholesky_factors(covariances)


def _weighted_log_joint(X, weights, means, cholesky) -> np.ndarray:
    """log pi_k + log N(x_n | mu_k, Sigma_k), shape (n, k); a zero weight gives -inf."""
    with np.errstate(divide="ignore"):
        log_weights = np.log(weights)
    return log_weights + _log_gaussian_from_cholesky(X, means, cholesky)


def _e_step(X, weights, means, cholesky) -> tuple[np.ndarray, float]:
    log_joint = _weighted_log_joint(X, weights, means, cholesky)
    log_marginal = logsumexp(log_joint, axis=1)
    responsibilities = np.exp(log_joint - log_marginal[:, np.newaxis])
    return responsibilities, float(np.sum(log_marginal))


def e_step(X, weights, means, covariances) -> tuple[np.ndarray, float]:
    r"""E-step: posterior probabilities of the components and the total log-likelihood.

    .. math:: \gamma_{nk} = \frac{\pi_k \mathcal N(x_n\mid\mu_k,\Sigma_k)}
              {\sum_j \pi_j \mathcal N(x_n\mid\mu_j,\Sigma_j)}

    (lesson 04, equation 4.5), normalized in log space with ``logsumexp`` so that points
    far from every component still get finite responsibilities.

    Parameters
    ----------
    X : array_like of shape (n, d)
    weights : array_like of shape (k,), non-negative, summing to one
    means : array_like of shape (k, d)
    covariances : array_like of shape (k, d, d), symmetric positive definite

    Returns
    -------
    responsibilities : ndarray of shape (n, k), rows summing to one
    log_likelihood : float
        :math:`\sum_n \log \sum_k \pi_k \mathcal N(x_n\mid\mu_k,\Sigma_k)`.
    """
    return _e_step(*_check_parameters(X, weights, means, covariances))


def _m_step(X, responsibilities, reg_covar) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = X.shape[1]
    # A component with no responsibility at all would divide 0 by 0; the tiny floor keeps
    # its weight at (numerically) zero and its mean and covariance finite.
    counts = responsibilities.sum(axis=0) + 10 * np.finfo(float).eps
    weights = counts / counts.sum()
    means = (responsibilities.T @ X) / counts[:, np.newaxis]
    covariances = np.empty((means.shape[0], d, d))
    for component, mean in enumerate(means):
        centred = X - mean
        covariances[component] = (responsibilities[:, component] * centred.T) @ centred / counts[component]
        covariances[component].flat[:: d + 1] += reg_covar
    return weights, means, covariances


def m_step(X, responsibilities, reg_covar: float = 1e-6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""M-step: the parameters that maximize the expected complete-data log-likelihood.

    .. math:: N_k = \sum_n \gamma_{nk},\quad \pi_k = N_k / N,\quad
              \mu_k = \frac{1}{N_k}\sum_n \gamma_{nk} x_n,\quad
              \Sigma_k = \frac{1}{N_k}\sum_n \gamma_{nk}(x_n-\mu_k)(x_n-\mu_k)^\top
              + \epsilon I

    (lesson 04, equations 4.8-4.10), where :math:`\epsilon` is ``reg_covar``; it keeps a
    component that collapses onto a single point from reaching a singular covariance.

    Parameters
    ----------
    X : array_like of shape (n, d)
    responsibilities : array_like of shape (n, k), non-negative rows summing to one
    reg_covar : float, default 1e-6
        Non-negative value added to the diagonal of every covariance.

    Returns
    -------
    weights : ndarray of shape (k,)
    means : ndarray of shape (k, d)
    covariances : ndarray of shape (k, d, d)
    """
    X = as_data(X)
    responsibilities = np.asarray(responsibilities, dtype=float)
    if responsibilities.ndim != 2:
        raise ValueError(
            f"responsibilities must be a 2-D array of shape (n, k); got shape {responsibilities.shape}"
        )
    responsibilities = as_rows_on_simplex(
        responsibilities, X.shape[0], responsibilities.shape[1], "responsibilities"
    )
    reg_covar = float(reg_covar)
    if not np.isfinite(reg_covar) or reg_covar < 0:
        raise ValueError(f"reg_covar must be a finite number >= 0; got {reg_covar}")
    return _m_step(X, responsibilities, reg_covar)


def log_likelihood(X, weights, means, covariances) -> float:
    r"""Total log-likelihood :math:`\sum_n \log \sum_k \pi_k \mathcal N(x_n\mid\mu_k,\Sigma_k)`.

    Parameters are as for :func:`e_step`.

    Returns
    -------
    log_likelihood : float
    """
    log_joint = _weighted_log_joint(*_check_parameters(X, weights, means, covariances))
    return float(np.sum(logsumexp(log_joint, axis=1)))
