"""Pruning: remove the weights with the lowest signal-to-noise ratio (or magnitude)."""

from __future__ import annotations

import numpy as np

from course_utils.bbb import _checks
from course_utils.bbb.posterior import _log_softplus

_LOG_MAX = np.log(np.finfo(float).max)


def _log_signal_to_noise(mu: np.ndarray, rho: np.ndarray) -> np.ndarray:
    # ln|mu| - ln sigma: for rho below about -745 sigma underflows to 0 and |mu|/sigma would
    # be 0/0 or x/0, while ln sigma = rho stays exact. ln 0 = -inf ranks zero means first.
    with np.errstate(divide="ignore"):
        return np.log(np.abs(mu)) - _log_softplus(rho)


def _check_mu_rho(mu, rho):
    mu, rho = _checks.float_array(mu, "mu"), _checks.float_array(rho, "rho")
    if mu.shape != rho.shape or mu.ndim != 1:
        raise ValueError(f"mu and rho must be 1-D arrays of the same shape; got {mu.shape} and {rho.shape}")
    return _checks.check_finite(mu, "mu"), _checks.check_finite(rho, "rho")


def signal_to_noise(mu, rho, *, log: bool = False) -> np.ndarray:
    r""":math:`|\mu_j|/\sigma_j` for every weight, shape (P,): small values mark weights that can go.

    Computed as :math:`\exp(\ln|\mu| - \ln\sigma)` with :math:`\ln\sigma` from rho directly
    (Blundell et al. 2015, Section 5.1), so that it stays right when sigma underflows.

    Parameters
    ----------
    mu, rho : array_like of shape (P,)
    log : bool, default False
        Return :math:`\ln(|\mu|/\sigma)` instead, which is finite for any finite mu and rho
        except where mu = 0 (then it is -inf, the logarithm of the true ratio 0).

    Raises
    ------
    ValueError
        If the ratio itself exceeds the largest float (about 1.8e308), e.g. for rho = -800;
        ``log=True`` gives its logarithm.
    """
    mu, rho = _check_mu_rho(mu, rho)
    log_ratio = _log_signal_to_noise(mu, rho)
    if log:
        return log_ratio
    if np.any(log_ratio > _LOG_MAX):
        j = int(np.argmax(log_ratio))
        raise ValueError(f"signal-to-noise ratio |mu|/sigma exceeds the largest float at index {j} "
                         f"(mu = {mu[j]:.3g}, rho = {rho[j]:.3g}); use log=True for its logarithm")
    return np.exp(log_ratio)


def _n_removed(fraction, size: int) -> int:
    return round(_checks.fraction(fraction) * size)


def _prune_by(scores: np.ndarray, values: np.ndarray, fraction) -> tuple[np.ndarray, np.ndarray]:
    keep = np.ones(scores.size, dtype=bool)
    keep[np.argsort(scores, kind="stable")[: _n_removed(fraction, scores.size)]] = False
    return np.where(keep, values, 0.0), keep


def prune(mu, rho, fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """Set the ``fraction`` of weights with the lowest signal-to-noise ratio to zero.

    Weights are ranked by :math:`\\ln|\\mu|-\\ln\\sigma` (see :func:`signal_to_noise`); ties
    keep their order (the earlier weight goes first); ``round(fraction * P)`` are removed.

    Parameters
    ----------
    mu, rho : array_like of shape (P,)
    fraction : float in [0, 1]

    Returns
    -------
    pruned_mu : ndarray of shape (P,)
        ``mu`` with the removed entries set to 0.
    keep : ndarray of bool, shape (P,)
        True for the weights that were kept.
    """
    mu, rho = _check_mu_rho(mu, rho)
    return _prune_by(_log_signal_to_noise(mu, rho), mu, fraction)


def prune_by_magnitude(w, fraction: float) -> tuple[np.ndarray, np.ndarray]:
    """Set the ``fraction`` of weights with the smallest |w| to zero (pruning a MAP network).

    Parameters
    ----------
    w : array_like of shape (P,)
    fraction : float in [0, 1]

    Returns
    -------
    pruned_w : ndarray of shape (P,)
    keep : ndarray of bool, shape (P,)
    """
    w = _checks.check_finite(_checks.float_array(w, "w"), "w")
    if w.ndim != 1:
        raise ValueError(f"w must be a 1-D array of shape (P,); got shape {w.shape}")
    return _prune_by(np.abs(w), w, fraction)


def pruning_curve(network, X, labels, fractions, *, mu=None, rho=None, w=None) -> np.ndarray:
    """Test error of a pruned softmax network for each share of weights removed.

    Give ``mu`` and ``rho`` (Bayes by Backprop: remove the lowest signal-to-noise first,
    then use the posterior means, as Blundell et al. 2015, Section 5.1, Table 2) or ``w``
    (a MAP network: remove the smallest magnitudes first).

    Parameters
    ----------
    network : Network
        A softmax network.
    X : array_like of shape (m, d)
    labels : array_like of int, shape (m,)
    fractions : array_like of shape (k,)
        Shares in [0, 1].
    mu, rho, w : array_like of shape (P,)

    Returns
    -------
    errors : ndarray of shape (k,)
        Share of inputs misclassified, in [0, 1].
    """
    from course_utils.bbb.metrics import error_rate
    from course_utils.bbb.prediction import class_predictive

    network = _checks.check_network(network)
    if (w is None) == (mu is None and rho is None) or (w is None and (mu is None or rho is None)):
        raise TypeError("pruning_curve needs either mu and rho (Bayes by Backprop) or w (a MAP network)")
    fractions = _checks.check_finite(_checks.float_array(fractions, "fractions"), "fractions")
    if fractions.ndim != 1 or np.any(fractions < 0) or np.any(fractions > 1):
        raise ValueError(f"fractions must be a 1-D array of shares in [0, 1]; got {fractions!r}")
    errors = []
    for fraction in fractions:
        pruned = prune(mu, rho, float(fraction))[0] if w is None else prune_by_magnitude(w, float(fraction))[0]
        errors.append(error_rate(class_predictive(network, pruned, X), labels))
    return np.array(errors)
