r"""Bayes by Backprop (Blundell et al. 2015) for a small regression network, in numpy.

The weights ``w`` of a fully connected network get a factorized Gaussian posterior
:math:`q(w\mid\mu,\rho) = \prod_j \mathcal N(w_j \mid \mu_j, \sigma_j^2)` with
:math:`\sigma = \operatorname{softplus}(\rho) = \ln(1 + e^\rho)`. Training minimizes the
variational free energy (minus the ELBO of lesson 05)

.. math:: F(\mu, \rho) = \mathrm E_q[\ln q(w) - \ln p(w) - \ln p(D\mid w)],

estimated with the reparameterization :math:`w = \mu + \sigma \odot \varepsilon`,
:math:`\varepsilon \sim \mathcal N(0, I)`, and every gradient is written by hand (lesson 07,
equations 7.6-7.8).

Shapes: inputs ``X`` are (n, d), targets ``y`` (n,), the flat parameter vectors ``mu``,
``rho`` and a weight vector ``w`` are (P,), where ``P = network.n_params``; ``S`` Monte
Carlo samples of the weights or of the noise are stacked as (S, P).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from course_utils._validation import as_count, as_data, as_positive

__all__ = [
    "ACTIVATIONS",
    "TERMS",
    "Adam",
    "BBBFit",
    "GaussianPrior",
    "LossGradients",
    "MAPFit",
    "Network",
    "Predictive",
    "ScaleMixturePrior",
    "fit",
    "fit_map",
    "forward",
    "hidden_features",
    "inverse_softplus",
    "kl_weights",
    "loss_and_gradients",
    "map_loss_and_gradient",
    "predict",
    "prune",
    "signal_to_noise",
    "softplus",
    "toy_regression_data",
]

LOG_2PI = np.log(2.0 * np.pi)
ACTIVATIONS = ("tanh", "relu")
TERMS = ("variational", "prior", "likelihood")
KL_SCHEMES = ("uniform", "geometric")


# --------------------------------------------------------------------------------------
# The network
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Network:
    """A fully connected regression network: inputs -> one or two hidden layers -> one output.

    Parameters
    ----------
    layer_sizes : tuple of int
        ``(d, h1, 1)`` or ``(d, h1, h2, 1)``.
    activation : {"tanh", "relu"}
        Non-linearity of the hidden layers; the output layer is linear.

    Notes
    -----
    All weights and biases live in one flat vector of length :attr:`n_params`, layer by
    layer, each layer's weight matrix (row-major, shape ``(inputs, outputs)``) followed by
    its bias.
    """

    layer_sizes: tuple
    activation: str = "tanh"

    def __post_init__(self):
        sizes = self.layer_sizes
        if not isinstance(sizes, (tuple, list)) or len(sizes) not in (3, 4):
            raise ValueError(
                "layer_sizes must be (d, h1, 1) or (d, h1, h2, 1): one or two hidden layers; "
                f"got {sizes!r}"
            )
        checked = tuple(as_count(size, "each entry of layer_sizes") for size in sizes)
        if checked[-1] != 1:
            raise ValueError(f"layer_sizes must end with 1 (one regression output); got {checked!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}; got {self.activation!r}")
        object.__setattr__(self, "layer_sizes", checked)

    @property
    def n_params(self) -> int:
        """Number of weights and biases, P."""
        return sum((a + 1) * b for a, b in zip(self.layer_sizes[:-1], self.layer_sizes[1:]))

    def unpack(self, w: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Views ``(W, b)`` per layer of a stack of weight vectors ``w`` of shape (S, P).

        ``W`` has shape (S, inputs, outputs) and ``b`` (S, outputs).
        """
        layers, start = [], 0
        for a, b in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            W = w[:, start : start + a * b].reshape(-1, a, b)
            start += a * b
            layers.append((W, w[:, start : start + b]))
            start += b
        return layers

    def initial_means(self, rng=None) -> np.ndarray:
        """Random weights of shape (P,), N(0, 1/inputs) per layer (LeCun's scaling), zero biases."""
        rng = np.random.default_rng(rng)
        pieces = []
        for a, b in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            pieces.append(rng.normal(scale=1.0 / np.sqrt(a), size=a * b))
            pieces.append(np.zeros(b))
        return np.concatenate(pieces)


def _activate(z: np.ndarray, activation: str) -> tuple[np.ndarray, np.ndarray]:
    """The activation and its derivative, both with the shape of ``z``."""
    if activation == "tanh":
        a = np.tanh(z)
        return a, 1.0 - a * a
    positive = z > 0
    return np.where(positive, z, 0.0), positive.astype(float)


def _forward(network: Network, w: np.ndarray, X: np.ndarray):
    """Outputs (S, n) for weights (S, P), and the cache the backward pass needs."""
    layers = network.unpack(w)
    a = X  # (n, d), broadcast against the S weight matrices by matmul
    cache = []
    for index, (W, b) in enumerate(layers):
        z = np.matmul(a, W) + b[:, np.newaxis, :]
        if index < len(layers) - 1:
            a_next, slope = _activate(z, network.activation)
            cache.append((a, slope))
            a = a_next
        else:
            cache.append((a, None))
    return z[:, :, 0], cache


def _backward(network: Network, w: np.ndarray, cache, d_output: np.ndarray) -> np.ndarray:
    """Gradient (S, P) of sum_n g(output_sn) with respect to w, given d_output = g' of shape (S, n)."""
    layers = network.unpack(w)
    gradient = np.empty_like(w)
    grad_layers = network.unpack(gradient)
    delta = d_output[:, :, np.newaxis]  # (S, n, outputs of the last layer)
    for index in range(len(layers) - 1, -1, -1):
        a_in, _ = cache[index]
        grad_W, grad_b = grad_layers[index]
        a_t = a_in.T if a_in.ndim == 2 else np.swapaxes(a_in, 1, 2)
        grad_W[...] = np.matmul(a_t, delta)
        grad_b[...] = delta.sum(axis=1)
        if index > 0:
            W = layers[index][0]
            delta = np.matmul(delta, np.swapaxes(W, 1, 2)) * cache[index - 1][1]
    return gradient


def _as_weight_stack(w, P: int, name: str) -> tuple[np.ndarray, bool]:
    array = np.asarray(w, dtype=float)
    single = array.ndim == 1
    if single:
        array = array[np.newaxis, :]
    if array.ndim != 2 or array.shape[1] != P or array.shape[0] < 1:
        raise ValueError(f"{name} must have shape ({P},) or (S, {P}); got shape {np.shape(w)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf values")
    return array, single


def _check_network(network) -> Network:
    if not isinstance(network, Network):
        raise TypeError(f"network must be a Network; got {type(network).__name__}")
    return network


def _check_inputs(network: Network, X) -> np.ndarray:
    X = as_data(X)
    if X.shape[1] != network.layer_sizes[0]:
        raise ValueError(
            f"X must have {network.layer_sizes[0]} columns (the network's inputs); got shape {X.shape}"
        )
    return X


def _check_targets(y, n: int) -> np.ndarray:
    array = np.asarray(y, dtype=float)
    if array.shape != (n,):
        raise ValueError(f"y must have shape ({n},), one target per row of X; got shape {np.shape(y)}")
    if not np.all(np.isfinite(array)):
        raise ValueError("y contains NaN or inf values")
    return array


def forward(network: Network, w, X) -> np.ndarray:
    """Network outputs for one weight vector or a stack of them.

    Parameters
    ----------
    network : Network
    w : array_like of shape (P,) or (S, P)
    X : array_like of shape (n, d)

    Returns
    -------
    outputs : ndarray of shape (n,) for a single weight vector, else (S, n)
    """
    network = _check_network(network)
    w, single = _as_weight_stack(w, network.n_params, "w")
    outputs, _ = _forward(network, w, _check_inputs(network, X))
    return outputs[0] if single else outputs


def hidden_features(network: Network, w, X) -> np.ndarray:
    """Activations of the last hidden layer for one weight vector, shape (n, h_last).

    The output is ``features @ W_last + b_last``: a linear model on these features, which
    lesson 07 uses for a Laplace approximation of the last layer (lesson 06).

    Parameters
    ----------
    network : Network
    w : array_like of shape (P,)
    X : array_like of shape (n, d)
    """
    network = _check_network(network)
    w, single = _as_weight_stack(w, network.n_params, "w")
    if not single:
        raise ValueError(f"w must have shape ({network.n_params},); got shape {w.shape}")
    _, cache = _forward(network, w, _check_inputs(network, X))
    return cache[-1][0][0]


# --------------------------------------------------------------------------------------
# sigma = softplus(rho), computed stably
# --------------------------------------------------------------------------------------


def softplus(rho) -> np.ndarray:
    r"""The standard deviation :math:`\sigma = \ln(1 + e^\rho)`, without overflow for large rho.

    ``np.logaddexp(0, rho)`` never forms :math:`e^\rho` for large :math:`\rho` (it returns
    :math:`\rho + \ln(1 + e^{-\rho})`), and for very negative :math:`\rho` it returns
    :math:`e^\rho` to full relative precision.
    """
    return np.logaddexp(0.0, rho)


def inverse_softplus(sigma) -> np.ndarray:
    r""":math:`\rho` with softplus(rho) = sigma, i.e. :math:`\ln(e^\sigma - 1)`, for sigma > 0.

    Written :math:`\sigma + \ln(1 - e^{-\sigma})` so that it neither overflows for large
    sigma nor loses digits for small sigma.
    """
    sigma = np.asarray(sigma, dtype=float)
    if np.any(~np.isfinite(sigma)) or np.any(sigma <= 0):
        raise ValueError("sigma must be finite and > 0")
    return sigma + np.log(-np.expm1(-sigma))


def _log_softplus(rho: np.ndarray) -> np.ndarray:
    """ln sigma; for rho < -30, ln ln(1 + e^rho) = rho to within 1e-13 (and e^rho may underflow)."""
    with np.errstate(divide="ignore"):
        return np.where(rho < -30.0, rho, np.log(softplus(np.maximum(rho, -30.0))))


def _sigmoid_over_softplus(rho: np.ndarray) -> np.ndarray:
    """d(ln sigma)/d rho = sigmoid(rho) / softplus(rho), finite for every rho (-> 1 as rho -> -inf)."""
    safe = np.maximum(rho, -30.0)
    return np.where(rho < -30.0, 1.0, expit(safe) / softplus(safe))


# --------------------------------------------------------------------------------------
# Priors
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GaussianPrior:
    """Independent zero-mean Gaussians on all weights, :math:`p(w_j) = N(w_j | 0, sigma^2)`."""

    sigma: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "sigma", as_positive(self.sigma, "sigma"))

    def log_density(self, w: np.ndarray) -> np.ndarray:
        """Elementwise log-density, same shape as ``w``."""
        return -0.5 * LOG_2PI - np.log(self.sigma) - 0.5 * (w / self.sigma) ** 2

    def grad_log_density(self, w: np.ndarray) -> np.ndarray:
        """Elementwise derivative of :meth:`log_density`."""
        return -w / self.sigma**2


@dataclass(frozen=True)
class ScaleMixturePrior:
    r"""The paper's scale mixture prior, elementwise
    :math:`p(w_j) = \pi N(w_j\mid 0,\sigma_1^2) + (1-\pi) N(w_j\mid 0,\sigma_2^2)`.

    Typically :math:`\sigma_1 \gg \sigma_2`: a broad component for the weights that matter
    and a narrow spike at zero for the rest (Blundell et al. 2015, Section 3.3; lesson 07,
    equation 7.9).
    """

    pi: float = 0.5
    sigma1: float = 1.0
    sigma2: float = float(np.exp(-6.0))

    def __post_init__(self):
        if isinstance(self.pi, bool) or not isinstance(self.pi, numbers.Real):
            raise TypeError(f"pi must be a real number; got {self.pi!r}")
        if not 0.0 < float(self.pi) < 1.0:
            raise ValueError(f"pi must lie strictly between 0 and 1; got {self.pi}")
        object.__setattr__(self, "pi", float(self.pi))
        object.__setattr__(self, "sigma1", as_positive(self.sigma1, "sigma1"))
        object.__setattr__(self, "sigma2", as_positive(self.sigma2, "sigma2"))

    def _component_logs(self, w):
        log1 = np.log(self.pi) - 0.5 * LOG_2PI - np.log(self.sigma1) - 0.5 * (w / self.sigma1) ** 2
        log2 = np.log1p(-self.pi) - 0.5 * LOG_2PI - np.log(self.sigma2) - 0.5 * (w / self.sigma2) ** 2
        return log1, log2

    def log_density(self, w: np.ndarray) -> np.ndarray:
        """Elementwise log-density via ``logaddexp``: finite even where one component underflows."""
        return np.logaddexp(*self._component_logs(w))

    def grad_log_density(self, w: np.ndarray) -> np.ndarray:
        """Elementwise derivative, :math:`-w (r_1/\\sigma_1^2 + r_2/\\sigma_2^2)` with the
        components' posterior weights :math:`r_1 + r_2 = 1` computed in log space."""
        log1, log2 = self._component_logs(w)
        log_total = np.logaddexp(log1, log2)
        r1, r2 = np.exp(log1 - log_total), np.exp(log2 - log_total)
        return -w * (r1 / self.sigma1**2 + r2 / self.sigma2**2)


def _check_prior(prior):
    if not isinstance(prior, (GaussianPrior, ScaleMixturePrior)):
        raise TypeError(f"prior must be a GaussianPrior or a ScaleMixturePrior; got {type(prior).__name__}")
    return prior


# --------------------------------------------------------------------------------------
# The Monte Carlo loss and its gradients
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossGradients:
    """Monte Carlo estimate of the (minibatch) free energy and its gradients.

    Attributes
    ----------
    loss : float
        Mean over the S samples of ``kl_weight * (ln q - ln p(w)) - ln p(D | w)``
        (only the requested terms).
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


def _check_noise_std(noise_std) -> float:
    return as_positive(noise_std, "noise_std")


def _loss_and_gradients(network, mu, rho, eps, X, y, prior, noise_std, kl_weight, terms) -> LossGradients:
    """Trusting version of :func:`loss_and_gradients`; ``eps`` is (S, P)."""
    sigma = softplus(rho)
    w = mu + sigma * eps  # (S, P)
    n_samples = eps.shape[0]

    outputs, cache = _forward(network, w, X)
    residuals = (y - outputs) / noise_std  # (S, n)
    log_likelihood = -0.5 * np.sum(residuals**2, axis=1) - y.size * (0.5 * LOG_2PI + np.log(noise_std))
    log_prior = np.sum(prior.log_density(w), axis=1)
    # ln q(w | mu, sigma) at w = mu + sigma * eps: (w - mu) / sigma is eps itself, so it is
    # used directly instead of being recomputed from w (which loses digits when sigma << |mu|).
    log_q = -np.sum(_log_softplus(rho)) - 0.5 * np.sum(eps**2, axis=1) - 0.5 * LOG_2PI * mu.size

    # df/dw from the terms in which w appears explicitly: -ln p(w) and -ln p(D | w).
    df_dw = np.zeros_like(w)
    loss = np.zeros(n_samples)
    if "prior" in terms:
        df_dw -= kl_weight * prior.grad_log_density(w)
        loss -= kl_weight * log_prior
    if "likelihood" in terms:
        df_dw -= _backward(network, w, cache, residuals / noise_std)
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


def _check_variational(network, mu, rho) -> tuple[np.ndarray, np.ndarray]:
    P = network.n_params
    mu, rho = np.asarray(mu, dtype=float), np.asarray(rho, dtype=float)
    for name, array in (("mu", mu), ("rho", rho)):
        if array.shape != (P,):
            raise ValueError(f"{name} must have shape ({P},), one entry per network parameter; "
                             f"got shape {array.shape}")
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} contains NaN or inf values")
    return mu, rho


def _check_terms(terms) -> tuple[str, ...]:
    if isinstance(terms, str):
        terms = (terms,)
    terms = tuple(terms)
    unknown = [t for t in terms if t not in TERMS]
    if unknown or not terms:
        raise ValueError(f"terms must be a non-empty subset of {TERMS}; got {terms!r}")
    return terms


def loss_and_gradients(
    network: Network, mu, rho, eps, X, y, prior, noise_std: float,
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
    prior : GaussianPrior or ScaleMixturePrior
    noise_std : float
        Standard deviation of the Gaussian likelihood :math:`p(y\mid x, w) = N(y\mid f(x; w), s^2)`.
    kl_weight : float, default 1
        Weight :math:`\lambda \ge 0` of the complexity cost :math:`\ln q - \ln p(w)`.
    terms : subset of ("variational", "prior", "likelihood")
        Which terms enter ``loss`` and the gradients (all by default); used to inspect one
        term at a time.

    Returns
    -------
    LossGradients
    """
    network = _check_network(network)
    mu, rho = _check_variational(network, mu, rho)
    eps, _ = _as_weight_stack(eps, network.n_params, "eps")
    X = _check_inputs(network, X)
    y = _check_targets(y, X.shape[0])
    prior = _check_prior(prior)
    noise_std = _check_noise_std(noise_std)
    if isinstance(kl_weight, bool) or not isinstance(kl_weight, numbers.Real) or not (
        np.isfinite(kl_weight) and kl_weight >= 0
    ):
        raise ValueError(f"kl_weight must be a finite number >= 0; got {kl_weight!r}")
    return _loss_and_gradients(network, mu, rho, eps, X, y, prior, noise_std, float(kl_weight),
                               _check_terms(terms))


def kl_weights(n_batches: int, scheme: str = "uniform") -> np.ndarray:
    r"""Weights :math:`\pi_i` of the complexity cost for minibatches :math:`i = 1..M`.

    Any weights that sum to one keep the sum of the minibatch losses an estimate of the full
    free energy (lesson 07, equation 7.10). ``"uniform"``: :math:`\pi_i = 1/M`.
    ``"geometric"`` (Blundell et al. 2015, Section 3.4):
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
    M = as_count(n_batches, "n_batches")
    if scheme == "uniform":
        return np.full(M, 1.0 / M)
    if scheme == "geometric":
        i = np.arange(1, M + 1)
        return np.exp2(-i.astype(float)) / -np.expm1(-M * np.log(2.0))
    raise ValueError(f"scheme must be one of {KL_SCHEMES}; got {scheme!r}")


# --------------------------------------------------------------------------------------
# Adam and the training loops
# --------------------------------------------------------------------------------------


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
        self.learning_rate = as_positive(learning_rate, "learning_rate")
        for name, value in (("beta1", beta1), ("beta2", beta2)):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
                raise ValueError(f"{name} must lie in [0, 1); got {value!r}")
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.epsilon = as_positive(epsilon, "epsilon")
        self.t = 0
        self.m = None
        self.v = None

    def step(self, gradient: np.ndarray) -> np.ndarray:
        """Return the update to *subtract* from the parameters for this ``gradient``."""
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
    noise_std : float
    mu, rho : ndarray of shape (P,)
        The variational parameters; ``softplus(rho)`` are the standard deviations.
    elbo : ndarray of shape (n_epochs,)
        Monte Carlo estimate of the ELBO (minus the summed minibatch losses) in each epoch.
    """

    network: Network
    prior: object
    noise_std: float
    mu: np.ndarray
    rho: np.ndarray
    elbo: np.ndarray

    @property
    def sigma(self) -> np.ndarray:
        """Posterior standard deviations softplus(rho), shape (P,)."""
        return softplus(self.rho)


def _check_data(network, X, y):
    X = _check_inputs(network, X)
    return X, _check_targets(y, X.shape[0])


def fit(
    network: Network, X, y, prior, noise_std: float, *, n_epochs: int = 1000, n_batches: int = 1,
    n_samples: int = 1, kl_scheme: str = "uniform", learning_rate: float = 1e-2,
    initial_sigma: float = 1e-3, rng=None, callback=None,
) -> BBBFit:
    """Train the variational posterior with Bayes by Backprop and Adam.

    Each epoch shuffles the data into ``n_batches`` minibatches; for minibatch i it draws
    ``n_samples`` noise vectors, computes :func:`loss_and_gradients` with
    ``kl_weight = kl_weights(n_batches, kl_scheme)[i]`` and takes one Adam step on mu and
    rho.

    Parameters
    ----------
    network : Network
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    prior : GaussianPrior or ScaleMixturePrior
    noise_std : float
        Standard deviation of the Gaussian likelihood (fixed, not learned).
    n_epochs, n_batches, n_samples : int
    kl_scheme : {"uniform", "geometric"}
    learning_rate : float
        Adam's step size.
    initial_sigma : float
        Starting posterior standard deviation of every weight (the means start at
        :meth:`Network.initial_means`).
    rng : None, int or numpy.random.Generator
    callback : callable, optional
        Called as ``callback(epoch, elbo)`` after every epoch (for a progress display).

    Returns
    -------
    BBBFit
    """
    network = _check_network(network)
    X, y = _check_data(network, X, y)
    prior = _check_prior(prior)
    noise_std = _check_noise_std(noise_std)
    n_epochs = as_count(n_epochs, "n_epochs")
    n_batches = as_count(n_batches, "n_batches", maximum=X.shape[0])
    n_samples = as_count(n_samples, "n_samples")
    weights = kl_weights(n_batches, kl_scheme)
    initial_sigma = as_positive(initial_sigma, "initial_sigma")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None; got {type(callback).__name__}")
    rng = np.random.default_rng(rng)

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
            result = _loss_and_gradients(network, mu, rho, eps, X[batch], y[batch], prior, noise_std,
                                         kl_weight, TERMS)
            step = optimizer.step(np.concatenate([result.grad_mu, result.grad_rho]))
            mu, rho = mu - step[:P], rho - step[P:]
            total += result.loss
        elbo[epoch] = -total
        if callback is not None:
            callback(epoch, elbo[epoch])
    return BBBFit(network=network, prior=prior, noise_std=noise_std, mu=mu, rho=rho, elbo=elbo)


def _map_loss_and_gradient(network, w, X, y, prior, noise_std):
    outputs, cache = _forward(network, w[np.newaxis, :], X)
    residuals = (y - outputs) / noise_std
    loss = 0.5 * np.sum(residuals**2) + y.size * (0.5 * LOG_2PI + np.log(noise_std))
    loss -= np.sum(prior.log_density(w))
    gradient = _backward(network, w[np.newaxis, :], cache, -residuals / noise_std)[0]
    return float(loss), gradient - prior.grad_log_density(w)


def map_loss_and_gradient(network: Network, w, X, y, prior, noise_std: float) -> tuple[float, np.ndarray]:
    r"""Negative log joint :math:`-\ln p(D\mid w) - \ln p(w)` and its gradient (P,).

    The objective of an ordinary network trained with weight decay (a MAP estimate,
    lesson 05). ``w`` has shape (P,).
    """
    network = _check_network(network)
    w, single = _as_weight_stack(w, network.n_params, "w")
    if not single:
        raise ValueError(f"w must have shape ({network.n_params},); got shape {w.shape}")
    X, y = _check_data(network, X, y)
    return _map_loss_and_gradient(network, w[0], X, y, _check_prior(prior), _check_noise_std(noise_std))


@dataclass(frozen=True)
class MAPFit:
    """Result of :func:`fit_map`: the weights (P,) and the loss per epoch (n_epochs,)."""

    network: Network
    weights: np.ndarray
    loss: np.ndarray


def fit_map(
    network: Network, X, y, prior, noise_std: float, *, n_epochs: int = 1000,
    learning_rate: float = 1e-2, rng=None, callback=None,
) -> MAPFit:
    """Train an ordinary network: full-batch Adam on :func:`map_loss_and_gradient`.

    Parameters are as for :func:`fit`; ``rng`` only draws the initial weights.
    """
    network = _check_network(network)
    X, y = _check_data(network, X, y)
    prior = _check_prior(prior)
    noise_std = _check_noise_std(noise_std)
    n_epochs = as_count(n_epochs, "n_epochs")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None; got {type(callback).__name__}")
    w = network.initial_means(np.random.default_rng(rng))
    optimizer = Adam(learning_rate)
    losses = np.empty(n_epochs)
    for epoch in range(n_epochs):
        losses[epoch], gradient = _map_loss_and_gradient(network, w, X, y, prior, noise_std)
        w = w - optimizer.step(gradient)
        if callback is not None:
            callback(epoch, losses[epoch])
    return MAPFit(network=network, weights=w, loss=losses)


# --------------------------------------------------------------------------------------
# Prediction and pruning
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Predictive:
    """Posterior predictive summary at m inputs.

    Attributes
    ----------
    mean : ndarray of shape (m,)
        Mean of the network output over the weight samples.
    std : ndarray of shape (m,)
        :math:`\\sqrt{\\mathrm{Var}_w[f(x; w)] + s^2}`: spread of the outputs plus the noise.
    function_samples : ndarray of shape (S, m)
        The network outputs for each weight sample (for quantiles or spaghetti plots).
    """

    mean: np.ndarray
    std: np.ndarray
    function_samples: np.ndarray


def predict(network: Network, mu, rho, X, noise_std: float, *, n_samples: int = 200, rng=None) -> Predictive:
    """Predictive mean and standard deviation from ``n_samples`` draws of the weights.

    Parameters
    ----------
    network : Network
    mu, rho : array_like of shape (P,)
    X : array_like of shape (m, d)
    noise_std : float
        The likelihood's standard deviation, added in quadrature to the spread of the outputs.
    n_samples : int
    rng : None, int or numpy.random.Generator

    Returns
    -------
    Predictive
    """
    network = _check_network(network)
    mu, rho = _check_variational(network, mu, rho)
    X = _check_inputs(network, X)
    noise_std = _check_noise_std(noise_std)
    n_samples = as_count(n_samples, "n_samples", minimum=2)
    rng = np.random.default_rng(rng)
    w = mu + softplus(rho) * rng.standard_normal((n_samples, network.n_params))
    outputs, _ = _forward(network, w, X)
    std = np.sqrt(outputs.var(axis=0, ddof=1) + noise_std**2)
    return Predictive(mean=outputs.mean(axis=0), std=std, function_samples=outputs)


def signal_to_noise(mu, rho) -> np.ndarray:
    """|mu| / sigma for every weight, shape (P,): small values mark weights that can be dropped."""
    mu, rho = np.asarray(mu, dtype=float), np.asarray(rho, dtype=float)
    if mu.shape != rho.shape or mu.ndim != 1:
        raise ValueError(f"mu and rho must be 1-D arrays of the same shape; got {mu.shape} and {rho.shape}")
    return np.abs(mu) / softplus(rho)


def prune(mu, rho, fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """Set the ``fraction`` of weights with the lowest signal-to-noise ratio to zero.

    Returns
    -------
    pruned_mu : ndarray of shape (P,)
        ``mu`` with the removed entries set to 0.
    keep : ndarray of bool, shape (P,)
        True for the weights that were kept.
    """
    ratio = signal_to_noise(mu, rho)
    if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real) or not 0 <= fraction <= 1:
        raise ValueError(f"fraction must lie in [0, 1]; got {fraction!r}")
    n_removed = round(fraction * ratio.size)
    keep = np.ones(ratio.size, dtype=bool)
    keep[np.argsort(ratio, kind="stable")[:n_removed]] = False
    return np.where(keep, mu, 0.0), keep


# --------------------------------------------------------------------------------------
# The paper's toy regression
# --------------------------------------------------------------------------------------


def toy_regression_data(n: int, rng=None, *, low: float = 0.0, high: float = 0.5,
                        noise_std: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
    r"""The curve of Blundell et al. (2015, Section 5.2) with inputs uniform on [low, high].

    .. math:: y = x + 0.3\sin(2\pi(x + e)) + 0.3\sin(4\pi(x + e)) + e,\quad e\sim N(0, 0.02^2)

    Returns
    -------
    X : ndarray of shape (n, 1)
    y : ndarray of shape (n,)
    """
    n = as_count(n, "n")
    noise_std = as_positive(noise_std, "noise_std")
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"low and high must be finite with low < high; got {low!r} and {high!r}")
    rng = np.random.default_rng(rng)
    x = rng.uniform(low, high, size=n)
    e = rng.normal(scale=noise_std, size=n)
    y = x + 0.3 * np.sin(2 * np.pi * (x + e)) + 0.3 * np.sin(4 * np.pi * (x + e)) + e
    return x[:, np.newaxis], y
