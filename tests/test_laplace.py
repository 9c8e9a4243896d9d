"""The Laplace approximation of lesson 06 (course_utils.laplace)."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats
from scipy.special import betaln, expit

from course_utils.laplace import (
    LaplaceResult,
    beta_binomial_laplace,
    beta_binomial_log_evidence,
    fit_linear_regression,
    fit_logistic_regression,
    laplace_log_evidence,
    log_sigmoid,
    logistic_gradient,
    logistic_hessian,
    logistic_negative_log_joint,
    maximize_linear_evidence,
    predict_map,
    predict_monte_carlo,
    predict_probit,
    sample_posterior,
)


def logistic_problem(seed, n=None, d=None, separation=1.5):
    """Overlapping classes: a bias column plus d - 1 Gaussian features."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(15, 80)) if n is None else n
    d = int(rng.integers(1, 5)) if d is None else d
    features = rng.normal(size=(n, d - 1))
    true_weights = rng.normal(scale=separation, size=d)
    X = np.column_stack([np.ones(n), features])
    y = (rng.uniform(size=n) < expit(X @ true_weights)).astype(float)
    alpha = float(rng.uniform(0.1, 3.0))
    return X, y, alpha


def reference_energy(weights, X, y, alpha):
    """-log p(y, w) written point by point with math, independently of the package."""
    total = 0.0
    for row, label in zip(X, y):
        activation = float(row @ weights)
        p_one = 1.0 / (1.0 + math.exp(-activation))
        total -= math.log(p_one) if label == 1 else math.log(1.0 - p_one)
    d = len(weights)
    return total + 0.5 * alpha * float(weights @ weights) + 0.5 * d * math.log(2 * math.pi / alpha)


def reference_gradient(weights, X, y, alpha):
    gradient = alpha * np.array(weights, dtype=float)
    for row, label in zip(X, y):
        gradient += (1.0 / (1.0 + math.exp(-float(row @ weights))) - label) * row
    return gradient


def finite_difference_hessian(function, point, step=1e-4):
    """Central second differences of a scalar function (no gradient used)."""
    d = point.size
    hessian = np.empty((d, d))
    basis = np.eye(d) * step
    for i in range(d):
        for j in range(d):
            hessian[i, j] = (
                function(point + basis[i] + basis[j])
                - function(point + basis[i] - basis[j])
                - function(point - basis[i] + basis[j])
                + function(point - basis[i] - basis[j])
            ) / (4 * step**2)
    return hessian


# ----------------------------------------------------------------------------- building blocks


def test_log_sigmoid_is_finite_and_accurate_far_into_the_tails():
    activation = np.array([-1000.0, -40.0, -1.0, 0.0, 2.0, 50.0, 1000.0])
    result = log_sigmoid(activation)
    assert np.all(np.isfinite(result))
    # log sigma(a) = a - log(1 + e^a) ~ a for very negative a and ~ -e^{-a} for large a.
    assert result[0] == pytest.approx(-1000.0, rel=1e-15)
    assert result[-2] == pytest.approx(-math.exp(-50.0), rel=1e-12)
    middle = activation[1:-2]
    np.testing.assert_allclose(result[1:-2], np.log(1.0 / (1.0 + np.exp(-middle))), rtol=1e-13)


@pytest.mark.parametrize("seed", range(10))
def test_energy_gradient_and_hessian_match_references_and_finite_differences(seed):
    X, y, alpha = logistic_problem(seed)
    rng = np.random.default_rng(100 + seed)
    weights = rng.normal(size=X.shape[1])
    energy = logistic_negative_log_joint(weights, X, y, alpha)
    assert energy == pytest.approx(reference_energy(weights, X, y, alpha), rel=1e-12)

    gradient = logistic_gradient(weights, X, y, alpha)
    np.testing.assert_allclose(gradient, reference_gradient(weights, X, y, alpha), rtol=1e-10, atol=1e-12)
    numeric_gradient = optimize.approx_fprime(
        weights, lambda w: reference_energy(w, X, y, alpha), epsilon=1e-6
    )
    np.testing.assert_allclose(gradient, numeric_gradient, rtol=1e-4, atol=1e-4)

    hessian = logistic_hessian(weights, X, y, alpha)
    numeric_hessian = finite_difference_hessian(lambda w: reference_energy(w, X, y, alpha), weights)
    np.testing.assert_allclose(hessian, numeric_hessian, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(hessian, hessian.T, atol=0)
    assert np.all(np.linalg.eigvalsh(hessian) >= alpha * (1 - 1e-12))


@pytest.mark.parametrize("d", [1, 3])
def test_laplace_evidence_of_an_unnormalized_gaussian_is_exact(d):
    rng = np.random.default_rng(d)
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    hessian = (q * rng.uniform(0.5, 4.0, size=d)) @ q.T
    log_scale = 1.7
    # Integral of exp(log_scale - x^T H x / 2) is exp(log_scale) (2 pi)^{d/2} det(H)^{-1/2}.
    expected = log_scale + 0.5 * d * math.log(2 * math.pi) - 0.5 * math.log(np.linalg.det(hessian))
    assert laplace_log_evidence(log_scale, hessian) == pytest.approx(expected, rel=1e-12)


# ----------------------------------------------------------------------------- logistic regression


@pytest.mark.parametrize("seed", range(8))
def test_mode_matches_a_scipy_minimizer_and_covariance_a_finite_difference_hessian(seed):
    X, y, alpha = logistic_problem(seed)
    result = fit_logistic_regression(X, y, alpha)
    assert isinstance(result, LaplaceResult)
    assert result.mean.shape == (X.shape[1],) and result.covariance.shape == (X.shape[1],) * 2
    assert 1 <= result.n_iter <= 20

    reference = optimize.minimize(
        reference_energy, np.zeros(X.shape[1]), args=(X, y, alpha), jac=reference_gradient,
        method="BFGS", options={"gtol": 1e-11, "maxiter": 1000},
    )
    np.testing.assert_allclose(result.mean, reference.x, atol=1e-6)

    numeric_hessian = finite_difference_hessian(lambda w: reference_energy(w, X, y, alpha), reference.x)
    np.testing.assert_allclose(result.covariance, np.linalg.inv(numeric_hessian), rtol=1e-4, atol=1e-9)

    # Laplace evidence: log joint at the mode + d/2 log 2 pi - 1/2 log det H.
    d = X.shape[1]
    expected = (
        -reference_energy(reference.x, X, y, alpha)
        + 0.5 * d * math.log(2 * math.pi)
        - 0.5 * np.linalg.slogdet(numeric_hessian)[1]
    )
    assert result.log_evidence == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("seed", range(5))
def test_one_dimensional_laplace_evidence_is_within_a_tenth_of_a_nat_of_quadrature(seed):
    rng = np.random.default_rng(seed)
    n = 40
    x = rng.normal(size=(n, 1))
    y = (rng.uniform(size=n) < expit(1.2 * x[:, 0])).astype(float)
    alpha = 1.0
    result = fit_logistic_regression(x, y, alpha)
    peak = -reference_energy(result.mean, x, y, alpha)
    spread = 12 * math.sqrt(result.covariance[0, 0])
    integral, _ = integrate.quad(
        lambda w: math.exp(-reference_energy(np.array([w]), x, y, alpha) - peak),
        result.mean[0] - spread, result.mean[0] + spread, epsabs=0, epsrel=1e-10,
    )
    exact = peak + math.log(integral)
    assert abs(result.log_evidence - exact) < 0.1
    # ... and the approximation is not exact either: the posterior is skewed.
    assert abs(result.log_evidence - exact) > 1e-6


@pytest.mark.parametrize("alpha", [1e-4, 1e-2, 1.0])
def test_separable_data_converge_to_a_finite_mode(alpha):
    rng = np.random.default_rng(7)
    features = rng.normal(size=(30, 2))
    y = (features[:, 0] + features[:, 1] > 0).astype(float)
    features += np.where(y[:, np.newaxis] == 1, 0.5, -0.5)  # widen the margin
    X = np.column_stack([np.ones(30), features])
    result = fit_logistic_regression(X, y, alpha)
    assert np.all(np.isfinite(result.mean)) and np.isfinite(result.log_evidence)
    assert np.linalg.norm(logistic_gradient(result.mean, X, y, alpha)) < 1e-6
    assert np.all(np.linalg.eigvalsh(result.covariance) > 0)
    # Weaker priors let the weights grow: the norm of the mode grows as alpha shrinks.
    if alpha < 1.0:
        assert np.linalg.norm(result.mean) > np.linalg.norm(fit_logistic_regression(X, y, 1.0).mean)


def test_separable_data_defeat_newton_without_a_line_search():
    """The safeguard matters: on these separable points undamped Newton from 0 diverges."""
    X = np.array([
        [1.0, 0.39, -4.21], [1.0, -0.36, 0.34], [1.0, 0.96, 0.84],
        [1.0, 0.52, -5.94], [1.0, -0.24, 0.11], [1.0, -6.7, -8.65],
    ])
    y = np.array([0.0, 1.0, 0.0, 0.0, 0.0, 1.0])
    alpha = 1e-4
    weights = np.zeros(3)
    energies = [logistic_negative_log_joint(weights, X, y, alpha)]
    for _ in range(15):
        step = np.linalg.solve(logistic_hessian(weights, X, y, alpha), logistic_gradient(weights, X, y, alpha))
        weights = weights - step
        energies.append(logistic_negative_log_joint(weights, X, y, alpha))
    assert min(energies) < 18 and energies[-1] > 1e5  # it went downhill, then blew up

    result = fit_logistic_regression(X, y, alpha)
    assert np.linalg.norm(logistic_gradient(result.mean, X, y, alpha)) < 1e-6
    assert logistic_negative_log_joint(result.mean, X, y, alpha) < min(energies)
    assert result.n_iter < 30


def test_a_few_steps_are_not_enough_and_say_so():
    X, y, alpha = logistic_problem(3, n=60, d=3)
    with pytest.raises(RuntimeError, match=r"did not converge in max_iter=1 steps"):
        fit_logistic_regression(X, y, alpha, max_iter=1)


# ----------------------------------------------------------------------------- predictions


def exact_predictive(result, X_new):
    """E[sigma(a)] with a ~ N(x^T m, x^T S x), by one-dimensional quadrature."""
    values = []
    for row in X_new:
        mean, sd = float(row @ result.mean), math.sqrt(float(row @ result.covariance @ row))
        value, _ = integrate.quad(
            lambda z, m, s: expit(m + s * z) * stats.norm.pdf(z), -12, 12, args=(mean, sd), epsabs=1e-12
        )
        values.append(value)
    return np.array(values)


@pytest.mark.parametrize("seed", range(4))
def test_probit_and_monte_carlo_agree_with_each_other_and_with_quadrature(seed):
    X, y, alpha = logistic_problem(seed, n=25, d=3)
    result = fit_logistic_regression(X, y, alpha)
    rng = np.random.default_rng(seed)
    X_new = np.column_stack([np.ones(40), rng.normal(scale=3.0, size=(40, 2))])
    probit = predict_probit(result, X_new)
    monte_carlo = predict_monte_carlo(result, X_new, 20_000, rng=seed)
    exact = exact_predictive(result, X_new)
    assert np.max(np.abs(probit - monte_carlo)) < 0.02
    assert np.max(np.abs(probit - exact)) < 0.02
    # The Monte Carlo standard error is at most 1 / (2 sqrt(20000)) = 0.0035.
    assert np.max(np.abs(monte_carlo - exact)) < 5 * 0.0036


def test_predictions_are_pulled_towards_one_half_relative_to_the_plug_in():
    X, y, alpha = logistic_problem(1, n=20, d=3)
    result = fit_logistic_regression(X, y, alpha)
    X_far = np.column_stack([np.ones(5), np.linspace(5, 20, 5), np.linspace(-5, 20, 5)])
    plug_in, probit = predict_map(result, X_far), predict_probit(result, X_far)
    assert np.all(np.abs(probit - 0.5) < np.abs(plug_in - 0.5))
    assert np.all(np.sign(probit - 0.5) == np.sign(plug_in - 0.5))


def test_monte_carlo_is_reproducible_and_samples_have_the_posterior_moments():
    X, y, alpha = logistic_problem(2, n=50, d=3)
    result = fit_logistic_regression(X, y, alpha)
    X_new = X[:7]
    first = predict_monte_carlo(result, X_new, 500, rng=np.random.default_rng(5))
    again = predict_monte_carlo(result, X_new, 500, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(first, again)
    samples = sample_posterior(result, 40_000, rng=0)
    assert samples.shape == (40_000, 3)
    np.testing.assert_allclose(samples.mean(axis=0), result.mean, atol=0.02)
    np.testing.assert_allclose(np.cov(samples.T), result.covariance, atol=0.02)


# ----------------------------------------------------------------------------- linear regression


@pytest.mark.parametrize("seed", range(8))
def test_linear_regression_matches_the_closed_form_and_the_marginal_likelihood(seed):
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(2, 40)), int(rng.integers(1, 6))
    X = rng.normal(size=(n, d))
    alpha, beta = float(rng.uniform(0.05, 5.0)), float(rng.uniform(0.2, 20.0))
    y = X @ rng.normal(size=d) + rng.normal(scale=beta**-0.5, size=n)
    result = fit_linear_regression(X, y, alpha, beta)

    marginal_covariance = np.eye(n) / beta + X @ X.T / alpha
    expected = stats.multivariate_normal(np.zeros(n), marginal_covariance).logpdf(y)
    assert result.log_evidence == pytest.approx(expected, abs=1e-8)
    # The posterior mean through the n x n system (push-through identity), not the d x d one.
    mean = X.T @ np.linalg.solve(X @ X.T + (alpha / beta) * np.eye(n), y)
    np.testing.assert_allclose(result.mean, mean, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(
        result.covariance, np.linalg.inv(alpha * np.eye(d) + beta * X.T @ X), rtol=1e-8, atol=1e-12
    )
    assert result.n_iter == 0


def test_evidence_fixed_point_is_a_maximum_of_the_evidence():
    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, size=30)
    X = np.vander(x, 5, increasing=True)
    y = np.sin(3 * x) + rng.normal(scale=0.2, size=30)
    best = maximize_linear_evidence(X, y)
    assert best.log_evidence == pytest.approx(
        fit_linear_regression(X, y, best.prior_precision, best.noise_precision).log_evidence, rel=1e-12
    )

    def negative(log_hyper):
        return -fit_linear_regression(X, y, *np.exp(log_hyper)).log_evidence

    reference = optimize.minimize(negative, np.zeros(2), method="Nelder-Mead",
                                  options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 5000})
    np.testing.assert_allclose(
        [best.prior_precision, best.noise_precision], np.exp(reference.x), rtol=1e-4
    )
    assert best.log_evidence >= -reference.fun - 1e-9


def test_evidence_fixed_point_reports_a_model_that_interpolates():
    X = np.vander(np.linspace(-1, 1, 4), 4, increasing=True)  # as many weights as points
    with pytest.raises(RuntimeError, match="did not converge"):
        maximize_linear_evidence(X, np.array([0.0, 1.0, -1.0, 0.5]), max_iter=200)


# ----------------------------------------------------------------------------- Beta-Binomial


@pytest.mark.parametrize("k, n, a, b", [(3, 10, 1.0, 1.0), (0, 5, 2.0, 3.0), (40, 50, 0.5, 0.5), (7, 7, 3.0, 1.5)])
def test_beta_binomial_evidence_matches_quadrature(k, n, a, b):
    def joint(theta):
        return theta ** (k + a - 1) * (1 - theta) ** (n - k + b - 1) / math.exp(betaln(a, b))

    integral, _ = integrate.quad(joint, 0, 1, epsabs=0, epsrel=1e-10, limit=200)
    assert beta_binomial_log_evidence(k, n, a, b) == pytest.approx(math.log(integral), rel=1e-8)


@pytest.mark.parametrize("parameterization", ["theta", "logit"])
@pytest.mark.parametrize("k, n, a, b", [(3, 10, 1.0, 1.0), (12, 40, 2.0, 3.0), (30, 31, 2.0, 2.0)])
def test_beta_binomial_laplace_matches_a_numerical_mode_and_curvature(k, n, a, b, parameterization):
    if parameterization == "theta":
        def log_joint(t):
            return (k + a - 1) * math.log(t) + (n - k + b - 1) * math.log(1 - t) - betaln(a, b)
        bounds = (1e-9, 1 - 1e-9)
    else:
        def log_joint(phi):
            # Change of variables theta = sigma(phi): dtheta/dphi = theta (1 - theta).
            return (k + a) * float(log_sigmoid(phi)) + (n - k + b) * float(log_sigmoid(-phi)) - betaln(a, b)
        bounds = (-30, 30)
    mode = optimize.minimize_scalar(lambda t: -log_joint(t), bounds=bounds, method="bounded",
                                    options={"xatol": 1e-12}).x
    h = 1e-4
    curvature = -(log_joint(mode + h) - 2 * log_joint(mode) + log_joint(mode - h)) / h**2
    result = beta_binomial_laplace(k, n, a, b, parameterization=parameterization)
    assert result.mean[0] == pytest.approx(mode, abs=1e-6)
    assert result.covariance[0, 0] == pytest.approx(1 / curvature, rel=1e-4)
    expected = log_joint(mode) + 0.5 * math.log(2 * math.pi) - 0.5 * math.log(curvature)
    assert result.log_evidence == pytest.approx(expected, abs=1e-6)


def test_beta_binomial_laplace_error_shrinks_with_more_data():
    errors = {
        parameterization: [
            abs(beta_binomial_laplace(n // 4, n, parameterization=parameterization).log_evidence
                - beta_binomial_log_evidence(n // 4, n))
            for n in (8, 32, 128, 512)
        ]
        for parameterization in ("theta", "logit")
    }
    for values in errors.values():
        assert np.all(np.diff(values) < 0)
        assert values[-1] < 0.01


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "X, y, prior_precision, error, message",
    [
        (np.zeros((3, 2)), [0, 1, 2], 1.0, ValueError, "y must contain only the labels 0 and 1; got 2"),
        (np.zeros((3, 2)), [0, 1, -1], 1.0, ValueError, "only the labels 0 and 1; got -1"),
        (np.zeros((3, 2)), [0, 1, 0.5], 1.0, ValueError, "only the labels 0 and 1; got 0.5"),
        (np.zeros((3, 2)), [0, 1], 1.0, ValueError, r"y must be a 1-D array with one entry per row of X \(3 rows\)"),
        (np.zeros((3, 2)), [[0, 1, 1]], 1.0, ValueError, r"got shape \(1, 3\)"),
        (np.zeros((3, 2)), [0, np.nan, 1], 1.0, ValueError, "y contains NaN or inf"),
        (np.array([[0.0, np.inf]] * 3), [0, 1, 1], 1.0, ValueError, "X contains NaN or inf"),
        (np.zeros(3), [0, 1, 1], 1.0, ValueError, r"X must be a 2-D array of shape \(n, d\)"),
        (np.zeros((3, 2)), [0, 1, 1], 0.0, ValueError, "prior_precision must be a finite number > 0; got 0.0"),
        (np.zeros((3, 2)), [0, 1, 1], -1.0, ValueError, "prior_precision must be a finite number > 0"),
        (np.zeros((3, 2)), [0, 1, 1], np.inf, ValueError, "prior_precision must be a finite number > 0; got inf"),
        (np.zeros((3, 2)), [0, 1, 1], "1", TypeError, "prior_precision must be a real number"),
        (np.zeros((3, 2)), ["a", "b", "c"], 1.0, TypeError, "y must be an array of real numbers; got strings"),
    ],
)
def test_bad_logistic_input_is_named(X, y, prior_precision, error, message):
    with pytest.raises(error, match=message):
        fit_logistic_regression(X, y, prior_precision)


@pytest.mark.parametrize(
    "keyword, value, error, message",
    [
        ("max_iter", 0, ValueError, "max_iter must be at least 1"),
        ("max_iter", 2.5, TypeError, "max_iter must be an integer"),
        ("tol", 0.0, ValueError, "tol must be a finite number > 0"),
    ],
)
def test_bad_newton_settings_are_named(keyword, value, error, message):
    with pytest.raises(error, match=message):
        fit_logistic_regression(np.ones((3, 1)), [0, 1, 1], **{keyword: value})


def test_bad_weights_for_the_energy_functions_are_named():
    X, y = np.ones((3, 2)), [0, 1, 1]
    with pytest.raises(ValueError, match=r"weights must have shape \(2,\), one per column of X; got shape \(3,\)"):
        logistic_gradient(np.zeros(3), X, y)
    with pytest.raises(ValueError, match="weights contains NaN or inf"):
        logistic_hessian([np.nan, 0.0], X, y)
    with pytest.raises(ValueError, match="y must contain only the labels 0 and 1"):
        logistic_negative_log_joint(np.zeros(2), X, [0, 1, 3])


def test_bad_prediction_input_is_named():
    result = fit_logistic_regression(np.column_stack([np.ones(4), [-1.0, -0.5, 0.5, 1.0]]), [0, 1, 0, 1])
    with pytest.raises(TypeError, match="result must be a LaplaceResult; got dict"):
        predict_probit({"mean": np.zeros(2)}, np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"X_new must have 2 columns, like the data the result was fitted on"):
        predict_probit(result, np.ones((4, 3)))
    with pytest.raises(ValueError, match="X_new contains NaN or inf"):
        predict_map(result, np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="n_samples must be at least 1"):
        predict_monte_carlo(result, np.ones((1, 2)), 0)
    with pytest.raises(TypeError, match="n_samples must be an integer"):
        predict_monte_carlo(result, np.ones((1, 2)), 100.0)
    broken = LaplaceResult(np.zeros(2), -np.eye(2), 0.0, 1)
    with pytest.raises(ValueError, match="result.covariance is not positive definite"):
        sample_posterior(broken, 3)


@pytest.mark.parametrize(
    "y, alpha, beta, error, message",
    [
        ([1.0, 2.0], 1.0, 1.0, ValueError, r"y must be a 1-D array with one entry per row of X \(3 rows\)"),
        ([1.0, np.inf, 2.0], 1.0, 1.0, ValueError, "y contains NaN or inf"),
        ([1.0, 0.0, 2.0], 0.0, 1.0, ValueError, "prior_precision must be a finite number > 0"),
        ([1.0, 0.0, 2.0], 1.0, -2.0, ValueError, "noise_precision must be a finite number > 0; got -2.0"),
        ([1.0, 0.0, 2.0], 1.0, np.nan, ValueError, "noise_precision must be a finite number > 0; got nan"),
    ],
)
def test_bad_linear_regression_input_is_named(y, alpha, beta, error, message):
    with pytest.raises(error, match=message):
        fit_linear_regression(np.ones((3, 2)), y, alpha, beta)
    with pytest.raises(error, match=message):
        maximize_linear_evidence(np.ones((3, 2)), y, prior_precision=alpha, noise_precision=beta)


def test_bad_laplace_evidence_input_is_named():
    with pytest.raises(ValueError, match="hessian is not positive definite"):
        laplace_log_evidence(0.0, np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match=r"hessian must be a square array of shape \(d, d\); got shape \(2, 3\)"):
        laplace_log_evidence(0.0, np.ones((2, 3)))
    with pytest.raises(ValueError, match="hessian contains NaN or inf"):
        laplace_log_evidence(0.0, np.array([[np.nan]]))
    with pytest.raises(ValueError, match="log_joint_at_mode must be a finite number; got"):
        laplace_log_evidence(-np.inf, np.eye(2))
    with pytest.raises(TypeError, match="log_joint_at_mode must be a real number"):
        laplace_log_evidence("0", np.eye(2))


@pytest.mark.parametrize(
    "args, kwargs, error, message",
    [
        ((0, 5), {}, ValueError, "posterior density of theta is largest on the boundary"),
        ((5, 5, 1.0, 0.5), {}, ValueError, "use parameterization='logit'"),
        ((6, 5), {}, ValueError, "successes must be at most 5; got 6"),
        ((-1, 5), {}, ValueError, "successes must be at least 0"),
        ((1, 5.0), {}, TypeError, "trials must be an integer"),
        ((1, 5, 0.0), {}, ValueError, "a must be a finite number > 0"),
        ((1, 5, 1.0, -1.0), {}, ValueError, "b must be a finite number > 0"),
        ((1, 5), {"parameterization": "log"}, ValueError, "parameterization must be 'theta' or 'logit'; got 'log'"),
    ],
)
def test_bad_beta_binomial_input_is_named(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        beta_binomial_laplace(*args, **kwargs)


def test_boundary_modes_are_fine_in_logit_space():
    result = beta_binomial_laplace(0, 5, parameterization="logit")
    # sigma(mode) = (0 + 1) / (5 + 2).
    assert expit(result.mean[0]) == pytest.approx(1 / 7)
    assert np.isfinite(result.log_evidence)

