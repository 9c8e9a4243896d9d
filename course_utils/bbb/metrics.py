"""How good are predicted class probabilities: error, log-likelihood, calibration, entropy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_utils._validation import as_rows_on_simplex
from course_utils.bbb import _checks
from course_utils.bbb.prediction import ClassPredictive


def _log_probabilities(predictive, name: str = "predictive") -> np.ndarray:
    """Log-probabilities (m, K) of a ClassPredictive or of an array of probabilities."""
    if isinstance(predictive, ClassPredictive):
        return predictive.log_probabilities
    p = _checks.float_array(predictive, name)
    if p.ndim != 2 or p.shape[0] < 1 or p.shape[1] < 2:
        raise ValueError(f"{name} must be a ClassPredictive or probabilities of shape (m, K) with K >= 2; "
                         f"got shape {p.shape}")
    p = as_rows_on_simplex(p, p.shape[0], p.shape[1], name)
    with np.errstate(divide="ignore"):
        return np.log(p)


def _labels_for(labels, log_p: np.ndarray) -> np.ndarray:
    return _checks.labels(labels, log_p.shape[1], log_p.shape[0], "labels")


def error_rate(predictive, labels) -> float:
    """Share of inputs whose most probable class is not the label, in [0, 1].

    Parameters
    ----------
    predictive : ClassPredictive or array_like of shape (m, K)
        Predictive probabilities (rows summing to one).
    labels : array_like of int, shape (m,)
    """
    log_p = _log_probabilities(predictive)
    return float(np.mean(np.argmax(log_p, axis=1) != _labels_for(labels, log_p)))


def negative_log_likelihood(predictive, labels) -> float:
    r"""Mean negative log predictive probability of the labels, :math:`-\frac1m\sum_i \ln p(y_i\mid x_i)`, nats.

    Raises
    ------
    ValueError
        If a label has predictive probability exactly 0 (the NLL is then infinite).
    """
    log_p = _log_probabilities(predictive)
    labels = _labels_for(labels, log_p)
    values = log_p[np.arange(labels.size), labels]
    if np.any(np.isneginf(values)):
        raise ValueError("predictive gives probability 0 to the label of input "
                         f"{int(np.flatnonzero(np.isneginf(values))[0])}: the negative log-likelihood is infinite")
    return float(-np.mean(values))


def predictive_entropy(predictive) -> np.ndarray:
    r"""Entropy :math:`-\sum_k p_k\ln p_k` of each predictive distribution, nats, shape (m,).

    0 for a certain prediction, :math:`\ln K` for the uniform one (K classes).
    """
    log_p = _log_probabilities(predictive)
    p = np.exp(log_p)
    return -np.sum(p * np.where(p > 0, log_p, 0.0), axis=1)  # 0 ln 0 = 0


@dataclass(frozen=True)
class Calibration:
    """Reliability of predicted probabilities, binned by confidence.

    Attributes
    ----------
    ece : float
        Expected calibration error :math:`\\sum_b (n_b/m)\\,|\\mathrm{acc}_b - \\mathrm{conf}_b|`
        (Naeini, Cooper and Hauskrecht 2015; Guo et al. 2017, equation 3), in [0, 1].
    bin_edges : ndarray of shape (n_bins + 1,)
        Edges of the confidence bins on [0, 1].
    confidence, accuracy : ndarray of shape (n_bins,)
        Mean confidence (largest predicted probability) and share correct in each bin; NaN
        for an empty bin, whose mean is undefined.
    counts : ndarray of int, shape (n_bins,)
    """

    ece: float
    bin_edges: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray
    counts: np.ndarray


def calibration(predictive, labels, *, n_bins: int = 10) -> Calibration:
    """Expected calibration error and the bins of a reliability diagram.

    The confidence of a prediction is its largest class probability; inputs are grouped
    into ``n_bins`` equal-width bins of confidence (a confidence exactly on an edge goes to
    the upper bin, 1.0 to the last), and each bin's accuracy is compared with its mean
    confidence.

    Parameters
    ----------
    predictive : ClassPredictive or array_like of shape (m, K)
    labels : array_like of int, shape (m,)
    n_bins : int

    Returns
    -------
    Calibration
    """
    log_p = _log_probabilities(predictive)
    labels = _labels_for(labels, log_p)
    n_bins = _checks.as_count(n_bins, "n_bins")
    confidence = np.exp(np.max(log_p, axis=1))
    correct = np.argmax(log_p, axis=1) == labels
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.floor(confidence * n_bins).astype(int), 0, n_bins - 1)
    counts = np.bincount(which, minlength=n_bins)
    filled = counts > 0
    mean_confidence = np.full(n_bins, np.nan)
    mean_accuracy = np.full(n_bins, np.nan)
    mean_confidence[filled] = np.bincount(which, confidence, n_bins)[filled] / counts[filled]
    mean_accuracy[filled] = np.bincount(which, correct.astype(float), n_bins)[filled] / counts[filled]
    gaps = np.abs(mean_accuracy[filled] - mean_confidence[filled])
    ece = float(np.sum(counts[filled] * gaps) / labels.size)
    return Calibration(ece=ece, bin_edges=edges, confidence=mean_confidence, accuracy=mean_accuracy,
                       counts=counts)


@dataclass(frozen=True)
class ClassificationScores:
    """Test error (share), mean negative log-likelihood (nats), ECE and mean predictive entropy (nats)."""

    error: float
    nll: float
    ece: float
    entropy: float


def evaluate(predictive, labels, *, n_bins: int = 10) -> ClassificationScores:
    """All of :func:`error_rate`, :func:`negative_log_likelihood`, :func:`calibration` (its ECE)
    and the mean :func:`predictive_entropy` for one set of predictions."""
    return ClassificationScores(
        error=error_rate(predictive, labels),
        nll=negative_log_likelihood(predictive, labels),
        ece=calibration(predictive, labels, n_bins=n_bins).ece,
        entropy=float(np.mean(predictive_entropy(predictive))),
    )
