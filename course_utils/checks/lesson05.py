"""Self-checks for the exercises of lesson 05 (the EM lower bound).

Each check rebuilds what the lesson computed before its exercises from the package and
the shipped data, computes the right answer itself and compares within a tolerance. It
never shows the right numbers.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy.special import logsumexp

from course_utils import gmm, missing
from course_utils.checks._feedback import BadAnswer, as_array, as_number, right, self_check, wrong
from course_utils.data import load_father_son, load_old_faithful

__all__ = ["exercise_1", "exercise_2", "exercise_3", "exercise_5"]

# The rough mixture of section 1 and the poor start of section 4 (standardized data).
_ROUGH = (np.array([0.5, 0.5]), np.array([[-0.5, 0.5], [0.5, -0.5]]), np.stack([np.eye(2), np.eye(2)]))
_CLIMB_START = (np.array([0.5, 0.5]), np.array([[0.0, 0.6], [0.0, -0.6]]), np.stack([np.eye(2), np.eye(2)]))
_CLIMB_ITERATIONS = 16
# The one-parameter slice of section 3: equal weights, standard deviations 0.4 min.
_SLICE_VARIANCE = 0.4**2


@functools.lru_cache(maxsize=1)
def _standardized():
    raw = load_old_faithful()
    return (raw - raw.mean(axis=0)) / raw.std(axis=0)


def _close(value, target, rtol=1e-6, atol=1e-8) -> bool:
    return bool(np.allclose(value, target, rtol=rtol, atol=atol))


@self_check
def exercise_1(entropy, kl):
    """Exercise 1: the entropy of the posterior and KL(uniform || posterior), by hand.

    ``entropy`` is :math:`H(q) = -\\sum_{nk} q_{nk} \\ln q_{nk}` for q the posterior of the
    rough mixture of section 1; ``kl`` is :math:`\\mathrm{KL}(q_{\\text{uniform}}\\Vert p(Z\\mid X,\\theta))`.
    """
    entropy = as_number(entropy, "entropy")
    kl = as_number(kl, "kl")
    posterior, _ = gmm.e_step(_standardized(), *_ROUGH)
    uniform = np.full_like(posterior, 0.5)
    right_entropy = -float(np.sum(posterior * np.log(posterior)))
    right_kl = float(np.sum(uniform * (np.log(uniform) - np.log(posterior))))
    swapped_kl = float(np.sum(posterior * (np.log(posterior) - np.log(uniform))))
    if _close(entropy, -right_entropy):
        return wrong("`entropy` has the wrong sign: H(q) = -sum q ln q, which is never negative.")
    if _close(entropy, right_entropy / np.log(2)):
        return wrong("`entropy` looks measured in bits: use the natural logarithm, np.log.")
    if not _close(entropy, right_entropy):
        return wrong("`entropy` is not yet right: sum -q ln q over every point and every component "
                     "of the posterior `posterior`.")
    if _close(kl, swapped_kl):
        return wrong("the KL looks to have its arguments swapped: KL(q || p) averages ln(q / p) "
                     "under q, the uniform distribution, not under the posterior.")
    if _close(kl, -right_kl):
        return wrong("`kl` has the wrong sign: a KL divergence is never negative.")
    if not _close(kl, right_kl):
        return wrong("`kl` is not yet right: sum q_nk (ln q_nk - ln gamma_nk) with q uniform "
                     "(0.5 everywhere) and gamma the posterior.")
    return right("both match: the KL is the gap in the table of section 1, and Q + H is the ELBO.")


@functools.lru_cache(maxsize=8)
def _slice_em(start: float, mu1: float, iterations: int = 200) -> float:
    """Where EM on mu2 alone ends (section 3's slice): numpy only, as a one-dimensional
    two-component mixture with equal weights and variances needs no more."""
    durations = load_old_faithful()[:, 0]
    mu2 = start
    for _ in range(iterations):
        # With equal weights and variances, gamma_n2 = sigmoid of the log-density difference.
        difference = ((durations - mu1) ** 2 - (durations - mu2) ** 2) / (2.0 * _SLICE_VARIANCE)
        gamma = 0.5 * (1.0 + np.tanh(0.5 * difference))
        mu2 = float(gamma @ durations / gamma.sum())
    return mu2


@self_check
def exercise_2(end_low, end_high):
    """Exercise 2: where slice EM with mu1 = 3 min ends from mu2 = 0.5 and from mu2 = 6.5 min."""
    end_low = as_number(end_low, "end_low")
    end_high = as_number(end_high, "end_high")
    right_low, right_high = _slice_em(0.5, 3.0), _slice_em(6.5, 3.0)
    tolerance = 0.01  # minutes; 30 iterations are well within it
    if abs(end_low - right_high) < tolerance and abs(end_high - right_low) < tolerance:
        return wrong("the two ends look swapped: `end_low` is where the run from mu2 = 0.5 min stops.")
    if abs(end_low - _slice_em(0.5, 2.0)) < tolerance or abs(end_high - _slice_em(6.5, 2.0)) < tolerance:
        return wrong("that is where the runs end with the lesson's mu1 = 2 min: pass mu1=3.0 to "
                     "`slice_mixture` and `slice_em`.")
    if abs(end_low - 0.5) < tolerance or abs(end_high - 6.5) < tolerance:
        return wrong("that is the starting value: take the last entry of the path that `slice_em` returns.")
    if abs(end_low - right_low) >= tolerance:
        return wrong("`end_low` is not where EM from mu2 = 0.5 min settles: run more iterations "
                     "(30 are enough) and take the last entry of the path.")
    if abs(end_high - right_high) >= tolerance:
        return wrong("`end_high` is not where EM from mu2 = 6.5 min settles: run more iterations "
                     "(30 are enough) and take the last entry of the path.")
    return right("both runs end at local maxima of the slice; compare their log-likelihoods to see "
                 "which is the better answer.")


@functools.lru_cache(maxsize=1)
def _climbed_mixture():
    X = _standardized()
    theta = _CLIMB_START
    for _ in range(_CLIMB_ITERATIONS):
        q, _ = gmm.e_step(X, *theta)
        theta = gmm.m_step(X, q)
    return theta


@self_check
def exercise_3(responsibilities, gap):
    """Exercise 3: responsibilities by hand (log-sum-exp) and the gap of the best hard assignment."""
    X = _standardized()
    responsibilities = as_array(responsibilities, "responsibilities", (X.shape[0], 2))
    gap = as_number(gap, "gap")
    weights, means, covariances = _climbed_mixture()
    log_joint = np.log(weights) + gmm.log_gaussian(X, means, covariances)
    right_responsibilities = np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))
    if not _close(responsibilities, right_responsibilities, rtol=1e-6, atol=1e-9):
        if _close(responsibilities.sum(axis=0), 1.0, rtol=1e-6) and not _close(responsibilities.sum(axis=1), 1.0):
            return wrong("each row of responsibilities should sum to 1 (a distribution over the components "
                         "of one point): did you normalize over the wrong axis? Use axis=1.")
        if _close(responsibilities, log_joint - logsumexp(log_joint, axis=1, keepdims=True)):
            return wrong("these are log-responsibilities: take np.exp of them.")
        if _close(responsibilities.sum(axis=1), 1.0):
            return wrong("the rows sum to 1 but the values differ: use the fitted mixture "
                         "(weights_t, means_t, covariances_t) and include ln pi_k in the log joint.")
        return wrong("`responsibilities` is not yet right: subtract, from each row of the log joint "
                     "ln pi_k + ln N(x_n | mu_k, Sigma_k), its log-sum-exp over the components, then exponentiate.")
    right_gap = -float(np.sum(np.log(right_responsibilities.max(axis=1))))
    if _close(gap, -right_gap):
        return wrong("`gap` has the wrong sign: a KL divergence is never negative.")
    if _close(gap, -float(np.sum(np.log(right_responsibilities.min(axis=1))))):
        return wrong("the best hard assignment puts each point in its most probable component: use the "
                     "largest responsibility of each row, not the smallest.")
    if not _close(gap, right_gap):
        return wrong("`gap` is not yet right: it is -sum_n ln max_k gamma_nk.")
    return right("the responsibilities and the gap both match.")


def _as_lesson_observed(observed) -> np.ndarray:
    heights = load_father_son()
    observed = as_array(observed, "observed", heights.shape, allow_nan=True)
    hidden = np.isnan(observed[:, 1])
    if np.isnan(observed[:, 0]).any() or not hidden.any() or not np.array_equal(observed[~hidden], heights[~hidden]):
        raise BadAnswer("`observed` should be the lesson's father-son heights with NaN for the hidden sons.")
    return observed


@self_check
def exercise_5(observed, expected_son, expected_son_sq):
    """Exercise 5: the first E-step for the hidden sons, at the complete-case estimate.

    ``expected_son`` is E[s_n | f_n] and ``expected_son_sq`` is E[s_n^2 | f_n] for every
    row whose son is missing, in row order (lesson 05, equation 5.13).
    """
    observed = _as_lesson_observed(observed)
    hidden = np.isnan(observed[:, 1])
    m = int(hidden.sum())
    expected_son = as_array(expected_son, "expected_son", (m,))
    expected_son_sq = as_array(expected_son_sq, "expected_son_sq", (m,))
    complete = observed[~hidden]
    mean, covariance = complete.mean(axis=0), np.cov(complete, rowvar=False, bias=True)
    filled, conditional_covariance, _ = missing.e_step(observed, mean, covariance)
    right_son = filled[hidden, 1]
    conditional_variance = conditional_covariance[1, 1] / m
    fathers = observed[hidden, 0]
    if not _close(expected_son, right_son):
        if _close(expected_son, mean[1]):
            return wrong("the conditional mean moves with the father: start from the son's mean and add "
                         "the regression slope times the father's distance from the fathers' mean.")
        if _close(expected_son, mean[1] + covariance[0, 1] / covariance[1, 1] * (fathers - mean[0])):
            return wrong("the slope of son on father divides the covariance by the father's variance, "
                         "Sigma_ff, not the son's.")
        return wrong("`expected_son` is not yet right: E[s | f] = mu_s + Sigma_sf / Sigma_ff (f - mu_f) "
                     "at the complete-case estimate.")
    if _close(expected_son_sq, right_son**2):
        return wrong("a filled-in value is not a measured one: E[s^2 | f] exceeds E[s | f]^2 by the "
                     "conditional variance of the son given the father.")
    if _close(expected_son_sq, right_son**2 + covariance[1, 1]):
        return wrong("that adds the son's whole variance; once the father is known, less is left: "
                     "Sigma_ss - Sigma_sf^2 / Sigma_ff.")
    if not _close(expected_son_sq, right_son**2 + conditional_variance):
        return wrong("`expected_son_sq` is not yet right: E[s^2 | f] = E[s | f]^2 + Var[s | f].")
    return right("both conditional moments match equation 5.13.")
