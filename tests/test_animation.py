"""Issue 18: animations that play without a kernel, sharp on HiDPI screens and small."""

import base64
import io
import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import test_browser
from PIL import Image

from course_utils import gmm, kmeans
from course_utils.data import load_old_faithful
from course_utils.plotting import (
    MAX_ANIMATION_HEIGHT,
    Animation,
    _PaletteHTMLWriter,
    animate,
    figure_and_axes,
    use_house_style,
)
from course_utils.plotting.em_bound import plot_bound_slice
from course_utils.plotting.gmm import plot_em_step
from course_utils.plotting.kmeans import plot_lloyd_frame

FRAME = re.compile(r'frames\[(\d+)\] = "data:image/png;base64,([A-Za-z0-9+/=]+)"')


def moving_point(frame, figure):
    """A point that moves right by 5 units per frame: autoscaled limits would follow it."""
    figure, ax = figure_and_axes(figure, figsize=(3.0, 2.0))
    ax.plot([5.0 * frame, 5.0 * frame + 1.0], [0.0, 1.0], marker="o")
    ax.set(title=f"frame {frame}", xlabel="x (units)", ylabel="y (units)")
    return figure


@pytest.fixture
def small_animation():
    use_house_style()
    return animate(moving_point, range(3), description="a moving point")


def frames_of(page: str) -> list[Image.Image]:
    found = FRAME.findall(page)
    assert [int(index) for index, _ in found] == list(range(len(found)))
    return [Image.open(io.BytesIO(base64.b64decode(data))) for _, data in found]


def test_the_html_holds_every_frame_as_a_retina_palette_png_shown_at_half_width(small_animation):
    page = small_animation.to_jshtml()
    frames = frames_of(page)
    assert len(frames) == small_animation.n_frames == 3
    assert "new Animation(frames" in page and 'type="range"' in page  # matplotlib's player and slider
    assert "slider_id, 900," in page  # each frame shows for interval_ms
    for image in frames:
        assert image.format == "PNG" and image.mode == "P"
        assert image.convert("RGB").getpixel((0, 0)) == (255, 255, 255)  # the page's white, exactly
        # 3 x 2 inches at 96 CSS pixels per inch, stored at twice the pixels
        assert image.size == (2 * 288, 2 * 192)
    assert (small_animation.width, small_animation.height) == (288, 192)
    images = re.findall(r"<img [^>]*>", page)
    assert len(images) == 1 and 'width="288"' in images[0] and "max-width: 100%" in images[0]
    assert 'alt="a moving point"' in images[0]
    first = FRAME.search(page).group(2)
    assert f'src="data:image/png;base64,{first}"' in images[0]  # shown where scripts do not run


def test_the_html_loads_nothing_from_outside_and_draws_its_own_icons(small_animation):
    page = small_animation.to_jshtml()
    assert not re.search(r"https?:|//[a-z0-9.-]+\.[a-z]{2,}/", page, re.IGNORECASE)
    assert "<link" not in page and "fa fa-" not in page
    assert all(src.startswith("data:") for src in re.findall(r'src="([^"]*)"', page))
    buttons = re.findall(r"<button .*?</button>", page, re.DOTALL)
    assert len(buttons) == 9 and all("<svg " in button for button in buttons)


def test_the_same_frames_give_the_same_html():
    use_house_style()
    first = animate(moving_point, range(2), description="a moving point").to_jshtml()
    second = animate(moving_point, range(2), description="a moving point").to_jshtml()
    assert first == second
    third = animate(moving_point, range(1, 3), description="a moving point").to_jshtml()
    assert third != first


def test_a_notebook_shows_the_player_and_a_line_where_html_is_not_shown(small_animation):
    bundle = small_animation._repr_mimebundle_()
    assert bundle["text/html"] == small_animation.to_jshtml()
    assert bundle["text/plain"].startswith("Animation: a moving point (3 frames).")
    assert isinstance(small_animation, Animation) and not plt.get_fignums()  # its figure is closed


def moving_point_on_equal_axes(frame, figure):
    """The same, beside a panel of equal aspect whose limits widen to fill its box."""
    figure, (ax, square) = figure_and_axes(figure, 1, 2, figsize=(6.0, 2.0))
    for axes in (ax, square):
        axes.plot([5.0 * frame, 5.0 * frame + 1.0], [0.0, 1.0], marker="o")
        axes.set(title=f"frame {frame}", xlabel="x (units)", ylabel="y (units)")
    square.set_aspect("equal", adjustable="datalim")
    return figure


def test_axis_limits_and_layout_stay_fixed_across_frames(monkeypatch, caplog):
    use_house_style()
    seen = []
    grab = _PaletteHTMLWriter.grab_frame

    def recording_grab(self, **kwargs):
        grabbed = grab(self, **kwargs)  # the frame as drawn
        seen.append([(ax.get_xlim(), ax.get_ylim(), tuple(ax.get_position().bounds)) for ax in self.fig.axes])
        return grabbed

    monkeypatch.setattr(_PaletteHTMLWriter, "grab_frame", recording_grab)
    animate(moving_point_on_equal_axes, range(3), description="a moving point")
    assert len(seen) == 3 and all(view == seen[0] for view in seen)
    for xlim, _, _ in seen[0]:
        assert xlim[0] <= 0.0 and xlim[1] >= 11.0  # the union of what each frame showed
    _, y_square, _ = seen[0][1]
    assert y_square[1] - y_square[0] > 2.0  # equal aspect: y widened to match x, not the box shrunk
    assert "Ignoring fixed" not in caplog.text


def test_bad_input_is_named():
    use_house_style()
    with pytest.raises(ValueError, match="frames must hold at least two values; got 1"):
        animate(moving_point, [0], description="one frame")
    with pytest.raises(TypeError, match="draw must be callable"):
        animate("moving_point", range(2), description="a moving point")
    with pytest.raises(TypeError, match="description must be a non-empty str"):
        animate(moving_point, range(2), description="")
    with pytest.raises(ValueError, match="interval_ms must be positive"):
        animate(moving_point, range(2), description="a moving point", interval_ms=0)
    with pytest.raises(TypeError, match="must return a matplotlib Figure; got NoneType"):
        animate(lambda frame, figure: None, range(2), description="nothing")

    def too_tall(frame, figure):
        return figure_and_axes(figure, figsize=(4.0, 6.0))[0]

    with pytest.raises(ValueError, match="at most 520 CSS pixels tall.*got 576"):
        animate(too_tall, range(2), description="too tall")

    def changing_axes(frame, figure):
        return figure_and_axes(figure, 1, 1 + frame, figsize=(4.0, 2.0))[0]

    with pytest.raises(ValueError, match="same axes in every frame; frame 1 has 2 axes"):
        animate(changing_axes, range(2), description="changing")
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure or None; got str"):
        figure_and_axes("figure", figsize=(3.0, 2.0))
    assert not plt.get_fignums()  # nothing left open after a failure


# The three lessons' animations: each frame is drawn by the figure function of the lesson's
# Explore slider, on one figure that fits a slide.

@pytest.fixture(scope="module")
def faithful():
    return load_old_faithful()


def lloyd_run(Z):
    centers_path, labels_path, inertia = [np.array([[-1.5, 1.5], [1.5, -1.5]])], [], []
    for _ in range(3):
        labels, squared = kmeans.assign(Z, centers_path[-1])
        labels_path.append(labels)
        inertia.append(squared.sum())
        centers_path.append(kmeans.update_centers(Z, labels, 2))
    return centers_path, labels_path, inertia


def test_lloyd_frames_redraw_on_one_figure(faithful):
    use_house_style()
    Z = (faithful - faithful.mean(axis=0)) / faithful.std(axis=0)
    centers_path, labels_path, inertia = lloyd_run(Z)
    figure = plot_lloyd_frame(Z, centers_path, labels_path, inertia, 1)
    for iteration in (2, 3):
        assert plot_lloyd_frame(Z, centers_path, labels_path, inertia, iteration, figure=figure) is figure
        assert len(figure.axes) == 2 and figure.axes[0].get_title().startswith(f"Iteration {iteration}:")
    plt.close(figure)
    animation = animate(lambda t, figure: plot_lloyd_frame(Z, centers_path, labels_path, inertia, t, figure=figure),
                        [1, 3], description="Lloyd's iterations")
    assert animation.n_frames == 2 and len(frames_of(animation.html)) == 2
    assert animation.height <= MAX_ANIMATION_HEIGHT and animation.width <= 1280


def test_em_frames_redraw_on_one_figure(faithful):
    use_house_style()
    states = [(np.array([0.5, 0.5]), np.array([[4.5, 50.0], [2.0, 90.0]]), np.stack([np.diag([0.3, 40.0])] * 2))]
    for _ in range(2):
        states.append(gmm.m_step(faithful, gmm.e_step(faithful, *states[-1])[0]))
    path = [gmm.log_likelihood(faithful, *state) for state in states]
    responsibilities = [gmm.e_step(faithful, *state)[0] for state in states]

    def draw(t, figure):
        return plot_em_step(faithful, *states[t], responsibilities[t], path, t, figure=figure)

    figure = draw(0, None)
    assert draw(2, figure) is figure and figure.axes[0].get_title().startswith("after 2 EM iterations")
    plt.close(figure)
    animation = animate(draw, [0, 2], description="EM's iterations")
    assert animation.n_frames == 2 and len(frames_of(animation.html)) == 2
    assert animation.height <= MAX_ANIMATION_HEIGHT and animation.width <= 1280


def test_bound_slice_frames_redraw_on_one_figure():
    use_house_style()
    grid = np.linspace(-2.0, 2.0, 41)
    log_likelihood = -grid**2
    positions = np.array([-1.5, -0.75, -0.375])
    bounds = np.array([log_likelihood - 0.5 * (grid - p) ** 2 for p in positions[:-1]])
    data = np.linspace(-1.0, 1.0, 20)
    mixtures = [(np.array([1.0]), np.array([[p]]), np.array([[[1.0]]])) for p in positions]

    def draw(t, figure):
        return plot_bound_slice(grid, log_likelihood, bounds, positions, t, data=data, mixtures=mixtures,
                                parameter_label="mean (units)", data_label="x (units)",
                                density_label="density (1 / unit)", figure=figure)

    figure = draw(0, None)
    assert draw(1, figure) is figure and len(figure.axes) == 2
    plt.close(figure)
    animation = animate(draw, [0, 1], description="EM on a slice")
    assert animation.n_frames == 2 and animation.height <= MAX_ANIMATION_HEIGHT


# In a real browser with no network: the stored HTML plays by itself. Chromium is started
# (or the test skipped, or failed under CI) as in the learner's browser test.
browser = test_browser.browser


def test_where_scripts_do_not_run_the_first_frame_shows_with_a_note_instead_of_dead_controls(small_animation):
    page = small_animation.to_jshtml()
    scripts = re.findall(r"<script.*?</script>", page, flags=re.DOTALL)
    static = re.sub(r"<script.*?</script>", "", page, flags=re.DOTALL)  # what a sanitizer keeps
    assert re.search(r'<img [^>]*src="data:image/png;base64,', static)
    assert re.search(r'<div class="anim-controls" id="[^"]+" style="display: none">', static)
    assert 'class="anim-note">This is the first frame. The animation plays once this cell has run' in static
    assert any(".remove()" in script and 'style.display = ""' in script for script in scripts)


@pytest.mark.browser
def test_the_player_plays_offline_in_chromium_at_half_its_pixel_width(browser, tmp_path, small_animation):
    page_file = tmp_path / "animation.html"
    page_file.write_text(f"<!doctype html><html><body>{small_animation.to_jshtml()}</body></html>",
                         encoding="utf-8")
    outside = []

    def only_local(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page = browser.new_page(viewport={"width": 1280, "height": 720}, device_scale_factor=2)
    try:
        page.route("**/*", only_local)
        page.goto(page_file.as_uri())
        # Scripts run here: the controls show and the note for untrusted notebooks is gone.
        assert page.locator(".anim-note").count() == 0 and page.locator(".anim-controls").is_visible()
        image = page.locator(".animation img")
        page.wait_for_function("() => document.querySelector('.animation img').naturalWidth > 0")
        natural, shown = image.evaluate("i => [[i.naturalWidth, i.naturalHeight], [i.clientWidth, i.clientHeight]]")
        assert natural == [2 * small_animation.width, 2 * small_animation.height]
        assert shown == [small_animation.width, small_animation.height]  # sharp on a HiDPI screen
        first = image.evaluate("i => i.src")
        page.get_by_title("Next frame", exact=True).click()
        assert image.evaluate("i => i.src") != first
        assert page.locator(".animation input[type=range]").input_value() == "1"
        icons = page.locator(".animation button svg")
        assert icons.count() == 9 and all(icons.nth(k).bounding_box()["width"] > 0 for k in range(9))
        page.get_by_title("Play", exact=True).click()
        page.wait_for_function("() => document.querySelector('.animation input[type=range]').value !== '1'",
                               timeout=10_000)
    finally:
        page.close()
    assert outside == []


LESSONS_WITH_ANIMATIONS = ("03_kmeans", "04_gaussian_mixtures_em", "05_em_lower_bound")


@pytest.mark.parametrize("stem", LESSONS_WITH_ANIMATIONS)
def test_each_lesson_stores_a_self_contained_animation_that_fits_a_slide(stem):
    """What the site, the slides and notebook viewers show: the stored output, not a rerun."""
    import nbformat

    path = Path(__file__).resolve().parent.parent / "notebooks" / f"{stem}.ipynb"
    pages = [output.data["text/html"] for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"
             for output in cell.get("outputs", []) if "new Animation(frames" in output.get("data", {}).get("text/html", "")]
    assert len(pages) == 1, f"{stem}: expected one stored animation, found {len(pages)}"
    page = pages[0]
    frames = frames_of(page)
    assert 5 <= len(frames) <= 15  # only as many as teach something
    width = int(re.search(r'<img [^>]*width="(\d+)"', page).group(1))
    for image in frames:
        assert image.mode == "P" and image.width == 2 * width  # retina palette PNG at half its width
        assert image.height // 2 <= MAX_ANIMATION_HEIGHT
    assert not re.search(r"https?:", page) and "fa fa-" not in page
