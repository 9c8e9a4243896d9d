"""Maximum-likelihood fits of the normal distribution (lesson 02).

Shapes: a univariate sample ``x`` is (n,), multivariate data ``X`` is (n, d). The
multivariate log-density itself is :func:`course_utils.gmm.log_gaussian`, shared with the
mixture lessons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_utils import kmeans
from course_utils._validation import as_data, as_float_array, as_sample
from course_utils.gmm import log_gaussian

LOG_2PI = np.log(2.0 * np.pi)


def _as_parameter(value, name: str) -> np.ndarray:
    array = as_float_array(value, name, "a real number or an array of real numbers")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf values")
    return array


def normal_log_likelihood(x, mu, sigma):
    r"""Log-likelihood of a normal model for the sample ``x``, for one or many (mu, sigma).

    .. math:: \ell(\mu, \sigma) = \sum_{n=1}^N \log \mathcal N(x_n \mid \mu, \sigma^2)
              = -\frac N2 \log 2\pi - N \log\sigma
              - \frac{N\left(s^2 + (\bar x - \mu)^2\right)}{2\sigma^2}

    (lesson 02, equation 2.3), with :math:`\bar x` the sample mean and :math:`s^2` the mean
    squared deviation from it. The data enter only through :math:`N, \bar x, s^2`, so a
    whole grid of parameters costs one pass over the data.

    Parameters
    ----------
    x : array_like of shape (n,)
    mu : float or array_like
        Means; broadcast against ``sigma``.
    sigma : float or array_like
        Standard deviations, all > 0; broadcast against ``mu``.

    Returns
    -------
    log_likelihood : float, or ndarray of the broadcast shape of ``mu`` and ``sigma``
    """
    x = as_sample(x)
    mu = _as_parameter(mu, "mu")
    sigma = _as_parameter(sigma, "sigma")
    if np.any(sigma <= 0):
        raise ValueError(f"sigma must be > 0; got minimum {sigma.min():.6g}")
    try:
        np.broadcast_shapes(mu.shape, sigma.shape)
    except ValueError:
        raise ValueError(
            f"mu and sigma must broadcast together; got shapes {mu.shape} and {sigma.shape}"
        ) from None
    n = x.size
    mean, std = _mean_and_std(x)
    # Dividing by sigma before squaring keeps the squares in range at any magnitude.
    with np.errstate(over="ignore"):
        result = -0.5 * n * LOG_2PI - n * np.log(sigma) - 0.5 * n * ((std / sigma) ** 2 + ((mean - mu) / sigma) ** 2)
    if not np.all(np.isfinite(result)):
        raise ValueError(
            "the log-likelihood is below -1.8e308, the floating-point range: mu lies too far from x "
            "in units of sigma (or sigma is far smaller than the spread of x)"
        )
    return float(result) if result.ndim == 0 else result


def _mean_and_std(x):
    """Sample mean and root mean squared deviation (divisor N) of a 1-D sample.

    Centring first keeps the deviations accurate when the data sit far from zero; dividing
    them by their largest size before squaring keeps the squares in range at any magnitude.
    """
    mean = kmeans._origin(x[:, np.newaxis])[0]
    deviations = x - mean
    size = float(np.max(np.abs(deviations)))
    if size == 0.0:
        return float(mean), 0.0
    return float(mean), size * float(np.sqrt(np.mean((deviations / size) ** 2)))


@dataclass(frozen=True)
class NormalFit:
    r"""Maximum-likelihood normal fit of a univariate sample.

    Attributes
    ----------
    mean : float
        :math:`\hat\mu = \bar x`.
    std : float
        :math:`\hat\sigma`, the root mean squared deviation (divisor N, not N - 1).
    log_likelihood : float
        The maximized log-likelihood :math:`\ell(\hat\mu, \hat\sigma)`.
    n : int
        Sample size.
    """

    mean: float
    std: float
    log_likelihood: float
    n: int


def fit_normal(x) -> NormalFit:
    r"""Maximum-likelihood estimates of the mean and standard deviation of a normal model.

    .. math:: \hat\mu = \frac1N \sum_n x_n, \qquad
              \hat\sigma^2 = \frac1N \sum_n (x_n - \hat\mu)^2

    (lesson 02, equations 2.5 and 2.6).

    Parameters
    ----------
    x : array_like of shape (n,)
        Must contain at least two distinct values (otherwise :math:`\hat\sigma = 0` and the
        likelihood is unbounded).

    Returns
    -------
    fit : NormalFit
    """
    x = as_sample(x)
    mean, std = _mean_and_std(x)
    if std == 0.0:
        raise ValueError(
            f"x must contain at least two distinct values; got {x.size} value(s) all equal to {x[0]:.6g}"
        )
    return NormalFit(mean, std, normal_log_likelihood(x, mean, std), int(x.size))


@dataclass(frozen=True)
class MultivariateNormalFit:
    r"""Maximum-likelihood multivariate normal fit.

    Attributes
    ----------
    mean : ndarray of shape (d,)
    covariance : ndarray of shape (d, d)
        Divisor N (the maximum-likelihood estimate), not N - 1.
    log_likelihood : float
        :math:`\sum_n \log \mathcal N(x_n \mid \hat\mu, \hat\Sigma)`.
    n : int
        Number of rows.
    """

    mean: np.ndarray
    covariance: np.ndarray
    log_likelihood: float
    n: int

    @property
    def correlation(self) -> np.ndarray:
        """Correlation matrix (d, d): the covariance scaled by the standard deviations."""
        std = np.sqrt(np.diag(self.covariance))
        return self.covariance / np.outer(std, std)


def fit_multivariate_normal(X) -> MultivariateNormalFit:
    r"""Maximum-likelihood mean and covariance of a multivariate normal model.

    .. math:: \hat\mu = \frac1N \sum_n x_n, \qquad
              \hat\Sigma = \frac1N \sum_n (x_n - \hat\mu)(x_n - \hat\mu)^\top

    (lesson 02, equation 2.12). The log-likelihood is evaluated with
    :func:`course_utils.gmm.log_gaussian`.

    Parameters
    ----------
    X : array_like of shape (n, d)
        Needs n > d rows in general position, so that :math:`\hat\Sigma` is positive
        definite.

    Returns
    -------
    fit : MultivariateNormalFit

    Raises
    ------
    ValueError
        If a column is constant or a linear combination of the others (judged on the
        correlation matrix, so the columns' units do not matter), or the covariance leaves
        the floating-point range (variances from about 1e-308 to 1e308).
    """
    X = as_data(X)
    n, d = X.shape
    if n <= d:
        raise ValueError(
            f"X must have more rows than columns for a positive definite covariance; got shape {X.shape}"
        )
    # Centred and divided by a power of two (exactly): the products below neither cancel
    # for data far from zero nor overflow or underflow at any magnitude.
    mean, scale = kmeans._frame(X)
    centred = (X - mean) / scale
    covariance = centred.T @ centred / n
    variances = np.diag(covariance)
    # A constant column leaves a variance of rounding noise at its magnitude, not zero.
    noise = (100 * np.finfo(float).eps * np.max(np.abs(X), axis=0) / scale) ** 2
    if np.any(variances <= noise):
        raise ValueError(
            f"the maximum-likelihood covariance of X is singular: column {int(np.argmax(variances <= noise))} "
            "of X is constant"
        )
    # Collinearity is judged on the correlation matrix, so that it does not depend on the
    # columns' units (spreads 1e8 apart are fine); exactly collinear columns leave a
    # round-off eigenvalue that may be a tiny positive number rather than zero.
    std = np.sqrt(variances)
    eigenvalues = np.linalg.eigvalsh(covariance / np.outer(std, std))
    if eigenvalues[0] <= 1e-12 * eigenvalues[-1]:
        raise ValueError(
            "the maximum-likelihood covariance of X is singular: a column of X is a linear "
            f"combination of the others (smallest eigenvalue of the correlation matrix {eigenvalues[0]:.3g})"
        )
    with np.errstate(over="ignore", under="ignore"):
        covariance = covariance * scale * scale
    if not np.all(np.isfinite(covariance)) or np.any(np.diag(covariance) < np.finfo(float).tiny):
        raise ValueError(
            "the covariance of X lies outside the floating-point range (variances from about "
            "1e-308 to 1e308); multiply or divide X by a constant"
        )
    log_likelihood = float(np.sum(log_gaussian(X, mean, covariance)))
    return MultivariateNormalFit(mean, covariance, log_likelihood, n)
