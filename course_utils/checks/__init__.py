"""Self-checks for the exercises: one module per lesson (``lesson01`` ... ``lesson07``).

A learner writes an answer in the exercise's answer cell and calls the lesson's check on
it, for example ``check.exercise_1(mean, covariance)`` after
``from course_utils.checks import lesson04 as check``. The check computes the right answer
itself from the package (so it also works in the student edition, which has no worked
solutions), compares within a tolerance and shows one line: right, or not yet with a hint
that points at the likely mistake. It never shows the answer. Each check returns a
:class:`Feedback`, which is true exactly when the answer is right, so a worked solution can
``assert`` it.
"""

from course_utils.checks._feedback import Feedback

__all__ = ["Feedback"]

# A lesson that has exercises imports its checks: from then on its worked solutions keep
# their output collapsed after Run All (see course_utils.display).
from course_utils.display import collapse_worked_solutions

collapse_worked_solutions()
