"""Self-checks of lesson 04: they accept the worked solutions, reject typical wrong answers
with the intended hint, and turn bad input into a friendly line."""

import numpy as np
import pytest
from conftest import assert_hint
from scipy.special import logsumexp

from course_utils import gmm
from course_utils.checks import lesson04 as check
from course_utils.data import load_old_faithful

X = load_old_faithful()

BROWSER_EXERCISE = {
    "exercise": 1,
    "wrong": "mean = X.mean(axis=0)\ncovariance = np.cov(X.T)",
    "right": "mean = X.mean(axis=0)\ncovariance = np.cov(X.T, bias=True)",
    "hint": "divided by N - 1",
}


@pytest.fixture(scope="module")
def result():
    # As in section 5 of the lesson: the two-component fit of Old Faithful.
    return gmm.fit(X, 2, n_init=5, rng=4)


@pytest.fixture(scope="module")
def best():
    # As in section 7: the best of ten random starts with three components.
    return gmm.fit(X, 3, init="random", n_init=10, rng=7)


# ---------------------------------------------------------------- exercise 1


def test_exercise_1_accepts_the_worked_solution_and_the_fit_itself():
    mean = X.mean(axis=0)
    covariance = (X - mean).T @ (X - mean) / len(X)
    assert check.exercise_1(mean, covariance)
    one = gmm.fit(X, 1, init="random", rng=0)
    assert check.exercise_1(one.means[0], one.covariances[0])


@pytest.mark.parametrize(
    ("covariance", "words"),
    [(np.cov(X.T), "divided by N - 1"),
     (X.T @ X / len(X), "subtract the mean"),
     (np.diag(X.var(axis=0)), "off-diagonal"),
     (np.diag(X.std(axis=0)), "standard deviations"),
     (1.5 * np.cov(X.T, bias=True), "does not match (4.9)")],
)
def test_exercise_1_rejects_typical_covariances_with_their_hint(covariance, words):
    assert_hint(check.exercise_1(X.mean(axis=0), covariance), words)


def test_exercise_1_rejects_a_wrong_mean():
    assert_hint(check.exercise_1(np.median(X, axis=0), np.cov(X.T, bias=True)), "plain average")


@pytest.mark.parametrize(("mean", "covariance", "words"),
                         [(X.mean(axis=1), np.cov(X.T, bias=True), "shape (2,)"),
                          (X.mean(axis=0), np.cov(X, bias=True), "shape (2, 2)"),
                          ("mean", np.eye(2), "got str"), (None, np.eye(2), "got None")])
def test_exercise_1_bad_input_gets_a_friendly_line(mean, covariance, words):
    assert_hint(check.exercise_1(mean, covariance), words)


def test_exercise_1_unfinished_answer():
    feedback = check.exercise_1(..., ...)
    assert not feedback and "Not answered yet" in repr(feedback)


def notebook_namespace():
    """The names the lesson defines before its exercises that the answer cells use."""
    return {"np": np, "gmm": gmm, "X": load_old_faithful(), "check": check}


def test_browser_exercise_sources_get_the_hint_and_right():
    for source, expected in ((BROWSER_EXERCISE["wrong"], BROWSER_EXERCISE["hint"]),
                             (BROWSER_EXERCISE["right"], "Right")):
        namespace = notebook_namespace()
        exec(source, namespace)  # noqa: S102 (runs the answer cell as the notebook does)
        feedback = check.exercise_1(namespace["mean"], namespace["covariance"])
        assert expected in repr(feedback)


# ---------------------------------------------------------------- exercise 2


def worked_responsibilities(result):
    log_joint = np.log(result.weights) + gmm.log_gaussian(X, result.means, result.covariances)
    return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True)), log_joint


def test_exercise_2_accepts_the_worked_solution(result):
    responsibilities, _ = worked_responsibilities(result)
    assert check.exercise_2(responsibilities, result)


def test_exercise_2_rejects_typical_mistakes_with_their_hint(result):
    _, log_joint = worked_responsibilities(result)
    wrong_axis = np.exp(log_joint - logsumexp(log_joint, axis=0, keepdims=True))
    assert_hint(check.exercise_2(wrong_axis, result), "wrong axis")
    unweighted = gmm.log_gaussian(X, result.means, result.covariances)
    no_weights = np.exp(unweighted - logsumexp(unweighted, axis=1, keepdims=True))
    assert_hint(check.exercise_2(no_weights, result), "weights are missing")
    log_gamma = log_joint - logsumexp(log_joint, axis=1, keepdims=True)
    assert_hint(check.exercise_2(log_gamma, result), "log-responsibilities")
    assert_hint(check.exercise_2(np.exp(log_joint), result), "sum to 1")
    right_answer, _ = worked_responsibilities(result)
    assert_hint(check.exercise_2(right_answer[:, ::-1], result), "wrong order")


@pytest.mark.parametrize(("answer", "words"), [("gamma", "got str"), (None, "got None"),
                                              (np.ones((2, 272)) / 2, "shape (272, 2)")])
def test_exercise_2_bad_input_gets_a_friendly_line(result, answer, words):
    assert_hint(check.exercise_2(answer, result), words)


def test_exercise_2_bad_result_gets_a_friendly_line():
    assert_hint(check.exercise_2(np.full((272, 2), 0.5), "result"), "fitted mixture of section 5")


# ---------------------------------------------------------------- exercise 4


def test_exercise_4_accepts_the_worked_solution(best):
    n_full = (3 - 1) + 3 * 2 + 3 * 3
    n_diagonal = (3 - 1) + 3 * 2 + 3 * 2
    bic_best = -2 * best.log_likelihood + n_full * np.log(len(X))
    assert check.exercise_4(n_full, n_diagonal, bic_best, best)


def test_exercise_4_rejects_typical_counts_and_bics_with_their_hint(best):
    ln_n = np.log(len(X))
    # All d^2 covariance entries counted.
    feedback = check.exercise_4(20, 14, -2 * best.log_likelihood + 20 * ln_n, best)
    assert_hint(feedback, "symmetric")
    assert "bic_best" not in feedback.message
    assert_hint(check.exercise_4(18, 15, -2 * best.log_likelihood + 17 * ln_n, best), "K - 1 are free")
    assert_hint(check.exercise_4(17, 14, -best.log_likelihood + 8.5 * ln_n, best), "half the BIC")
    assert_hint(check.exercise_4(17, 14, 2 * best.log_likelihood - 17 * ln_n, best), "wrong sign")
    assert_hint(check.exercise_4(17, 14, -2 * best.log_likelihood + 17 * np.log10(272), best), "log10")
    assert_hint(check.exercise_4(17, 10, -2 * best.log_likelihood + 17 * ln_n, best), "d free entries")


@pytest.mark.parametrize(("arguments", "words"), [(("17", 14, 2300.0), "single number"),
                                                  ((17, None, 2300.0), "got None"),
                                                  ((17, 14, [1.0, 2.0]), "single number")])
def test_exercise_4_bad_input_gets_a_friendly_line(best, arguments, words):
    assert_hint(check.exercise_4(*arguments, best), words)


def test_exercise_4_bad_fit_gets_a_friendly_line():
    assert_hint(check.exercise_4(17, 14, 2300.0, None), "K = 3 fit of section 7")
