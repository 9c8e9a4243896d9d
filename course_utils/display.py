"""Show the package's own code in a notebook, so the learner reads what was tested."""

from __future__ import annotations

import inspect


def show_source(obj) -> None:
    """Display the source code of a function or class of ``course_utils``, highlighted."""
    from IPython.display import Code, display

    display(Code(inspect.getsource(obj), language="python"))
