"""Self-checks of lesson 03's exercises: each accepts the worked solution, rejects typical
mistakes with the intended hint and turns bad input into a friendly line."""

from pathlib import Path

import nbformat
import numpy as np
import pytest
from conftest import assert_hint

from course_utils import kmeans
from course_utils.checks import Feedback
from course_utils.checks import lesson03 as check
from course_utils.data import load_old_faithful

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "03_kmeans.ipynb"

BROWSER_EXERCISE = {
    "exercise": 1,
    "wrong": (
        "labels_before, _ = kmeans.assign(Z, np.array([[-1.5, 0.0], [0.0, 1.5], [1.5, 0.0]]))\n"
        "centers = kmeans.update_centers(Z, labels_before, 3)\n"
        "squared = ((Z[:, np.newaxis, :] - centers[np.newaxis, :, :]) ** 2).sum(axis=2)\n"
        "labels = squared.argmin(axis=1)\n"
        "inertia = squared.min(axis=1).mean()\n"
        "new_centers = np.array([Z[labels == j].mean(axis=0) for j in range(3)])\n"
    ),
    "right": (
        "labels_before, _ = kmeans.assign(Z, np.array([[-1.5, 0.0], [0.0, 1.5], [1.5, 0.0]]))\n"
        "centers = kmeans.update_centers(Z, labels_before, 3)\n"
        "squared = ((Z[:, np.newaxis, :] - centers[np.newaxis, :, :]) ** 2).sum(axis=2)\n"
        "labels = squared.argmin(axis=1)\n"
        "inertia = squared.min(axis=1).sum()\n"
        "new_centers = np.array([Z[labels == j].mean(axis=0) for j in range(3)])\n"
    ),
    "hint": "averaged over the points",
}

BAD_INPUTS = ["abc", None, np.zeros((3, 3))]


def faithful_data():
    faithful = load_old_faithful()
    return faithful, (faithful - faithful.mean(axis=0)) / faithful.std(axis=0)


# ------------------------------------------------------------------- exercise 1


@pytest.fixture(scope="module")
def iteration():
    """The worked solution of exercise 1, computed as in the notebook, and its inputs."""
    _, Z = faithful_data()
    labels_before, _ = kmeans.assign(Z, np.array([[-1.5, 0.0], [0.0, 1.5], [1.5, 0.0]]))
    centers = kmeans.update_centers(Z, labels_before, 3)
    squared = ((Z[:, np.newaxis, :] - centers[np.newaxis, :, :]) ** 2).sum(axis=2)
    labels = squared.argmin(axis=1)
    inertia = squared[np.arange(len(Z)), labels].sum()
    new_centers = np.array([Z[labels == j].mean(axis=0) for j in range(3)])
    return {"Z": Z, "labels_before": labels_before, "centers": centers, "squared": squared,
            "labels": labels, "inertia": inertia, "new_centers": new_centers}


def test_exercise_1_accepts_the_worked_solution(iteration):
    feedback = check.exercise_1(iteration["labels"], iteration["inertia"], iteration["new_centers"])
    assert feedback and "Right" in repr(feedback)
    # Lists and integer labels as floats are fine too.
    assert check.exercise_1(list(iteration["labels"].astype(float)), float(iteration["inertia"]),
                            iteration["new_centers"].tolist())


def test_exercise_1_wrong_axis(iteration):
    Z, centers = iteration["Z"], iteration["centers"]
    per_coordinate = ((Z[:, np.newaxis, :] - centers[np.newaxis, :, :]) ** 2).sum(axis=1)
    labels = per_coordinate.argmin(axis=1)
    assert not np.array_equal(labels, iteration["labels"])
    assert_hint(check.exercise_1(labels, iteration["inertia"], iteration["new_centers"]), "wrong axis")


def test_exercise_1_argmax_and_stale_labels(iteration):
    assert_hint(check.exercise_1(iteration["squared"].argmax(axis=1), iteration["inertia"], iteration["new_centers"]),
                "argmin, not the argmax")
    assert_hint(check.exercise_1(iteration["labels_before"], iteration["inertia"], iteration["new_centers"]),
                "`labels_before`")


def test_exercise_1_inertia_averaged_unsquared_or_after_the_update(iteration):
    labels, new_centers = iteration["labels"], iteration["new_centers"]
    squared = iteration["squared"][np.arange(len(labels)), labels]
    assert_hint(check.exercise_1(labels, squared.mean(), new_centers), "averaged over the points")
    assert_hint(check.exercise_1(labels, np.sqrt(squared).sum(), new_centers), "sum of distances")
    after = np.sum((iteration["Z"] - new_centers[labels]) ** 2)
    assert_hint(check.exercise_1(labels, after, new_centers), "after the update step")
    assert_hint(check.exercise_1(labels, 2.0 * squared.sum(), new_centers), "sum over the points")


def test_exercise_1_centers_updated_with_the_old_labels(iteration):
    Z, labels_before = iteration["Z"], iteration["labels_before"]
    stale = np.array([Z[labels_before == j].mean(axis=0) for j in range(3)])
    assert_hint(check.exercise_1(iteration["labels"], iteration["inertia"], stale), "old labels")
    assert_hint(check.exercise_1(iteration["labels"], iteration["inertia"], iteration["new_centers"][::-1]),
                "reverse order")


@pytest.mark.parametrize("bad", BAD_INPUTS)
def test_exercise_1_bad_input_is_a_hint(iteration, bad):
    for arguments in [(bad, iteration["inertia"], iteration["new_centers"]),
                      (iteration["labels"], bad, iteration["new_centers"]),
                      (iteration["labels"], iteration["inertia"], bad)]:
        feedback = check.exercise_1(*arguments)
        assert isinstance(feedback, Feedback) and not feedback
        assert "should" in feedback.message


def test_exercise_1_unfinished_answer():
    assert "Not answered yet" in repr(check.exercise_1(..., ..., ...))


# ------------------------------------------------------------------- exercise 2


def worked_share():
    faithful, _ = faithful_data()
    raw = kmeans.fit(faithful, 2, n_init=10, rng=0)
    within = faithful - raw.centers[raw.labels]
    return faithful, raw, within, np.sum(within[:, 1] ** 2) / raw.inertia


def test_exercise_2_accepts_the_worked_solution():
    assert check.exercise_2(worked_share()[3])


def test_exercise_2_typical_mistakes():
    faithful, raw, within, _ = worked_share()
    assert_hint(check.exercise_2(np.sum(within[:, 0] ** 2) / raw.inertia), "duration")
    centred = faithful - faithful.mean(axis=0)
    assert_hint(check.exercise_2(np.sum(centred[:, 1] ** 2) / np.sum(centred ** 2)), "overall mean")
    assert_hint(check.exercise_2(np.sum(np.abs(within[:, 1])) / np.sum(np.abs(within))), "square")
    assert_hint(check.exercise_2(np.sum(within[:, 1] ** 2)), "between 0 and 1")


@pytest.mark.parametrize("bad", BAD_INPUTS)
def test_exercise_2_bad_input_is_a_hint(bad):
    feedback = check.exercise_2(bad)
    assert isinstance(feedback, Feedback) and not feedback and "`share_waiting`" in feedback.message


# ------------------------------------------------------------------- exercise 4


@pytest.fixture(scope="module")
def durations():
    faithful, Z = faithful_data()
    result = kmeans.fit(Z, 2, init=np.array([[-1.5, 1.5], [1.5, -1.5]]))
    durations = faithful[result.labels == 0, 0]
    return durations, np.linspace(durations.min(), durations.max(), 2001)


def test_exercise_4_accepts_the_worked_solution(durations):
    values, candidates = durations
    absolute_cost = np.abs(values[:, np.newaxis] - candidates).sum(axis=0)
    assert check.exercise_4(absolute_cost, candidates[np.argmin(absolute_cost)])
    assert check.exercise_4(absolute_cost, np.median(values))


def test_exercise_4_typical_mistakes(durations):
    values, candidates = durations
    differences = np.abs(values[:, np.newaxis] - candidates)
    assert_hint(check.exercise_4(differences.sum(axis=1), 0.0), "one value per duration")
    squared_cost = ((values[:, np.newaxis] - candidates) ** 2).sum(axis=0)
    assert_hint(check.exercise_4(squared_cost, candidates[np.argmin(squared_cost)]), "squared cost")
    cost = differences.sum(axis=0)
    assert_hint(check.exercise_4(cost, float(np.argmin(cost))), "index")
    assert_hint(check.exercise_4(cost, values.mean()), "mean of the durations")
    assert_hint(check.exercise_4(cost, candidates[np.argmax(cost)]), "argmax")


@pytest.mark.parametrize("bad", BAD_INPUTS)
def test_exercise_4_bad_input_is_a_hint(durations, bad):
    values, candidates = durations
    cost = np.abs(values[:, np.newaxis] - candidates).sum(axis=0)
    for arguments in [(bad, 4.3), (cost, bad)]:
        feedback = check.exercise_4(*arguments)
        assert isinstance(feedback, Feedback) and not feedback and "should" in feedback.message


# ------------------------------------------------------------------- the notebook's exercises


def notebook_namespace():
    """Run the lesson's set-up cell and its data cell, as the notebook does first."""
    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    namespace = {}
    for cell in cells:
        if "use_house_style()" in cell.source or "load_old_faithful()" in cell.source:
            exec(compile(cell.source, str(NOTEBOOK), "exec"), namespace)  # noqa: S102 - the lesson's own sources
    assert {"np", "kmeans", "check", "Z", "N", "faithful"} <= namespace.keys()
    return namespace


def test_browser_exercise_sources_get_the_hint_and_right():
    namespace = notebook_namespace()
    call = "check.exercise_1(labels, inertia, new_centers)"
    exec(BROWSER_EXERCISE["wrong"], namespace)  # noqa: S102 - the lesson's own sources
    feedback = eval(call, namespace)
    assert not feedback and BROWSER_EXERCISE["hint"] in feedback.message
    exec(BROWSER_EXERCISE["right"], namespace)  # noqa: S102 - the lesson's own sources
    assert "Right" in repr(eval(call, namespace))


def test_notebook_exercises_follow_the_conventions():
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    tags = [c.metadata.get("tags", []) for c in cells]
    prompts = [i for i, t in enumerate(tags) if "exercise" in t]
    assert [cells[i].source.split(")")[0].split("**")[1] for i in prompts] == ["1.", "2.", "3.", "4.", "5."]
    for number in (1, 2, 4):
        i = prompts[number - 1]
        answer, check_cell, solution = cells[i + 1], cells[i + 2], cells[i + 3]
        assert "answer" in answer.metadata["tags"] and "..." in answer.source
        assert check_cell.source.strip().startswith(f"check.exercise_{number}(")
        assert solution.source.startswith(f"# Worked solution: open it once you have tried exercise {number}.")
        assert solution.metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
        assert f"assert check.exercise_{number}(" in solution.source.splitlines()[-1]
    given = [line.split("  #")[0] for line in cells[prompts[0] + 1].source.splitlines()[:2]]
    assert BROWSER_EXERCISE["right"].splitlines()[:2] == given  # the same set-up as the answer cell
