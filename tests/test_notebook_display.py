"""Explore cells and figure storage: what a learner sees with and without a kernel."""

import base64
import io

import matplotlib.pyplot as plt
import pytest
from PIL import Image

from course_utils import widgets
from course_utils.plotting import retina_png, use_house_style


def test_explore_stores_a_human_line_instead_of_a_widget_repr(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kwargs: shown.append((obj, kwargs)) or None)
    use_house_style()

    def draw(width):
        figure, ax = plt.subplots()
        ax.plot([0, width])
        return figure

    widgets.explore(draw, width=widgets.float_slider(1.0, 0.0, 2.0, 0.1, "width w"))
    controls, kwargs = shown[0]
    assert kwargs.get("raw") is True
    assert "application/vnd.jupyter.widget-view+json" in controls
    assert controls["text/plain"].startswith("Controls (width w) redraw the figure below")
    assert "running kernel" in controls["text/plain"] and "HBox" not in controls["text/plain"]
    assert "running kernel" in controls["text/html"]
    assert shown[1][1].get("display_id") is True  # the figure for the starting values


def test_retina_png_doubles_the_pixels_and_reports_the_display_size():
    use_house_style()
    figure, ax = plt.subplots(figsize=(4.0, 3.0))
    ax.plot([0, 1], [0, 1])
    png, metadata = retina_png(figure)
    plt.close(figure)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.mode == "P"
    assert image.width == pytest.approx(2 * metadata["width"], abs=1)
    assert image.height == pytest.approx(2 * metadata["height"], abs=1)
    # At 96 CSS pixels per inch the figure shows at its size in inches (bbox "tight" trims
    # the margin, so it is at most that).
    assert 300 <= metadata["width"] <= 4.0 * 96 and 200 <= metadata["height"] <= 3.0 * 96
    assert base64.b64encode(png)  # storable in a notebook


def test_collapsed_output_bundle_escapes_text_and_embeds_figures():
    from course_utils.display import SOLUTION_SUMMARY, collapsed_output_bundle

    bundle = collapsed_output_bundle("a < b\n", [(b"\x89PNG", {"width": 10, "height": 5})])
    assert bundle["text/plain"] == SOLUTION_SUMMARY  # gives nothing away where HTML is not shown
    page = bundle["text/html"]
    assert page.startswith("<details><summary>") and "<details open" not in page
    assert "a &lt; b" in page and 'src="data:image/png;base64,iVBORw==' in page and 'width="10"' in page
    assert "a &lt; b" not in page.splitlines()[0]  # JupyterLab shows the first line of a collapsed output


def test_a_worked_solution_keeps_its_output_collapsed_and_the_next_cell_is_untouched():
    """Run in a real kernel: JupyterLab reopens a collapsed cell's outputs when it runs, so
    the solution's prints, figures and last expression must all land in one <details>."""
    import nbclient
    import nbformat

    cells = [
        ("from course_utils.checks import _feedback\n"
        "from course_utils.plotting import use_house_style\n"
        "import matplotlib.pyplot as plt\nuse_house_style()"),
        ("# Worked solution: open it once you have tried exercise 1.\n"
        "print('the answer is 42')\nfig, ax = plt.subplots()\nax.plot([0, 1])\n6 * 7"),
        "print('a later cell')\nfig, ax = plt.subplots()\nax.plot([0, 1])\n1 + 1",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    nbclient.NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    solution, later = notebook.cells[1].outputs, notebook.cells[2].outputs
    assert [output.output_type for output in solution] == ["display_data"]
    page = solution[0].data["text/html"]
    assert page.startswith("<details>") and "the answer is 42" in page and "data:image/png" in page
    assert "42" not in solution[0].data["text/plain"]
    kinds = sorted(output.output_type for output in later)
    assert kinds == ["display_data", "execute_result", "stream"]  # prints, Out[] and figure as usual
