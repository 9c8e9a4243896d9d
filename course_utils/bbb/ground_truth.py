r"""A ground truth for Bayes by Backprop: a linear network, whose posterior is exact.

A network without hidden layers, ``Network((d, 1))``, computes :math:`f(x) = x^\top W + b`.
With the Gaussian prior :math:`\mathcal N(0, s_p^2)` on every parameter and the Gaussian
likelihood :math:`\mathcal N(y\mid f(x), s^2)` this is lesson 06's Bayesian linear
regression on the design :math:`[X, 1]`, with :math:`\alpha = 1/s_p^2`,
:math:`\beta = 1/s^2`: the posterior is :math:`\mathcal N(m, A^{-1})`,
:math:`A = \alpha I + \beta\,[X,1]^\top[X,1]` (lesson 06, equations 6.8-6.10).

Among factorized Gaussians, :math:`\mathrm{KL}(q\Vert p(w\mid D))` is smallest for the
means :math:`m_j` and variances :math:`1/A_{jj}` (Bishop 2006, Section 10.1.2): the
optimum Bayes by Backprop aims at, and smaller than the exact marginal variances
:math:`(A^{-1})_{jj}` whenever the parameters are correlated a posteriori.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_utils._validation import as_data
from course_utils.bbb import _checks
from course_utils.laplace import fit_linear_regression

LOG_2PI = np.log(2.0 * np.pi)


@dataclass(frozen=True)
class MeanFieldOptimum:
    """Exact posterior of a linear network and the best factorized Gaussian approximation.

    Attributes
    ----------
    mean : ndarray of shape (P,)
        Posterior mean m (weights, then the bias, as in the network's flat vector).
    covariance : ndarray of shape (P, P)
        Exact posterior covariance :math:`A^{-1}`.
    precision : ndarray of shape (P, P)
        :math:`A`.
    exact_std : ndarray of shape (P,)
        Exact marginal standard deviations :math:`\\sqrt{(A^{-1})_{jj}}`.
    mean_field_std : ndarray of shape (P,)
        Standard deviations of the optimal factorized Gaussian, :math:`1/\\sqrt{A_{jj}}`.
    log_evidence : float
        :math:`\\ln p(D)`, nats.
    elbo : float
        ELBO of the optimal factorized Gaussian, nats; ``log_evidence - elbo`` is its KL
        divergence from the exact posterior.
    """

    mean: np.ndarray
    covariance: np.ndarray
    precision: np.ndarray
    exact_std: np.ndarray
    mean_field_std: np.ndarray
    log_evidence: float
    elbo: float


def _design(X: np.ndarray) -> np.ndarray:
    return np.column_stack([X, np.ones(X.shape[0])])


def _linear_elbo(mu, sigma, design, y, prior_sigma, noise_std) -> float:
    n = y.size
    residual = y - design @ mu
    expected_log_likelihood = (-0.5 * n * (LOG_2PI + 2 * np.log(noise_std))
                               - 0.5 * (residual @ residual + np.sum(sigma**2 * np.sum(design**2, axis=0)))
                               / noise_std**2)
    kl = np.sum(np.log(prior_sigma / sigma) + (sigma**2 + mu**2) / (2 * prior_sigma**2) - 0.5)
    return float(expected_log_likelihood - kl)


def _check_problem(X, y, prior_sigma, noise_std):
    X = as_data(_checks.float_array(X, "X"))
    y = _checks.check_finite(_checks.float_array(y, "y"), "y")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), one target per row of X; got shape {y.shape}")
    return X, y, _checks.as_positive(prior_sigma, "prior_sigma"), _checks.as_positive(noise_std, "noise_std")


def mean_field_optimum(X, y, prior_sigma: float, noise_std: float) -> MeanFieldOptimum:
    """Exact posterior of ``Network((d, 1))`` and its optimal factorized Gaussian approximation.

    Parameters
    ----------
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    prior_sigma : float
        Standard deviation of the ``GaussianPrior`` on every weight and the bias.
    noise_std : float
        Standard deviation s of the Gaussian likelihood.

    Returns
    -------
    MeanFieldOptimum
    """
    X, y, prior_sigma, noise_std = _check_problem(X, y, prior_sigma, noise_std)
    design = _design(X)
    with np.errstate(over="ignore", invalid="ignore"):
        precision = design.T @ design / noise_std**2 + np.eye(design.shape[1]) / prior_sigma**2
    if not np.all(np.isfinite(precision)):
        raise ValueError("X, noise_std or prior_sigma make the posterior precision overflow: rescale X and y to "
                         "values of order 1")
    exact = fit_linear_regression(design, y, prior_precision=prior_sigma**-2, noise_precision=noise_std**-2)
    mean_field_std = 1.0 / np.sqrt(np.diag(precision))
    return MeanFieldOptimum(
        mean=exact.mean,
        covariance=exact.covariance,
        precision=precision,
        exact_std=np.sqrt(np.diag(exact.covariance)),
        mean_field_std=mean_field_std,
        log_evidence=float(exact.log_evidence),
        elbo=_linear_elbo(exact.mean, mean_field_std, design, y, prior_sigma, noise_std),
    )


def linear_elbo(mu, sigma, X, y, prior_sigma: float, noise_std: float) -> float:
    r"""Exact ELBO (nats) of the factorized Gaussian q(mu, sigma) for ``Network((d, 1))``.

    .. math:: \mathcal L = -\tfrac n2\ln(2\pi s^2) - \frac{\lVert y - [X,1]\mu\rVert^2
              + \sum_j \sigma_j^2 \lVert [X,1]_{:j}\rVert^2}{2s^2}
              - \sum_j\Bigl[\ln\frac{s_p}{\sigma_j} + \frac{\sigma_j^2 + \mu_j^2}{2s_p^2} - \frac12\Bigr]

    (lesson 07, equation 7.2 in closed form): no Monte Carlo error, so the ELBO a training
    run reached can be compared with that of the optimum.

    Parameters
    ----------
    mu, sigma : array_like of shape (d + 1,)
        Means and standard deviations (> 0) of the weights, then of the bias.
    X, y, prior_sigma, noise_std
        As for :func:`mean_field_optimum`.
    """
    X, y, prior_sigma, noise_std = _check_problem(X, y, prior_sigma, noise_std)
    P = X.shape[1] + 1
    mu = _checks.check_finite(_checks.float_array(mu, "mu"), "mu")
    sigma = _checks.check_finite(_checks.float_array(sigma, "sigma"), "sigma")
    for name, array in (("mu", mu), ("sigma", sigma)):
        if array.shape != (P,):
            raise ValueError(f"{name} must have shape ({P},), the weights then the bias; got shape {array.shape}")
    if np.any(sigma <= 0):
        raise ValueError("sigma must be > 0")
    return _linear_elbo(mu, sigma, _design(X), y, prior_sigma, noise_std)


def linear_predictive_std(X, spread, noise_std: float) -> np.ndarray:
    r"""Predictive standard deviation of ``Network((d, 1))`` under a Gaussian q, shape (m,).

    :math:`\sqrt{\tilde x^\top \Sigma_q\,\tilde x + s^2}` with :math:`\tilde x = (x, 1)`: with the
    exact posterior covariance this is the exact predictive band; with the diagonal of a
    factorized Gaussian (``spread`` = its standard deviations) it is the band Bayes by
    Backprop reports. Dropping the correlations errs both ways: the band is too narrow for
    inputs along which the correlated parameters are poorly determined, and too wide for
    inputs along which the data pin them down.

    Parameters
    ----------
    X : array_like of shape (m, d)
    spread : array_like of shape (d + 1, d + 1) or (d + 1,)
        A covariance matrix, or the standard deviations of a factorized Gaussian.
    noise_std : float
    """
    X = as_data(_checks.float_array(X, "X"))
    noise_std = _checks.as_positive(noise_std, "noise_std")
    spread = _checks.check_finite(_checks.float_array(spread, "spread"), "spread")
    P = X.shape[1] + 1
    design = _design(X)
    if spread.shape not in ((P,), (P, P)):
        raise ValueError(f"spread must have shape ({P}, {P}) (a covariance) or ({P},) (standard deviations); "
                         f"got shape {spread.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        if spread.ndim == 1:
            variance = design**2 @ spread**2
        else:
            variance = np.einsum("mi,ij,mj->m", design, spread, design)
    if not np.all(np.isfinite(variance)):
        raise ValueError("X or spread are too large in magnitude: the predictive variance overflows")
    if np.any(variance < -1e-12 * np.max(np.abs(variance), initial=0.0)):
        raise ValueError("spread must be a positive semi-definite covariance matrix")
    return np.sqrt(np.maximum(variance, 0.0) + noise_std**2)


@dataclass(frozen=True)
class OptimumComparison:
    """Independent training runs of ``Network((d, 1))`` against the optimal factorized Gaussian.

    Attributes
    ----------
    mu_mean, sigma_mean : ndarray of shape (P,)
        Means over the runs of the trained means and standard deviations.
    mu_error, sigma_error : ndarray of shape (P,)
        Their Monte Carlo standard errors: the spread between runs (ddof=1) over sqrt(R).
    z_mu, z_sigma : ndarray of shape (P,)
        (run mean - optimum) / standard error: of order 1 when training reaches the optimum
        within Monte Carlo error.
    elbo_gap : ndarray of shape (R,)
        Exact ELBO of the optimum minus that of each run's q, nats (>= 0).
    """

    mu_mean: np.ndarray
    sigma_mean: np.ndarray
    mu_error: np.ndarray
    sigma_error: np.ndarray
    z_mu: np.ndarray
    z_sigma: np.ndarray
    elbo_gap: np.ndarray


def compare_with_optimum(fits, optimum: MeanFieldOptimum, X, y) -> OptimumComparison:
    """Compare R >= 2 independent Bayes-by-Backprop runs with :func:`mean_field_optimum`.

    Each run ends at a random point near the optimum (Adam with noisy gradients never stops
    exactly); the spread between independent runs measures that Monte Carlo error, and the
    z-scores say whether the runs' mean sits on the optimum within it.

    Parameters
    ----------
    fits : sequence of BBBFit
        Runs of ``bbb.fit`` on ``Network((d, 1))`` with a ``GaussianPrior`` and the same data,
        prior and noise_std, differing only in ``rng``.
    optimum : MeanFieldOptimum
        From :func:`mean_field_optimum` on the same X, y, prior sigma and noise_std.
    X, y : array_like of shapes (n, d) and (n,)

    Returns
    -------
    OptimumComparison
    """
    from course_utils.bbb.priors import GaussianPrior
    from course_utils.bbb.training import BBBFit

    fits = list(fits)
    if len(fits) < 2 or not all(isinstance(fit, BBBFit) for fit in fits):
        raise TypeError(f"fits must be a sequence of at least two BBBFit results; got {len(fits)} items")
    if not isinstance(optimum, MeanFieldOptimum):
        raise TypeError(f"optimum must be a MeanFieldOptimum; got {type(optimum).__name__}")
    first = fits[0]
    if not isinstance(first.prior, GaussianPrior) or first.noise_std is None:
        raise ValueError("fits must come from a regression network with a GaussianPrior")
    for fit in fits:
        if fit.prior != first.prior or fit.noise_std != first.noise_std or fit.mu.shape != optimum.mean.shape:
            raise ValueError("fits must share the prior, noise_std and network of the optimum's problem")
    prior_sigma, noise_std = first.prior.sigma, first.noise_std
    X, y, prior_sigma, noise_std = _check_problem(X, y, prior_sigma, noise_std)
    if X.shape[1] + 1 != optimum.mean.size:
        raise ValueError(f"X must have {optimum.mean.size - 1} columns like the optimum's problem; got {X.shape[1]}")
    mu = np.array([fit.mu for fit in fits])
    sigma = np.array([fit.sigma for fit in fits])
    root = np.sqrt(len(fits))
    mu_error, sigma_error = mu.std(axis=0, ddof=1) / root, sigma.std(axis=0, ddof=1) / root
    tiny = np.finfo(float).tiny
    design = _design(X)
    gaps = np.array([optimum.elbo - _linear_elbo(m, s, design, y, prior_sigma, noise_std) for m, s in zip(mu, sigma)])
    return OptimumComparison(
        mu_mean=mu.mean(axis=0), sigma_mean=sigma.mean(axis=0), mu_error=mu_error, sigma_error=sigma_error,
        z_mu=(mu.mean(axis=0) - optimum.mean) / np.maximum(mu_error, tiny),
        z_sigma=(sigma.mean(axis=0) - optimum.mean_field_std) / np.maximum(sigma_error, tiny),
        elbo_gap=gaps,
    )
