"""The general EM algorithm for a Gaussian mixture: log-likelihood = ELBO + KL, and EM for MAP.

For any distribution ``q`` over the latent assignments, an (n, k) array whose rows sum to
one, the log-likelihood splits exactly into the evidence lower bound and a Kullback-Leibler
divergence (lesson 05, equation 5.4):

.. math:: \\ln p(X\\mid\\theta) = \\mathcal L(q, \\theta)
          + \\mathrm{KL}\\bigl(q \\,\\Vert\\, p(Z\\mid X, \\theta)\\bigr).

The E-step sets ``q`` to the posterior (the KL term vanishes), the M-step maximizes
``L`` over the parameters. With a prior on the parameters the same argument gives EM for
the MAP estimate: :func:`map_m_step` and :func:`log_posterior`.

Shapes: data ``X`` is (n, d), ``q`` (n, k), ``weights`` (k,), ``means`` (k, d),
``covariances`` (k, d, d). The mixture kernels come from :mod:`course_utils.gmm`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import gammaln, logsumexp, multigammaln, xlogy

from course_utils._validation import (
    as_data,
    as_float_array,
    as_real,
    as_responsibilities,
    as_rows_on_simplex,
    cholesky_factors,
)
from course_utils.gmm import _check_parameters, _check_spread, _checked_log_joint, _log_gaussian_from_cholesky

__all__ = [
    "MixturePrior",
    "elbo",
    "expected_complete_log_likelihood",
    "kl_to_posterior",
    "log_posterior",
    "log_prior",
    "map_m_step",
]


def _log_joint_and_q(X, q, weights, means, covariances) -> tuple[np.ndarray, np.ndarray]:
    """Validated log pi_k + log N(x_n | mu_k, Sigma_k), shape (n, k), and q, shape (n, k)."""
    X, weights, means, cholesky = _check_parameters(X, weights, means, covariances)
    q = as_rows_on_simplex(q, X.shape[0], weights.size, "q")
    return _checked_log_joint(X, weights, means, cholesky), q


def _sum_q_times(q: np.ndarray, log_values: np.ndarray) -> float:
    """sum q_nk * log_values_nk with 0 * (anything, even -inf) = 0."""
    support = q > 0
    return float(np.sum(q[support] * log_values[support]))


def _negative_entropy(q: np.ndarray) -> float:
    """sum q_nk log q_nk with 0 log 0 = 0 (``xlogy`` returns 0 where q is 0)."""
    return float(np.sum(xlogy(q, q)))


def expected_complete_log_likelihood(X, q, weights, means, covariances) -> float:
    r"""The expected complete-data log-likelihood :math:`Q` under ``q``.

    .. math:: Q = \sum_n \sum_k q_{nk}\,\bigl[\ln\pi_k + \ln\mathcal N(x_n\mid\mu_k,\Sigma_k)\bigr]

    (lesson 05, equation 5.7). With ``q`` the posterior at :math:`\theta^{\text{old}}` this is
    :math:`Q(\theta, \theta^{\text{old}})`, the function the M-step maximizes. Terms with
    :math:`q_{nk} = 0` contribute zero, even where :math:`\pi_k = 0`.

    Parameters
    ----------
    X : array_like of shape (n, d)
    q : array_like of shape (n, k)
        Non-negative rows summing to one: a distribution over the component of each point.
    weights : array_like of shape (k,), non-negative, summing to one
    means : array_like of shape (k, d)
    covariances : array_like of shape (k, d, d), symmetric positive definite

    Returns
    -------
    Q : float
        ``-inf`` when ``q`` puts mass on a component of weight zero.
    """
    log_joint, q = _log_joint_and_q(X, q, weights, means, covariances)
    return _sum_q_times(q, log_joint)


def elbo(X, q, weights, means, covariances) -> float:
    r"""The evidence lower bound :math:`\mathcal L(q, \theta)` of a Gaussian mixture.

    .. math:: \mathcal L(q, \theta) = \sum_n \sum_k q_{nk}\,\bigl[\ln\pi_k
              + \ln\mathcal N(x_n\mid\mu_k,\Sigma_k) - \ln q_{nk}\bigr]

    (lesson 05, equation 5.2), with :math:`0 \ln 0 = 0`: a point's zero entries of ``q``
    (a hard assignment, for example) contribute nothing.
    It never exceeds :func:`course_utils.gmm.log_likelihood` and equals it when ``q`` is
    the posterior (the responsibilities of :func:`course_utils.gmm.e_step`).

    Parameters
    ----------
    X : array_like of shape (n, d)
    q : array_like of shape (n, k)
        Non-negative rows summing to one.
    weights : array_like of shape (k,), non-negative, summing to one
    means : array_like of shape (k, d)
    covariances : array_like of shape (k, d, d), symmetric positive definite

    Returns
    -------
    elbo : float
        ``-inf`` when ``q`` puts mass on a component of weight zero.
    """
    log_joint, q = _log_joint_and_q(X, q, weights, means, covariances)
    return _sum_q_times(q, log_joint) - _negative_entropy(q)


def kl_to_posterior(X, q, weights, means, covariances) -> float:
    r"""Kullback-Leibler divergence from ``q`` to the posterior over the assignments.

    .. math:: \mathrm{KL}\bigl(q \,\Vert\, p(Z\mid X,\theta)\bigr)
              = \sum_n \sum_k q_{nk}\,\bigl[\ln q_{nk} - \ln p(z_n = k\mid x_n, \theta)\bigr]

    (lesson 05, equation 5.3), with :math:`0 \ln 0 = 0`. The log-posterior is computed in
    log space, so the result stays finite when a posterior probability underflows. It is
    non-negative and zero exactly when ``q`` is the posterior; in floating point, a ``q``
    equal to the posterior gives a value of the order of rounding error (which may carry
    either sign).

    Parameters are as for :func:`elbo`.

    Returns
    -------
    kl : float
        ``inf`` when ``q`` puts mass on a component of weight zero.
    """
    log_joint, q = _log_joint_and_q(X, q, weights, means, covariances)
    log_posterior_z = log_joint - logsumexp(log_joint, axis=1, keepdims=True)
    return _negative_entropy(q) - _sum_q_times(q, log_posterior_z)


@dataclass(frozen=True, eq=False)
class MixturePrior:
    r"""A conjugate prior on the parameters of a Gaussian mixture with ``d``-dimensional data.

    Symmetric Dirichlet on the weights and, independently for every component, a
    normal-inverse-Wishart prior on the mean and covariance:

    .. math:: \pi \sim \mathrm{Dir}(\alpha, \dots, \alpha), \qquad
              \Sigma_k \sim \mathcal W^{-1}(\Psi_0, \nu_0), \qquad
              \mu_k \mid \Sigma_k \sim \mathcal N(m_0, \Sigma_k / \kappa_0)

    (lesson 05, equation 5.9).

    Parameters
    ----------
    concentration : float
        :math:`\alpha \ge 1` (1 is a flat prior on the weights; larger values pull them
        towards 1/k). Values below 1 would allow a negative MAP weight, so they are refused.
    mean : array_like of shape (d,)
        :math:`m_0`, the prior guess of every component's mean.
    mean_precision : float
        :math:`\kappa_0 > 0`, the prior's weight on ``mean``, counted in data points.
    degrees_of_freedom : float
        :math:`\nu_0 > d - 1`.
    scale : array_like of shape (d, d)
        :math:`\Psi_0`, symmetric positive definite. The prior mode of a covariance is
        :math:`\Psi_0 / (\nu_0 + d + 2)`.
    """

    concentration: float
    mean: np.ndarray
    mean_precision: float
    degrees_of_freedom: float
    scale: np.ndarray

    def __post_init__(self):
        concentration = _as_real(self.concentration, "concentration")
        if concentration < 1:
            raise ValueError(f"concentration must be >= 1 (a Dirichlet mode inside the simplex); got {concentration}")
        # Copies: the frozen arrays below must not be the caller's own.
        mean = np.array(as_float_array(self.mean, "mean"))
        if mean.ndim != 1 or mean.size < 1:
            raise ValueError(f"mean must be a 1-D array of shape (d,); got shape {mean.shape}")
        if not np.all(np.isfinite(mean)):
            raise ValueError("mean contains NaN or inf values")
        d = mean.size
        mean_precision = _as_real(self.mean_precision, "mean_precision")
        if mean_precision <= 0:
            raise ValueError(f"mean_precision must be > 0; got {mean_precision}")
        degrees_of_freedom = _as_real(self.degrees_of_freedom, "degrees_of_freedom")
        if degrees_of_freedom <= d - 1:
            raise ValueError(f"degrees_of_freedom must be > d - 1 = {d - 1}; got {degrees_of_freedom}")
        scale = np.array(as_float_array(self.scale, "scale"))
        if scale.shape != (d, d):
            raise ValueError(f"scale must have shape ({d}, {d}) to match mean; got shape {scale.shape}")
        if not np.all(np.isfinite(scale)):
            raise ValueError("scale contains NaN or inf values")
        cholesky_factors(scale[np.newaxis], name="scale")
        for name, value in [
            ("concentration", concentration),
            ("mean", mean),
            ("mean_precision", mean_precision),
            ("degrees_of_freedom", degrees_of_freedom),
            ("scale", scale),
        ]:
            object.__setattr__(self, name, value)
        mean.flags.writeable = False
        scale.flags.writeable = False

    @property
    def dimension(self) -> int:
        """The data dimension ``d`` the prior is defined for."""
        return self.mean.size


def _as_real(value, name: str) -> float:
    return as_real(value, name)


def _check_prior(prior, d: int | None) -> MixturePrior:
    if not isinstance(prior, MixturePrior):
        raise TypeError(f"prior must be a MixturePrior; got {type(prior).__name__}")
    if d is not None and prior.dimension != d:
        raise ValueError(f"prior is defined for d = {prior.dimension} but X has d = {d} columns")
    return prior


def _log_prior(weights, means, cholesky, prior: MixturePrior) -> float:
    k, d = means.shape
    alpha = prior.concentration
    log_dirichlet = gammaln(k * alpha) - k * gammaln(alpha) + float(np.sum(xlogy(alpha - 1.0, weights)))
    nu = prior.degrees_of_freedom
    scale_factor = np.linalg.cholesky(prior.scale)
    log_det_scale = 2.0 * np.sum(np.log(np.diag(scale_factor)))
    log_det_covariances = 2.0 * np.sum(np.log(np.diagonal(cholesky, axis1=1, axis2=2)), axis=1)
    # tr(Psi Sigma^-1) = tr(Psi L^-T L^-1) = ||L^-1 R||_F^2 with Psi = R R^T: no inverse formed.
    traces = np.array([
        np.sum(solve_triangular(factor, scale_factor, lower=True, check_finite=False) ** 2)
        for factor in cholesky
    ])
    log_inverse_wishart = (
        0.5 * nu * log_det_scale - 0.5 * nu * d * np.log(2.0) - multigammaln(0.5 * nu, d)
        - 0.5 * (nu + d + 1) * log_det_covariances - 0.5 * traces
    )
    # N(mu_k | m0, Sigma_k / kappa0) = N(m0 | mu_k, Sigma_k / kappa0), and the Cholesky
    # factor of Sigma_k / kappa0 is L_k / sqrt(kappa0).
    log_normal = _log_gaussian_from_cholesky(
        prior.mean[np.newaxis], means, cholesky / np.sqrt(prior.mean_precision)
    )[0]
    return float(log_dirichlet + np.sum(log_inverse_wishart + log_normal))


def log_prior(weights, means, covariances, prior: MixturePrior) -> float:
    r"""Log-density of the parameters under ``prior``, normalizing constants included.

    .. math:: \ln p(\theta) = \ln\mathrm{Dir}(\pi\mid\alpha) + \sum_k \bigl[
              \ln\mathcal W^{-1}(\Sigma_k\mid\Psi_0,\nu_0)
              + \ln\mathcal N(\mu_k\mid m_0, \Sigma_k/\kappa_0)\bigr]

    Parameters
    ----------
    weights : array_like of shape (k,), non-negative, summing to one
    means : array_like of shape (k, d)
    covariances : array_like of shape (k, d, d), symmetric positive definite
    prior : MixturePrior
        Defined for the same ``d``.

    Returns
    -------
    log_prior : float
        ``-inf`` when a weight is zero and ``concentration > 1``.
    """
    prior = _check_prior(prior, None)
    # A single placeholder data point lets the mixture's own parameter checks run unchanged.
    placeholder = np.zeros((1, prior.dimension))
    _, weights, means, cholesky = _check_parameters(placeholder, weights, means, covariances)
    return _log_prior(weights, means, cholesky, prior)


def log_posterior(X, weights, means, covariances, prior: MixturePrior) -> float:
    r"""Unnormalized log-posterior :math:`\ln p(X\mid\theta) + \ln p(\theta)`.

    It differs from :math:`\ln p(\theta\mid X)` by the constant :math:`\ln p(X)`, so it is
    what EM for MAP estimation climbs (lesson 05, equation 5.8).

    Parameters
    ----------
    X : array_like of shape (n, d)
    weights : array_like of shape (k,), non-negative, summing to one
    means : array_like of shape (k, d)
    covariances : array_like of shape (k, d, d), symmetric positive definite
    prior : MixturePrior
        Defined for the same ``d`` as ``X``.

    Returns
    -------
    log_posterior : float
    """
    X, weights, means, cholesky = _check_parameters(X, weights, means, covariances)
    prior = _check_prior(prior, X.shape[1])
    log_joint = _checked_log_joint(X, weights, means, cholesky)
    log_likelihood = float(np.sum(logsumexp(log_joint, axis=1)))
    return log_likelihood + _log_prior(weights, means, cholesky, prior)


def map_m_step(X, responsibilities, prior: MixturePrior) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""M-step of EM for the MAP estimate: maximize :math:`Q(\theta, \theta^{\text{old}}) + \ln p(\theta)`.

    With :math:`N_k = \sum_n \gamma_{nk}`, :math:`\bar x_k = \sum_n \gamma_{nk} x_n / N_k`
    and :math:`S_k = \sum_n \gamma_{nk} (x_n - \bar x_k)(x_n - \bar x_k)^\top`
    (lesson 05, equations 5.10-5.11):

    .. math:: \pi_k = \frac{N_k + \alpha - 1}{N + k(\alpha - 1)},\qquad
              \mu_k = \frac{N_k \bar x_k + \kappa_0 m_0}{N_k + \kappa_0},

    .. math:: \Sigma_k = \frac{\Psi_0 + S_k + \frac{\kappa_0 N_k}{\kappa_0 + N_k}
              (\bar x_k - m_0)(\bar x_k - m_0)^\top}{\nu_0 + N_k + d + 2}.

    :math:`\Sigma_k - \Psi_0 / (\nu_0 + N + d + 2)` is positive semi-definite, so no
    component can collapse onto a point, not even one that no point is responsible for
    (it returns to the prior's mode).

    Parameters
    ----------
    X : array_like of shape (n, d)
    responsibilities : array_like of shape (n, k), non-negative rows summing to one
    prior : MixturePrior
        Defined for the same ``d`` as ``X``.

    Returns
    -------
    weights : ndarray of shape (k,)
    means : ndarray of shape (k, d)
    covariances : ndarray of shape (k, d, d)
    """
    X = as_data(X)
    n, d = X.shape
    responsibilities = as_responsibilities(responsibilities, n)
    prior = _check_prior(prior, d)
    _check_spread(X)
    k = responsibilities.shape[1]

    counts = responsibilities.sum(axis=0)
    alpha = prior.concentration
    weights = (counts + alpha - 1.0) / (n + k * (alpha - 1.0))
    kappa, m0 = prior.mean_precision, prior.mean
    weighted_sums = responsibilities.T @ X
    means = (weighted_sums + kappa * m0) / (counts + kappa)[:, np.newaxis]
    covariances = np.empty((k, d, d))
    for component in range(k):
        # Scatter about the new mean plus the prior's pull, kappa0 (mu - m0)(mu - m0)^T, is
        # the same matrix as S_k + kappa0 N_k / (kappa0 + N_k) (xbar - m0)(xbar - m0)^T and
        # needs no division by N_k (which may be 0).
        centred = X - means[component]
        offset = means[component] - m0
        scatter = (responsibilities[:, component] * centred.T) @ centred + kappa * np.outer(offset, offset)
        covariances[component] = (prior.scale + scatter) / (prior.degrees_of_freedom + counts[component] + d + 2)
        # Symmetrize exactly so the Cholesky-based checks downstream never see rounding asymmetry.
        covariances[component] = 0.5 * (covariances[component] + covariances[component].T)
    return weights, means, covariances
