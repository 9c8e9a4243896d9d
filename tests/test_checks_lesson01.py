"""Self-checks of lesson 01: the worked solutions pass, typical mistakes get their hint,
bad input gets a friendly line instead of a traceback."""

import numpy as np
import pytest
from conftest import assert_hint
from scipy import integrate, stats

from course_utils import clt
from course_utils.checks import lesson01 as check

# One exercise typed into its answer cell by tests/test_browser.py: a wrong answer, then a
# right one. Both use only names the lesson defines before its exercises.
BROWSER_EXERCISE = {
    "exercise": 1,
    "wrong": "mean_one = 0.2\nvariance_one = 0.2\nmean_sum = 50 * mean_one\nvariance_sum = 50 * variance_one",
    "right": "mean_one = 0.2\nvariance_one = 0.2 * 0.8\nmean_sum = 50 * mean_one\nvariance_sum = 50 * variance_one",
    "hint": "looks like E[X^2]",
}

P, N = 0.2, 50


# --- exercise 1: moments of the biased coin and of its sum ----------------------------------


def test_exercise_1_accepts_the_worked_solution():
    mean_one = P
    variance_one = P - P**2
    assert check.exercise_1(mean_one, variance_one, N * mean_one, N * variance_one)


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ((P, P, N * P, N * P), "looks like E[X^2]"),
        ((P, 0.4, N * P, N * 0.4), "looks like a standard deviation"),
        ((P, 0.16, P, N * 0.16), "mean of one draw"),
        ((P, 0.16, N * P, N**2 * 0.16), "grows like N^2"),
        ((P, 0.16, N * P, 0.16 / N), "variance of the sample mean"),
        ((P, 0.16, N * P, np.sqrt(N * 0.16)), "standard deviation of the sum"),
        ((P, 0.16, 10.003, N * 0.16), "simulated value"),
        ((0.8, 0.16, N * P, N * 0.16), "`mean_one` is off"),
    ],
)
def test_exercise_1_hints_at_the_likely_mistake(answer, words):
    assert_hint(check.exercise_1(*answer), words)


def test_exercise_1_hints_never_print_the_right_numbers():
    for answer in [(P, P, N * P, N * P), (P, 0.16, N * P, 0.16 / N)]:
        message = check.exercise_1(*answer).message
        assert "0.16" not in message and "10" not in message and " 8" not in message


# --- exercise 2: how many dice -------------------------------------------------------------


def worked_solution_2():
    predicted = (clt.esseen_limit("die") / 0.01) ** 2
    first_below = next(n for n in range(100, 200) if clt.ks_distance("die", n) < 0.01)
    return predicted, first_below


def test_exercise_2_accepts_the_worked_solution_and_an_independent_search():
    predicted, first_below = worked_solution_2()
    assert check.exercise_2(predicted, first_below)
    # Independent of the package's Esseen limit: gamma = 0, h = 1, sigma^2 = 35/12.
    sigma = np.sqrt(35 / 12)
    assert check.exercise_2((1 / (2 * sigma * np.sqrt(2 * np.pi)) / 0.01) ** 2, first_below)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda p, f: (np.sqrt(p), f), "so N = (c / 0.01)^2"),
        (lambda p, f: (round(p), f), "rounded"),
        (lambda p, f: ((1 / (2 * 35 / 12 * np.sqrt(2 * np.pi)) / 0.01) ** 2, f), "used the variance"),
        (lambda p, f: (2 * p, f), "`predicted` is off"),
        (lambda p, f: (p, f - 1), "still at least 0.01"),
        (lambda p, f: (p, f + 1), "a smaller N already"),
        (lambda p, f: (p, f + 0.5), "whole number"),
    ],
)
def test_exercise_2_hints_at_the_likely_mistake(change, words):
    assert_hint(check.exercise_2(*change(*worked_solution_2())), words)


# --- exercise 3: the uniform's 1/N constant --------------------------------------------------


def worked_solution_3():
    fourth_moment, _ = integrate.quad(lambda x: (x - 0.5) ** 4, 0, 1)
    kurtosis = fourth_moment / (1 / 12) ** 2 - 3
    z = np.linspace(0, 5, 50_001)
    constant = abs(kurtosis) / 24 * np.max(np.abs((z**3 - 3 * z) * stats.norm.pdf(z)))
    return kurtosis, constant


def test_exercise_3_accepts_the_worked_solution_and_the_measured_constant():
    kurtosis, constant = worked_solution_3()
    assert check.exercise_3(kurtosis, constant)
    # N Delta_N at N = 1024 is the same constant to well within the tolerance.
    assert check.exercise_3(kurtosis, 1024 * clt.ks_distance("uniform", 1024))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda k, c: (k + 3, c), "plain kurtosis"),
        (lambda k, c: (-k, c), "wrong sign"),
        (lambda k, c: (1 / 80, c), "fourth central moment"),
        (lambda k, c: (k, 24 * c), "1/24"),
        (lambda k, c: (k, c / 2), "`constant` is off"),
    ],
)
def test_exercise_3_hints_at_the_likely_mistake(change, words):
    assert_hint(check.exercise_3(*change(*worked_solution_3())), words)


def test_exercise_3_catches_a_maximum_on_positive_z_taken_without_the_absolute_value():
    kurtosis, _ = worked_solution_3()
    z = np.linspace(0, 5, 50_001)
    signed = abs(kurtosis) / 24 * np.max((z**3 - 3 * z) * stats.norm.pdf(z))
    assert_hint(check.exercise_3(kurtosis, signed), "on z >= 0 you took the largest value")
    assert_hint(check.exercise_3(kurtosis, signed), "largest absolute value")


def test_exercise_3_accepts_the_largest_value_over_all_z():
    # The function is odd, so over the whole axis its largest value is its largest
    # absolute value (at z = -0.742): that answer is right, not the mistake above.
    kurtosis, constant = worked_solution_3()
    z = np.linspace(-5, 5, 100_001)
    over_all_z = abs(kurtosis) / 24 * np.max((z**3 - 3 * z) * stats.norm.pdf(z))
    assert over_all_z == pytest.approx(constant, rel=1e-6)
    assert check.exercise_3(kurtosis, over_all_z)


# --- unfinished and bad answers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("exercise", "arguments"),
    [(check.exercise_1, (P, ..., N * P, ...)), (check.exercise_2, (..., ...)), (check.exercise_3, (..., 1.0))],
)
def test_an_unfinished_answer_is_not_answered_yet(exercise, arguments):
    feedback = exercise(*arguments)
    assert not feedback and repr(feedback).startswith("… Not answered yet")


@pytest.mark.parametrize("bad", ["0.2", None, [0.2, 0.3], np.array([np.nan])])
def test_bad_input_gets_a_friendly_line(bad):
    for feedback in [check.exercise_1(bad, 0.16, 10, 8), check.exercise_2(136.4, bad),
                     check.exercise_3(bad, 0.0275)]:
        assert not feedback
        assert "should be a single number" in feedback.message or "finite" in feedback.message


# --- the browser exercise, executed as the notebook would ------------------------------------


def run_answer_cell(source):
    namespace = {"np": np, "clt": clt, "check": check}
    exec(source, namespace)  # noqa: S102 -- the answer-cell source is the test's own constant
    return check.exercise_1(*(namespace[name] for name in ("mean_one", "variance_one", "mean_sum", "variance_sum")))


def test_browser_exercise_sources_get_the_hint_and_then_right():
    assert BROWSER_EXERCISE["exercise"] == 1
    wrong = run_answer_cell(BROWSER_EXERCISE["wrong"])
    assert not wrong and BROWSER_EXERCISE["hint"] in repr(wrong)
    right = run_answer_cell(BROWSER_EXERCISE["right"])
    assert right and "Right" in repr(right)
