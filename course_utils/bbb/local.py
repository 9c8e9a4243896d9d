r"""The local reparameterization trick (Kingma, Salimans and Welling 2015).

With a factorized Gaussian q, the pre-activation :math:`z_j = \sum_i a_i W_{ij} + b_j` of
one layer, given its inputs :math:`a`, is itself Gaussian:

.. math:: z_j \sim \mathcal N\Bigl(\sum_i a_i\mu_{ij} + \mu_{b_j},\;
          \sum_i a_i^2\sigma_{ij}^2 + \sigma_{b_j}^2\Bigr).

So instead of one weight sample shared by the whole minibatch, each data point gets its
own draw of :math:`z = \gamma + \sqrt{\delta}\,\zeta`, :math:`\zeta\sim\mathcal N(0, 1)`:
the expected loss is unchanged, the per-point terms of the likelihood become independent,
and the variance of the gradient estimate drops, at about twice the cost of one forward
pass (lesson 07, section on the local reparameterization trick). The complexity cost
:math:`\ln q(w) - \ln p(w)` still uses a sampled weight vector.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from course_utils.bbb import _checks
from course_utils.bbb.likelihoods import likelihood_of
from course_utils.bbb.network import _activate
from course_utils.bbb.objective import (
    LOG_2PI,
    TERMS,
    LossGradients,
    _check_finite_result,
    _check_kl_weight,
    _check_terms,
    _loss_and_gradients,
)
from course_utils.bbb.posterior import _log_softplus, _sigmoid_over_softplus, softplus
from course_utils.bbb.priors import _check_prior


def _local_likelihood(network, mu, sigma, zeta, X, y, likelihood):
    """ln p(D | sampled pre-activations), shape (S,), and its gradients in mu and sigma summed over S."""
    weight_means = network.unpack(mu[np.newaxis, :])
    weight_variances = network.unpack((sigma**2)[np.newaxis, :])
    a, cache, start = X, [], 0
    for index, ((M, m), (V, v)) in enumerate(zip(weight_means, weight_variances)):
        k = M.shape[2]
        noise = zeta[:, :, start : start + k]
        start += k
        std = np.sqrt(np.matmul(a * a, V[0]) + v[0])  # sqrt(delta), (S, n, k) or (n, k)
        z = np.matmul(a, M[0]) + m[0] + std * noise  # gamma + sqrt(delta) zeta, (S, n, k)
        slope = None
        if index < len(weight_means) - 1:
            a_next, slope = _activate(z, network.activation)
        cache.append((a, std, noise, slope))
        if slope is not None:
            a = a_next
    log_likelihood, d_z = likelihood.log_density_and_gradient(z, y)

    grad_mu, grad_variance = np.empty_like(mu), np.empty_like(mu)  # of ln p, in mu and in sigma^2
    grad_mu_layers = network.unpack(grad_mu[np.newaxis, :])
    grad_variance_layers = network.unpack(grad_variance[np.newaxis, :])
    for index in range(len(weight_means) - 1, -1, -1):
        a, std, noise, _ = cache[index]
        # dz/d(delta) = zeta / (2 sqrt(delta)); a sigma that underflowed to 0 gets no gradient.
        d_delta = np.divide(d_z * noise, 2.0 * std, out=np.zeros_like(d_z), where=std > 0)
        a_t = a.T if a.ndim == 2 else np.swapaxes(a, 1, 2)
        (grad_M, grad_m), (grad_V, grad_v) = grad_mu_layers[index], grad_variance_layers[index]
        grad_M[0] = np.matmul(a_t, d_z).sum(axis=0)  # gamma = a M + m
        grad_m[0] = d_z.sum(axis=(0, 1))
        grad_V[0] = np.matmul(a_t * a_t, d_delta).sum(axis=0)  # delta = a^2 V + v
        grad_v[0] = d_delta.sum(axis=(0, 1))
        if index > 0:
            M, V = weight_means[index][0][0], weight_variances[index][0][0]
            d_a = np.matmul(d_z, M.T) + 2.0 * a * np.matmul(d_delta, V.T)
            d_z = d_a * cache[index - 1][3]
    return log_likelihood, grad_mu, 2.0 * sigma * grad_variance  # d/d sigma = 2 sigma d/d(sigma^2)


def _local_loss_and_gradients(network, mu, rho, eps, zeta, X, y, prior, likelihood, kl_weight,
                              terms) -> LossGradients:
    """Trusting version of :func:`local_loss_and_gradients`."""
    sigma = softplus(rho)
    n_samples = eps.shape[0]
    # The complexity cost from sampled weights w = mu + sigma * eps, exactly as in
    # objective._loss_and_gradients (see the comments there); only the likelihood changes.
    w = mu + sigma * eps
    log_prior = np.sum(prior.log_density(w), axis=1)
    log_q = -np.sum(_log_softplus(rho)) - 0.5 * np.sum(eps**2, axis=1) - 0.5 * LOG_2PI * mu.size
    df_dw = np.zeros_like(w)
    loss = np.zeros(n_samples)
    if "prior" in terms:
        df_dw -= kl_weight * prior.grad_log_density(w)
        loss -= kl_weight * log_prior
    grad_mu = df_dw.mean(axis=0)
    grad_rho = np.mean(df_dw * eps, axis=0) * expit(rho)
    if "variational" in terms:
        grad_rho = grad_rho - kl_weight * _sigmoid_over_softplus(rho)
        loss += kl_weight * log_q

    log_likelihood, d_mu, d_sigma = _local_likelihood(network, mu, sigma, zeta, X, y, likelihood)
    if "likelihood" in terms:
        loss -= log_likelihood
        grad_mu = grad_mu - d_mu / n_samples
        grad_rho = grad_rho - d_sigma / n_samples * expit(rho)
    return LossGradients(loss=float(loss.mean()), grad_mu=grad_mu, grad_rho=grad_rho, log_q=float(log_q.mean()),
                         log_prior=float(log_prior.mean()), log_likelihood=float(log_likelihood.mean()))


def local_loss_and_gradients(
    network, mu, rho, eps, zeta, X, y, prior, noise_std: float | None = None,
    kl_weight: float = 1.0, terms=TERMS,
) -> LossGradients:
    r"""Free energy and gradients with the local reparameterization trick, for given noise.

    The likelihood term samples every pre-activation per data point,
    :math:`z = \gamma + \sqrt\delta\,\zeta` (module docstring), and is backpropagated by
    hand through :math:`\gamma` (the means) and :math:`\delta` (the variances); the
    complexity term is that of :func:`loss_and_gradients` with weight noise ``eps``.

    Parameters
    ----------
    network, mu, rho, X, y, prior, noise_std, kl_weight, terms
        As for :func:`loss_and_gradients`.
    eps : array_like of shape (P,) or (S, P)
        Weight noise for the complexity cost.
    zeta : array_like of shape (S, n, network.n_units)
        Standard normal noise of the pre-activations, layer after layer along the last axis.

    Returns
    -------
    LossGradients
        ``log_likelihood`` is the mean over the S draws of zeta.
    """
    network = _checks.check_network(network)
    mu, rho = _checks.variational(network, mu, rho)
    eps, _ = _checks.weight_stack(eps, network.n_params, "eps")
    X = _checks.inputs(network, X)
    y = _checks.targets(network, y, X.shape[0])
    zeta = _checks.check_finite(_checks.float_array(zeta, "zeta"), "zeta")
    expected = (eps.shape[0], X.shape[0], network.n_units)
    if zeta.shape != expected:
        raise ValueError(f"zeta must have shape {expected} (samples of eps, rows of X, network.n_units); "
                         f"got shape {zeta.shape}")
    prior, likelihood = _check_prior(prior), likelihood_of(network, noise_std)
    kl_weight, terms = _check_kl_weight(kl_weight), _check_terms(terms)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        result = _local_loss_and_gradients(network, mu, rho, eps, zeta, X, y, prior, likelihood, kl_weight, terms)
    return _check_finite_result(result)


@dataclass(frozen=True)
class GradientVariance:
    """Variance of the gradient estimates over repeated draws of the noise.

    Attributes
    ----------
    variance_mu, variance_rho : ndarray of shape (P,)
        Per-parameter variance (ddof=1) of the estimates of the gradients in mu and rho.
    seconds : float
        Mean wall-clock time of one gradient estimate, in seconds.
    """

    variance_mu: np.ndarray
    variance_rho: np.ndarray
    seconds: float

    @property
    def total(self) -> float:
        """Sum of the variances of all 2P gradient components."""
        return float(self.variance_mu.sum() + self.variance_rho.sum())


def gradient_variance(
    network, mu, rho, X, y, prior, noise_std: float | None = None, *, n_samples: int = 1,
    n_draws: int = 200, local_reparameterization: bool = False, kl_weight: float = 1.0,
    terms=TERMS, rng=None,
) -> GradientVariance:
    """Measure the variance of the gradient estimator at fixed (mu, rho).

    Draws the noise ``n_draws`` times, each time with ``n_samples`` Monte Carlo samples (the
    same cost in forward passes for both estimators), and returns the per-parameter variance
    of the estimates of the gradients in mu and rho. Call it once with
    ``local_reparameterization=False`` and once with ``True`` on the same minibatch to compare
    the two (Kingma, Salimans and Welling 2015, Section 2.3).

    Parameters
    ----------
    network, mu, rho, X, y, prior, noise_std, kl_weight, terms
        As for :func:`loss_and_gradients`; ``X`` and ``y`` are one minibatch.
    n_samples : int
        S per gradient estimate.
    n_draws : int
        Repetitions, >= 2.
    local_reparameterization : bool
    rng : None, int or numpy.random.Generator

    Returns
    -------
    GradientVariance
    """
    network = _checks.check_network(network)
    mu, rho = _checks.variational(network, mu, rho)
    X = _checks.inputs(network, X)
    y = _checks.targets(network, y, X.shape[0])
    prior = _check_prior(prior)
    likelihood = likelihood_of(network, noise_std)
    n_samples = _checks.as_count(n_samples, "n_samples")
    n_draws = _checks.as_count(n_draws, "n_draws", minimum=2)
    if not isinstance(local_reparameterization, (bool, np.bool_)):
        raise TypeError(f"local_reparameterization must be True or False; got {local_reparameterization!r}")
    kl_weight, terms = _check_kl_weight(kl_weight), _check_terms(terms)
    rng = _checks.normalize_rng(rng)
    return _gradient_variance(network, mu, rho, X, y, prior, likelihood, n_samples, n_draws, local_reparameterization,
                              kl_weight, terms, rng)


@np.errstate(over="ignore", invalid="ignore")  # overflow is reported by name below
def _gradient_variance(network, mu, rho, X, y, prior, likelihood, n_samples, n_draws, local_reparameterization,
                       kl_weight, terms, rng) -> GradientVariance:
    P = network.n_params
    grads_mu, grads_rho = np.empty((n_draws, P)), np.empty((n_draws, P))
    start = time.perf_counter()
    for draw in range(n_draws):
        eps = rng.standard_normal((n_samples, P))
        if local_reparameterization:
            zeta = rng.standard_normal((n_samples, X.shape[0], network.n_units))
            result = _local_loss_and_gradients(network, mu, rho, eps, zeta, X, y, prior, likelihood,
                                               kl_weight, terms)
        else:
            result = _loss_and_gradients(network, mu, rho, eps, X, y, prior, likelihood, kl_weight, terms)
        grads_mu[draw], grads_rho[draw] = result.grad_mu, result.grad_rho
    seconds = (time.perf_counter() - start) / n_draws
    variance_mu, variance_rho = grads_mu.var(axis=0, ddof=1), grads_rho.var(axis=0, ddof=1)
    if not (np.all(np.isfinite(variance_mu)) and np.all(np.isfinite(variance_rho))):
        raise ValueError("the gradient or its variance overflowed: X, y, mu or rho are too large in magnitude for "
                         "this network; rescale X and y to values of order 1")
    return GradientVariance(variance_mu=variance_mu, variance_rho=variance_rho,
                            seconds=seconds)
