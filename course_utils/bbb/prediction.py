"""Predictions averaged over weights drawn from q: regression bands and class probabilities."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from course_utils.bbb import _checks
from course_utils.bbb.likelihoods import log_softmax
from course_utils.bbb.network import _forward
from course_utils.bbb.posterior import softplus

_CHUNK = 25  # weight samples per forward pass: bounds memory at (25, m, hidden) floats


@dataclass(frozen=True)
class Predictive:
    """Posterior predictive summary of a regression network at m inputs.

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


def predict(network, mu, rho, X, noise_std: float, *, n_samples: int = 200, rng=None) -> Predictive:
    """Predictive mean and standard deviation of a regression network from ``n_samples`` draws.

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
    network = _checks.check_network(network)
    if network.output != "regression":
        raise ValueError("network must be a regression network for predict; use predict_classes for a "
                         "softmax network")
    mu, rho = _checks.variational(network, mu, rho)
    X = _checks.inputs(network, X)
    noise_std = _checks.likelihood_scale(network, noise_std)
    n_samples = _checks.as_count(n_samples, "n_samples", minimum=2)
    rng = _checks.normalize_rng(rng)
    w = mu + softplus(rho) * rng.standard_normal((n_samples, network.n_params))
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported by name below
        outputs = _forward(network, w, X)[0][:, :, 0]
        std = np.sqrt(outputs.var(axis=0, ddof=1) + noise_std**2)
    if not (np.all(np.isfinite(outputs)) and np.all(np.isfinite(std))):
        raise _overflow_error("mu and rho")
    return Predictive(mean=outputs.mean(axis=0), std=std, function_samples=outputs)


@dataclass(frozen=True)
class ClassPredictive:
    r"""Predictive class probabilities at m inputs, averaged over S weight vectors.

    Attributes
    ----------
    log_probabilities : ndarray of shape (m, K)
        :math:`\ln \frac1S\sum_s \operatorname{softmax}(z(x; w_s))_k`, computed with
        ``logsumexp`` so that it stays finite where a probability underflows.
    """

    log_probabilities: np.ndarray

    @property
    def probabilities(self) -> np.ndarray:
        """Predictive probabilities (m, K); each row sums to one."""
        return np.exp(self.log_probabilities)

    @property
    def labels(self) -> np.ndarray:
        """The most probable class of each input, shape (m,)."""
        return np.argmax(self.log_probabilities, axis=1)

    @property
    def entropy(self) -> np.ndarray:
        r"""Predictive entropy :math:`-\sum_k p_k \ln p_k` of each input, nats, shape (m,)."""
        return -np.sum(self.probabilities * self.log_probabilities, axis=1)


def _overflow_error(name: str) -> ValueError:
    return ValueError(f"the network's outputs overflowed: X or {name} are too large in magnitude for this "
                      "network; rescale X to values of order 1")


@np.errstate(over="ignore", invalid="ignore")  # overflow is reported by name below
def _class_predictive(network, w, X, name: str = "w") -> ClassPredictive:
    total = None
    for start in range(0, w.shape[0], _CHUNK):
        logits, _ = _forward(network, w[start : start + _CHUNK], X)
        part = logsumexp(log_softmax(logits), axis=0)
        total = part if total is None else np.logaddexp(total, part)
    if not np.all(np.isfinite(total)):
        raise _overflow_error(name)
    return ClassPredictive(log_probabilities=total - np.log(w.shape[0]))


def class_predictive(network, w, X) -> ClassPredictive:
    r"""Class probabilities of a softmax network averaged over the weight vectors in ``w``.

    :math:`p(y = k\mid x) \approx \frac1S\sum_s \operatorname{softmax}(z(x; w_s))_k`: the
    Monte Carlo estimate of the posterior predictive when the rows of ``w`` are drawn from
    q (Blundell et al. 2015, Section 2); a single weight vector (a MAP network) gives its
    own softmax.

    Parameters
    ----------
    network : Network
        A softmax network.
    w : array_like of shape (P,) or (S, P)
    X : array_like of shape (m, d)

    Returns
    -------
    ClassPredictive
    """
    network = _checks.check_network(network)
    if network.output != "softmax":
        raise ValueError("network must be a softmax network (output='softmax') for class probabilities; "
                         f"got output={network.output!r}")
    w, _ = _checks.weight_stack(w, network.n_params, "w")
    return _class_predictive(network, w, _checks.inputs(network, X))


def predict_classes(network, mu, rho, X, *, n_samples: int = 100, rng=None) -> ClassPredictive:
    """Predictive class probabilities of a Bayes-by-Backprop softmax network.

    Draws ``n_samples`` weight vectors from q(w | mu, rho) and averages their softmax outputs
    (see :func:`class_predictive`).

    Parameters
    ----------
    network : Network
    mu, rho : array_like of shape (P,)
    X : array_like of shape (m, d)
    n_samples : int
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ClassPredictive
    """
    network = _checks.check_network(network)
    if network.output != "softmax":
        raise ValueError("network must be a softmax network (output='softmax') for predict_classes; "
                         f"got output={network.output!r}")
    mu, rho = _checks.variational(network, mu, rho)
    X = _checks.inputs(network, X)
    n_samples = _checks.as_count(n_samples, "n_samples")
    rng = _checks.normalize_rng(rng)
    w = mu + softplus(rho) * rng.standard_normal((n_samples, network.n_params))
    return _class_predictive(network, w, X, "mu and rho")
