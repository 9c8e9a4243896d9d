"""Self-checks for the exercises of lesson 01, the central limit theorem.

Each check computes the right answer from :mod:`course_utils.clt` and compares within a
tolerance; a wrong answer gets a hint at the likely mistake, never the answer itself.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import stats

from course_utils import clt
from course_utils.checks._feedback import as_number, right, self_check, wrong

#: Exercise 1 adds N = 50 draws of the biased coin.
COIN_TERMS = 50
#: Exercise 2 asks for the first number of dice with a KS distance below this.
DICE_TARGET = 0.01


def _close(value: float, target: float, rtol: float) -> bool:
    return bool(np.isclose(value, target, rtol=rtol, atol=1e-12))


@self_check
def exercise_1(mean_one, variance_one, mean_sum, variance_sum):
    """Mean and variance of one biased-coin draw (P(1) = 0.2) and of the sum of 50 draws.

    Parameters
    ----------
    mean_one, variance_one : float
        :math:`\\mu` and :math:`\\sigma^2` of one draw.
    mean_sum, variance_sum : float
        :math:`E[S_N]` and :math:`\\operatorname{Var}[S_N]` for N = 50 (lesson 01, eq. 1.2).

    Returns
    -------
    Feedback
    """
    mean_one = as_number(mean_one, "mean_one")
    variance_one = as_number(variance_one, "variance_one")
    mean_sum = as_number(mean_sum, "mean_sum")
    variance_sum = as_number(variance_sum, "variance_sum")
    coin = clt.get_distribution("biased coin")
    mu, var, n = coin.mean, coin.variance, COIN_TERMS

    if not _close(mean_one, mu, 1e-6):
        return wrong("`mean_one` is off: a draw is 1 with probability p and 0 otherwise; "
                     "average the two values with their probabilities.")
    if _close(variance_one, mu, 1e-6):
        return wrong("`variance_one` looks like E[X^2]; the variance is E[X^2] - mu^2.")
    if _close(variance_one, np.sqrt(var), 1e-6):
        return wrong("`variance_one` looks like a standard deviation; the variance is its square.")
    if not _close(variance_one, var, 1e-6):
        return wrong("`variance_one` is off: use sigma^2 = E[X^2] - mu^2, and note that X^2 = X "
                     "for a draw that is 0 or 1.")
    if _close(mean_sum, mean_one, 1e-6):
        return wrong("`mean_sum` is the mean of one draw; the sum of N draws has mean N mu (1.2).")
    if not _close(mean_sum, n * mu, 1e-6):
        if _close(mean_sum, n * mu, 0.05):
            return wrong("`mean_sum` is close but not exact: is it a simulated value? "
                         "Give the exact mean from (1.2), then compare the simulation with it.")
        return wrong("`mean_sum` is off: the mean of a sum is the sum of the means (1.2).")
    if _close(variance_sum, n**2 * var, 1e-6):
        return wrong("`variance_sum` grows like N^2; variances of independent draws add, "
                     "so the variance of the sum grows like N (1.2).")
    if _close(variance_sum, var / n, 1e-6):
        return wrong("`variance_sum` looks like the variance of the sample mean (1.8), "
                     "not of the sum.")
    if _close(variance_sum, np.sqrt(n * var), 1e-6):
        return wrong("`variance_sum` looks like the standard deviation of the sum; "
                     "the variance is its square.")
    if not _close(variance_sum, n * var, 1e-6):
        if _close(variance_sum, n * var, 0.05):
            return wrong("`variance_sum` is close but not exact: is it a simulated value? "
                         "Give the exact variance from (1.2).")
        return wrong("`variance_sum` is off: the covariances vanish for independent draws, "
                     "so Var[S_N] = N sigma^2 (1.2).")
    return right("these are the binomial distribution's mean Np and variance Np(1 - p).")


@functools.lru_cache(maxsize=1)
def _first_dice_below(target: float) -> int:
    # Delta_N of the die decreases steadily here, so the first N below the target is unique.
    n = 1
    while clt.ks_distance("die", n) >= target:
        n += 1
    return n


@self_check
def exercise_2(predicted, first_below):
    """How many dice before the KS distance to the normal drops below 0.01.

    Parameters
    ----------
    predicted : float
        N predicted from Esseen's limit (lesson 01, eq. 1.7), not rounded.
    first_below : int
        The smallest N with :math:`\\Delta_N < 0.01`, from ``clt.ks_distance``.

    Returns
    -------
    Feedback
    """
    predicted = as_number(predicted, "predicted")
    first_below = as_number(first_below, "first_below")
    limit = clt.esseen_limit("die")
    expected = (limit / DICE_TARGET) ** 2
    die = clt.get_distribution("die")

    if not _close(predicted, expected, 2e-3):
        if _close(predicted, limit / DICE_TARGET, 2e-3):
            return wrong("`predicted` solves Delta_N ~ c / N = 0.01; the distance shrinks like "
                         "c / sqrt(N), so N = (c / 0.01)^2.")
        if _close(predicted, round(expected), 0.0) or _close(predicted, np.ceil(expected), 0.0):
            return wrong("`predicted` is rounded; give the unrounded prediction from (1.7).")
        wrong_sigma = (1.0 / (2.0 * die.variance * np.sqrt(2 * np.pi)) / DICE_TARGET) ** 2
        if _close(predicted, wrong_sigma, 2e-3):
            return wrong("`predicted` used the variance where (1.7) has the standard deviation sigma.")
        return wrong("`predicted` is off: in (1.7) the die has gamma = 0, lattice span h = 1 and "
                     "sigma = sqrt(35/12); solve limit / sqrt(N) = 0.01 for N.")
    if first_below != int(first_below):
        return wrong("`first_below` should be a whole number of dice.")
    truth = _first_dice_below(DICE_TARGET)
    if first_below < truth:
        return wrong("at that N the distance is still at least 0.01: check "
                     "`clt.ks_distance('die', first_below)`.")
    if first_below > truth:
        return wrong("a smaller N already has Delta_N < 0.01: search upwards from a small N "
                     "and stop at the first N below 0.01.")
    return right("Esseen's limit predicts the first N to within one die.")


def _edgeworth_peak() -> float:
    # |(z^3 - 3z) phi(z)| is largest where its derivative -(z^4 - 6 z^2 + 3) phi(z) vanishes,
    # at z^2 = 3 - sqrt(6) (the root with the larger value).
    z = np.sqrt(3.0 - np.sqrt(6.0))
    return float(abs(z**3 - 3.0 * z) * np.exp(-0.5 * z**2) / np.sqrt(2.0 * np.pi))


@self_check
def exercise_3(kurtosis, constant):
    """Excess kurtosis of the uniform and the constant c in Delta_N ~ c / N.

    Parameters
    ----------
    kurtosis : float
        :math:`\\kappa = E[(X - \\mu)^4] / \\sigma^4 - 3` for the uniform on [0, 1].
    constant : float
        :math:`c = \\frac{|\\kappa|}{24} \\max_z |(z^3 - 3z)\\varphi(z)|`.

    Returns
    -------
    Feedback
    """
    kurtosis = as_number(kurtosis, "kurtosis")
    constant = as_number(constant, "constant")
    uniform = clt.get_distribution("uniform")
    expected_kurtosis = float(stats.uniform.stats(moments="k"))  # scipy's excess kurtosis
    fourth_moment = (expected_kurtosis + 3.0) * uniform.variance**2
    peak = _edgeworth_peak()
    expected_constant = abs(expected_kurtosis) / 24.0 * peak

    if not _close(kurtosis, expected_kurtosis, 1e-4):
        if _close(kurtosis, expected_kurtosis + 3.0, 1e-4):
            return wrong("`kurtosis` is the plain kurtosis; the excess kurtosis subtracts 3, "
                         "the normal's value.")
        if _close(kurtosis, -expected_kurtosis, 1e-4):
            return wrong("`kurtosis` has the wrong sign: the flat uniform has lighter tails "
                         "than the normal.")
        if _close(kurtosis, fourth_moment, 1e-4):
            return wrong("`kurtosis` is the fourth central moment; divide it by sigma^4 and subtract 3.")
        return wrong("`kurtosis` is off: integrate (x - 1/2)^4 over [0, 1], divide by "
                     "sigma^4 = (1/12)^2 and subtract 3.")
    # (z^3 - 3z) phi(z) is odd: over all z its largest value equals its largest absolute
    # value (at z = -0.742), but on z >= 0 its largest value, at z^2 = 3 + sqrt(6)
    # (z = 2.33), is the smaller positive bump.
    z_far = np.sqrt(3.0 + np.sqrt(6.0))
    signed_peak = (z_far**3 - 3.0 * z_far) * np.exp(-0.5 * z_far**2) / np.sqrt(2.0 * np.pi)
    if _close(constant, abs(expected_kurtosis) / 24.0 * signed_peak, 5e-3):
        return wrong("`constant`: on z >= 0 you took the largest value of (z^3 - 3z) phi(z) "
                     "(at z ~ 2.33); the largest gap is the largest absolute value, at "
                     "z ~ 0.74, where the function is negative.")
    if _close(constant, abs(expected_kurtosis) * peak, 5e-3):
        return wrong("`constant` is missing the factor 1/24 of the correction term.")
    if not _close(constant, expected_constant, 5e-3):
        return wrong("`constant` is off: c = |kappa| / 24 times the maximum over z of "
                     "|(z^3 - 3z) phi(z)|; use a fine grid of z.")
    return right("the 1/N term of the expansion explains the uniform's distance.")
