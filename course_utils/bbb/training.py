"""Training: Adam, Bayes by Backprop over minibatches, and an ordinary MAP network."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from course_utils.bbb import _checks
from course_utils.bbb.likelihoods import likelihood_of
from course_utils.bbb.local import _local_loss_and_gradients
from course_utils.bbb.objective import TERMS, _loss_and_gradients, _map_loss_and_gradient, kl_weights
from course_utils.bbb.posterior import inverse_softplus, softplus
from course_utils.bbb.priors import _check_prior


class Adam:
    """The Adam optimizer (Kingma and Ba 2015) for one flat parameter vector.

    Parameters
    ----------
    learning_rate : float
    beta1, beta2 : float in [0, 1)
        Decay rates of the running means of the gradient and of its square.
    epsilon : float
        Added to the root mean square so that a zero gradient gives a zero step.
    """

    def __init__(self, learning_rate: float = 1e-2, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8):
        self.learning_rate = _checks.as_positive(learning_rate, "learning_rate")
        for name, value in (("beta1", beta1), ("beta2", beta2)):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
                raise ValueError(f"{name} must lie in [0, 1); got {value!r}")
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.epsilon = _checks.as_positive(epsilon, "epsilon")
        self.t = 0
        self.m = None
        self.v = None

    def step(self, gradient: np.ndarray) -> np.ndarray:
        """Return the update to *subtract* from the parameters for this ``gradient``."""
        gradient = _checks.as_float_array(gradient, "gradient")
        if self.m is not None and gradient.shape != self.m.shape:
            raise ValueError(f"gradient must have shape {self.m.shape} like the previous steps; got {gradient.shape}")
        if self.m is None:
            self.m, self.v = np.zeros_like(gradient), np.zeros_like(gradient)
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * gradient
        self.v = self.beta2 * self.v + (1 - self.beta2) * gradient**2
        # Bias correction: both running means start at zero.
        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        return self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)


@dataclass(frozen=True)
class BBBFit:
    """Result of :func:`fit`.

    Attributes
    ----------
    network : Network
    prior : GaussianPrior or ScaleMixturePrior
    noise_std : float or None
        None for a softmax network.
    mu, rho : ndarray of shape (P,)
        The variational parameters; ``softplus(rho)`` are the standard deviations.
    elbo : ndarray of shape (n_epochs,)
        Monte Carlo estimate of the ELBO (minus the summed minibatch losses) in each epoch, nats.
    """

    network: object
    prior: object
    noise_std: float | None
    mu: np.ndarray
    rho: np.ndarray
    elbo: np.ndarray

    @property
    def sigma(self) -> np.ndarray:
        """Posterior standard deviations softplus(rho), shape (P,)."""
        return softplus(self.rho)


def _check_data(network, X, y):
    X = _checks.inputs(network, X)
    return X, _checks.targets(network, y, X.shape[0])


def _check_local(value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"local_reparameterization must be True or False; got {value!r}")
    return bool(value)


def _raise_if_diverged(value: float, epoch: int) -> None:
    if not np.isfinite(value):
        raise ValueError(f"training diverged in epoch {epoch}: the loss became {value}; rescale X and y to "
                         "values of order 1 or lower learning_rate")


@np.errstate(over="ignore", invalid="ignore")  # a diverging loss is reported by _raise_if_diverged
def fit(
    network, X, y, prior, noise_std: float | None = None, *, n_epochs: int = 1000, n_batches: int = 1,
    n_samples: int = 1, kl_scheme: str = "uniform", learning_rate: float = 1e-2,
    initial_sigma: float = 1e-3, local_reparameterization: bool = False, rng=None, callback=None,
) -> BBBFit:
    """Train the variational posterior with Bayes by Backprop and Adam.

    Each epoch shuffles the data into ``n_batches`` minibatches; for minibatch i it draws
    ``n_samples`` noise vectors, computes :func:`loss_and_gradients` (or
    :func:`local_loss_and_gradients`) with ``kl_weight = kl_weights(n_batches, kl_scheme)[i]``
    and takes one Adam step on mu and rho.

    Parameters
    ----------
    network : Network
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
        Real targets (regression) or class labels 0..K-1 (softmax network).
    prior : GaussianPrior or ScaleMixturePrior
    noise_std : float or None
        Standard deviation of the Gaussian likelihood (fixed, not learned); None for a
        softmax network.
    n_epochs, n_batches, n_samples : int
    kl_scheme : {"uniform", "geometric"}
        Blundell et al. (2015), Section 3.4: 1/M, or 2^(M-i)/(2^M - 1).
    learning_rate : float
        Adam's step size.
    initial_sigma : float
        Starting posterior standard deviation of every weight (the means start at
        :meth:`Network.initial_means`).
    local_reparameterization : bool, default False
        Sample the pre-activations instead of the weights for the likelihood term
        (Kingma, Salimans and Welling 2015).
    rng : None, int or numpy.random.Generator
    callback : callable, optional
        Called as ``callback(epoch, elbo)`` after every epoch (for a progress display).

    Returns
    -------
    BBBFit

    Raises
    ------
    ValueError, TypeError
        For bad arguments, and if the loss becomes non-finite (training diverged).
    """
    network = _checks.check_network(network)
    X, y = _check_data(network, X, y)
    prior = _check_prior(prior)
    likelihood = likelihood_of(network, noise_std)
    n_epochs = _checks.as_count(n_epochs, "n_epochs")
    n_batches = _checks.as_count(n_batches, "n_batches", maximum=X.shape[0])
    n_samples = _checks.as_count(n_samples, "n_samples")
    weights = kl_weights(n_batches, kl_scheme)
    initial_sigma = _checks.as_positive(initial_sigma, "initial_sigma")
    local = _check_local(local_reparameterization)
    callback = _checks.callback(callback)
    rng = _checks.normalize_rng(rng)

    P = network.n_params
    mu = network.initial_means(rng)
    rho = np.full(P, float(inverse_softplus(initial_sigma)))
    optimizer = Adam(learning_rate)
    elbo = np.empty(n_epochs)
    for epoch in range(n_epochs):
        batches = np.array_split(rng.permutation(X.shape[0]), n_batches)
        total = 0.0
        for batch, kl_weight in zip(batches, weights):
            eps = rng.standard_normal((n_samples, P))
            if local:
                zeta = rng.standard_normal((n_samples, batch.size, network.n_units))
                result = _local_loss_and_gradients(network, mu, rho, eps, zeta, X[batch], y[batch], prior,
                                                   likelihood, kl_weight, TERMS)
            else:
                result = _loss_and_gradients(network, mu, rho, eps, X[batch], y[batch], prior, likelihood,
                                             kl_weight, TERMS)
            step = optimizer.step(np.concatenate([result.grad_mu, result.grad_rho]))
            mu, rho = mu - step[:P], rho - step[P:]
            total += result.loss
        _raise_if_diverged(total, epoch)
        elbo[epoch] = -total
        if callback is not None:
            callback(epoch, elbo[epoch])
    return BBBFit(network=network, prior=prior, noise_std=_noise_std_of(likelihood), mu=mu, rho=rho,
                  elbo=elbo)


def _noise_std_of(likelihood):
    return getattr(likelihood, "noise_std", None)


@dataclass(frozen=True)
class MAPFit:
    """Result of :func:`fit_map`: the weights (P,) and the loss per epoch (n_epochs,), nats."""

    network: object
    weights: np.ndarray
    loss: np.ndarray


@np.errstate(over="ignore", invalid="ignore")  # a diverging loss is reported by _raise_if_diverged
def fit_map(
    network, X, y, prior, noise_std: float | None = None, *, n_epochs: int = 1000, n_batches: int = 1,
    learning_rate: float = 1e-2, rng=None, callback=None,
) -> MAPFit:
    r"""Train an ordinary network: Adam on :func:`map_loss_and_gradient`.

    With ``n_batches = M > 1`` each epoch shuffles the data into M minibatches and minibatch
    i minimizes :math:`-\ln p(D_i\mid w) - \ln p(w)/M`, so that an epoch's losses add up to
    the full objective. Parameters are as for :func:`fit`; ``rng`` draws the initial
    weights and the minibatches.

    Returns
    -------
    MAPFit
        ``loss`` holds the sum of the epoch's minibatch losses.
    """
    network = _checks.check_network(network)
    X, y = _check_data(network, X, y)
    prior = _check_prior(prior)
    likelihood = likelihood_of(network, noise_std)
    n_epochs = _checks.as_count(n_epochs, "n_epochs")
    n_batches = _checks.as_count(n_batches, "n_batches", maximum=X.shape[0])
    callback = _checks.callback(callback)
    rng = _checks.normalize_rng(rng)
    w = network.initial_means(rng)
    optimizer = Adam(learning_rate)
    losses = np.empty(n_epochs)
    for epoch in range(n_epochs):
        # One batch keeps the data in order and draws nothing, as full-batch training always did.
        batches = [slice(None)] if n_batches == 1 else np.array_split(rng.permutation(X.shape[0]), n_batches)
        losses[epoch] = 0.0
        for batch in batches:
            loss, gradient = _map_loss_and_gradient(network, w, X[batch], y[batch], prior, likelihood,
                                                    1.0 / n_batches)
            w = w - optimizer.step(gradient)
            losses[epoch] += loss
        _raise_if_diverged(losses[epoch], epoch)
        if callback is not None:
            callback(epoch, losses[epoch])
    return MAPFit(network=network, weights=w, loss=losses)
