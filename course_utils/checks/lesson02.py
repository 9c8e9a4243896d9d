"""Self-checks for the exercises of lesson 02, maximum likelihood.

Each check computes the right answer from :mod:`course_utils.mle` and the shipped data and
compares within a tolerance; a wrong answer gets a hint at the likely mistake, never the
answer itself.
"""

from __future__ import annotations

import functools

import numpy as np

from course_utils.checks._feedback import as_array, as_number, right, self_check, wrong
from course_utils.data import CM_PER_INCH, load_father_son, load_heights
from course_utils.mle import fit_multivariate_normal, fit_normal

#: Exercise 4 takes the sons whose fathers measured at least this, in cm.
TALL_FATHER_CM = 186.0


def _close(value, target, rtol: float) -> bool:
    return bool(np.allclose(value, target, rtol=rtol, atol=0.0))


def _shape(value) -> tuple:
    """The shape numpy would give ``value``, or () when it is not a regular array."""
    try:
        return np.shape(value)
    except ValueError:  # a ragged nested list
        return ()


@functools.lru_cache(maxsize=1)
def _sons_fit():
    return fit_normal(load_heights("male"))


@functools.lru_cache(maxsize=1)
def _pairs_fit():
    return fit_multivariate_normal(load_father_son())


@self_check
def exercise_1(mu_inches, sigma_inches, log_likelihood_inches):
    """The maximum-likelihood normal fit of the sons' heights in inches.

    Parameters
    ----------
    mu_inches, sigma_inches : float
        :math:`\\hat\\mu` and :math:`\\hat\\sigma` in inches (lesson 02, eqs. 2.5, 2.6).
    log_likelihood_inches : float
        The maximum log-likelihood of the heights in inches (eq. 2.7).

    Returns
    -------
    Feedback
    """
    mu = as_number(mu_inches, "mu_inches")
    sigma = as_number(sigma_inches, "sigma_inches")
    log_likelihood = as_number(log_likelihood_inches, "log_likelihood_inches")
    fit = _sons_fit()
    n = fit.n
    mu_true, sigma_true = fit.mean / CM_PER_INCH, fit.std / CM_PER_INCH
    shift = n * np.log(CM_PER_INCH)

    if _close(mu, fit.mean * CM_PER_INCH, 1e-6) or _close(sigma, fit.std * CM_PER_INCH, 1e-6):
        return wrong("the heights were multiplied by 2.54; an inch is longer than a centimetre, "
                     "so the same height is a smaller number of inches.")
    if _close(mu, fit.mean, 1e-6):
        return wrong("`mu_inches` is still in centimetres.")
    if not _close(mu, mu_true, 1e-6):
        return wrong("`mu_inches` is off: the ML mean (2.5) is the sample mean of the heights in inches.")
    if _close(sigma, sigma_true * np.sqrt(n / (n - 1)), 1e-6):
        return wrong("`sigma_inches` looks divided by N - 1; the maximum-likelihood estimate (2.6) "
                     "divides by N (numpy's ddof=0).")
    if _close(sigma, sigma_true**2, 1e-6):
        return wrong("`sigma_inches` looks like the variance; sigma is its square root.")
    if _close(sigma, fit.std, 1e-6):
        return wrong("`sigma_inches` is still in centimetres.")
    if not _close(sigma, sigma_true, 1e-6):
        return wrong("`sigma_inches` is off: the root of the mean squared deviation (2.6), in inches.")
    if _close(log_likelihood, fit.log_likelihood, 1e-9):
        return wrong("`log_likelihood_inches` is the value in centimetres: a density per inch is "
                     "2.54 times a density per centimetre, at each of the N heights.")
    if _close(log_likelihood, fit.log_likelihood - shift, 1e-9):
        return wrong("`log_likelihood_inches` moved the wrong way: a density per inch is a larger "
                     "number than the density per centimetre at the same height.")
    if not _close(log_likelihood, fit.log_likelihood + shift, 1e-8):
        return wrong("`log_likelihood_inches` is off: evaluate (2.7), or `normal_log_likelihood`, "
                     "at the estimates in inches.")
    return right("the estimates change unit, and the log-likelihood shifts by N log 2.54.")


@self_check
def exercise_2(second_derivative, drop):
    """Curvature of the log-likelihood in mu at the maximum, and the drop one standard error away.

    Parameters
    ----------
    second_derivative : float
        Finite-difference estimate of :math:`\\partial^2\\ell/\\partial\\mu^2` at
        :math:`(\\hat\\mu, \\hat\\sigma)`, per cm^2.
    drop : float
        :math:`\\ell(\\hat\\mu, \\hat\\sigma) - \\ell(\\hat\\mu + \\hat\\sigma/\\sqrt N, \\hat\\sigma)`.

    Returns
    -------
    Feedback
    """
    second_derivative = as_number(second_derivative, "second_derivative")
    drop = as_number(drop, "drop")
    fit = _sons_fit()
    n, sigma = fit.n, fit.std
    curvature = -n / sigma**2

    if not _close(second_derivative, curvature, 1e-4):
        if _close(second_derivative, -curvature, 1e-4):
            return wrong("`second_derivative` is positive; at a maximum the curvature is negative. "
                         "Check the order of the terms: (l(mu + h) - 2 l(mu) + l(mu - h)) / h^2.")
        if _close(second_derivative, -n / sigma, 1e-4):
            return wrong("`second_derivative` has sigma where (2.3) gives sigma squared.")
        if _close(second_derivative, -1.0 / sigma**2, 1e-4):
            return wrong("`second_derivative` is the curvature for a single height; the "
                         "log-likelihood adds up N of them.")
        if second_derivative < 0 and abs(second_derivative) < 1e-2 * abs(curvature):
            return wrong("`second_derivative` is far too small: did you divide the second "
                         "difference by h^2?")
        return wrong("`second_derivative` is off: use a central second difference of "
                     "`normal_log_likelihood` at (mu_hat, sigma_hat) with a step h of about 0.01 cm.")
    if _close(drop, -0.5, 1e-4):
        return wrong("`drop` is negative; take the maximum minus the value at the moved mu.")
    if _close(drop, 0.5 / n, 1e-4):
        return wrong("`drop` moved mu by sigma / N; the standard error of the mean is sigma / sqrt(N).")
    if _close(drop, 0.5 * n, 1e-4):
        return wrong("`drop` moved mu by sigma; the standard error of the mean is sigma / sqrt(N).")
    if not _close(drop, 0.5, 1e-4):
        return wrong("`drop` is off: move mu by the standard error sigma_hat / sqrt(N) and keep "
                     "sigma at sigma_hat.")
    return right("the log-likelihood in mu is an exact parabola, and one standard error costs half a unit.")


@self_check
def exercise_3(mean, covariance):
    """Maximum-likelihood mean and covariance of the father-son pairs (lesson 02, eq. 2.12).

    Parameters
    ----------
    mean : array_like of shape (2,)
        Mean of (father, son) heights, cm.
    covariance : array_like of shape (2, 2)
        Maximum-likelihood covariance, cm^2.

    Returns
    -------
    Feedback
    """
    fit = _pairs_fit()
    n = fit.n
    if _shape(mean) == (n,):
        return wrong("`mean` has one number per row: it averaged along axis=1. The mean of each "
                     "column averages over the rows, axis=0.")
    if _shape(covariance) == (n, n):
        return wrong("`covariance` is N x N: np.cov treats each row as a variable unless "
                     "rowvar=False. Or use (2.12) directly.")
    mean = as_array(mean, "mean", (2,))
    covariance = as_array(covariance, "covariance", (2, 2))

    if _close(mean, fit.mean[::-1], 1e-9) and not _close(mean, fit.mean, 1e-9):
        return wrong("`mean` has the son first; keep the columns in the data's order (father, son).")
    if not _close(mean, fit.mean, 1e-9):
        return wrong("`mean` is off: the ML mean (2.12) is the average of the rows.")
    if not np.allclose(covariance, covariance.T, rtol=1e-12, atol=0.0):
        return wrong("`covariance` is not symmetric; sum the outer products (x - mean)(x - mean)^T.")
    if _close(covariance, fit.covariance * n / (n - 1), 1e-9):
        return wrong("`covariance` looks divided by N - 1 (np.cov's default); the maximum-likelihood "
                     "estimate (2.12) divides by N (bias=True, or ddof=0).")
    if _close(np.diag(covariance), np.sqrt(np.diag(fit.covariance)), 1e-6):
        return wrong("the diagonal of `covariance` holds standard deviations; a covariance matrix "
                     "has the variances there.")
    if _close(covariance, fit.correlation, 1e-9):
        return wrong("`covariance` is the correlation matrix; the covariance is in cm^2, not scaled.")
    raw = load_father_son()
    if _close(covariance, raw.T @ raw / n, 1e-9):
        return wrong("`covariance` was computed without subtracting the mean first.")
    if not _close(covariance, fit.covariance, 1e-9):
        return wrong("`covariance` is off: (2.12) averages (x_n - mean)(x_n - mean)^T over the N rows.")
    return right("this is (2.12): the same estimates as `fit_multivariate_normal`.")


@self_check
def exercise_4(conditional_mean, conditional_std):
    """The model's prediction for the sons of fathers of at least 186 cm.

    Parameters
    ----------
    conditional_mean : float
        Predicted average son's height, cm, at the tall fathers' average height.
    conditional_std : float
        Standard deviation of one son's height given his father's, cm.

    Returns
    -------
    Feedback
    """
    conditional_mean = as_number(conditional_mean, "conditional_mean")
    conditional_std = as_number(conditional_std, "conditional_std")
    fit = _pairs_fit()
    pairs = load_father_son()
    tall = pairs[:, 0] >= TALL_FATHER_CM
    father = pairs[tall, 0].mean()
    (s11, s12), (_, s22) = fit.covariance
    expected_mean = fit.mean[1] + s12 / s11 * (father - fit.mean[0])
    expected_variance = s22 - s12**2 / s11

    if not _close(conditional_mean, expected_mean, 1e-6):
        if _close(conditional_mean, fit.mean[1] + s12 / s22 * (father - fit.mean[0]), 1e-6):
            return wrong("`conditional_mean` divides the covariance by the sons' variance; the "
                         "slope is Sigma_12 / Sigma_11, the fathers' variance.")
        if _close(conditional_mean, pairs[tall, 1].mean(), 1e-6):
            return wrong("`conditional_mean` is what these sons measured; the exercise asks what "
                         "the fitted model predicts.")
        if _close(conditional_mean, fit.mean[1], 1e-6):
            return wrong("`conditional_mean` is the average of all sons; the prediction depends on "
                         "the fathers' height.")
        return wrong("`conditional_mean` is off: mu_2 + Sigma_12 / Sigma_11 (f - mu_1), with f the "
                     "tall fathers' average height.")
    if _close(conditional_std, expected_variance, 1e-6):
        return wrong("`conditional_std` looks like a variance; the standard deviation is its square root.")
    if _close(conditional_std, np.sqrt(s22), 1e-6):
        return wrong("`conditional_std` is the spread of all sons; knowing the father removes "
                     "Sigma_12^2 / Sigma_11 from the variance.")
    if not _close(conditional_std, np.sqrt(expected_variance), 1e-6):
        return wrong("`conditional_std` is off: the square root of Sigma_22 - Sigma_12^2 / Sigma_11.")
    return right("the model's prediction for these sons.")

