"""Self-checks for the exercises of lesson 06, the Laplace approximation.

Each check recomputes the right answer from :mod:`course_utils.laplace` and compares
within a tolerance; a wrong answer gets a hint at the likely mistake, never the numbers.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from course_utils.checks._feedback import BadAnswer, as_array, as_number, right, self_check, wrong
from course_utils.laplace import (
    EvidenceMaximum,
    beta_binomial_laplace,
    beta_binomial_log_evidence,
    fit_logistic_regression,
    logistic_hessian,
    logistic_negative_log_joint,
)

EXERCISE_3_TOSSES = 20
EXERCISE_3_HEADS = 2  # the point where the Gaussian in theta spills over 0


def _close(answer, target, rtol=1e-6, atol=1e-8) -> bool:
    return bool(np.allclose(answer, target, rtol=rtol, atol=atol))


def _logistic_data(X, y, prior_precision):
    """The lesson's data as given to the check; a problem with them is reported as a hint."""
    X = as_array(X, "X_2d", (None, None))
    y = as_array(y, "y_2d", (X.shape[0],))
    alpha = as_number(prior_precision, "alpha_2d")
    if alpha <= 0 or not np.all((y == 0) | (y == 1)):
        raise BadAnswer("pass the lesson's data unchanged: `X_2d, y_2d, alpha_2d` as section 6 defines them.")
    return X, y, alpha


@self_check
def exercise_2(hessian, log_evidence, X, y, prior_precision):
    """Exercise 2: the Hessian (6.14) at the mode and the Laplace log evidence (6.4).

    Parameters
    ----------
    hessian : array_like of shape (d, d)
    log_evidence : float
    X, y, prior_precision
        The lesson's ``X_2d``, ``y_2d`` and ``alpha_2d``.
    """
    X, y, alpha = _logistic_data(X, y, prior_precision)
    d = X.shape[1]
    hessian = as_array(hessian, "hessian", (d, d))
    log_evidence = as_number(log_evidence, "log_evidence")
    mode = fit_logistic_regression(X, y, alpha).mean
    truth = logistic_hessian(mode, X, y, alpha)
    if not _close(hessian, truth):
        prior_part = alpha * np.eye(d)
        if _close(hessian, -truth):
            return wrong("the Hessian looks to have its sign flipped: H is the Hessian of the negative "
                         "log joint E (6.12), so it is positive definite at the mode.")
        if _close(hessian, truth - prior_part):
            return wrong("the prior's curvature seems missing: (6.14) adds alpha times the identity.")
        if _close(hessian, logistic_hessian(np.zeros(d), X, y, alpha)):
            return wrong("this is the Hessian at w = 0; evaluate (6.14) at the mode, `posterior_2d.mean`.")
        if _close(hessian, X.T @ X + prior_part):
            return wrong("R is missing: each row of X is weighted by sigma(a_n)(1 - sigma(a_n)) in (6.14).")
        return wrong("the Hessian differs from (6.14): H = X^T R X + alpha I with "
                     "R = diag(sigma(a_n)(1 - sigma(a_n))) and a = X w at the mode.")
    energy = logistic_negative_log_joint(mode, X, y, alpha)
    log_det = np.linalg.slogdet(truth)[1]
    half_log_2pi = 0.5 * np.log(2 * np.pi)

    def near(value):
        return abs(log_evidence - value) <= 1e-6 * (1.0 + abs(value))

    if near(-energy + d * half_log_2pi - 0.5 * log_det):
        return right("the Hessian and the Laplace log evidence (6.4) match the package.")
    mistakes = (
        (-energy + d * half_log_2pi + 0.5 * log_det,
         "the log-determinant enters (6.4) with a minus sign: a sharper peak holds less mass."),
        (-energy + d * half_log_2pi - log_det,
         "the log-determinant looks to be missing its factor 1/2: |H|^(-1/2) gives -1/2 log|H|."),
        (energy + d * half_log_2pi - 0.5 * log_det,
         "log p(w*, D) is minus the negative log joint: use -E(w*), not E(w*)."),
        (-energy - 0.5 * log_det,
         "the volume factor (2 pi)^(d/2) of the Gaussian integral seems missing."),
        (-energy + half_log_2pi - 0.5 * log_det,
         "the 2 pi term comes once per weight: d/2 log(2 pi) with d the number of weights."),
    )
    for value, hint in mistakes:
        if near(value):
            return wrong(hint)
    return wrong("the Hessian is right but the log evidence is not: (6.4) adds log p(w*, D) = -E(w*), "
                 "d/2 log(2 pi) and -1/2 log|H|.")


@self_check
def exercise_3(logit_errors, mass_below_zero):
    """Exercise 3: Laplace-minus-exact log evidence in logit theta for k = 0..20 heads in 20
    tosses (flat prior), and the mass the Gaussian in theta puts below 0 at 2 heads.

    Parameters
    ----------
    logit_errors : array_like of shape (21,)
    mass_below_zero : float
    """
    n = EXERCISE_3_TOSSES
    errors = as_array(logit_errors, "logit_errors", (n + 1,))
    mass = as_number(mass_below_zero, "mass_below_zero")
    truth = np.array([beta_binomial_laplace(k, n, parameterization="logit").log_evidence
                      - beta_binomial_log_evidence(k, n) for k in range(n + 1)])
    if not _close(errors, truth, atol=1e-6):
        if _close(errors, -truth, atol=1e-6) or _close(errors, np.abs(truth), atol=1e-6):
            return wrong("the errors have the wrong sign: keep the sign of Laplace minus exact (not exact minus "
                         "Laplace, no absolute values); it tells over- from underestimation.")
        return wrong("the errors differ: for each k use beta_binomial_laplace(k, 20, parameterization='logit') "
                     "minus beta_binomial_log_evidence(k, 20).")
    in_theta = beta_binomial_laplace(EXERCISE_3_HEADS, n, parameterization="theta")
    mode, variance = in_theta.mean[0], in_theta.covariance[0, 0]
    target = stats.norm.cdf(0.0, mode, np.sqrt(variance))
    if abs(mass - target) <= 1e-6:
        return right("the signed errors and the spill-over below 0 are both right.")
    if abs(mass - stats.norm.cdf(0.0, mode, variance)) <= 1e-6:
        return wrong("the errors are right; for the mass, scipy's `scale` is a standard deviation: "
                     "take the square root of the variance.")
    if abs(mass - (1.0 - target)) <= 1e-6:
        return wrong("the errors are right; the mass below 0 is the CDF at 0, not the survival function.")
    return wrong("the errors are right; for the mass below 0 use the Gaussian in theta at 2 heads in 20 "
                 "(its mean and the square root of its variance) and its CDF at 0.")


@self_check
def exercise_4(gammas, x, fits):
    """Exercise 4: the number of well-determined parameters (6.19) for each polynomial degree.

    Parameters
    ----------
    gammas : array_like of shape (m,)
        gamma for degrees 0, 1, ..., m - 1.
    x : array_like of shape (n,)
        The lesson's ``x_poly``.
    fits : sequence of m EvidenceMaximum
        The lesson's ``best_by_degree``.
    """
    if isinstance(fits, (str, bytes)) or not all(isinstance(fit, EvidenceMaximum) for fit in fits):
        raise BadAnswer("pass the lesson's `best_by_degree` (a list of EvidenceMaximum) as the third argument.")
    x = as_array(x, "x_poly", (None,))
    gammas = as_array(gammas, "gammas", (len(fits),))
    truth, without_beta, prior_side = [], [], []
    for degree, fit in enumerate(fits):
        gram = np.linalg.eigvalsh(np.vander(x, degree + 1, increasing=True).T @ np.vander(x, degree + 1, increasing=True))
        eigenvalues = fit.noise_precision * gram
        alpha = fit.prior_precision
        truth.append(np.sum(eigenvalues / (alpha + eigenvalues)))
        without_beta.append(np.sum(gram / (alpha + gram)))
        prior_side.append(np.sum(alpha / (alpha + eigenvalues)))
    if _close(gammas, truth, rtol=1e-6, atol=1e-8):
        return right("gamma for every degree matches (6.19).")
    if _close(gammas, without_beta):
        return wrong("the eigenvalues in (6.19) are those of beta X^T X: multiply by the noise precision.")
    if _close(gammas, prior_side):
        return wrong("these count the directions the prior pins down, alpha / (alpha + lambda_i), which is "
                     "d - gamma; gamma sums lambda_i / (alpha + lambda_i).")
    if _close(gammas, np.arange(1, len(fits) + 1)):
        return wrong("that is the number of weights M + 1; gamma weighs each direction by how well the data "
                     "determine it, (6.19).")
    return wrong("gamma differs from (6.19): sum over the eigenvalues lambda_i of beta X^T X (X the degree-M "
                 "design matrix) of lambda_i / (alpha + lambda_i), with that degree's alpha and beta.")
