"""The shared self-check machinery: unfinished answers, friendly conversion, the shown line."""

import numpy as np
import pytest

from course_utils.checks import _feedback as fb


@fb.self_check
def _vector_check(answer):
    vector = fb.as_array(answer, "answer", (2,))
    return fb.right("fine") if np.allclose(vector, [1.0, 2.0]) else fb.wrong("look again")


def test_right_and_wrong_answers_give_their_lines_and_truth_values():
    assert _vector_check([1, 2]) and repr(_vector_check([1, 2])) == "✔ Right: fine"
    assert not _vector_check([2, 1]) and repr(_vector_check([2, 1])) == "✘ Not yet: look again"


@pytest.mark.parametrize("unfinished", [..., [..., 1.0], {"a": ...}, np.array([..., 1], dtype=object)])
def test_an_answer_still_holding_an_ellipsis_is_not_answered_yet(unfinished):
    feedback = _vector_check(unfinished)
    assert not feedback and repr(feedback).startswith("… Not answered yet")


@pytest.mark.parametrize(
    ("bad", "words"),
    [("abc", "got str"), (None, "got None"), ([1, 2, 3], "got shape (3,)"), ([1, "x"], "not all numbers"),
     ([np.nan, 1], "NaN or inf"), ({"x": 1}, "got dict")],
)
def test_bad_answers_get_a_hint_naming_the_expected_shape_not_a_traceback(bad, words):
    feedback = _vector_check(bad)
    assert not feedback
    assert "`answer`" in feedback.message and words in feedback.message


@pytest.mark.parametrize(("bad", "words"), [("1", "single number"), (True, "single number"), (np.inf, "finite")])
def test_as_number_names_the_problem(bad, words):
    with pytest.raises(fb.BadAnswer, match=words):
        fb.as_number(bad, "x")


def test_html_line_carries_a_mark_besides_the_colour_and_escapes_the_message():
    line = fb.wrong("a < b: look at `mean`")._repr_html_()
    assert "✘ Not yet" in line and "a &lt; b" in line and "<code>mean</code>" in line


def test_as_array_can_allow_nan_as_a_missing_value_but_never_inf():
    assert np.isnan(fb.as_array([1.0, np.nan], "x", (2,), allow_nan=True)[1])
    with pytest.raises(fb.BadAnswer, match="only NaN may mark a missing value"):
        fb.as_array([1.0, np.inf], "x", (2,), allow_nan=True)
    with pytest.raises(fb.BadAnswer, match="NaN or inf"):
        fb.as_array([1.0, np.nan], "x", (2,))
