"""Self-checks of lesson 07: the worked solutions pass, typical mistakes get their hint,
bad input gets a friendly line instead of a traceback."""

import numpy as np
import pytest
from conftest import assert_hint

from course_utils import bbb
from course_utils.checks import lesson07 as check

# One exercise typed into its answer cell by tests/test_browser.py: a wrong answer, then a
# right one. Both use only names the lesson defines before its exercises.
BROWSER_EXERCISE = {
    "exercise": 3,
    "wrong": "M = 4\ni = np.arange(1, M + 1)\ngeometric_weights = 2.0 ** (M - i)",
    "right": "M = 4\ni = np.arange(1, M + 1)\ngeometric_weights = 2.0 ** (M - i) / (2.0**M - 1)",
    "hint": "do not sum to one",
}


# --- exercise 1: the closed-form KL --------------------------------------------------------


@pytest.fixture(scope="module")
def variational():
    rng = np.random.default_rng(0)
    return rng.normal(scale=0.5, size=40), rng.normal(-1.0, 1.0, size=40)


def worked_solution_1(mu, rho, s_p=1.0):
    sigma = bbb.softplus(rho)
    return np.sum(np.log(s_p / sigma) + (sigma**2 + mu**2) / (2 * s_p**2) - 0.5)


def test_exercise_1_accepts_the_worked_solution_and_a_long_monte_carlo_run(variational):
    mu, rho = variational
    assert check.exercise_1(worked_solution_1(mu, rho), mu, rho, 1.0)
    assert check.exercise_1(worked_solution_1(mu, rho, 0.5), mu, rho, 0.5)
    # Independent of the closed form: a precise Monte Carlo estimate of E_q[ln q - ln p],
    # which the check accepts only as "close but not exact".
    sigma = bbb.softplus(rho)
    w = mu + sigma * np.random.default_rng(1).standard_normal((200_000, mu.size))
    log_q = -0.5 * np.log(2 * np.pi) - np.log(sigma) - 0.5 * ((w - mu) / sigma) ** 2
    log_p = -0.5 * np.log(2 * np.pi) - 0.5 * w**2
    estimate = np.mean(np.sum(log_q - log_p, axis=1))
    assert np.isclose(estimate, worked_solution_1(mu, rho), rtol=0.01)
    assert_hint(check.exercise_1(estimate, mu, rho, 1.0), "Monte Carlo estimate")


@pytest.mark.parametrize(
    ("mistake", "words"),
    [
        (lambda mu, s, sp: np.sum(np.log(s / sp) + (sp**2 + mu**2) / (2 * s**2) - 0.5), "arguments swapped"),
        (lambda mu, s, sp: -np.sum(np.log(sp / s) + (s**2 + mu**2) / (2 * sp**2) - 0.5), "sign is flipped"),
        (lambda mu, s, sp: np.sum(np.log(sp / s) + (s**2 + mu**2) / (2 * sp**2)), "1/2 per weight"),
        (lambda mu, s, sp: np.sum(np.log(sp / s) + s**2 / (2 * sp**2) - 0.5), "means are missing"),
        (lambda mu, s, sp: np.sum(np.log(sp / s**2) + (s**4 + mu**2) / (2 * sp**2) - 0.5), "variance was used"),
        (lambda mu, s, sp: 2 * np.sum(np.log(sp / s) + (s**2 + mu**2) / (2 * sp**2) - 0.5), "`kl` is off"),
    ],
)
def test_exercise_1_hints_at_the_likely_mistake(variational, mistake, words):
    mu, rho = variational
    assert_hint(check.exercise_1(mistake(mu, bbb.softplus(rho), 1.0), mu, rho, 1.0), words)


def test_exercise_1_a_forgotten_softplus_gets_its_hint(variational):
    mu, rho = variational
    # rho used as sigma: the log of a negative number
    with np.errstate(invalid="ignore"):
        as_sigma = np.sum(np.log(1.0 / rho) + (rho**2 + mu**2) / 2 - 0.5)
    assert np.isnan(as_sigma)
    assert_hint(check.exercise_1(as_sigma, mu, rho, 1.0), "softplus(rho)")
    # rho read as log sigma
    exp_sigma = np.exp(rho)
    assert_hint(check.exercise_1(np.sum(-np.log(exp_sigma) + (exp_sigma**2 + mu**2) / 2 - 0.5), mu, rho, 1.0),
                "sigma = exp(rho)")


def test_exercise_1_hints_never_print_the_right_number(variational):
    mu, rho = variational
    target = worked_solution_1(mu, rho)
    for answer in (2 * target, -target, target + 20):
        message = check.exercise_1(answer, mu, rho, 1.0).message
        assert f"{target:.1f}" not in message and f"{target:.0f}" not in message


# --- exercise 2: the tanh network's spread ---------------------------------------------------


@pytest.fixture(scope="module")
def toy():
    return bbb.toy_regression_data(64, np.random.default_rng(7))


def short_fit(toy, activation):
    X, y = toy
    network = bbb.Network((1, 8, 1), activation)
    prior = bbb.ScaleMixturePrior(0.5, 1.0, np.exp(-6.0))
    return bbb.fit(network, X, y, prior, 0.05, n_epochs=200, n_samples=2, learning_rate=0.02,
                   initial_sigma=0.05, rng=3)


def worked_solution_2(fit_tanh, rng=1, n_samples=400):
    grid = np.linspace(-0.2, 1.2, 141)[:, np.newaxis]
    p = bbb.predict(fit_tanh.network, fit_tanh.mu, fit_tanh.rho, grid, 0.05, n_samples=n_samples, rng=rng)
    inside = (grid[:, 0] >= 0.0) & (grid[:, 0] <= 0.5)
    far = (grid[:, 0] >= 0.9) & (grid[:, 0] <= 1.2)
    return p, p.std[inside].mean(), p.std[far].mean(), inside, far


@pytest.fixture(scope="module")
def lesson_fit(toy):
    # The notebook's tanh network and settings (3000 epochs, S = 2): its far / inside ratio
    # is close to 1, where a check on the ratio alone could not tell right from wrong.
    X, y = toy
    prior = bbb.ScaleMixturePrior(0.5, 1.0, np.exp(-6.0))
    return bbb.fit(bbb.Network((1, 16, 16, 1), "tanh"), X, y, prior, 0.05, n_epochs=3000, n_samples=2,
                   learning_rate=0.01, initial_sigma=0.05, rng=np.random.default_rng(7))


def test_exercise_2_accepts_the_worked_solution_for_several_sampling_seeds(toy, lesson_fit):
    for fit_tanh in (short_fit(toy, "tanh"), lesson_fit):
        for seed in range(4):
            _, std_inside, std_far, _, _ = worked_solution_2(fit_tanh, rng=seed)
            assert check.exercise_2(fit_tanh, std_inside, std_far)


def test_exercise_2_hints_at_the_likely_mistake(toy, lesson_fit):
    for fit_tanh in (short_fit(toy, "tanh"), lesson_fit):
        p, std_inside, std_far, inside, far = worked_solution_2(fit_tanh)
        assert_hint(check.exercise_2(fit_tanh, std_far, std_inside), "look swapped")
        outputs_only = p.function_samples.std(axis=0)
        assert_hint(check.exercise_2(fit_tanh, outputs_only[inside].mean(), outputs_only[far].mean()),
                    "network outputs alone")
        assert_hint(check.exercise_2(fit_tanh, (p.std**2)[inside].mean(), (p.std**2)[far].mean()), "variances")
        assert_hint(check.exercise_2(fit_tanh, std_inside, 1.3 * std_far), "do not match this fit")
        # the noise s alone is not the predictive spread
        assert_hint(check.exercise_2(fit_tanh, 0.05, 0.05), "do not match this fit")
    fit_relu = short_fit(toy, "relu")
    _, relu_inside, relu_far, _, _ = worked_solution_2(fit_relu)
    assert_hint(check.exercise_2(fit_relu, relu_inside, relu_far), "trained with a relu network")


@pytest.mark.parametrize("bad", ["fit", None, 3.0, {"mu": 1}])
def test_exercise_2_bad_fit_gets_a_friendly_line(bad):
    feedback = check.exercise_2(bad, 1.0, 1.0)
    assert not feedback and "should be what bbb.fit returns" in feedback.message


# --- exercise 3: geometric complexity weights ------------------------------------------------


def worked_solution_3(M=4):
    i = np.arange(1, M + 1)
    return 2.0 ** (M - i) / (2.0**M - 1)


@pytest.mark.parametrize("M", [1, 4, 10])
def test_exercise_3_accepts_the_worked_solution(M):
    assert check.exercise_3(worked_solution_3(M))


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (2.0 ** (4 - np.arange(1, 5)), "do not sum to one"),
        (2.0 ** (4 - np.arange(0, 4)) / (2.0**4 - 1), "do not sum to one"),
        (worked_solution_3()[::-1], "order is reversed"),
        (np.full(4, 0.25), "uniform weights"),
        (2.0 ** (np.arange(1, 5)), "grow along the epoch"),
        (np.array([0.4, 0.3, 0.2, 0.1]), "is off"),
    ],
)
def test_exercise_3_hints_at_the_likely_mistake(answer, words):
    assert_hint(check.exercise_3(answer), words)


# --- unfinished and bad answers --------------------------------------------------------------


def test_an_unfinished_answer_is_not_answered_yet(variational):
    mu, rho = variational
    for feedback in (check.exercise_1(..., mu, rho, 1.0), check.exercise_2(..., ..., ...), check.exercise_3(...)):
        assert not feedback and repr(feedback).startswith("… Not answered yet")


@pytest.mark.parametrize("bad", ["0.2", None, [0.2, 0.3], np.array([[1.0]])])
def test_bad_input_gets_a_friendly_line(variational, bad):
    mu, rho = variational
    feedbacks = [check.exercise_1(bad, mu, rho, 1.0), check.exercise_1(1.0, mu, bad, 1.0),
                 check.exercise_1(1.0, mu, rho, bad), check.exercise_3(bad if bad is not None else "x")]
    for feedback in feedbacks:
        assert not feedback and feedback.message.startswith("`")
    assert "should be" in check.exercise_3(None).message
    assert "> 0" in check.exercise_1(1.0, mu, rho, -1.0).message


# --- the browser exercise, executed as the notebook would ------------------------------------


def run_answer_cell(source):
    namespace = {"np": np, "bbb": bbb, "check": check}
    exec(source, namespace)  # noqa: S102 -- the answer-cell source is the test's own constant
    return check.exercise_3(namespace["geometric_weights"])


def test_browser_exercise_sources_get_the_hint_and_then_right():
    assert BROWSER_EXERCISE["exercise"] == 3
    wrong = run_answer_cell(BROWSER_EXERCISE["wrong"])
    assert not wrong and BROWSER_EXERCISE["hint"] in repr(wrong)
    right = run_answer_cell(BROWSER_EXERCISE["right"])
    assert right and "Right" in repr(right)
