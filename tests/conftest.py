"""Shared pytest hooks for the course's tests."""

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (CI included): a failure found once is
# found again, and a run never fails by the luck of the draw.
settings.register_profile("course", derandomize=True)
settings.load_profile("course")

def load_module(name: str, path: Path):
    """The Python file at ``path`` imported as a module named ``name`` (tools/ and the test
    modules are not packages), once."""
    loaded = sys.modules.get(name)
    if loaded is not None and getattr(loaded, "__file__", None) == str(path):
        return loaded  # one module object per file, whichever test loads it first
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # where dataclasses look a module's names up
    spec.loader.exec_module(module)
    return module


def assert_hint(feedback, words):
    """A self-check rejected an answer with a hint that contains ``words`` (returns True)."""
    from course_utils.checks import Feedback

    assert isinstance(feedback, Feedback), f"a self-check returned {feedback!r}, not Feedback"
    assert not feedback, f"a wrong answer was accepted: {feedback!r}"
    assert words in feedback.message, f"expected {words!r} in {feedback.message!r}"
    return True


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The static site, built once per run by tools/build_site.py into an empty folder's
    ``_site`` (tests/test_teaching.py checks that nothing else appears beside it)."""
    output = tmp_path_factory.mktemp("site") / "_site"
    load_module("build_site", Path(__file__).resolve().parent.parent / "tools" / "build_site.py").build_site(output)
    return output


# Folders of screenshots taken by tests/test_browser.py, listed at the end of the run.
SCREENSHOT_DIRS = pytest.StashKey[list]()


def pytest_configure(config):
    config.stash[SCREENSHOT_DIRS] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for folder in config.stash.get(SCREENSHOT_DIRS, []):
        terminalreporter.write_line(f"browser test screenshots (one per notebook): {folder}")


# Issue 14: no text below 9 pt in any figure of the course. Every figure a test
# draws (in the house style) is kept and, after the test, drawn once more so that tick
# labels exist, then every visible text in it is measured.
SMALLEST_FONT_PT = 9.0


@pytest.fixture(autouse=True)
def figures_use_legible_text(monkeypatch):
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from course_utils.plotting import HOUSE_STYLE

    created = []
    make_figure = plt.figure

    def recording_figure(*args, **kwargs):
        figure = make_figure(*args, **kwargs)
        created.append(figure)
        return figure

    monkeypatch.setattr(plt, "figure", recording_figure)
    with plt.rc_context(HOUSE_STYLE):
        yield
    for figure in created:
        figure.canvas.draw()
        small = [
            (text.get_text(), text.get_fontsize())
            for text in figure.findobj(Text)
            if text.get_visible() and text.get_text().strip() and text.get_fontsize() < SMALLEST_FONT_PT
        ]
        assert not small, f"text below {SMALLEST_FONT_PT} pt in a figure: {small[:5]}"
