"""Self-checks of lesson 02: the worked solutions pass, typical mistakes get their hint,
bad input gets a friendly line instead of a traceback."""

import numpy as np
import pytest
from conftest import assert_hint

from course_utils.checks import lesson02 as check
from course_utils.data import load_father_son, load_heights
from course_utils.mle import fit_multivariate_normal, fit_normal, normal_log_likelihood

# One exercise typed into its answer cell by tests/test_browser.py: a wrong answer, then a
# right one. Both use only names the lesson defines before its exercises.
BROWSER_EXERCISE = {
    "exercise": 3,
    "wrong": "mean = pairs.mean(axis=0)\ncovariance = np.cov(pairs, rowvar=False)",
    "right": "mean = pairs.mean(axis=0)\ncovariance = (pairs - mean).T @ (pairs - mean) / len(pairs)",
    "hint": "divided by N - 1",
}

SONS = load_heights("male")
PAIRS = load_father_son()


# --- exercise 1: units ---------------------------------------------------------------------


def worked_solution_1():
    fit_inches = fit_normal(SONS / 2.54)
    return fit_inches.mean, fit_inches.std, fit_inches.log_likelihood


def test_exercise_1_accepts_the_worked_solution_and_the_closed_forms():
    assert check.exercise_1(*worked_solution_1())
    inches = SONS / 2.54
    sigma = np.sqrt(np.mean((inches - inches.mean()) ** 2))
    assert check.exercise_1(inches.mean(), sigma, -0.5 * inches.size * (np.log(2 * np.pi * sigma**2) + 1))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda m, s, ll: (m, np.std(SONS / 2.54, ddof=1), ll), "divided by N - 1"),
        (lambda m, s, ll: (m, s**2, ll), "looks like the variance"),
        (lambda m, s, ll: (m * 2.54**2, s, ll), "multiplied by 2.54"),
        (lambda m, s, ll: (m * 2.54, s, ll), "still in centimetres"),
        (lambda m, s, ll: (m, s, fit_normal(SONS).log_likelihood), "value in centimetres"),
        (lambda m, s, ll: (m, s, fit_normal(SONS).log_likelihood - SONS.size * np.log(2.54)), "wrong way"),
    ],
)
def test_exercise_1_hints_at_the_likely_mistake(change, words):
    assert_hint(check.exercise_1(*change(*worked_solution_1())), words)


# --- exercise 2: curvature -------------------------------------------------------------------


def worked_solution_2():
    fit = fit_normal(SONS)
    h = 0.01
    second_derivative = (normal_log_likelihood(SONS, fit.mean + h, fit.std) - 2 * fit.log_likelihood
                         + normal_log_likelihood(SONS, fit.mean - h, fit.std)) / h**2
    drop = fit.log_likelihood - normal_log_likelihood(SONS, fit.mean + fit.std / np.sqrt(SONS.size), fit.std)
    return second_derivative, drop


def test_exercise_2_accepts_the_worked_solution():
    assert check.exercise_2(*worked_solution_2())


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d2, drop: (-d2, drop), "is positive"),
        (lambda d2, drop: (d2 * 0.01**2, drop), "divide the second difference by h^2"),
        (lambda d2, drop: (d2 / SONS.size, drop), "a single height"),
        (lambda d2, drop: (d2 * fit_normal(SONS).std, drop), "sigma where (2.3) gives sigma squared"),
        (lambda d2, drop: (d2, -drop), "`drop` is negative"),
        (lambda d2, drop: (d2, drop * SONS.size), "moved mu by sigma;"),
        (lambda d2, drop: (d2, drop / SONS.size), "moved mu by sigma / N"),
    ],
)
def test_exercise_2_hints_at_the_likely_mistake(change, words):
    assert_hint(check.exercise_2(*change(*worked_solution_2())), words)


# --- exercise 3: the ML covariance by hand ---------------------------------------------------


def worked_solution_3():
    mean = PAIRS.mean(axis=0)
    centred = PAIRS - mean
    return mean, centred.T @ centred / PAIRS.shape[0]


def test_exercise_3_accepts_the_worked_solution_and_numpy_with_bias():
    assert check.exercise_3(*worked_solution_3())
    assert check.exercise_3(PAIRS.mean(axis=0).tolist(), np.cov(PAIRS, rowvar=False, bias=True).tolist())


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ((PAIRS.mean(axis=0), np.cov(PAIRS, rowvar=False)), "divided by N - 1"),
        ((PAIRS.mean(axis=0), np.cov(PAIRS.T, ddof=1)), "divided by N - 1"),
        ((PAIRS.mean(axis=1), np.cov(PAIRS, rowvar=False, bias=True)), "axis=1"),
        ((PAIRS.mean(axis=0), np.cov(PAIRS, bias=True)), "rowvar=False"),
        ((PAIRS.mean(axis=0)[::-1], np.cov(PAIRS, rowvar=False, bias=True)), "son first"),
        ((PAIRS.mean(axis=0), PAIRS.T @ PAIRS / PAIRS.shape[0]), "without subtracting the mean"),
        ((PAIRS.mean(axis=0), np.corrcoef(PAIRS, rowvar=False)), "correlation matrix"),
    ],
)
def test_exercise_3_hints_at_the_likely_mistake(answer, words):
    assert_hint(check.exercise_3(*answer), words)


def test_exercise_3_catches_standard_deviations_on_the_diagonal():
    mean, covariance = worked_solution_3()
    with_sd = covariance.copy()
    with_sd[np.diag_indices(2)] = np.sqrt(np.diag(covariance))
    assert_hint(check.exercise_3(mean, with_sd), "standard deviations")


@pytest.mark.parametrize(
    ("mean", "covariance", "words"),
    [
        ("abc", np.eye(2), "`mean` should be an array of shape (2,); got str"),
        (None, np.eye(2), "got None"),
        ([175.0, 175.0], np.eye(3), "`covariance` should have shape (2, 2); got shape (3, 3)"),
        ([175.0, 175.0], [[1.0, 2.0], [3.0]], "`covariance` should"),
        ([175.0, 175.0], None, "got None"),
    ],
)
def test_exercise_3_bad_input_gets_a_friendly_line(mean, covariance, words):
    assert_hint(check.exercise_3(mean, covariance), words)


# --- exercise 4: predicting a son ------------------------------------------------------------


def worked_solution_4():
    fit = fit_multivariate_normal(PAIRS)
    tall = PAIRS[:, 0] >= 186.0
    father = PAIRS[tall, 0].mean()
    slope = fit.covariance[0, 1] / fit.covariance[0, 0]
    conditional_mean = fit.mean[1] + slope * (father - fit.mean[0])
    conditional_std = np.sqrt(fit.covariance[1, 1] - slope * fit.covariance[0, 1])
    return conditional_mean, conditional_std


def test_exercise_4_accepts_the_worked_solution():
    assert check.exercise_4(*worked_solution_4())


def test_exercise_4_hints_at_the_likely_mistake():
    fit = fit_multivariate_normal(PAIRS)
    tall = PAIRS[:, 0] >= 186.0
    father = PAIRS[tall, 0].mean()
    mean, std = worked_solution_4()
    wrong_slope = fit.mean[1] + fit.covariance[0, 1] / fit.covariance[1, 1] * (father - fit.mean[0])
    assert_hint(check.exercise_4(wrong_slope, std), "sons' variance")
    assert_hint(check.exercise_4(PAIRS[tall, 1].mean(), std), "what these sons measured")
    assert_hint(check.exercise_4(fit.mean[1], std), "average of all sons")
    assert_hint(check.exercise_4(mean, std**2), "looks like a variance")
    assert_hint(check.exercise_4(mean, np.sqrt(fit.covariance[1, 1])), "spread of all sons")


# --- unfinished and bad answers --------------------------------------------------------------


def test_an_unfinished_answer_is_not_answered_yet():
    for feedback in [check.exercise_1(..., 2.6, -1146.0), check.exercise_2(..., ...),
                     check.exercise_3(..., ...), check.exercise_4(182.0, ...)]:
        assert not feedback and repr(feedback).startswith("… Not answered yet")


@pytest.mark.parametrize("bad", ["69.2", None, [1.0, 2.0], np.inf])
def test_bad_numbers_get_a_friendly_line(bad):
    for feedback in [check.exercise_1(bad, 2.6, -1146.0), check.exercise_2(-10.0, bad), check.exercise_4(bad, 6.0)]:
        assert not feedback
        assert "should be a single number" in feedback.message or "finite" in feedback.message


# --- the browser exercise, executed as the notebook would ------------------------------------


def run_answer_cell(source):
    namespace = {"np": np, "pairs": load_father_son(), "check": check}
    exec(source, namespace)  # noqa: S102 -- the answer-cell source is the test's own constant
    return check.exercise_3(namespace["mean"], namespace["covariance"])


def test_browser_exercise_sources_get_the_hint_and_then_right():
    assert BROWSER_EXERCISE["exercise"] == 3
    wrong = run_answer_cell(BROWSER_EXERCISE["wrong"])
    assert not wrong and BROWSER_EXERCISE["hint"] in repr(wrong)
    right = run_answer_cell(BROWSER_EXERCISE["right"])
    assert right and "Right" in repr(right)
