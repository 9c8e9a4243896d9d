"""The Laplace approximation: modes, Hessians, Gaussian posteriors, evidence, predictions.

Shapes: data ``X`` is (n, d) (the caller adds a bias column when one is wanted), targets
or labels ``y`` are (n,), weights (d,), a posterior covariance (d, d). Lesson 06 derives
every formula here; gradients and Hessians are written by hand and checked against
finite differences in ``tests/test_laplace.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import cho_solve, cholesky
from scipy.special import betaln, expit

from course_utils._validation import as_count, as_data, as_float_array, as_generator, as_positive, as_real

LOG_2PI = np.log(2.0 * np.pi)


@dataclass(frozen=True)
class LaplaceResult:
    """A Gaussian approximation N(mean, covariance) of a posterior, with its evidence.

    Attributes
    ----------
    mean : ndarray of shape (d,)
        The mode of the posterior (the MAP estimate).
    covariance : ndarray of shape (d, d)
        Inverse Hessian of the negative log-posterior at the mode.
    log_evidence : float
        The Laplace estimate of log p(D) (exact for a Gaussian posterior).
    n_iter : int
        Newton steps taken to find the mode (0 for a closed-form answer).
    """

    mean: np.ndarray
    covariance: np.ndarray
    log_evidence: float
    n_iter: int


@dataclass(frozen=True)
class EvidenceMaximum:
    """Hyperparameters of Bayesian linear regression chosen by maximizing the evidence.

    Attributes
    ----------
    prior_precision : float
        alpha, the precision of the isotropic Gaussian prior on the weights.
    noise_precision : float
        beta, the precision of the Gaussian observation noise.
    log_evidence : float
        log p(y | alpha, beta) at the returned hyperparameters.
    n_iter : int
        Fixed-point iterations taken.
    """

    prior_precision: float
    noise_precision: float
    log_evidence: float
    n_iter: int


# ----------------------------------------------------------------------------- validation


def _as_vector(values, n: int, name: str, rows_of: str = "X") -> np.ndarray:
    """A finite float vector with one entry per row of the data."""
    array = as_float_array(values, name)
    if array.ndim != 1 or array.shape[0] != n:
        raise ValueError(
            f"{name} must be a 1-D array with one entry per row of {rows_of} ({n} rows); "
            f"got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf values; remove or impute them first")
    return array


def _as_labels(y, n: int) -> np.ndarray:
    labels = _as_vector(y, n, "y")
    outside = labels[(labels != 0.0) & (labels != 1.0)]
    if outside.size:
        raise ValueError(f"y must contain only the labels 0 and 1; got {outside[0]:g}")
    return labels


def _as_weights(weights, d: int) -> np.ndarray:
    array = as_float_array(weights, "weights")
    if array.shape != (d,):
        raise ValueError(f"weights must have shape ({d},), one per column of X; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("weights contains NaN or inf values")
    return array


def _as_result(result, name: str = "result") -> LaplaceResult:
    if not isinstance(result, LaplaceResult):
        raise TypeError(f"{name} must be a LaplaceResult; got {type(result).__name__}")
    return result


def _as_new_data(X_new, result: LaplaceResult) -> np.ndarray:
    X_new = as_data(X_new, "X_new")
    d = result.mean.shape[0]
    if X_new.shape[1] != d:
        raise ValueError(
            f"X_new must have {d} columns, like the data the result was fitted on; got shape {X_new.shape}"
        )
    return X_new


def _check_logistic(X, y, prior_precision):
    X = _as_features(X)
    return X, _as_labels(y, X.shape[0]), as_positive(prior_precision, "prior_precision")


def _as_features(X, name="X") -> np.ndarray:
    """Data (n, d) whose Gram matrix X^T X (which every Hessian here contains) is finite."""
    X = as_data(X, name)
    size = np.max(np.abs(X), axis=0)
    size[size == 0] = 1.0
    # Squares of the scaled columns cannot overflow; the scale comes back afterwards.
    with np.errstate(over="ignore"):
        squared_norms = np.sum((X / size) ** 2, axis=0) * size * size
    if not np.all(np.isfinite(squared_norms)):
        raise ValueError(
            f"{name} is too large: the sum of squares of column {int(np.argmax(~np.isfinite(squared_norms)))} "
            "exceeds the floating-point range (about 1.8e308), and so would the Hessian; divide the "
            f"columns of {name} by constants"
        )
    return X


# ----------------------------------------------------------------------------- shared pieces


def log_sigmoid(activation) -> np.ndarray:
    r"""log sigma(a) = -log(1 + e^{-a}), finite for every finite a.

    Computed as ``-np.logaddexp(0, -a)``: ``np.log(expit(a))`` would return ``-inf``
    for a below about -745 and lose all digits well before that.

    Parameters
    ----------
    activation : array_like of any shape

    Returns
    -------
    ndarray of the same shape
    """
    activation = as_float_array(activation, "activation")
    if np.any(np.isnan(activation)):
        raise ValueError("activation contains NaN values")
    return -np.logaddexp(0.0, -activation)


def laplace_log_evidence(log_joint_at_mode, hessian) -> float:
    r"""Laplace estimate of the log normalizer of exp(log joint).

    .. math:: \log Z \approx \log p(w^\star, D) + \tfrac d2 \log 2\pi - \tfrac12 \log\det H

    (lesson 06, equation 6.4), where :math:`H` is the Hessian of :math:`-\log p(w, D)` at
    the mode :math:`w^\star`. The log-determinant comes from a Cholesky factor.

    Parameters
    ----------
    log_joint_at_mode : float
        log p(w*, D), the unnormalized log-posterior at its mode.
    hessian : array_like of shape (d, d)
        Symmetric positive definite.

    Returns
    -------
    log_evidence : float
    """
    log_joint_at_mode = as_real(log_joint_at_mode, "log_joint_at_mode")
    hessian = as_float_array(hessian, "hessian")
    if hessian.ndim != 2 or hessian.shape[0] != hessian.shape[1] or hessian.shape[0] < 1:
        raise ValueError(f"hessian must be a square array of shape (d, d); got shape {hessian.shape}")
    if not np.all(np.isfinite(hessian)):
        raise ValueError("hessian contains NaN or inf values")
    try:
        factor = cholesky(hessian, lower=True)
    except np.linalg.LinAlgError:
        raise ValueError(
            "hessian is not positive definite: the point is not a strict local maximum of the "
            "log joint, so there is no Gaussian to fit"
        ) from None
    return _log_evidence_from_factor(float(log_joint_at_mode), factor)


def _log_evidence_from_factor(log_joint_at_mode: float, factor: np.ndarray) -> float:
    d = factor.shape[0]
    return float(log_joint_at_mode + 0.5 * d * LOG_2PI - np.sum(np.log(np.diag(factor))))


def _cholesky_of_precision(hessian: np.ndarray, singular=ValueError) -> np.ndarray:
    """Lower Cholesky factor of a posterior precision, or the error ``singular`` saying why
    not (scipy's LinAlgError would not say what the caller can change)."""
    try:
        return cholesky(hessian, lower=True)
    except np.linalg.LinAlgError:
        raise singular(
            "the posterior precision (Hessian) is singular to working precision: columns of X are "
            "collinear (for example an intercept plus every one-hot column of a factor) and "
            "prior_precision is too small to make it definite; drop a column or increase prior_precision"
        ) from None


def _gaussian_from_hessian(hessian: np.ndarray, singular=ValueError) -> tuple[np.ndarray, np.ndarray]:
    """Lower Cholesky factor of the Hessian and the covariance it implies."""
    factor = _cholesky_of_precision(hessian, singular)
    covariance = cho_solve((factor, True), np.eye(hessian.shape[0]))
    return factor, 0.5 * (covariance + covariance.T)


# ----------------------------------------------------------------------------- logistic regression


def _negative_log_joint(weights, X, y, alpha) -> float:
    activation = X @ weights
    # -log p(y | w) = sum_n log(1 + e^{a_n}) - y_n a_n, evaluated without overflow.
    negative_log_likelihood = np.sum(np.logaddexp(0.0, activation) - y * activation)
    d = weights.shape[0]
    negative_log_prior = 0.5 * alpha * weights @ weights - 0.5 * d * np.log(alpha) + 0.5 * d * LOG_2PI
    return float(negative_log_likelihood + negative_log_prior)


def _gradient(weights, X, y, alpha) -> np.ndarray:
    return X.T @ (expit(X @ weights) - y) + alpha * weights


def _hessian(weights, X, alpha) -> np.ndarray:
    activation = X @ weights
    # sigma(a) (1 - sigma(a)) written as sigma(a) sigma(-a): no cancellation for large |a|.
    curvature = expit(activation) * expit(-activation)
    hessian = (X.T * curvature) @ X
    hessian.flat[:: X.shape[1] + 1] += alpha
    return hessian


def logistic_negative_log_joint(weights, X, y, prior_precision=1.0) -> float:
    r"""Negative log joint density -log p(y, w | X) of Bayesian logistic regression.

    .. math:: E(w) = \sum_n \left[\log(1 + e^{a_n}) - y_n a_n\right]
              + \tfrac\alpha2 w^\top w - \tfrac d2 \log\frac{\alpha}{2\pi},
              \quad a_n = x_n^\top w

    (lesson 06, equation 6.12): Bernoulli likelihood with p(y=1 | x, w) = sigma(x^T w)
    and prior N(w | 0, alpha^{-1} I). Its minimizer is the MAP estimate.

    Parameters
    ----------
    weights : array_like of shape (d,)
    X : array_like of shape (n, d)
    y : array_like of shape (n,), entries in {0, 1}
    prior_precision : float, default 1.0
        alpha > 0.

    Returns
    -------
    float
    """
    X, y, alpha = _check_logistic(X, y, prior_precision)
    return _negative_log_joint(_as_weights(weights, X.shape[1]), X, y, alpha)


def logistic_gradient(weights, X, y, prior_precision=1.0) -> np.ndarray:
    r"""Gradient of :func:`logistic_negative_log_joint` with respect to the weights.

    .. math:: \nabla E(w) = X^\top(\sigma(Xw) - y) + \alpha w

    (lesson 06, equation 6.13).

    Parameters
    ----------
    weights : array_like of shape (d,)
    X : array_like of shape (n, d)
    y : array_like of shape (n,), entries in {0, 1}
    prior_precision : float, default 1.0

    Returns
    -------
    gradient : ndarray of shape (d,)
    """
    X, y, alpha = _check_logistic(X, y, prior_precision)
    return _gradient(_as_weights(weights, X.shape[1]), X, y, alpha)


def logistic_hessian(weights, X, y, prior_precision=1.0) -> np.ndarray:
    r"""Hessian of :func:`logistic_negative_log_joint`; positive definite for every w.

    .. math:: H(w) = X^\top R X + \alpha I, \quad R = \mathrm{diag}(\sigma(a_n)(1-\sigma(a_n)))

    (lesson 06, equation 6.14). It does not depend on the labels; ``y`` is still checked so
    that the three functions share one signature.

    Parameters
    ----------
    weights : array_like of shape (d,)
    X : array_like of shape (n, d)
    y : array_like of shape (n,), entries in {0, 1}
    prior_precision : float, default 1.0

    Returns
    -------
    hessian : ndarray of shape (d, d)
    """
    X, _, alpha = _check_logistic(X, y, prior_precision)
    return _hessian(_as_weights(weights, X.shape[1]), X, alpha)


def fit_logistic_regression(X, y, prior_precision=1.0, *, max_iter=100, tol=1e-10) -> LaplaceResult:
    r"""Laplace approximation of the posterior of Bayesian logistic regression.

    The mode is found by Newton's method from w = 0, each step
    :math:`p = -H^{-1}\nabla E` shortened by backtracking until it decreases the negative
    log joint :math:`E` enough (Armijo's condition). On linearly separable data a full
    Newton step can overshoot by far; the line search keeps every step downhill and the
    prior keeps the mode finite, so the iteration converges. It stops when the squared
    Newton decrement :math:`\lambda^2 = \nabla E^\top H^{-1} \nabla E` (twice the
    predicted remaining decrease of E) is at most ``tol``.

    Parameters
    ----------
    X : array_like of shape (n, d)
        Features; add a column of ones for a bias.
    y : array_like of shape (n,)
        Labels in {0, 1}.
    prior_precision : float, default 1.0
        alpha > 0 of the prior N(w | 0, alpha^{-1} I).
    max_iter : int, default 100
        Maximum number of Newton steps.
    tol : float, default 1e-10
        Threshold on the squared Newton decrement.

    Returns
    -------
    LaplaceResult
        ``mean`` the MAP weights (d,), ``covariance`` the inverse Hessian (d, d) there,
        ``log_evidence`` the Laplace estimate of log p(y | X, alpha) (equation 6.4),
        ``n_iter`` the Newton steps taken.

    Raises
    ------
    RuntimeError
        If the decrement is still above ``tol`` after ``max_iter`` steps, the line
        search cannot decrease E (a sign of a badly scaled problem), or the Hessian is
        singular to working precision (collinear columns with a tiny ``prior_precision``)
        or overflows (huge features).
    """
    X, y, alpha = _check_logistic(X, y, prior_precision)
    max_iter = as_count(max_iter, "max_iter")
    tol = as_positive(tol, "tol")
    weights = np.zeros(X.shape[1])
    energy = _negative_log_joint(weights, X, y, alpha)
    for n_iter in range(1, max_iter + 1):
        gradient = _gradient(weights, X, y, alpha)
        factor = _cholesky_of_precision(_hessian(weights, X, alpha), RuntimeError)
        step = -cho_solve((factor, True), gradient)
        decrement = float(-gradient @ step)
        # Near the optimum E changes by less than its rounding error; the slack lets the
        # last steps through instead of declaring a false failure.
        slack = 1e-13 * (1.0 + abs(energy))
        step_size = 1.0
        while True:
            candidate = weights + step_size * step
            candidate_energy = _negative_log_joint(candidate, X, y, alpha)
            if candidate_energy <= energy - 0.25 * step_size * decrement + slack:
                break
            step_size *= 0.5
            if step_size < 1e-12:
                raise RuntimeError(
                    f"the line search could not decrease the negative log joint at Newton step "
                    f"{n_iter} (squared Newton decrement {decrement:.3g}); rescale the features of X"
                )
        weights, energy = candidate, candidate_energy
        if decrement <= tol:
            break
    else:
        raise RuntimeError(
            f"Newton's method did not converge in max_iter={max_iter} steps: the squared Newton "
            f"decrement is {decrement:.3g} > tol={tol:g}; increase max_iter"
        )
    factor, covariance = _gaussian_from_hessian(_hessian(weights, X, alpha), RuntimeError)
    log_evidence = _log_evidence_from_factor(-energy, factor)
    return LaplaceResult(weights, covariance, log_evidence, n_iter)


def sample_posterior(result, n_samples, rng=None) -> np.ndarray:
    """Draw weights from the Gaussian N(result.mean, result.covariance).

    Parameters
    ----------
    result : LaplaceResult
    n_samples : int
    rng : None, int or numpy.random.Generator

    Returns
    -------
    samples : ndarray of shape (n_samples, d)
    """
    result = _as_result(result)
    n_samples = as_count(n_samples, "n_samples")
    rng = as_generator(rng)
    try:
        factor = cholesky(result.covariance, lower=True)
    except np.linalg.LinAlgError:
        raise ValueError("result.covariance is not positive definite; it cannot be sampled") from None
    standard = rng.standard_normal((n_samples, result.mean.shape[0]))
    return result.mean + standard @ factor.T


def predict_map(result, X_new) -> np.ndarray:
    """Plug-in predictive probability sigma(x^T w_MAP), which ignores the weight uncertainty.

    Parameters
    ----------
    result : LaplaceResult
    X_new : array_like of shape (n_new, d)

    Returns
    -------
    probabilities : ndarray of shape (n_new,)
    """
    result = _as_result(result)
    return expit(_as_new_data(X_new, result) @ result.mean)


def predict_probit(result, X_new) -> np.ndarray:
    r"""Predictive probability p(y=1 | x, D) by the probit approximation.

    The activation :math:`a = x^\top w` is Gaussian with mean :math:`\mu_a = x^\top m`
    and variance :math:`\sigma_a^2 = x^\top \Sigma x`; replacing the sigmoid by a scaled
    probit function gives

    .. math:: p(y=1\mid x, D) \approx \sigma(\kappa(\sigma_a^2)\,\mu_a),\quad
              \kappa(s) = (1 + \pi s / 8)^{-1/2}

    (lesson 06, equation 6.18).

    Parameters
    ----------
    result : LaplaceResult
    X_new : array_like of shape (n_new, d)

    Returns
    -------
    probabilities : ndarray of shape (n_new,)
    """
    result = _as_result(result)
    X_new = _as_new_data(X_new, result)
    mean_activation = X_new @ result.mean
    variance_activation = np.einsum("ni,ij,nj->n", X_new, result.covariance, X_new)
    kappa = 1.0 / np.sqrt(1.0 + np.pi * variance_activation / 8.0)
    return expit(kappa * mean_activation)


def predict_monte_carlo(result, X_new, n_samples, rng=None) -> np.ndarray:
    r"""Predictive probability by averaging sigma(x^T w) over weights drawn from the posterior.

    .. math:: p(y=1\mid x, D) \approx \frac1S \sum_{s=1}^S \sigma(x^\top w_s),
              \quad w_s \sim \mathcal N(m, \Sigma)

    Its standard error is at most :math:`1/(2\sqrt S)`.

    Parameters
    ----------
    result : LaplaceResult
    X_new : array_like of shape (n_new, d)
    n_samples : int
    rng : None, int or numpy.random.Generator

    Returns
    -------
    probabilities : ndarray of shape (n_new,)
    """
    result = _as_result(result)
    X_new = _as_new_data(X_new, result)
    samples = sample_posterior(result, n_samples, rng)
    total = np.zeros(X_new.shape[0])
    # Process the draws in blocks so that a fine grid of points times many draws never
    # needs one huge (n_new, n_samples) array.
    block = max(1, 2_000_000 // X_new.shape[0])
    for start in range(0, samples.shape[0], block):
        total += expit(X_new @ samples[start : start + block].T).sum(axis=1)
    return total / samples.shape[0]


# ----------------------------------------------------------------------------- linear regression


def _linear_fit(X, y, alpha, beta) -> LaplaceResult:
    n, d = X.shape
    precision = beta * (X.T @ X)
    precision.flat[:: d + 1] += alpha
    factor, covariance = _gaussian_from_hessian(precision)
    mean = beta * cho_solve((factor, True), X.T @ y)
    residual = y - X @ mean
    log_likelihood = 0.5 * n * (np.log(beta) - LOG_2PI) - 0.5 * beta * residual @ residual
    log_prior = 0.5 * d * (np.log(alpha) - LOG_2PI) - 0.5 * alpha * mean @ mean
    log_evidence = _log_evidence_from_factor(float(log_likelihood + log_prior), factor)
    return LaplaceResult(mean, covariance, log_evidence, 0)


def fit_linear_regression(X, y, prior_precision, noise_precision) -> LaplaceResult:
    r"""Exact Gaussian posterior and evidence of Bayesian linear regression.

    With prior :math:`\mathcal N(w\mid 0, \alpha^{-1}I)` and likelihood
    :math:`\mathcal N(y\mid Xw, \beta^{-1}I)` the log joint is quadratic in :math:`w`, so
    the Laplace approximation is exact:

    .. math:: A = \alpha I + \beta X^\top X,\quad m = \beta A^{-1}X^\top y,\quad
              \Sigma = A^{-1}

    and equation 6.4 gives :math:`\log p(y)` with no error (lesson 06, equations 6.8-6.10).

    Parameters
    ----------
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    prior_precision : float
        alpha > 0.
    noise_precision : float
        beta > 0.

    Returns
    -------
    LaplaceResult
        ``n_iter`` is 0: the answer is in closed form.

    Raises
    ------
    ValueError
        If :math:`A` is singular to working precision (collinear columns and a tiny
        ``prior_precision``) or ``X`` is so large that :math:`X^\top X` overflows.
    """
    X = _as_features(X)
    y = _as_vector(y, X.shape[0], "y")
    alpha = as_positive(prior_precision, "prior_precision")
    beta = as_positive(noise_precision, "noise_precision")
    return _linear_fit(X, y, alpha, beta)


def maximize_linear_evidence(
    X, y, *, prior_precision=1.0, noise_precision=1.0, max_iter=1000, tol=1e-10
) -> EvidenceMaximum:
    r"""Choose alpha and beta of Bayesian linear regression by MacKay's fixed-point iteration.

    With :math:`\lambda_i` the eigenvalues of :math:`\beta X^\top X`, the effective
    number of well-determined parameters is :math:`\gamma = \sum_i \lambda_i/(\alpha+\lambda_i)`
    (lesson 06, equation 6.19) and the stationarity conditions of the log evidence read

    .. math:: \alpha = \frac{\gamma}{m^\top m},\quad
              \beta = \frac{n - \gamma}{\lVert y - X m\rVert^2}

    (equation 6.20). They are iterated from the given starting values until
    both change by a relative amount below ``tol``.

    Parameters
    ----------
    X : array_like of shape (n, d)
    y : array_like of shape (n,)
    prior_precision, noise_precision : float, default 1.0
        Starting values of alpha and beta.
    max_iter : int, default 1000
    tol : float, default 1e-10

    Returns
    -------
    EvidenceMaximum

    Raises
    ------
    RuntimeError
        If the iteration has not converged after ``max_iter`` steps, for example when
        the model can interpolate the data (beta grows without bound) or the evidence is
        largest for w = 0 (alpha grows without bound).
    """
    X = _as_features(X)
    y = _as_vector(y, X.shape[0], "y")
    alpha = as_positive(prior_precision, "prior_precision")
    beta = as_positive(noise_precision, "noise_precision")
    max_iter = as_count(max_iter, "max_iter")
    tol = as_positive(tol, "tol")
    n = X.shape[0]
    gram_eigenvalues = np.clip(np.linalg.eigvalsh(X.T @ X), 0.0, None)
    for n_iter in range(1, max_iter + 1):
        fit = _linear_fit(X, y, alpha, beta)
        eigenvalues = beta * gram_eigenvalues
        gamma = float(np.sum(eigenvalues / (alpha + eigenvalues)))
        residual = y - X @ fit.mean
        squared_norm, squared_residual = float(fit.mean @ fit.mean), float(residual @ residual)
        if squared_norm == 0.0 or squared_residual == 0.0:
            break
        new_alpha, new_beta = gamma / squared_norm, (n - gamma) / squared_residual
        change = max(abs(new_alpha - alpha) / alpha, abs(new_beta - beta) / beta)
        alpha, beta = new_alpha, new_beta
        if not (np.isfinite(alpha) and np.isfinite(beta) and alpha > 0 and beta > 0):
            break
        if change <= tol:
            return EvidenceMaximum(alpha, beta, _linear_fit(X, y, alpha, beta).log_evidence, n_iter)
    raise RuntimeError(
        f"MacKay's fixed-point iteration did not converge in max_iter={max_iter} steps "
        f"(alpha={alpha:.3g}, beta={beta:.3g}): the evidence may have no finite maximum, because "
        "the data favour w = 0 (alpha grows without bound) or the model interpolates them "
        "(beta grows without bound)"
    )


# ----------------------------------------------------------------------------- Beta-Binomial


def _check_counts(successes, trials, a, b):
    trials = as_count(trials, "trials", minimum=0)
    successes = as_count(successes, "successes", minimum=0, maximum=trials)
    return successes, trials, as_positive(a, "a"), as_positive(b, "b")


def beta_binomial_log_evidence(successes, trials, a=1.0, b=1.0) -> float:
    r"""Exact log probability of a sequence with ``successes`` ones in ``trials`` coin flips.

    .. math:: \log p(D) = \log B(k + a, n - k + b) - \log B(a, b)

    under a Beta(a, b) prior on the probability theta of a one (lesson 06, equation 6.5).

    Parameters
    ----------
    successes : int
        k, between 0 and ``trials``.
    trials : int
        n >= 0.
    a, b : float, default 1.0
        Parameters of the Beta prior, both > 0.

    Returns
    -------
    float
    """
    k, n, a, b = _check_counts(successes, trials, a, b)
    return float(betaln(k + a, n - k + b) - betaln(a, b))


def beta_binomial_laplace(successes, trials, a=1.0, b=1.0, *, parameterization="theta") -> LaplaceResult:
    r"""Laplace approximation of the Beta-Binomial posterior in theta or in logit theta.

    In theta the log joint is :math:`(k+a-1)\log\theta + (n-k+b-1)\log(1-\theta) - \log B(a,b)`,
    with mode :math:`\theta^\star = (k+a-1)/(n+a+b-2)` and curvature
    :math:`H = (k+a-1)/\theta^{\star2} + (n-k+b-1)/(1-\theta^\star)^2`.
    In :math:`\phi = \operatorname{logit}\theta` the Jacobian :math:`\theta(1-\theta)` adds
    one to each exponent: mode :math:`\sigma(\phi^\star) = (k+a)/(n+a+b)` and
    :math:`H = (n+a+b)\,\theta^\star(1-\theta^\star)` (lesson 06, equations 6.6-6.7).
    Both approximate the same evidence, differently.

    Parameters
    ----------
    successes : int
        k, between 0 and ``trials``.
    trials : int
        n >= 0.
    a, b : float, default 1.0
        Parameters of the Beta prior, both > 0.
    parameterization : {"theta", "logit"}, default "theta"

    Returns
    -------
    LaplaceResult
        ``mean`` (1,) and ``covariance`` (1, 1) in the chosen parameter.

    Raises
    ------
    ValueError
        In theta, when the posterior density is largest at 0 or 1 (k + a <= 1 or
        n - k + b <= 1): there is no interior mode to expand around.
    """
    k, n, a, b = _check_counts(successes, trials, a, b)
    log_beta_prior = betaln(a, b)
    if parameterization == "theta":
        ones, zeros = k + a - 1.0, n - k + b - 1.0
        if ones <= 0.0 or zeros <= 0.0:
            raise ValueError(
                f"the posterior density of theta is largest on the boundary (successes + a = {k + a:g}, "
                f"trials - successes + b = {n - k + b:g}; both must exceed 1), so there is no "
                "interior mode in theta: use parameterization='logit'"
            )
        mode = ones / (ones + zeros)
        curvature = ones / mode**2 + zeros / (1.0 - mode) ** 2
        location = mode
    elif parameterization == "logit":
        ones, zeros = k + a, n - k + b
        mode = ones / (ones + zeros)
        curvature = (ones + zeros) * mode * (1.0 - mode)
        location = np.log(mode) - np.log1p(-mode)
    else:
        raise ValueError(f"parameterization must be 'theta' or 'logit'; got {parameterization!r}")
    log_joint = ones * np.log(mode) + zeros * np.log1p(-mode) - log_beta_prior
    log_evidence = float(log_joint + 0.5 * LOG_2PI - 0.5 * np.log(curvature))
    return LaplaceResult(np.array([location]), np.array([[1.0 / curvature]]), log_evidence, 0)
