"""What every self-check shares: the feedback line, the "not answered yet" rule and
friendly conversion of a learner's answer (no traceback from inside numpy)."""

from __future__ import annotations

import functools
import html
import numbers
import re

import numpy as np

NOT_ANSWERED = (
    "replace each `...` in the answer cell with your code, run that cell, "
    "then run this check again."
)


class Feedback:
    """The outcome of a self-check: true when the answer is right, shown as one line.

    Parameters
    ----------
    correct : bool
        Whether the answer is right.
    message : str
        What the learner reads: a confirmation, or a hint that never gives the answer.
    mark : str, optional
        The word before the message; "✔ Right" or "✘ Not yet" unless given.
    """

    def __init__(self, correct: bool, message: str, mark: str | None = None):
        self.correct = bool(correct)
        self.message = message
        self.mark = mark or ("✔ Right" if self.correct else "✘ Not yet")

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"{self.mark}: {self.message}"

    def _repr_html_(self) -> str:
        # Blue for right and vermillion for not yet (Okabe-Ito), with a mark and a word,
        # so the colour is never the only cue.
        colour = "#0072B2" if self.correct else "#D55E00"
        mark = html.escape(self.mark)
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 0.2em 0.6em;">'
            f'<strong style="color: {colour};">{mark}:</strong> {_code_spans(self.message)}</div>'
        )


def _code_spans(message: str) -> str:
    """``message`` as HTML, with its `backticked` names set as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(message))


class BadAnswer(Exception):
    """Raised inside a check when an answer has the wrong type or shape; shown as a hint."""


def right(message: str) -> Feedback:
    """A right answer, with a sentence on what it shows."""
    return Feedback(True, message)


def wrong(hint: str) -> Feedback:
    """A wrong answer, with a hint that points at the likely mistake."""
    return Feedback(False, hint)


def _contains_ellipsis(value) -> bool:
    if value is Ellipsis:
        return True
    if isinstance(value, (list, tuple)):
        return any(_contains_ellipsis(item) for item in value)
    if isinstance(value, dict):
        return any(_contains_ellipsis(item) for item in value.values())
    if isinstance(value, np.ndarray) and value.dtype == object:
        return any(_contains_ellipsis(item) for item in value.ravel())
    return False


def self_check(function):
    """Turn an unfinished answer (one still holding ``...``) or a :class:`BadAnswer` into feedback."""

    @functools.wraps(function)
    def checked(*args, **kwargs) -> Feedback:
        if any(_contains_ellipsis(value) for value in (*args, *kwargs.values())):
            return Feedback(False, NOT_ANSWERED, mark="… Not answered yet")
        try:
            return function(*args, **kwargs)
        except BadAnswer as problem:
            return Feedback(False, str(problem))

    return checked


def _describe(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__} {value!r}"[:80]


def as_number(value, name: str) -> float:
    """``value`` as a finite float, or :class:`BadAnswer` naming what was expected."""
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise BadAnswer(f"`{name}` should be a single number; got {_describe(value)}.")
    value = float(value)
    if not np.isfinite(value):
        raise BadAnswer(f"`{name}` should be a finite number; got {value}.")
    return value


def as_array(value, name: str, shape: tuple, *, allow_nan: bool = False) -> np.ndarray:
    """``value`` as a finite float array of ``shape`` (``None`` entries match any length).

    With ``allow_nan``, NaN (a missing value) may stand in any entry; inf never may.
    Raises :class:`BadAnswer` naming the expected shape and what came instead.
    """
    expected = "(" + ", ".join("any" if n is None else str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise BadAnswer(f"`{name}` should be an array of shape {expected}; got {_describe(value)}.")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise BadAnswer(
            f"`{name}` should be an array of numbers of shape {expected}; got {_describe(value)}, "
            "which is not all numbers."
        ) from None
    if array.ndim != len(shape) or any(n is not None and n != m for n, m in zip(shape, array.shape)):
        raise BadAnswer(f"`{name}` should have shape {expected}; got shape {array.shape}.")
    if allow_nan and np.isinf(array).any():
        raise BadAnswer(f"`{name}` contains inf; only NaN may mark a missing value.")
    if not allow_nan and not np.all(np.isfinite(array)):
        raise BadAnswer(f"`{name}` contains NaN or inf; every entry should be a finite number.")
    return array
