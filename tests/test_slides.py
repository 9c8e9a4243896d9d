"""The slideshows of `make slides` as a lecturer presents them: offline, on a 1280x720 canvas.

Builds every lesson's slides with tools/build_slides.py, opens each file (file://, as a
double click does) in headless Chromium with every request to a non-local address blocked
and recorded, waits for reveal.js and MathJax, visits every slide through the Reveal API
and checks that:
- the slide's content fits the canvas (the section's scrollHeight and scrollWidth), and
  nothing inside it is cut off, except a code listing taller than its box, which scrolls
  down inside it (the template's `.jp-InputArea-editor`: scrolling there is on purpose);
  nothing scrolls sideways;
- its formulas are typeset: no `$$`, `\\(` or `\\[` left in its visible text, no MathJax
  error, and typeset maths on every slide whose cells hold maths;
- the link to the same lesson in the other language lies over no content;
- no request left the machine.

The Japanese slideshows (``ja/``) get the same checks, for the lessons in ``JAPANESE``, plus
their language: ``<html lang="ja">``, links both ways, no character drawn as a missing glyph.

Needs the system Chromium and playwright, as tests/test_browser.py (skipped without them,
a failure under CI=true). Deselect with ``python -m pytest -m "not browser"``.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import test_browser
from conftest import load_module

pytestmark = pytest.mark.browser

# Headless Chromium as tests/test_browser.py starts it (skipped without it, a failure under
# CI): its fixture, registered here under the name `chromium`.
chromium = test_browser.browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# The Japanese slideshows checked slide by slide: the two longest lessons. All seven took
# 33 s against 12 s for these two (on a two-core machine at load 2), and the suite is near
# its CI budget; their breaks, code and outputs are the English ones, which are all checked.
JAPANESE = ("06_laplace_approximation", "07_bayes_by_backprop")

build_slides = load_module("build_slides", ROOT / "tools" / "build_slides.py")

LOAD_TIMEOUT_MS = 60_000
# A slide may be at most this much taller or wider than the canvas (CSS px): rounding.
TOLERANCE_PX = 1
SCROLLS_ON_PURPOSE = build_slides.SCROLL_BOXES
UNTYPESET = ("$$", "\\(", "\\[", "\\begin{")

READY = """() => window.Reveal !== undefined && Reveal.isReady()
    && window.MathJax !== undefined && MathJax.startup !== undefined
    && MathJax.startup.promise !== undefined"""
TYPESET = "() => MathJax.startup.promise.then(() => true)"
SLIDE_INDICES = "() => Reveal.getSlides().map(slide => { const i = Reveal.getIndices(slide); return [i.h, i.v || 0]; })"

# What the slide shown now holds: its size against the canvas, the elements inside it that
# hide part of their content (and whether that is a listing that scrolls on purpose), its
# visible text and its typeset formulas.
MEASURE = """([h, v, scrollsOnPurpose]) => {
    Reveal.slide(h, v);
    const slide = Reveal.getCurrentSlide();
    const config = Reveal.getConfig();
    const clipped = [], scrolling = [];
    for (const element of slide.querySelectorAll("*")) {
        // MathJax's copy of each formula for screen readers is clipped on purpose.
        if (element.closest("mjx-assistive-mml")) { continue; }
        const tall = element.scrollHeight > element.clientHeight + 1;
        const wide = element.scrollWidth > element.clientWidth + 1;
        if (!tall && !wide) { continue; }
        const style = getComputedStyle(element);
        const what = `${element.tagName.toLowerCase()}.${[...element.classList].join(".")} `
            + `(${element.scrollWidth}x${element.scrollHeight} in ${element.clientWidth}x${element.clientHeight}): `
            + element.textContent.trim().slice(0, 60);
        // Content that spills out (overflow visible) makes the slide itself too big.
        const hidesWidth = wide && style.overflowX !== "visible";
        const hidesHeight = tall && style.overflowY !== "visible";
        const scrollsDown = hidesHeight && ["auto", "scroll"].includes(style.overflowY)
            && element.matches(scrollsOnPurpose);
        if (hidesWidth || (hidesHeight && !scrollsDown)) { clipped.push(what); }
        else if (scrollsDown && !element.classList.contains("course-scrolls")) {
            clipped.push(`${what} (scrolls without the mark that says so)`);
        }
        else if (scrollsDown) { scrolling.push(what); }
    }
    return {
        current: [Reveal.getIndices().h, Reveal.getIndices().v || 0],
        canvas: [config.width, config.height],
        size: [slide.scrollWidth, slide.scrollHeight],
        clipped: clipped,
        scrolling: scrolling,
        text: slide.innerText,
        maths: slide.querySelectorAll("mjx-container").length,
        errors: slide.querySelectorAll("mjx-merror, [data-mjx-error]").length,
        start: slide.innerText.trim().slice(0, 80),
    };
}"""

INLINE_MATH = re.compile(r"(?<![\\$])\$[^$\s][^$]*\$|\$\$|\\\(|\\\[|\\begin\{")


def slide_of_each_cell(notebook) -> list[tuple[int, int] | None]:
    """The (horizontal, vertical) index of the slide that shows each cell (None: not shown),
    from the cells' ``slideshow.slide_type`` as reveal.js numbers slides."""
    h, v, where = -1, 0, []
    for cell in notebook.cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if kind == "slide" or h < 0:
            h, v = h + 1, 0
        elif kind == "subslide":
            v += 1
        where.append(None if kind in {"skip", "notes"} else (h, v))
    return where


def slides_with_maths(notebook) -> set[tuple[int, int]]:
    """The slides whose Markdown cells or LaTeX outputs hold a formula."""
    found = set()
    for cell, where in zip(notebook.cells, slide_of_each_cell(notebook)):
        if where is None:
            continue
        if cell.cell_type == "markdown":
            prose = re.sub(r"`[^`]*`", "", cell.source)  # code spans are not maths
            if INLINE_MATH.search(prose):
                found.add(where)
        elif any("text/latex" in output.get("data", {}) and "text/html" not in output.get("data", {})
                 for output in cell.outputs):
            found.add(where)
    return found


@pytest.fixture(scope="module")
def slides_dir(tmp_path_factory):
    output = tmp_path_factory.mktemp("slides")
    build_slides.build_slides(output)
    return output




def open_offline(browser, path: Path, slideshow: bool = True):
    """A page with every request to a non-local address blocked and recorded; for a
    slideshow, once reveal.js is ready and MathJax has typeset every formula."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    left = []

    def route(route):
        url = route.request.url
        host = re.match(r"^[a-z]+://([^/:]*)", url)
        if url.startswith(("file:", "data:", "blob:")) or (host and host.group(1) in {"localhost", "127.0.0.1"}):
            route.continue_()
        else:
            left.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    if slideshow:
        page.wait_for_function(READY, timeout=LOAD_TIMEOUT_MS)
        page.evaluate(TYPESET)
    return context, page, left, errors


@pytest.mark.parametrize("edition", ["", "ja"])
def test_index_links_every_lesson_and_loads_nothing_from_the_web(slides_dir, chromium, edition):
    folder = slides_dir / edition
    index = (folder / "index.html").read_text(encoding="utf-8")
    for notebook in NOTEBOOKS:
        assert f'href="{notebook.stem}.slides.html"' in index
        assert (folder / f"{notebook.stem}.slides.html").is_file()
    assert 'href="glossary.html"' in index
    # The other language's index; one copy of reveal.js and MathJax for both.
    other = "../index.html" if edition else "ja/index.html"
    assert f'href="{other}"' in index and (folder / other).is_file()
    assert f'<html lang="{edition or "en"}">' in index
    assert (slides_dir / "_static" / "revealjs" / "dist" / "reveal.js").is_file()
    assert (slides_dir / "_static" / "mathjax" / "tex-svg.js").is_file()
    assert not (slides_dir / "ja" / "_static").exists()
    for name in ("index.html", "glossary.html"):
        context, _, left, errors = open_offline(chromium, folder / name, slideshow=False)
        context.close()
        assert not left and not errors, f"{name}: requests left the machine: {left}; errors: {errors}"


SLIDESHOWS = [("", path.stem) for path in NOTEBOOKS] + [("ja", stem) for stem in JAPANESE]


@pytest.mark.parametrize(("edition", "lesson"), SLIDESHOWS, ids=lambda value: value or "en")
def test_every_slide_fits_the_canvas_typesets_its_maths_and_stays_offline(slides_dir, chromium, edition, lesson):
    name = f"{edition}/{lesson}".lstrip("/")
    source = nbformat.read(ROOT / "notebooks" / edition / f"{lesson}.ipynb", as_version=4)
    expected_slides = sorted({where for where in slide_of_each_cell(source) if where is not None})
    maths_expected = slides_with_maths(source)
    context, page, left, errors = open_offline(chromium, slides_dir / edition / f"{lesson}.slides.html")
    try:
        # The language, and the link to the same lesson in the other one.
        assert page.evaluate("() => document.documentElement.lang") == (edition or "en")
        other = page.evaluate("() => document.querySelector('a.course-language').href")
        assert other == (slides_dir / ("" if edition else "ja") / f"{lesson}.slides.html").as_uri(), other
        assert (slides_dir / ("" if edition else "ja") / f"{lesson}.slides.html").is_file()

        indices = [tuple(pair) for pair in page.evaluate(SLIDE_INDICES)]
        assert indices == expected_slides, f"{name}: slides {indices}, metadata gives {expected_slides}"
        assert page.evaluate("() => Reveal.getTotalSlides()") == len(indices)
        problems, scrolling = [], []
        for h, v in indices:
            seen = page.evaluate(MEASURE, [h, v, SCROLLS_ON_PURPOSE])
            where = f"slide {h}/{v} ({seen['start']!r})"
            assert seen["current"] == [h, v], f"{name}: Reveal.slide({h}, {v}) shows {seen['current']}"
            assert seen["canvas"] == list(build_slides.CANVAS)
            width, height = seen["size"]
            if height > build_slides.CANVAS[1] + TOLERANCE_PX or width > build_slides.CANVAS[0] + TOLERANCE_PX:
                problems.append(f"{where}: {width}x{height} px on a {seen['canvas']} canvas")
            problems += [f"{where}: cut off: {what}" for what in seen["clipped"]]
            scrolling += [f"{where}: {what}" for what in seen["scrolling"]]
            left_in_text = [marker for marker in UNTYPESET if marker in seen["text"]]
            if left_in_text:
                problems.append(f"{where}: untypeset maths {left_in_text} in the text")
            if seen["errors"]:
                problems.append(f"{where}: {seen['errors']} MathJax errors")
            if (h, v) in maths_expected and seen["maths"] == 0:
                problems.append(f"{where}: its cells hold maths but no formula is typeset")
        # The link to the other language keeps the slide shown (the last one, here). It is
        # transparent, so that it covers no text of a projected slide, until the pointer is on it.
        h, v = indices[-1]
        assert page.evaluate("() => document.querySelector('a.course-language').href").endswith(f"#/{h}/{v}")
        opacity = "() => getComputedStyle(document.querySelector('a.course-language')).opacity"
        assert page.evaluate(opacity) == "0"
        page.hover("a.course-language")
        page.wait_for_function(f"() => ({opacity})() === '1'", timeout=2000)
        print(f"{name}: {len(indices)} slides, {len(scrolling)} boxes that scroll:", *scrolling, sep="\n  ")
        assert not problems, f"{name}:\n" + "\n".join(problems)
        assert not errors, f"{name}: script errors: {errors}"
        assert not left, f"{name}: requests left the machine: {left}"
        if edition == "ja" and lesson == JAPANESE[0]:
            # Every character of the slideshow, shown or not, is drawn in a font that has it.
            drawn = page.evaluate(test_browser.MISSING_GLYPHS, page.locator(".reveal .slides").element_handle())
            assert drawn["checked"] > 300 and drawn["missing"] == [], (  # hundreds of kana and kanji
                f"{name}: drawn as missing-glyph boxes (install a Japanese font, e.g. fonts-noto-cjk): {drawn}")
    finally:
        context.close()


def animation_notebook():
    """A lesson whose only output is an animation of a figure of the house size
    (course_utils.plotting.animate), on a sub-slide of its own, as lessons 03-05 store them."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course_utils.plotting import animate

    def draw(frame, figure):
        figure = figure or plt.figure(figsize=(7.0, 5.0))
        figure.clear()
        axes = figure.add_subplot()
        axes.plot([0.0, 1.0], [0.0, 1.0 - 0.3 * frame])
        axes.set(title="Lloyd's iterations", xlabel="x (standardized)", ylabel="y (standardized)")
        return figure

    animation = animate(draw, range(3), description="a line that tilts")
    cells = [
        nbformat.v4.new_markdown_cell("# An animation\n\nEach frame is one iteration."),
        nbformat.v4.new_code_cell("animate(draw, range(3), description='a line that tilts')"),
    ]
    cells[0].metadata["slideshow"] = {"slide_type": "slide"}
    cells[1].metadata["slideshow"] = {"slide_type": "subslide"}
    cells[1].outputs = [nbformat.v4.new_output("display_data", data=animation._repr_mimebundle_())]
    return nbformat.v4.new_notebook(cells=cells)


def test_an_animation_plays_offline_and_fits_a_slide(tmp_path, chromium):
    source = tmp_path / "99_animation.ipynb"
    nbformat.write(animation_notebook(), source)
    build_slides.copy_assets(tmp_path)
    path, _ = build_slides.write_lesson(source, tmp_path)
    context, page, left, errors = open_offline(chromium, path)
    try:
        seen = page.evaluate(MEASURE, [0, 1, SCROLLS_ON_PURPOSE])
        assert seen["size"][1] <= build_slides.CANVAS[1] and not seen["clipped"] and not seen["scrolling"], seen
        frame = page.locator(".animation img")
        page.wait_for_function("() => document.querySelector('.animation img').naturalWidth > 0")
        first = frame.get_attribute("src")
        page.locator(".anim-buttons button[title='Next frame']").click()
        assert frame.get_attribute("src") != first, "the next-frame button did not change the frame"
        assert page.locator(".anim-buttons button[title='Play'] svg").bounding_box()["width"] > 0
        assert not errors, errors
        assert not left, f"requests left the machine: {left}"
    finally:
        context.close()
