r"""The Monte Carlo free energy of Bayes by Backprop and its hand-written gradients.

Training minimizes the variational free energy (minus the ELBO of lesson 05)

.. math:: F(\mu, \rho) = \mathrm E_q[\ln q(w) - \ln p(w) - \ln p(D\mid w)],

estimated with the reparameterization :math:`w = \mu + \sigma \odot \varepsilon`,
:math:`\varepsilon \sim \mathcal N(0, I)` (lesson 07, equations 7.4-7.8). The MAP
objective of an ordinary network with weight decay is here too, for comparison.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from course_utils.bbb import _checks
from course_utils.bbb.likelihoods import likelihood_of
from course_utils.bbb.network import _backward, _forward
from course_utils.bbb.posterior import _log_softplus, _sigmoid_over_softplus, softplus
from course_utils.bbb.priors import _check_prior

LOG_2PI = np.log(2.0 * np.pi)
TERMS = ("variational", "prior", "likelihood")
KL_SCHEMES = ("uniform", "geometric")


@dataclass(frozen=True)
class LossGradients:
    """Monte Carlo estimate of the (minibatch) free energy and its gradients.

    Attributes
    ----------
    loss : float
        Mean over the S samples of ``kl_weight * (ln q - ln p(w)) - ln p(D | w)``
        (only the requested terms), in nats.
    grad_mu, grad_rho : ndarray of shape (P,)
    log_q, log_prior, log_likelihood : float
        Sample means of the three terms (each reported even if it was left out of ``loss``).
    """

    loss: float
    grad_mu: np.ndarray
    grad_rho: np.ndarray
    log_q: float
    log_prior: float
    log_likelihood: float


def _loss_and_gradients(network, mu, rho, eps, X, y, prior, likelihood, kl_weight, terms) -> LossGradients:
    """Trusting version of :func:`loss_and_gradients`; ``eps`` is (S, P)."""
    sigma = softplus(rho)
    w = mu + sigma * eps  # (S, P)

    outputs, cache = _forward(network, w, X)
    log_likelihood, d_outputs = likelihood.log_density_and_gradient(outputs, y)  # (S,), (S, n, K)
    log_prior = np.sum(prior.log_density(w), axis=1)
    # ln q(w | mu, sigma) at w = mu + sigma * eps: (w - mu) / sigma is eps itself, so it is
    # used directly instead of being recomputed from w (which loses digits when sigma << |mu|).
    log_q = -np.sum(_log_softplus(rho)) - 0.5 * np.sum(eps**2, axis=1) - 0.5 * LOG_2PI * mu.size

    # df/dw from the terms in which w appears explicitly: -ln p(w) and -ln p(D | w).
    df_dw = np.zeros_like(w)
    loss = np.zeros(eps.shape[0])
    if "prior" in terms:
        df_dw -= kl_weight * prior.grad_log_density(w)
        loss -= kl_weight * log_prior
    if "likelihood" in terms:
        df_dw -= _backward(network, w, cache, d_outputs)
        loss -= log_likelihood
    # Equation 7.7: d/dmu = df/dw * dw/dmu (= 1) + direct d/dmu; d/drho = (df/dw * eps +
    # direct d/dsigma) * dsigma/drho, with dsigma/drho = sigmoid(rho).
    grad_mu = df_dw.mean(axis=0)
    grad_rho = np.mean(df_dw * eps, axis=0) * expit(rho)
    if "variational" in terms:
        # For ln q the pieces are known in closed form (equation 7.8): df/dw = -eps/sigma and
        # the direct df/dmu = +eps/sigma cancel, so ln q adds nothing to grad_mu; for rho,
        # (-eps/sigma) * eps + (eps^2 - 1)/sigma = -1/sigma, times sigmoid(rho). The sum is
        # formed analytically because with sigma ~ 1e-22 the two huge cancelling terms
        # would swamp the others in floating point.
        grad_rho = grad_rho - kl_weight * _sigmoid_over_softplus(rho)
        loss += kl_weight * log_q
    return LossGradients(
        loss=float(loss.mean()),
        grad_mu=grad_mu,
        grad_rho=grad_rho,
        log_q=float(log_q.mean()),
        log_prior=float(log_prior.mean()),
        log_likelihood=float(log_likelihood.mean()),
    )


def _check_terms(terms) -> tuple[str, ...]:
    if isinstance(terms, str):
        terms = (terms,)
    try:
        terms = tuple(terms)
    except TypeError:
        raise TypeError(f"terms must be a non-empty subset of {TERMS}; got {terms!r}") from None
    unknown = [t for t in terms if t not in TERMS]
    if unknown or not terms:
        raise ValueError(f"terms must be a non-empty subset of {TERMS}; got {terms!r}")
    return terms


def _check_kl_weight(kl_weight) -> float:
    if isinstance(kl_weight, bool) or not isinstance(kl_weight, numbers.Real) or not (
        np.isfinite(kl_weight) and kl_weight >= 0
    ):
        raise ValueError(f"kl_weight must be a finite number >= 0; got {kl_weight!r}")
    return float(kl_weight)


def _check_finite_result(result: LossGradients) -> LossGradients:
    values = [result.loss, result.log_q, result.log_prior, result.log_likelihood]
    if not (np.all(np.isfinite(values)) and np.all(np.isfinite(result.grad_mu))
            and np.all(np.isfinite(result.grad_rho))):
        raise ValueError("the loss or its gradient overflowed: X, y, mu or rho are too large in magnitude "
                         "for this network; rescale X and y to values of order 1")
    return result


def loss_and_gradients(
    network, mu, rho, eps, X, y, prior, noise_std: float | None = None,
    kl_weight: float = 1.0, terms=TERMS,
) -> LossGradients:
    r"""Monte Carlo free energy for given noise ``eps``, and its gradients in mu and rho.

    For each row :math:`\varepsilon_s` of ``eps``, :math:`w_s = \mu + \sigma\odot\varepsilon_s`
    and

    .. math:: f_s = \lambda\,[\ln q(w_s\mid\mu,\rho) - \ln p(w_s)] - \ln p(D\mid w_s),

    where :math:`\lambda` is ``kl_weight`` (1 for the full data set, :math:`\pi_i` for a
    minibatch). The loss is the mean of :math:`f_s` (lesson 07, equation 7.5) and the
    gradients are (equation 7.7, Blundell et al. 2015, Section 3.2)

    .. math:: \Delta_\mu = \frac{\partial f}{\partial w} + \frac{\partial f}{\partial \mu},\qquad
              \Delta_\rho = \Bigl(\frac{\partial f}{\partial w}\,\varepsilon
              + \frac{\partial f}{\partial \sigma}\Bigr)\,\mathrm{sigmoid}(\rho),

    averaged over the samples, with :math:`\partial f/\partial w` from backpropagation.

    Parameters
    ----------
    network : Network
    mu, rho : array_like of shape (P,)
    eps : array_like of shape (P,) or (S, P)
        Standard normal noise, one row per Monte Carlo sample.
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
        Real targets for a regression network; class labels 0..K-1 for a softmax network.
    prior : GaussianPrior or ScaleMixturePrior
    noise_std : float or None
        Standard deviation s of the Gaussian likelihood :math:`N(y\mid f(x; w), s^2)` of a
        regression network; None for a softmax network (categorical likelihood).
    kl_weight : float, default 1
        Weight :math:`\lambda \ge 0` of the complexity cost :math:`\ln q - \ln p(w)`.
    terms : subset of ("variational", "prior", "likelihood")
        Which terms enter ``loss`` and the gradients (all by default); used to inspect one
        term at a time.

    Returns
    -------
    LossGradients

    Raises
    ------
    ValueError, TypeError
        For arguments of the wrong shape, type or range, and if the loss overflows.
    """
    network = _checks.check_network(network)
    mu, rho = _checks.variational(network, mu, rho)
    eps, _ = _checks.weight_stack(eps, network.n_params, "eps")
    X = _checks.inputs(network, X)
    y = _checks.targets(network, y, X.shape[0])
    prior = _check_prior(prior)
    likelihood = likelihood_of(network, noise_std)
    kl_weight, terms = _check_kl_weight(kl_weight), _check_terms(terms)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below, by name
        result = _loss_and_gradients(network, mu, rho, eps, X, y, prior, likelihood, kl_weight, terms)
    return _check_finite_result(result)


def kl_weights(n_batches: int, scheme: str = "uniform") -> np.ndarray:
    r"""Weights :math:`\pi_i` of the complexity cost for minibatches :math:`i = 1..M`.

    Any weights that sum to one keep the sum of the minibatch losses an estimate of the full
    free energy (lesson 07, equation 7.10). ``"uniform"``: :math:`\pi_i = 1/M`.
    ``"geometric"`` (Blundell et al. 2015, Section 3.4, equation 9):
    :math:`\pi_i = 2^{M-i}/(2^M - 1)`, so the first minibatches of an epoch carry most of
    the prior and the last ones almost none. Computed as
    :math:`2^{-i} / (1 - 2^{-M})`, which does not overflow for large M.

    Parameters
    ----------
    n_batches : int
        M >= 1.
    scheme : {"uniform", "geometric"}

    Returns
    -------
    weights : ndarray of shape (M,), summing to one
    """
    M = _checks.as_count(n_batches, "n_batches")
    if scheme == "uniform":
        return np.full(M, 1.0 / M)
    if scheme == "geometric":
        i = np.arange(1, M + 1)
        return np.exp2(-i.astype(float)) / -np.expm1(-M * np.log(2.0))
    raise ValueError(f"scheme must be one of {KL_SCHEMES}; got {scheme!r}")


def _map_loss_and_gradient(network, w, X, y, prior, likelihood, prior_weight=1.0):
    outputs, cache = _forward(network, w[np.newaxis, :], X)
    log_likelihood, d_outputs = likelihood.log_density_and_gradient(outputs, y)
    loss = -log_likelihood[0] - prior_weight * np.sum(prior.log_density(w))
    gradient = -_backward(network, w[np.newaxis, :], cache, d_outputs)[0]
    return float(loss), gradient - prior_weight * prior.grad_log_density(w)


def map_loss_and_gradient(network, w, X, y, prior, noise_std: float | None = None) -> tuple[float, np.ndarray]:
    r"""Negative log joint :math:`-\ln p(D\mid w) - \ln p(w)` (nats) and its gradient (P,).

    The objective of an ordinary network trained with weight decay (a MAP estimate,
    lesson 05). ``w`` has shape (P,); the other arguments are as for
    :func:`loss_and_gradients`.
    """
    network = _checks.check_network(network)
    w = _checks.single_weights(w, network.n_params)
    X = _checks.inputs(network, X)
    y = _checks.targets(network, y, X.shape[0])
    prior, likelihood = _check_prior(prior), likelihood_of(network, noise_std)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        loss, gradient = _map_loss_and_gradient(network, w, X, y, prior, likelihood)
    if not (np.isfinite(loss) and np.all(np.isfinite(gradient))):
        raise ValueError("the loss or its gradient overflowed: X, y or w are too large in magnitude; "
                         "rescale X and y to values of order 1")
    return loss, gradient


def central_differences(function, x, h: float = 1e-6) -> np.ndarray:
    r"""Gradient of a scalar ``function`` at ``x`` (P,) by central differences.

    Component j is :math:`[f(x + h e_j) - f(x - h e_j)] / 2h`, accurate to
    :math:`O(h^2)`; used to check hand-written gradients.
    """
    x = _checks.check_finite(_checks.float_array(x, "x"), "x")
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-D array of shape (P,); got shape {x.shape}")
    h = _checks.as_positive(h, "h")
    gradient = np.empty_like(x)
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        gradient[j] = (function(x + step) - function(x - step)) / (2 * h)
    return gradient
