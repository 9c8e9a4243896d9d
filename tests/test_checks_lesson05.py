"""The self-checks of lesson 05: each accepts the worked solution, rejects typical mistakes
with the intended hint and turns bad input into a friendly line instead of a traceback."""

from pathlib import Path

import nbformat
import numpy as np
import pytest
from conftest import assert_hint
from scipy.special import logsumexp

from course_utils import gmm
from course_utils.checks import lesson05 as check
from course_utils.data import load_father_son, load_old_faithful

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "05_em_lower_bound.ipynb"

BROWSER_EXERCISE = {
    "exercise": 3,
    "wrong": (
        "from scipy.special import logsumexp\n"
        "log_joint = np.log(weights_t) + gmm.log_gaussian(X, means_t, covariances_t)\n"
        "responsibilities = np.exp(log_joint - logsumexp(log_joint, axis=0, keepdims=True))\n"
        "gap = -np.sum(np.log(responsibilities.max(axis=1)))"
    ),
    "right": (
        "from scipy.special import logsumexp\n"
        "log_joint = np.log(weights_t) + gmm.log_gaussian(X, means_t, covariances_t)\n"
        "responsibilities = np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))\n"
        "gap = -np.sum(np.log(responsibilities.max(axis=1)))"
    ),
    "hint": "normalize over the wrong axis",
}


@pytest.fixture(scope="module")
def lesson_namespace():
    """The lesson's set-up cell and the cells of sections 1 and 4, run as the notebook runs them."""
    cells = {cell.id: cell for cell in nbformat.read(LESSON, as_version=4).cells}
    namespace = {}
    for cell_id in ("ff7adccb", "c2f50139", "4d76b431"):  # set-up, section 1's mixture, section 4's climb
        exec(compile(cells[cell_id].source, f"lesson05-{cell_id}", "exec"), namespace)  # noqa: S102 (our own lesson)
    return namespace


@pytest.fixture(scope="module")
def rough():
    raw = load_old_faithful()
    X = (raw - raw.mean(axis=0)) / raw.std(axis=0)
    mixture = (np.array([0.5, 0.5]), np.array([[-0.5, 0.5], [0.5, -0.5]]), np.stack([np.eye(2), np.eye(2)]))
    posterior, _ = gmm.e_step(X, *mixture)
    return posterior


# --- exercise 1 -------------------------------------------------------------------------------

def test_exercise_1_accepts_the_worked_solution(rough):
    uniform = np.full_like(rough, 0.5)
    entropy = -np.sum(rough * np.log(rough))
    kl = np.sum(uniform * (np.log(uniform) - np.log(rough)))
    assert check.exercise_1(entropy, kl)


def test_exercise_1_names_a_wrong_sign_bits_and_a_swapped_kl(rough):
    uniform = np.full_like(rough, 0.5)
    entropy = -np.sum(rough * np.log(rough))
    kl = np.sum(uniform * (np.log(uniform) - np.log(rough)))
    swapped = np.sum(rough * (np.log(rough) - np.log(uniform)))
    assert_hint(check.exercise_1(-entropy, kl), "wrong sign")
    assert_hint(check.exercise_1(entropy / np.log(2), kl), "bits")
    assert_hint(check.exercise_1(entropy, swapped), "arguments swapped")
    assert_hint(check.exercise_1(entropy, -kl), "never negative")
    assert_hint(check.exercise_1(entropy + 1.0, kl), "not yet right")


@pytest.mark.parametrize(("entropy", "kl", "words"), [
    ("182", 6.6, "single number"), (None, 6.6, "got None"), (np.ones(3), 6.6, "single number"),
    (..., ..., "replace each `...`"),
])
def test_exercise_1_bad_input_is_a_friendly_line(entropy, kl, words):
    feedback = check.exercise_1(entropy, kl)
    assert not feedback and words in repr(feedback)


# --- exercise 2 -------------------------------------------------------------------------------

def slice_em_like_the_lesson(start, mu1, iterations=30):
    durations = load_old_faithful()[:, :1]
    mu2 = start
    for _ in range(iterations):
        mixture = (np.array([0.5, 0.5]), np.array([[mu1], [mu2]]), np.full((2, 1, 1), 0.16))
        q, _ = gmm.e_step(durations, *mixture)
        mu2 = float(gmm.m_step(durations, q)[1][1, 0])
    return mu2


@pytest.fixture(scope="module")
def slice_ends():
    return {(start, mu1): slice_em_like_the_lesson(start, mu1) for start in (0.5, 6.5) for mu1 in (2.0, 3.0)}


def test_exercise_2_accepts_the_worked_solution(slice_ends):
    assert check.exercise_2(slice_ends[0.5, 3.0], slice_ends[6.5, 3.0])


def test_exercise_2_names_swapped_ends_the_old_mu1_and_the_start(slice_ends):
    low, high = slice_ends[0.5, 3.0], slice_ends[6.5, 3.0]
    assert_hint(check.exercise_2(high, low), "swapped")
    assert_hint(check.exercise_2(slice_ends[0.5, 2.0], high), "mu1=3.0")
    assert_hint(check.exercise_2(0.5, high), "starting value")
    assert_hint(check.exercise_2(low, slice_em_like_the_lesson(6.5, 3.0, iterations=2)), "more iterations")


@pytest.mark.parametrize("bad", ["4.4", None, [1.0, 2.0]])
def test_exercise_2_bad_input_is_a_friendly_line(bad, slice_ends):
    feedback = check.exercise_2(slice_ends[0.5, 3.0], bad)
    assert not feedback and "`end_high` should be a single number" in feedback.message


# --- exercise 3 -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def log_joint(lesson_namespace):
    ns = lesson_namespace
    return np.log(ns["weights_t"]) + gmm.log_gaussian(ns["X"], ns["means_t"], ns["covariances_t"])


def test_exercise_3_accepts_the_worked_solution(log_joint):
    responsibilities = np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))
    gap = -np.sum(np.log(responsibilities.max(axis=1)))
    assert check.exercise_3(responsibilities, gap)


def test_exercise_3_names_the_wrong_axis_log_space_and_the_gap_mistakes(log_joint):
    right = np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))
    gap = -np.sum(np.log(right.max(axis=1)))
    wrong_axis = np.exp(log_joint - logsumexp(log_joint, axis=0, keepdims=True))
    assert_hint(check.exercise_3(wrong_axis, gap), "normalize over the wrong axis")
    assert_hint(check.exercise_3(np.log(right), gap), "log-responsibilities")
    assert_hint(check.exercise_3(right, -gap), "wrong sign")
    assert_hint(check.exercise_3(right, -np.sum(np.log(right.min(axis=1)))), "not the smallest")
    assert_hint(check.exercise_3(np.full_like(right, 0.5), gap), "the rows sum to 1")


@pytest.mark.parametrize(("bad", "words"), [
    (np.ones((272, 3)), "shape (272, 2)"), ("gamma", "got str"), (None, "got None"),
])
def test_exercise_3_bad_input_is_a_friendly_line(bad, words):
    feedback = check.exercise_3(bad, 1.0)
    assert not feedback and words in feedback.message


# --- exercise 5 -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def missing_sons():
    heights = load_father_son()
    hidden = np.random.default_rng(11).random(len(heights)) < 0.4
    observed = heights.copy()
    observed[hidden, 1] = np.nan
    complete = observed[~hidden]
    return observed, hidden, complete.mean(axis=0), np.cov(complete, rowvar=False, bias=True)


def test_exercise_5_accepts_the_worked_solution(missing_sons):
    observed, hidden, cc_mean, cc_cov = missing_sons
    fathers = observed[hidden, 0]
    expected_son = cc_mean[1] + cc_cov[0, 1] / cc_cov[0, 0] * (fathers - cc_mean[0])
    expected_son_sq = expected_son**2 + cc_cov[1, 1] - cc_cov[0, 1] ** 2 / cc_cov[0, 0]
    assert check.exercise_5(observed, expected_son, expected_son_sq)


def test_exercise_5_names_the_missing_variance_and_the_wrong_regression(missing_sons):
    observed, hidden, cc_mean, cc_cov = missing_sons
    fathers = observed[hidden, 0]
    son = cc_mean[1] + cc_cov[0, 1] / cc_cov[0, 0] * (fathers - cc_mean[0])
    variance = cc_cov[1, 1] - cc_cov[0, 1] ** 2 / cc_cov[0, 0]
    assert_hint(check.exercise_5(observed, son, son**2), "not a measured one")
    assert_hint(check.exercise_5(observed, son, son**2 + cc_cov[1, 1]), "son's whole variance")
    flat = np.full_like(son, cc_mean[1])
    assert_hint(check.exercise_5(observed, flat, flat**2 + variance), "moves with the father")
    reversed_slope = cc_mean[1] + cc_cov[0, 1] / cc_cov[1, 1] * (fathers - cc_mean[0])
    assert_hint(check.exercise_5(observed, reversed_slope, reversed_slope**2 + variance), "Sigma_ff")


def test_exercise_5_bad_input_is_a_friendly_line(missing_sons):
    observed, hidden, _, _ = missing_sons
    m = int(hidden.sum())
    for bad, words in [(np.ones(m + 1), f"shape ({m},)"), ("s", "got str"), (None, "got None")]:
        feedback = check.exercise_5(observed, bad, np.ones(m))
        assert not feedback and words in feedback.message
    feedback = check.exercise_5(load_father_son(), np.ones(m), np.ones(m))
    assert not feedback and "NaN for the hidden sons" in feedback.message
    feedback = check.exercise_5("observed", np.ones(m), np.ones(m))
    assert not feedback and "`observed`" in feedback.message


# --- the browser exercise ----------------------------------------------------------------------

def test_browser_sources_get_the_hint_and_then_right(lesson_namespace):
    assert BROWSER_EXERCISE["exercise"] == 3
    results = {}
    for kind in ("wrong", "right"):
        namespace = dict(lesson_namespace)
        exec(BROWSER_EXERCISE[kind], namespace)  # noqa: S102 (the sources defined above)
        results[kind] = check.exercise_3(namespace["responsibilities"], namespace["gap"])
    assert not results["wrong"] and BROWSER_EXERCISE["hint"] in results["wrong"].message
    assert results["right"] and "Right" in repr(results["right"])


def test_the_answer_cells_run_as_they_are_and_are_not_answered_yet(lesson_namespace):
    notebook = nbformat.read(LESSON, as_version=4)
    answers = [cell for cell in notebook.cells if "answer" in cell.metadata.get("tags", [])]
    checks = [cell for cell in notebook.cells if "check" in cell.metadata.get("tags", [])]
    assert len(answers) == len(checks) == 4
    namespace = dict(lesson_namespace)
    heights = load_father_son()
    namespace.update(observed=heights, hidden=np.zeros(len(heights), bool), cc_mean=None, cc_cov=None)
    for answer, check_cell in zip(answers, checks):
        exec(answer.source, namespace)  # noqa: S102 (the lesson's own answer cell)
        feedback = eval(check_cell.source, namespace)
        assert not feedback and "Not answered yet" in repr(feedback)
