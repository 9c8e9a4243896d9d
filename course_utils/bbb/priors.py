"""Priors on the weights: a Gaussian and the paper's scale mixture, with their gradients."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from course_utils.bbb import _checks

LOG_2PI = np.log(2.0 * np.pi)


@dataclass(frozen=True)
class GaussianPrior:
    """Independent zero-mean Gaussians on all weights, :math:`p(w_j) = N(w_j | 0, sigma^2)`."""

    sigma: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "sigma", _checks.as_positive(self.sigma, "sigma"))

    def log_density(self, w: np.ndarray) -> np.ndarray:
        """Elementwise log-density, same shape as ``w``."""
        w = _checks.as_float_array(w, "w")
        return -0.5 * LOG_2PI - np.log(self.sigma) - 0.5 * (w / self.sigma) ** 2

    def grad_log_density(self, w: np.ndarray) -> np.ndarray:
        """Elementwise derivative of :meth:`log_density`."""
        return -_checks.as_float_array(w, "w") / self.sigma**2


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
        object.__setattr__(self, "sigma1", _checks.as_positive(self.sigma1, "sigma1"))
        object.__setattr__(self, "sigma2", _checks.as_positive(self.sigma2, "sigma2"))

    def _component_logs(self, w):
        log1 = np.log(self.pi) - 0.5 * LOG_2PI - np.log(self.sigma1) - 0.5 * (w / self.sigma1) ** 2
        log2 = np.log1p(-self.pi) - 0.5 * LOG_2PI - np.log(self.sigma2) - 0.5 * (w / self.sigma2) ** 2
        return log1, log2

    def log_density(self, w: np.ndarray) -> np.ndarray:
        """Elementwise log-density via ``logaddexp``: finite even where one component underflows."""
        w = _checks.as_float_array(w, "w")
        return np.logaddexp(*self._component_logs(w))

    def grad_log_density(self, w: np.ndarray) -> np.ndarray:
        """Elementwise derivative, :math:`-w (r_1/\\sigma_1^2 + r_2/\\sigma_2^2)` with the
        components' posterior weights :math:`r_1 + r_2 = 1` computed in log space."""
        w = _checks.as_float_array(w, "w")
        log1, log2 = self._component_logs(w)
        log_total = np.logaddexp(log1, log2)
        r1, r2 = np.exp(log1 - log_total), np.exp(log2 - log_total)
        return -w * (r1 / self.sigma1**2 + r2 / self.sigma2**2)


def _check_prior(prior):
    if not isinstance(prior, (GaussianPrior, ScaleMixturePrior)):
        raise TypeError(f"prior must be a GaussianPrior or a ScaleMixturePrior; got {type(prior).__name__}")
    return prior
