"""What a notebook shows beyond figures: the package's own source, and worked solutions
whose output stays collapsed.

JupyterLab keeps a collapsed cell's source collapsed when the cell runs, but opens its
output again, so after Run All a worked solution would show its results under the
exercise. :func:`collapse_worked_solutions` prevents that: a cell whose first line starts
with ``# Worked solution`` has what it prints and the figures it draws gathered into one
collapsed ``<details>`` element, which the learner opens when ready. It is the same in
JupyterLab, on the site and in any notebook viewer, and nbval still compares it.
"""

from __future__ import annotations

import base64
import html
import inspect
import io
import sys

SOLUTION_MARKER = "# Worked solution"
SOLUTION_SUMMARY = "Output of the worked solution (click to open)"


def show_source(obj) -> None:
    """Display the source code of a function or class of ``course_utils``, highlighted."""
    from IPython.display import Code, display

    display(Code(inspect.getsource(obj), language="python"))


def collapsed_output_bundle(text: str, images: list[tuple[bytes, dict]]) -> dict:
    """A display bundle: ``text`` and ``images`` (PNG, metadata) inside a closed <details>."""
    parts = [f"<pre>{html.escape(text)}</pre>"] if text else []
    for png, metadata in images:
        data = base64.b64encode(png).decode("ascii")
        parts.append(
            f'<img src="data:image/png;base64,{data}" width="{metadata["width"]}" '
            f'height="{metadata["height"]}" alt="figure of the worked solution">'
        )
    body = "".join(parts) or "<p>(the worked solution prints nothing)</p>"
    return {
        "text/plain": SOLUTION_SUMMARY,
        # The line break keeps the answer off the first line, which is all that JupyterLab
        # shows of an output whose cell is collapsed.
        "text/html": f"<details><summary>{SOLUTION_SUMMARY}</summary>\n{body}</details>",
    }


class _SolutionOutput:
    """IPython event handlers that gather a worked solution's output while it runs."""

    def __init__(self, shell):
        self.shell = shell
        self.active = False

    def pre_run_cell(self, info) -> None:
        from course_utils.plotting import hold_new_figures

        self.active = (info.raw_cell or "").lstrip().startswith(SOLUTION_MARKER)
        if self.active:
            self.stdout, self.buffer = sys.stdout, io.StringIO()
            sys.stdout = self.buffer
            self.held = hold_new_figures()
            # No Out[] line for a last expression: it too would show under the exercise.
            self.interactivity = self.shell.ast_node_interactivity
            self.shell.ast_node_interactivity = "none"

    def post_run_cell(self, result) -> None:
        from IPython.display import display

        from course_utils.plotting import take_new_figures

        if not self.active:
            return
        self.active = False
        sys.stdout = self.stdout
        self.shell.ast_node_interactivity = self.interactivity
        display(collapsed_output_bundle(self.buffer.getvalue(), take_new_figures(self.held)), raw=True)


_handlers: _SolutionOutput | None = None


def collapse_worked_solutions() -> None:
    """From now on, gather each worked solution's output into a collapsed element (in IPython only)."""
    global _handlers
    try:
        from IPython import get_ipython
    except ImportError:
        return
    from course_utils.plotting import load_backend

    shell = get_ipython()
    if shell is None or _handlers is not None:
        return
    load_backend()
    _handlers = _SolutionOutput(shell)
    shell.events.register("pre_run_cell", _handlers.pre_run_cell)
    shell.events.register("post_run_cell", _handlers.post_run_cell)
