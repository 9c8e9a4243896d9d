"""EM for a multivariate normal with missing values: a latent-variable model that is not a mixture.

The data ``X`` is (n, d) with ``NaN`` where a value is missing. The hidden variables of
EM are the missing entries themselves. For a normal model the E-step needs only their
conditional means and covariances given each row's observed entries, and the M-step is the
ordinary maximum-likelihood estimate computed from the expected sufficient statistics
(lesson 05, section 7, equations 5.12-5.14; Dempster, Laird & Rubin 1977, section 4.1.3;
Little & Rubin, *Statistical Analysis with Missing Data*, chapter 11).

The fixed points are maximum-likelihood estimates of the *observed-data* likelihood
(:func:`observed_log_likelihood`): valid when the values are missing at random, that is
when whether a value is missing may depend on the observed values but not on the missing
ones.

Shapes: ``X`` (n, d), ``mean`` (d,), ``covariance`` (d, d).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_utils._validation import as_count, as_float_array, as_real, cholesky_factors
from course_utils.gmm import LOG_2PI

__all__ = ["MissingNormalResult", "e_step", "fit", "m_step", "observed_log_likelihood"]


def _as_incomplete_data(X, name: str = "X") -> np.ndarray:
    """``X`` as a float (n, d) array in which NaN marks a missing value and nothing is inf."""
    array = as_float_array(X, name, "an array of real numbers (NaN where a value is missing)")
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (n, d); got shape {array.shape}")
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"{name} must have at least one row and one column; got shape {array.shape}")
    if np.any(np.isinf(array)):
        raise ValueError(f"{name} contains inf values; only NaN may mark a missing value")
    observed = ~np.isnan(array)
    empty_rows = np.flatnonzero(~observed.any(axis=1))
    if empty_rows.size:
        raise ValueError(
            f"{name} has rows with no observed value (first: row {empty_rows[0]}); "
            "they carry no information: drop them"
        )
    thin_columns = np.flatnonzero(observed.sum(axis=0) < 2)
    if thin_columns.size:
        raise ValueError(
            f"{name} needs at least two observed values in every column; "
            f"column {thin_columns[0]} has {observed[:, thin_columns[0]].sum()}"
        )
    return array


def _as_parameters(mean, covariance, d: int) -> tuple[np.ndarray, np.ndarray]:
    mean = as_float_array(mean, "mean")
    if mean.shape != (d,):
        raise ValueError(f"mean must have shape ({d},) to match X; got shape {mean.shape}")
    if not np.all(np.isfinite(mean)):
        raise ValueError("mean contains NaN or inf values")
    covariance = as_float_array(covariance, "covariance")
    if covariance.shape != (d, d):
        raise ValueError(f"covariance must have shape ({d}, {d}) to match X; got shape {covariance.shape}")
    if not np.all(np.isfinite(covariance)):
        raise ValueError("covariance contains NaN or inf values")
    cholesky_factors(covariance[np.newaxis], name="covariance")
    return mean, covariance


def _patterns(X: np.ndarray):
    """Yield (rows, observed columns, missing columns) once per pattern of missing values."""
    observed = ~np.isnan(X)
    patterns, which = np.unique(observed, axis=0, return_inverse=True)
    which = np.ravel(which)  # numpy 2.0 and 2.1 return it with an extra axis
    for index, pattern in enumerate(patterns):
        yield np.flatnonzero(which == index), np.flatnonzero(pattern), np.flatnonzero(~pattern)


def _observed_log_likelihood(X, mean, covariance) -> float:
    total = 0.0
    for rows, obs, _ in _patterns(X):
        # The same Cholesky route as gmm.log_gaussian (lesson 02, equation 2.10), through
        # numpy's solver: scipy's triangular solve starts BLAS threads whose start-up
        # dominates these tiny (|o|, |o|) systems on a busy machine.
        factor = np.linalg.cholesky(covariance[np.ix_(obs, obs)])
        whitened = np.linalg.solve(factor, (X[np.ix_(rows, obs)] - mean[obs]).T)
        log_det = 2.0 * np.sum(np.log(np.diag(factor)))
        total += -0.5 * (rows.size * (obs.size * LOG_2PI + log_det) + float(np.sum(whitened**2)))
    return total


def observed_log_likelihood(X, mean, covariance) -> float:
    r"""Log-likelihood of the observed values: each row's missing entries integrated out.

    .. math:: \ln p(X_{\text{obs}}\mid\mu,\Sigma) = \sum_n
              \ln\mathcal N\bigl(x_{n,o}\mid\mu_o,\Sigma_{oo}\bigr)

    where :math:`o` are the observed columns of row :math:`n` (lesson 05, equation 5.12):
    the marginal of a normal is the normal of the sub-vector.

    Parameters
    ----------
    X : array_like of shape (n, d)
        ``NaN`` marks a missing value; every row has at least one observed value.
    mean : array_like of shape (d,)
    covariance : array_like of shape (d, d), symmetric positive definite

    Returns
    -------
    log_likelihood : float
        In nats.

    Raises
    ------
    ValueError
        For a wrong shape, inf in ``X``, a row with nothing observed, a column with fewer
        than two observed values, or a covariance that is not symmetric positive definite.
    """
    X = _as_incomplete_data(X)
    mean, covariance = _as_parameters(mean, covariance, X.shape[1])
    return _observed_log_likelihood(X, mean, covariance)


def _e_step(X, mean, covariance) -> tuple[np.ndarray, np.ndarray]:
    filled = X.copy()
    conditional_covariance = np.zeros_like(covariance)
    for rows, obs, mis in _patterns(X):
        if mis.size == 0:
            continue
        # Regression of the missing on the observed columns: B = Sigma_mo Sigma_oo^-1.
        B = np.linalg.solve(covariance[np.ix_(obs, obs)], covariance[np.ix_(obs, mis)]).T
        filled[np.ix_(rows, mis)] = mean[mis] + (X[np.ix_(rows, obs)] - mean[obs]) @ B.T
        residual = covariance[np.ix_(mis, mis)] - B @ covariance[np.ix_(obs, mis)]
        conditional_covariance[np.ix_(mis, mis)] += rows.size * residual
    return filled, conditional_covariance


def e_step(X, mean, covariance) -> tuple[np.ndarray, np.ndarray, float]:
    r"""E-step: the conditional moments of the missing values given the observed ones.

    For a row with observed columns :math:`o` and missing columns :math:`m` (lesson 05,
    equation 5.13):

    .. math:: \mathbb E[x_m\mid x_o] = \mu_m + \Sigma_{mo}\Sigma_{oo}^{-1}(x_o - \mu_o),
              \qquad
              \operatorname{Cov}[x_m\mid x_o] = \Sigma_{mm} - \Sigma_{mo}\Sigma_{oo}^{-1}\Sigma_{om}.

    Then :math:`\mathbb E[x_n] ` is the filled-in row and
    :math:`\mathbb E[x_n x_n^\top] = \mathbb E[x_n]\,\mathbb E[x_n]^\top + \operatorname{Cov}[x_n]`,
    where :math:`\operatorname{Cov}[x_n]` is zero outside the missing block.

    Parameters
    ----------
    X : array_like of shape (n, d)
        ``NaN`` marks a missing value; every row has at least one observed value.
    mean : array_like of shape (d,)
        The current :math:`\mu`.
    covariance : array_like of shape (d, d), symmetric positive definite
        The current :math:`\Sigma`.

    Returns
    -------
    filled : ndarray of shape (n, d)
        ``X`` with every missing value replaced by its conditional mean.
    conditional_covariance : ndarray of shape (d, d)
        :math:`\sum_n \operatorname{Cov}[x_n\mid x_{n,o}]`: what the filled-in values lack
        of the second moments.
    log_likelihood : float
        :func:`observed_log_likelihood` at ``(mean, covariance)``, in nats.

    Raises
    ------
    ValueError
        As :func:`observed_log_likelihood`.
    """
    X = _as_incomplete_data(X)
    mean, covariance = _as_parameters(mean, covariance, X.shape[1])
    filled, conditional_covariance = _e_step(X, mean, covariance)
    return filled, conditional_covariance, _observed_log_likelihood(X, mean, covariance)


def _m_step(filled, conditional_covariance) -> tuple[np.ndarray, np.ndarray]:
    n = filled.shape[0]
    mean = filled.mean(axis=0)
    centred = filled - mean
    covariance = (centred.T @ centred + conditional_covariance) / n
    return mean, 0.5 * (covariance + covariance.T)


def m_step(filled, conditional_covariance) -> tuple[np.ndarray, np.ndarray]:
    r"""M-step: the normal's maximum-likelihood estimate from the expected statistics.

    .. math:: \mu = \frac1N\sum_n \mathbb E[x_n],\qquad
              \Sigma = \frac1N\sum_n \bigl(\mathbb E[x_n] - \mu\bigr)\bigl(\mathbb E[x_n] - \mu\bigr)^\top
              + \frac1N\sum_n \operatorname{Cov}[x_n]

    (lesson 05, equation 5.14): lesson 02's estimates with every unknown statistic replaced
    by its conditional expectation. Without the second term the covariance would be too
    small: filled-in values lie on a regression line, not scattered like data.

    Parameters
    ----------
    filled : array_like of shape (n, d)
        The first return value of :func:`e_step`; finite.
    conditional_covariance : array_like of shape (d, d)
        The second return value of :func:`e_step`; symmetric positive semi-definite.

    Returns
    -------
    mean : ndarray of shape (d,)
    covariance : ndarray of shape (d, d)

    Raises
    ------
    ValueError
        For wrong shapes, NaN or inf, or a ``conditional_covariance`` that is not symmetric
        positive semi-definite.
    """
    filled = as_float_array(filled, "filled")
    if filled.ndim != 2 or filled.shape[0] < 1:
        raise ValueError(f"filled must be a 2-D array of shape (n, d); got shape {filled.shape}")
    if not np.all(np.isfinite(filled)):
        raise ValueError("filled contains NaN or inf values; pass the filled-in data from e_step")
    d = filled.shape[1]
    conditional_covariance = as_float_array(conditional_covariance, "conditional_covariance")
    if conditional_covariance.shape != (d, d):
        raise ValueError(
            f"conditional_covariance must have shape ({d}, {d}) to match filled; "
            f"got shape {conditional_covariance.shape}"
        )
    if not np.all(np.isfinite(conditional_covariance)):
        raise ValueError("conditional_covariance contains NaN or inf values")
    scale = max(np.max(np.abs(conditional_covariance)), np.finfo(float).tiny)
    if np.max(np.abs(conditional_covariance - conditional_covariance.T)) > 1e-10 * scale:
        raise ValueError("conditional_covariance is not symmetric")
    if np.linalg.eigvalsh(conditional_covariance).min() < -1e-10 * scale:
        raise ValueError("conditional_covariance is not positive semi-definite (an eigenvalue is < 0)")
    return _m_step(filled, conditional_covariance)


@dataclass(frozen=True, eq=False)
class MissingNormalResult:
    """The outcome of :func:`fit`.

    Attributes
    ----------
    mean : ndarray of shape (d,)
    covariance : ndarray of shape (d, d)
    log_likelihoods : ndarray of shape (n_iter + 1,)
        :func:`observed_log_likelihood` at the start and after every iteration (nats).
    n_iter : int
        Number of EM iterations run.
    converged : bool
        Whether the last gain per data point was at most ``tol``.
    """

    mean: np.ndarray
    covariance: np.ndarray
    log_likelihoods: np.ndarray
    n_iter: int
    converged: bool


def fit(X, mean=None, covariance=None, *, max_iter: int = 1000, tol: float = 1e-12) -> MissingNormalResult:
    r"""Maximum-likelihood mean and covariance of a normal from data with missing values, by EM.

    Alternates :func:`e_step` and :func:`m_step`; the observed-data log-likelihood never
    decreases (lesson 05, section 2). Stops when the gain per data point is at most ``tol``
    or after ``max_iter`` iterations.

    Parameters
    ----------
    X : array_like of shape (n, d)
        ``NaN`` marks a missing value; every row has at least one observed value and every
        column at least two.
    mean, covariance : array_like of shapes (d,) and (d, d), optional
        The start. By default each column's mean and variance over its observed values,
        with zero covariances.
    max_iter : int
        Maximum number of iterations (0 returns the start).
    tol : float
        Non-negative threshold on the gain in log-likelihood per data point (nats).

    Returns
    -------
    MissingNormalResult

    Raises
    ------
    ValueError
        As :func:`observed_log_likelihood`; for a negative ``tol``; or when the covariance
        becomes singular (the observed values do not determine a full-rank covariance).
    TypeError
        For a ``max_iter`` that is not an integer or a ``tol`` that is not a number.
    """
    X = _as_incomplete_data(X)
    n, d = X.shape
    max_iter = as_count(max_iter, "max_iter", minimum=0)
    tol = as_real(tol, "tol", minimum=0.0)
    if mean is None:
        mean = np.nanmean(X, axis=0)
    if covariance is None:
        covariance = np.diag(np.nanvar(X, axis=0))
    mean, covariance = _as_parameters(mean, covariance, d)
    history = [_observed_log_likelihood(X, mean, covariance)]
    converged = False
    for iteration in range(1, max_iter + 1):
        mean, covariance = _m_step(*_e_step(X, mean, covariance))
        if np.linalg.eigvalsh(covariance).min() <= 0:
            raise ValueError(
                f"the covariance became singular at iteration {iteration}: the observed values "
                "do not determine a full-rank covariance"
            )
        history.append(_observed_log_likelihood(X, mean, covariance))
        if (history[-1] - history[-2]) / n <= tol:
            converged = True
            break
    return MissingNormalResult(
        mean=mean, covariance=covariance, log_likelihoods=np.array(history),
        n_iter=len(history) - 1, converged=converged,
    )
