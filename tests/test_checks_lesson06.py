"""Self-checks of lesson 06: worked solutions pass, typical mistakes get their hint, bad input a line."""

import numpy as np
import pytest
from scipy import stats
from scipy.special import expit

from course_utils.checks import Feedback
from course_utils.checks import lesson06 as check
from course_utils.laplace import (
    beta_binomial_laplace,
    beta_binomial_log_evidence,
    fit_logistic_regression,
    logistic_hessian,
    logistic_negative_log_joint,
    maximize_linear_evidence,
)

BROWSER_EXERCISE = {
    "exercise": 2,
    "wrong": (
        "mode = posterior_2d.mean\n"
        "hessian = logistic_hessian(mode, X_2d, y_2d, alpha_2d)\n"
        "energy = logistic_negative_log_joint(mode, X_2d, y_2d, alpha_2d)\n"
        "log_evidence = -energy + 1.5 * np.log(2 * np.pi) + 0.5 * np.linalg.slogdet(hessian)[1]\n"
    ),
    "right": (
        "mode = posterior_2d.mean\n"
        "hessian = logistic_hessian(mode, X_2d, y_2d, alpha_2d)\n"
        "energy = logistic_negative_log_joint(mode, X_2d, y_2d, alpha_2d)\n"
        "log_evidence = -energy + 1.5 * np.log(2 * np.pi) - 0.5 * np.linalg.slogdet(hessian)[1]\n"
    ),
    "hint": "minus sign",
}


# ----------------------------------------------------------------------------- exercise 2


@pytest.fixture(scope="module")
def logistic():
    """Two overlapping classes with a bias column, as in section 6 of the lesson."""
    rng = np.random.default_rng(6)
    features = np.vstack([rng.normal(loc=(-1.0, -0.6), size=(25, 2)), rng.normal(loc=(1.0, 0.6), size=(25, 2))])
    X = np.column_stack([np.ones(50), features])
    y = np.repeat([0.0, 1.0], 25)
    return X, y, 1.0


def worked_exercise_2(X, y, alpha):
    """The worked solution: (6.14) written out, then (6.4)."""
    mode = fit_logistic_regression(X, y, alpha).mean
    activation = X @ mode
    hessian = (X.T * (expit(activation) * expit(-activation))) @ X + alpha * np.eye(X.shape[1])
    energy = logistic_negative_log_joint(mode, X, y, alpha)
    log_evidence = -energy + 0.5 * X.shape[1] * np.log(2 * np.pi) - 0.5 * np.linalg.slogdet(hessian)[1]
    return hessian, log_evidence, energy


def test_exercise_2_accepts_the_worked_solution(logistic):
    hessian, log_evidence, _ = worked_exercise_2(*logistic)
    feedback = check.exercise_2(hessian, log_evidence, *logistic)
    assert feedback and "Right" in repr(feedback)


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda h, le, e, d, a: (-h, le), "sign flipped"),
        (lambda h, le, e, d, a: (h - a * np.eye(d), le), "alpha times the identity"),
        (lambda h, le, e, d, a: (h, le + np.linalg.slogdet(h)[1]), "minus sign"),
        (lambda h, le, e, d, a: (h, le - 0.5 * np.linalg.slogdet(h)[1]), "factor 1/2"),
        (lambda h, le, e, d, a: (h, le + 2 * e), "use -E(w*)"),
        (lambda h, le, e, d, a: (h, le - 0.5 * d * np.log(2 * np.pi)), "(2 pi)^(d/2)"),
        (lambda h, le, e, d, a: (h, le - 0.5 * (d - 1) * np.log(2 * np.pi)), "once per weight"),
    ],
)
def test_exercise_2_names_typical_mistakes(logistic, mistake, hint):
    X, y, alpha = logistic
    hessian, log_evidence, energy = worked_exercise_2(X, y, alpha)
    wrong_hessian, wrong_evidence = mistake(hessian, log_evidence, energy, X.shape[1], alpha)
    feedback = check.exercise_2(wrong_hessian, wrong_evidence, X, y, alpha)
    assert not feedback and hint in feedback.message
    assert f"{log_evidence:.2f}" not in feedback.message


def test_exercise_2_hessian_at_zero_is_pointed_at_the_mode(logistic):
    X, y, alpha = logistic
    _, log_evidence, _ = worked_exercise_2(X, y, alpha)
    feedback = check.exercise_2(logistic_hessian(np.zeros(3), X, y, alpha), log_evidence, X, y, alpha)
    assert not feedback and "w = 0" in feedback.message


# ----------------------------------------------------------------------------- exercise 3


def worked_exercise_3():
    logit_errors = np.array([beta_binomial_laplace(k, 20, parameterization="logit").log_evidence
                             - beta_binomial_log_evidence(k, 20) for k in range(21)])
    in_theta = beta_binomial_laplace(2, 20, parameterization="theta")
    mass_below_zero = stats.norm.cdf(0, in_theta.mean[0], np.sqrt(in_theta.covariance[0, 0]))
    return logit_errors, mass_below_zero, in_theta


def test_exercise_3_accepts_the_worked_solution():
    logit_errors, mass, _ = worked_exercise_3()
    assert check.exercise_3(logit_errors, mass)
    assert check.exercise_3(list(logit_errors), np.float64(mass))


@pytest.mark.parametrize(
    ("mistake", "hint"),
    [
        (lambda e, m, t: (-e, m), "wrong sign"),
        (lambda e, m, t: (np.abs(e), m), "no absolute values"),
        (lambda e, m, t: (e[::-1] + np.linspace(0, 1e-3, 21), m), "the errors differ"),
        (lambda e, m, t: (e, stats.norm.cdf(0, t.mean[0], t.covariance[0, 0])), "standard deviation"),
        (lambda e, m, t: (e, 1 - m), "survival function"),
        (lambda e, m, t: (e, 0.5 * m), "CDF at 0"),
    ],
)
def test_exercise_3_names_typical_mistakes(mistake, hint):
    logit_errors, mass, in_theta = worked_exercise_3()
    feedback = check.exercise_3(*mistake(logit_errors, mass, in_theta))
    assert not feedback and hint in feedback.message
    assert f"{mass:.3f}" not in feedback.message


# ----------------------------------------------------------------------------- exercise 4


@pytest.fixture(scope="module")
def polynomials():
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, size=25)
    y = 0.5 + np.sin(np.pi * x) + rng.normal(scale=0.25, size=25)
    fits = [maximize_linear_evidence(np.vander(x, M + 1, increasing=True), y) for M in range(6)]
    return x, fits


def worked_exercise_4(x, fits):
    gammas = []
    for M, best in enumerate(fits):
        design = np.vander(x, M + 1, increasing=True)
        eigenvalues = best.noise_precision * np.linalg.eigvalsh(design.T @ design)
        gammas.append(np.sum(eigenvalues / (best.prior_precision + eigenvalues)))
    return np.array(gammas)


def test_exercise_4_accepts_the_worked_solution(polynomials):
    x, fits = polynomials
    assert check.exercise_4(worked_exercise_4(x, fits), x, fits)


def test_exercise_4_names_typical_mistakes(polynomials):
    x, fits = polynomials
    gammas = worked_exercise_4(x, fits)
    weights = np.arange(1, len(fits) + 1)
    without_beta = []
    for M, best in enumerate(fits):
        design = np.vander(x, M + 1, increasing=True)
        eigenvalues = np.linalg.eigvalsh(design.T @ design)
        without_beta.append(np.sum(eigenvalues / (best.prior_precision + eigenvalues)))
    for answer, hint in ((without_beta, "noise precision"), (weights - gammas, "d - gamma"),
                         (weights, "number of weights"), (gammas * 1.1, "gamma differs")):
        feedback = check.exercise_4(answer, x, fits)
        assert not feedback and hint in feedback.message


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda d: check.exercise_2(np.eye(2), -20.0, *d), "shape (3, 3)"),
        (lambda d: check.exercise_2("H", -20.0, *d), "got str"),
        (lambda d: check.exercise_2(None, -20.0, *d), "got None"),
        (lambda d: check.exercise_2(np.eye(3), "-20", *d), "single number"),
        (lambda d: check.exercise_2(np.eye(3), -20.0, d[0], d[1] + 2, d[2]), "unchanged"),
        (lambda d: check.exercise_3(np.zeros(20), 0.1), "shape (21,)"),
        (lambda d: check.exercise_3(None, 0.1), "got None"),
        (lambda d: check.exercise_3(np.zeros(21), [0.1, 0.2]), "single number"),
        (lambda d: check.exercise_3(np.full(21, np.nan), 0.1), "NaN or inf"),
        (lambda d: check.exercise_4(np.zeros(3), np.zeros(5), "fits"), "best_by_degree"),
        (lambda d: check.exercise_4("gammas", np.zeros(5), []), "got str"),
    ],
)
def test_bad_input_gets_a_friendly_line_not_a_traceback(logistic, call, words):
    feedback = call(logistic)
    assert isinstance(feedback, Feedback) and not feedback
    assert words in feedback.message


def test_unfinished_answers_are_not_answered_yet(logistic):
    assert repr(check.exercise_2(..., ..., *logistic)).startswith("… Not answered yet")
    assert repr(check.exercise_3(..., ...)).startswith("… Not answered yet")


# ----------------------------------------------------------------------------- the browser test's sources


def test_browser_sources_get_the_hint_and_right(logistic):
    from course_utils import laplace

    X, y, alpha = logistic
    namespace = {
        "np": np, "check": check, "X_2d": X, "y_2d": y, "alpha_2d": alpha,
        "posterior_2d": fit_logistic_regression(X, y, alpha),
        "logistic_hessian": laplace.logistic_hessian,
        "logistic_negative_log_joint": laplace.logistic_negative_log_joint,
    }
    call = "feedback = check.exercise_2(hessian, log_evidence, X_2d, y_2d, alpha_2d)"
    # The browser test types these sources into the answer cell; here they run as the kernel would.
    exec(BROWSER_EXERCISE["wrong"] + call, namespace)  # noqa: S102
    assert not namespace["feedback"] and BROWSER_EXERCISE["hint"] in namespace["feedback"].message
    exec(BROWSER_EXERCISE["right"] + call, namespace)  # noqa: S102
    assert namespace["feedback"] and "Right" in repr(namespace["feedback"])
