r"""The factorized Gaussian posterior q(w | mu, rho): sigma = softplus(rho), computed stably.

:math:`q(w\mid\mu,\rho) = \prod_j \mathcal N(w_j\mid\mu_j,\sigma_j^2)` with
:math:`\sigma_j = \ln(1 + e^{\rho_j})` (lesson 07, equation 7.3).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from course_utils.bbb import _checks


def softplus(rho) -> np.ndarray:
    r"""The standard deviation :math:`\sigma = \ln(1 + e^\rho)`, without overflow for large rho.

    ``np.logaddexp(0, rho)`` never forms :math:`e^\rho` for large :math:`\rho` (it returns
    :math:`\rho + \ln(1 + e^{-\rho})`), and for very negative :math:`\rho` it returns
    :math:`e^\rho` to full relative precision.
    """
    rho = _checks.as_float_array(rho, "rho")
    if np.any(np.isnan(rho)):
        raise ValueError("rho contains NaN values")
    return np.logaddexp(0.0, rho)


def inverse_softplus(sigma) -> np.ndarray:
    r""":math:`\rho` with softplus(rho) = sigma, i.e. :math:`\ln(e^\sigma - 1)`, for sigma > 0.

    Written :math:`\sigma + \ln(1 - e^{-\sigma})` so that it neither overflows for large
    sigma nor loses digits for small sigma.

    Raises
    ------
    ValueError
        If any sigma is not finite and > 0.
    """
    sigma = _checks.float_array(sigma, "sigma")
    if np.any(~np.isfinite(sigma)) or np.any(sigma <= 0):
        raise ValueError("sigma must be finite and > 0")
    return sigma + np.log(-np.expm1(-sigma))


def _log_softplus(rho: np.ndarray) -> np.ndarray:
    """ln sigma; for rho < -30, ln ln(1 + e^rho) = rho to within 1e-13 (and e^rho may underflow)."""
    return np.where(rho < -30.0, rho, np.log(softplus(np.maximum(rho, -30.0))))


def _sigmoid_over_softplus(rho: np.ndarray) -> np.ndarray:
    """d(ln sigma)/d rho = sigmoid(rho) / softplus(rho), finite for every rho (-> 1 as rho -> -inf)."""
    safe = np.maximum(rho, -30.0)
    return np.where(rho < -30.0, 1.0, expit(safe) / softplus(safe))


def sample_weights(mu, rho, n_samples: int, rng=None) -> np.ndarray:
    r"""Draw ``n_samples`` weight vectors :math:`w = \mu + \sigma\odot\varepsilon`, shape (S, P).

    Parameters
    ----------
    mu, rho : array_like of shape (P,)
    n_samples : int
        S >= 1.
    rng : None, int or numpy.random.Generator
    """
    mu, rho = _checks.float_array(mu, "mu"), _checks.float_array(rho, "rho")
    if mu.ndim != 1 or mu.shape != rho.shape:
        raise ValueError(f"mu and rho must be 1-D arrays of the same shape; got {mu.shape} and {rho.shape}")
    _checks.check_finite(mu, "mu"), _checks.check_finite(rho, "rho")
    n_samples = _checks.as_count(n_samples, "n_samples")
    rng = _checks.normalize_rng(rng)
    return mu + softplus(rho) * rng.standard_normal((n_samples, mu.size))
