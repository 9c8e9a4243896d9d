"""Explore cells: ipywidgets controls that redraw a figure, with a static fallback.

The figure for the controls' initial values is displayed as an ordinary image output,
so a notebook without a widget frontend (nbval, a static HTML export, a viewer on the
web) still shows a sensible figure, and the controls' own output carries one human line
for those places instead of a widget repr. Moving a control re-renders the figure and
replaces that same output in place through its display id. ipywidgets is imported only
when a control is built.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Callable

from course_utils.plotting import close


def _ipywidgets():
    import ipywidgets

    return ipywidgets


def float_slider(value: float, min: float, max: float, step: float, description: str):
    """A labelled FloatSlider that reports its value only when released."""
    return _ipywidgets().FloatSlider(
        value=value, min=min, max=max, step=step, description=description,
        continuous_update=False, style={"description_width": "initial"},
    )


def int_slider(value: int, min: int, max: int, description: str, step: int = 1):
    """A labelled IntSlider that reports its value only when released."""
    return _ipywidgets().IntSlider(
        value=value, min=min, max=max, step=step, description=description,
        continuous_update=False, style={"description_width": "initial"},
    )


def dropdown(options, value, description: str):
    """A labelled Dropdown; ``options`` is a list of values or of (label, value) pairs."""
    return _ipywidgets().Dropdown(
        options=options, value=value, description=description,
        style={"description_width": "initial"},
    )


def explore(draw: Callable, **controls) -> None:
    """Display ``draw(**values)`` and redraw it whenever one of ``controls`` changes.

    Parameters
    ----------
    draw : callable
        Called with one keyword argument per control (its current value); returns a
        matplotlib Figure.
    **controls
        ipywidgets value widgets, for example from :func:`float_slider`, keyed by the
        name of ``draw``'s argument they feed.
    """
    from IPython.display import display

    def current_figure():
        return draw(**{name: control.value for name, control in controls.items()})

    box = _ipywidgets().HBox(list(controls.values()))
    bundle = box._repr_mimebundle_()
    line = static_line(controls)
    bundle["text/plain"] = line
    bundle["text/html"] = f"<p><em>{html.escape(line)}</em></p>"
    display(bundle, raw=True)
    figure = current_figure()
    handle = display(figure, display_id=True)
    close(figure)

    def redraw(_change) -> None:
        figure = current_figure()
        handle.update(figure)
        close(figure)

    for control in controls.values():
        control.observe(redraw, names="value")


def static_line(controls: dict) -> str:
    """The sentence shown where the live controls cannot be: what they do, and what they need."""
    names = ", ".join(getattr(control, "description", name) or name for name, control in controls.items())
    return (
        f"Controls ({names}) redraw the figure below when moved; they need a running kernel: "
        "run this cell in JupyterLab to use them."
    )


class Progress:
    """Progress of a long loop: an ipywidgets bar inside a kernel, text lines elsewhere.

    In a notebook the bar is a widget whose stored output is one human line; when the loop
    ends (:meth:`close`, or leaving a ``with`` block) the bar is replaced by a line saying
    what was done, so stored outputs carry no progress noise. In a script or a terminal a
    line is written to stderr every tenth of the way.

    Parameters
    ----------
    total : int
        Number of steps.
    description : str
        Label shown beside the bar.

    Examples
    --------
    >>> with Progress(200, "Bayes by Backprop") as progress:  # doctest: +SKIP
    ...     fit = bbb.fit(..., n_epochs=200, callback=progress.callback("ELBO"))
    """

    def __init__(self, total: int, description: str = "progress"):
        self.total = max(int(total), 1)
        self.description = description
        self.done = 0
        self._bar = None
        self._handle = None
        if _in_kernel():
            from IPython.display import display

            self._bar = _ipywidgets().IntProgress(
                value=0, min=0, max=self.total, description=description,
                style={"description_width": "initial"},
            )
            bundle = self._bar._repr_mimebundle_()
            bundle["text/plain"] = f"{description}: a progress bar while the cell runs"
            self._handle = display(bundle, raw=True, display_id=True)

    def update(self, steps: int = 1, status: str = "") -> None:
        """Advance by ``steps``; ``status`` (e.g. the current ELBO) is shown beside the bar."""
        before = self.done * 10 // self.total
        self.done = min(self.done + steps, self.total)
        if self._bar is not None:
            self._bar.value = self.done
            self._bar.description = f"{self.description} {status}".strip()
        elif self.done * 10 // self.total > before:
            print(f"{self.description}: {self.done}/{self.total} {status}".rstrip(), file=sys.stderr)

    def callback(self, label: str = "", every: int = 1) -> Callable:
        """A ``callback(step, value)`` for training loops (``bbb.fit``, ``bbb.fit_map``).

        It advances the bar by one step per call and, every ``every`` steps, shows
        ``label`` and the value (e.g. the ELBO) rounded to an integer.
        """
        every = max(int(every), 1)

        def report(step, value) -> None:
            status = f"{label} {value:.0f}".strip() if label and (step + 1) % every == 0 else ""
            if status or not label:
                self.update(1, status)
            else:
                self.done = min(self.done + 1, self.total)
                if self._bar is not None:
                    self._bar.value = self.done

        return report

    def close(self) -> None:
        """Replace the bar by one line saying how far the loop went (stable across runs)."""
        line = f"{self.description}: {self.done} of {self.total} steps done"
        if self._bar is not None:
            self._handle.update({"text/plain": line}, raw=True)
            self._bar.close()
            self._bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (where widgets can be displayed)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")
