"""Self-checks for the exercises of lesson 04 (Gaussian mixtures and EM).

Each check computes the right answer itself from the package and Old Faithful, so it works
in the student edition, and answers with one line that never shows the right numbers.
"""

from __future__ import annotations

import numpy as np

from course_utils import gmm
from course_utils.checks._feedback import BadAnswer, as_array, as_number, right, self_check, wrong
from course_utils.data import load_old_faithful


def _faithful() -> np.ndarray:
    return load_old_faithful()


@self_check
def exercise_1(mean, covariance):
    """Exercise 1: the mean (2,) and covariance (2, 2) that EM with K = 1 reaches on Old Faithful."""
    X = _faithful()
    n, d = X.shape
    mean = as_array(mean, "mean", (d,))
    covariance = as_array(covariance, "covariance", (d, d))
    # The K = 1 fit without reg_covar is exactly (4.8) and (4.9) with every responsibility 1.
    fit = gmm.fit(X, 1, init="random", rng=0, reg_covar=0.0)
    right_mean, right_covariance = fit.means[0], fit.covariances[0]
    # atol admits the fit's own covariance, which carries reg_covar = 1e-6 on its diagonal.
    def close(a, b):
        return np.allclose(a, b, rtol=1e-6, atol=1e-5)

    mean_ok = close(mean, right_mean)
    if mean_ok and close(covariance, right_covariance):
        return right("with K = 1 every responsibility is 1, so EM's M-step gives the sample mean and "
                     "the maximum-likelihood covariance (dividing by N) of lesson 02, in one step.")
    if not mean_ok:
        return wrong("the mean is not the K = 1 fit's: with every responsibility equal to 1, (4.8) is "
                     "the plain average of the points, one entry per column of X (axis=0).")
    if close(covariance, right_covariance * n / (n - 1)):
        return wrong("the covariance looks divided by N - 1 (np.cov's default); the maximum-likelihood "
                     "estimate (4.9) divides by N: use bias=True or divide by len(X).")
    if close(covariance, right_covariance + np.outer(right_mean, right_mean)):
        return wrong("the covariance looks like the average of x x^T about zero: subtract the mean "
                     "from every point before forming the products (4.9).")
    if close(np.diag(np.diag(covariance)), np.diag(np.diag(right_covariance))):
        return wrong("the variances on the diagonal are right, but the off-diagonal entry is not: the "
                     "full covariance (4.9) also holds how duration and waiting time vary together.")
    if close(covariance, np.sqrt(np.abs(right_covariance))) or close(np.diag(covariance), np.sqrt(np.diag(right_covariance))):
        return wrong("these look like standard deviations; (4.9) gives variances (squared units).")
    return wrong("the covariance does not match (4.9) with every responsibility 1: average the outer "
                 "products (x_n - mean)(x_n - mean)^T over all N points.")


def _mixture_parameters(result):
    try:
        weights, means, covariances = result.weights, result.means, result.covariances
    except AttributeError:
        raise BadAnswer(
            "`result` should be the fitted mixture of section 5 (the output of gmm.fit), with "
            f"weights, means and covariances; got {type(result).__name__}."
        ) from None
    return weights, means, covariances


@self_check
def exercise_2(responsibilities, result):
    """Exercise 2: the responsibilities (N, K) of the Old Faithful points under the fit ``result``."""
    X = _faithful()
    weights, means, covariances = _mixture_parameters(result)
    k = np.size(weights)
    responsibilities = as_array(responsibilities, "responsibilities", (X.shape[0], k))
    expected, _ = gmm.e_step(X, weights, means, covariances)

    def close(a, b):
        return np.allclose(a, b, rtol=1e-6, atol=1e-9)

    if close(responsibilities, expected):
        return right("each row is the posterior over the components of one point, (4.5), "
                     "computed in log space.")
    if np.any(responsibilities < -1e-12) and close(np.exp(responsibilities), expected):
        return wrong("these look like log-responsibilities: exponentiate ln(gamma) to get "
                     "probabilities between 0 and 1.")
    if not np.allclose(responsibilities.sum(axis=1), 1.0, atol=1e-6):
        if np.allclose(responsibilities.sum(axis=0), 1.0, atol=1e-6):
            return wrong("each row of responsibilities should sum to 1 (one point shared among the "
                         "components), but your columns do: did you normalize over the wrong axis? "
                         "Use axis=1 in logsumexp.")
        return wrong("each row of responsibilities should sum to 1: normalize every row by the "
                     "log-sum-exp of its log-joint values (axis=1, keepdims=True).")
    equal_weights, _ = gmm.e_step(X, np.full(k, 1.0 / k), means, covariances)
    if close(responsibilities, equal_weights):
        return wrong("the rows sum to 1 but the weights are missing: the log-joint is "
                     "ln pi_k + ln N(x_n | mu_k, Sigma_k), with result.weights as pi.")
    if close(responsibilities, expected[:, ::-1]):
        return wrong("the columns are in the wrong order: column k belongs to component k of `result`.")
    return wrong("the rows sum to 1 but do not match (4.5): compute ln pi_k + ln N(x_n | mu_k, Sigma_k) "
                 "with gmm.log_gaussian, subtract each row's logsumexp and exponentiate.")


@self_check
def exercise_4(n_full, n_diagonal, bic_best, best):
    """Exercise 4: parameter counts of K = 3 mixtures in 2-D and the BIC of the fit ``best``."""
    X = _faithful()
    n, d = X.shape
    n_full = as_number(n_full, "n_full")
    n_diagonal = as_number(n_diagonal, "n_diagonal")
    bic_best = as_number(bic_best, "bic_best")
    try:
        log_likelihood = float(best.log_likelihood)
        k = int(np.size(best.weights))
    except (AttributeError, TypeError, ValueError):
        raise BadAnswer(
            "`best` should be the K = 3 fit of section 7 (the output of gmm.fit); "
            f"got {type(best).__name__}."
        ) from None
    full, diagonal = gmm.n_parameters(k, d, "full"), gmm.n_parameters(k, d, "diagonal")
    expected_bic = gmm.bic(log_likelihood, full, n)
    hints = []
    if n_full != full:
        if n_full == full + k * (d * d - d * (d + 1) // 2):
            hints.append("n_full counts all d^2 entries of each covariance, but a covariance is "
                         "symmetric: only d(d + 1)/2 of them are free.")
        elif n_full == full + 1:
            hints.append("n_full counts K weights, but they sum to one: only K - 1 are free.")
        else:
            hints.append("n_full is off: count the free weights, the means' entries and each "
                         "symmetric covariance's free entries (4.12).")
    if n_diagonal != diagonal:
        if n_diagonal == diagonal + 1:
            hints.append("n_diagonal counts K weights, but they sum to one: only K - 1 are free.")
        else:
            hints.append("n_diagonal is off: a diagonal covariance has d free entries (the variances).")
    # A BIC consistent with the learner's own (wrong) count gets only the count's hint.
    consistent = np.isclose(bic_best, -2 * log_likelihood + n_full * np.log(n), rtol=1e-9, atol=1e-6)
    if not np.isclose(bic_best, expected_bic, rtol=1e-9, atol=1e-6) and not consistent:
        if np.isclose(bic_best, expected_bic / 2, rtol=1e-9, atol=1e-6):
            hints.append("bic_best is half the BIC: (4.11) is -2 ln p(X | theta) + p ln N.")
        elif np.isclose(bic_best, -expected_bic, rtol=1e-9, atol=1e-6):
            hints.append("bic_best has the wrong sign: the log-likelihood enters as -2 ln p(X | theta).")
        elif np.isclose(bic_best, -2 * log_likelihood + full * np.log10(n), rtol=1e-9, atol=1e-6):
            hints.append("bic_best uses log10 N; (4.11) uses the natural logarithm, np.log.")
        else:
            hints.append("bic_best does not match (4.11) for `best` with the full-covariance count: "
                         "-2 * best.log_likelihood + n_full * ln N.")
    if hints:
        return wrong(" ".join(hints))
    return right("a diagonal covariance saves d(d - 1)/2 parameters per component; the BIC charges "
                 "ln N for each.")
