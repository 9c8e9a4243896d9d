"""Self-checks for the exercises of lesson 07, Bayes by Backprop.

Each check computes the right answer from :mod:`course_utils.bbb` and compares within a
tolerance; a wrong answer gets a hint at the likely mistake, never the answer itself.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_utils import bbb
from course_utils.checks._feedback import BadAnswer, as_array, as_number, right, self_check, wrong

#: Exercise 2 compares the mean predictive standard deviation on these input ranges,
#: over the grid of lesson 07's figures.
GRID = np.linspace(-0.2, 1.2, 141)[:, np.newaxis]
INSIDE = (0.0, 0.5)
FAR = (0.9, 1.2)


def _close(value: float, target: float, rtol: float) -> bool:
    return bool(np.isclose(value, target, rtol=rtol, atol=1e-12))


def _gaussian_kl(mu: np.ndarray, sigma: np.ndarray, prior_std: float) -> float:
    """KL(N(mu, sigma^2) || N(0, prior_std^2)) summed over the weights (lesson 07, exercise 1)."""
    return float(np.sum(np.log(prior_std / sigma) + (sigma**2 + mu**2) / (2 * prior_std**2) - 0.5))


@self_check
def exercise_1(kl, mu, rho, prior_std):
    """The closed-form complexity cost KL(q || p) of a factorized Gaussian q under N(0, s_p^2).

    Parameters
    ----------
    kl : float
        The learner's :math:`\\sum_j [\\ln(s_p/\\sigma_j) + (\\sigma_j^2 + \\mu_j^2)/(2 s_p^2) - 1/2]`.
    mu, rho : array_like of shape (P,)
        The variational parameters; :math:`\\sigma = \\operatorname{softplus}(\\rho)` (7.3).
    prior_std : float
        :math:`s_p > 0`.

    Returns
    -------
    Feedback
    """
    if isinstance(kl, numbers.Real) and not isinstance(kl, bool) and np.isnan(kl):
        return wrong("`kl` is NaN: a logarithm of a negative number? rho ranges over all reals; "
                     "the standard deviations are softplus(rho) (7.3), which is always positive.")
    kl = as_number(kl, "kl")
    mu = as_array(mu, "mu", (None,))
    rho = as_array(rho, "rho", (mu.size,))
    prior_std = as_number(prior_std, "prior_std")
    if prior_std <= 0:
        raise BadAnswer(f"`prior_std` should be the prior's standard deviation, a number > 0; got {prior_std}.")
    sigma = bbb.softplus(rho)
    target = _gaussian_kl(mu, sigma, prior_std)
    if _close(kl, target, 1e-6):
        return right("this is the complexity cost of (7.2) in closed form; the Monte Carlo "
                     "estimate from log_q - log_prior should approach it like 1/sqrt(S).")
    swapped = float(np.sum(np.log(sigma / prior_std) + (prior_std**2 + mu**2) / (2 * sigma**2) - 0.5))
    if _close(kl, swapped, 1e-6):
        return wrong("the KL looks to have its arguments swapped: this is KL(p || q). The complexity "
                     "cost is E_q[ln q - ln p], an expectation under q.")
    if _close(kl, _gaussian_kl(mu, np.exp(rho), prior_std), 1e-6):
        return wrong("it looks as if sigma = exp(rho); in Bayes by Backprop sigma = softplus(rho) = "
                     "ln(1 + e^rho) (7.3), e.g. bbb.softplus.")
    if _close(kl, -target, 1e-6):
        return wrong("the sign is flipped: a KL divergence is never negative; take E_q[ln q] - E_q[ln p].")
    if _close(kl, target - 0.5 * mu.size, 1e-6) or _close(kl, target + 0.5 * mu.size, 1e-6):
        return wrong("off by 1/2 per weight: check the constant -1/2 that E_q[ln q] contributes "
                     "(the entropy of a Gaussian).")
    if _close(kl, _gaussian_kl(np.zeros_like(mu), sigma, prior_std), 1e-6):
        return wrong("the means are missing: E_q[w^2] = mu^2 + sigma^2, not sigma^2.")
    if _close(kl, _gaussian_kl(mu, sigma**2, prior_std), 1e-6):
        return wrong("it looks as if a variance was used where a standard deviation belongs.")
    if _close(kl, target, 0.05):
        return wrong("close but not exact: is it a Monte Carlo estimate? The exercise asks for the "
                     "closed form first; then compare the Monte Carlo estimate with it.")
    return wrong("`kl` is off: per weight it is ln(s_p/sigma) + (sigma^2 + mu^2)/(2 s_p^2) - 1/2, "
                 "summed over all P weights.")


def _range_means(stds: np.ndarray) -> tuple[float, float]:
    x = GRID[:, 0]
    inside = (x >= INSIDE[0]) & (x <= INSIDE[1])
    far = (x >= FAR[0]) & (x <= FAR[1])
    return float(stds[inside].mean()), float(stds[far].mean())


def _both_close(values, targets, rtol):
    return all(_close(value, target, rtol) for value, target in zip(values, targets))


@self_check
def exercise_2(fit_tanh, std_inside_tanh, std_far_tanh):
    """The mean predictive standard deviation of a tanh network inside and far from the data.

    Each mean is checked on its own (within 10 %, and nearer to its own target than to the
    other mean's; the Monte Carlo error of a 400-sample estimate is about 1 % for the lesson's
    fit), so that the ratio far / inside, close to 1 for a tanh network, is not what has to
    tell a right answer from a wrong one.

    Parameters
    ----------
    fit_tanh : bbb.BBBFit
        Bayes by Backprop trained on the toy regression with a tanh network of one input.
    std_inside_tanh, std_far_tanh : float
        Mean predictive std (noise included) over the grid points with x in [0, 0.5] and with
        x in [0.9, 1.2].

    Returns
    -------
    Feedback
    """
    if not isinstance(fit_tanh, bbb.BBBFit):
        raise BadAnswer("`fit_tanh` should be what bbb.fit returns (a BBBFit); "
                        f"got {type(fit_tanh).__name__}.")
    answer = (as_number(std_inside_tanh, "std_inside_tanh"), as_number(std_far_tanh, "std_far_tanh"))
    network = fit_tanh.network
    if network.layer_sizes[0] != 1:
        return wrong("the network should take the toy regression's one input x.")
    if network.activation != "tanh":
        return wrong(f"`fit_tanh` was trained with a {network.activation} network; build it with "
                     "bbb.Network(..., \"tanh\") and train that one.")
    predictive = bbb.predict(network, fit_tanh.mu, fit_tanh.rho, GRID, fit_tanh.noise_std,
                             n_samples=2000, rng=0)
    target = _range_means(predictive.std)
    swapped = target[::-1]
    distance = max(abs(a / t - 1) for a, t in zip(answer, target))
    distance_swapped = max(abs(a / t - 1) for a, t in zip(answer, swapped))
    if distance < 0.1 and distance < distance_swapped:
        ratio = answer[1] / answer[0]
        trend = "shrinks slightly" if ratio < 1 else "grows only a little" if ratio < 1.5 else "grows"
        return right(f"far from the data the predictive spread of this model {trend} "
                     f"(far / inside = {ratio:.2f}).")
    if distance_swapped < 0.1:
        return wrong("the two means look swapped: `std_inside_tanh` is for x in [0, 0.5], "
                     "`std_far_tanh` for x in [0.9, 1.2].")
    outputs_only = _range_means(predictive.function_samples.std(axis=0, ddof=1))
    if _both_close(answer, outputs_only, 0.1):
        return wrong("these look like the spread of the network outputs alone; the predictive std "
                     "(Predictive.std) also contains the noise s.")
    if _both_close(answer, _range_means(predictive.std**2), 0.1):
        return wrong("these look like variances; average the standard deviations Predictive.std.")
    return wrong("the means do not match this fit: average Predictive.std over the grid points "
                 "with x in [0, 0.5] and, separately, over those with x in [0.9, 1.2].")


@self_check
def exercise_3(geometric_weights):
    """The geometric complexity weights pi_i = 2^(M - i) / (2^M - 1), i = 1..M.

    Parameters
    ----------
    geometric_weights : array_like of shape (M,)

    Returns
    -------
    Feedback
    """
    weights = as_array(geometric_weights, "geometric_weights", (None,))
    if weights.size == 0:
        raise BadAnswer("`geometric_weights` should hold one weight per minibatch; got an empty array.")
    M = weights.size
    target = bbb.kl_weights(M, "geometric")
    if np.allclose(weights, target, rtol=1e-9, atol=0):
        return right("the first minibatch carries more than half of the complexity cost, "
                     "and the weights still sum to one.")
    if np.allclose(weights, 1.0 / M, rtol=1e-9, atol=0):
        return wrong("these are the uniform weights 1/M; the geometric ones halve from one "
                     "minibatch to the next.")
    if np.allclose(weights[::-1], target, rtol=1e-9, atol=0):
        return wrong("the order is reversed: the first minibatch (i = 1) should carry the largest "
                     "weight, 2^(M - 1) / (2^M - 1).")
    total = weights.sum()
    if total > 0 and np.allclose(weights / total, target, rtol=1e-9, atol=0):
        return wrong("the weights have the right shape but do not sum to one: check the exponent "
                     "(i runs from 1 to M) and the denominator 2^M - 1.")
    if total > 0 and np.allclose(weights[::-1] / total, target, rtol=1e-9, atol=0):
        return wrong("the weights grow along the epoch and do not sum to one: the first minibatch "
                     "should carry the most.")
    return wrong("`geometric_weights` is off: pi_i = 2^(M - i) / (2^M - 1) for i = 1, ..., M.")
