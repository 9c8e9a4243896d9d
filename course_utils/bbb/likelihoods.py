r"""Likelihoods of the network's outputs, each with its gradient in the outputs.

Each ``log_density_and_gradient(outputs, y)`` takes the outputs (S, n, K) of S sampled
networks and returns :math:`\ln p(D\mid w_s)` for every sample, shape (S,), and its
derivative in the outputs, shape (S, n, K), which backpropagation carries to the weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_utils._validation import as_float_array
from course_utils.bbb import _checks

LOG_2PI = np.log(2.0 * np.pi)


def log_softmax(logits) -> np.ndarray:
    r""":math:`\ln\operatorname{softmax}(z)_k = z_k - \ln\sum_j e^{z_j}` along the last axis.

    The largest logit :math:`m` is subtracted first,
    :math:`\ln\sum_j e^{z_j} = m + \ln\sum_j e^{z_j - m}`, so no exponential overflows and
    the log-probabilities stay finite even where the probabilities underflow to 0.
    """
    logits = as_float_array(logits, "logits")
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax(logits) -> np.ndarray:
    """Class probabilities from logits along the last axis (rows sum to one)."""
    return np.exp(log_softmax(logits))


@dataclass(frozen=True)
class GaussianLikelihood:
    r""":math:`p(y\mid x, w) = \mathcal N(y \mid f(x; w), s^2)` for a regression network."""

    noise_std: float

    def log_density_and_gradient(self, outputs: np.ndarray, y: np.ndarray):
        """Log-likelihood (S,) of targets ``y`` (n,) and its gradient (S, n, 1) in the outputs."""
        s = self.noise_std
        residuals = (y - outputs[:, :, 0]) / s  # (S, n)
        log_likelihood = -0.5 * np.sum(residuals**2, axis=1) - y.size * (0.5 * LOG_2PI + np.log(s))
        return log_likelihood, (residuals / s)[:, :, np.newaxis]


@dataclass(frozen=True)
class CategoricalLikelihood:
    r""":math:`p(y = k\mid x, w) = \operatorname{softmax}(z(x; w))_k` for a softmax network.

    In the logits :math:`z`, :math:`\partial \ln p(y\mid x, w)/\partial z_k
    = [y = k] - \operatorname{softmax}(z)_k` (the one-hot label minus the probabilities).
    """

    def log_density_and_gradient(self, logits: np.ndarray, labels: np.ndarray):
        """Log-likelihood (S,) of integer ``labels`` (n,) and its gradient (S, n, K) in the logits."""
        log_p = log_softmax(logits)  # (S, n, K)
        rows = np.arange(labels.size)
        log_likelihood = np.sum(log_p[:, rows, labels], axis=1)
        gradient = -np.exp(log_p)
        gradient[:, rows, labels] += 1.0
        return log_likelihood, gradient


def likelihood_of(network, noise_std):
    """The likelihood matching the network's output: Gaussian with ``noise_std`` or categorical."""
    scale = _checks.likelihood_scale(network, noise_std)
    return GaussianLikelihood(scale) if network.output == "regression" else CategoricalLikelihood()
