"""Add slide breaks where a lesson's slides are taller than the 1280x720 canvas.

Usage: python tools/fit_slides.py notebooks/NN_name.ipynb [...] [--dry-run]

A maintainer's tool (it needs the test extra's playwright and the system Chromium), for
after a lesson's cells have changed: it builds the lesson's slideshow as `make slides`
does, in English and, when ``notebooks/ja/`` has the lesson, in Japanese, measures in
headless Chromium how tall each cell is on its slide, and walks the cells in order. A cell
that would push its (sub)slide past the canvas in either language starts a new sub-slide:
its ``slideshow.slide_type`` becomes ``"subslide"`` (a ``"-"`` or a ``"fragment"``
before). The breaks are cell metadata, the same in both editions, so the English lesson is
changed and the Japanese one built again from it (tools/translations.py). The author's own
breaks (``slide``, ``subslide``) are kept, and nothing else in the notebook changes. A cell
that fills a slide on its own is reported: the template already lets its code, prose or
printed output scroll in its own box, and if it is still too tall, tests/test_slides.py
says so.
``tests/test_slides.py`` then checks every slide.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_slides  # tools/ is not a package

import translations  # also in tools/

# Room left under the last cell of a slide (CSS px), for rounding and browser differences.
MARGIN_PX = 16
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")

READY = """() => window.Reveal !== undefined && Reveal.isReady()
    && window.MathJax !== undefined && MathJax.startup !== undefined
    && MathJax.startup.promise !== undefined"""
# Height in CSS px of every cell on every slide, keyed by the id nbconvert gives its element.
CELL_HEIGHTS = """async () => {
    await MathJax.startup.promise;
    const heights = {};
    for (const slide of Reveal.getSlides()) {
        const indices = Reveal.getIndices(slide);
        Reveal.slide(indices.h, indices.v || 0);
        for (const cell of slide.querySelectorAll(".jp-Cell[id^='cell-id=']")) {
            if (cell.closest("aside")) { continue; }
            const style = getComputedStyle(cell);
            heights[cell.id.slice("cell-id=".length)] =
                cell.offsetHeight + parseFloat(style.marginTop) + parseFloat(style.marginBottom);
        }
    }
    return heights;
}"""


def cell_heights(notebook_path: Path, browser, language: str = "en") -> dict[str, float]:
    """Height (CSS px) of each shown cell of the lesson's slides in ``language``, by cell id."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        build_slides.copy_assets(output)
        lesson_dir = output / build_slides.EDITIONS[language]["folder"]
        lesson_dir.mkdir(exist_ok=True)
        path, _ = build_slides.write_lesson(notebook_path, lesson_dir, language=language)
        page = browser.new_page(viewport={"width": build_slides.CANVAS[0], "height": build_slides.CANVAS[1]})
        try:
            page.goto(path.as_uri())
            page.wait_for_function(READY, timeout=60_000)
            return page.evaluate(CELL_HEIGHTS)
        finally:
            page.close()


def fitted_slide_types(notebook, heights: list[dict[str, float]], budget: float) -> tuple[list[str], list[str]]:
    """The slide type of each cell after adding breaks, and a note on each cell too tall alone.

    ``heights`` holds the cells' heights in each edition (English, Japanese): a cell starts a
    sub-slide when it would push its slide past ``budget`` in any of them."""
    types, too_tall, used = [], [], [0.0] * len(heights)
    for cell in notebook.cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        shown = kind not in {"skip", "notes"}
        sizes = [edition.get(cell.id, 0.0) if shown else 0.0 for edition in heights]
        if kind in {"slide", "subslide"}:
            used = [0.0] * len(heights)
        elif any(size and total + size > budget and total > 0 for size, total in zip(sizes, used)):
            kind, used = "subslide", [0.0] * len(heights)
        used = [total + size for total, size in zip(used, sizes)]
        if max(sizes) > budget:
            too_tall.append(f"cell {cell.id} ({max(sizes):.0f} px): {cell.source[:50]!r}")
        types.append(kind)
    return types, too_tall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", type=Path, nargs="+")
    parser.add_argument("--dry-run", action="store_true", help="report the new breaks, change nothing")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)
    if chromium is None:
        sys.exit(f"no Chromium on PATH (looked for {', '.join(CHROMIUM_NAMES)})")
    budget = build_slides.CANVAS[1] - MARGIN_PX
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=list(CHROMIUM_FLAGS))
        try:
            for path in args.notebooks:
                notebook = nbformat.read(path, as_version=4)
                japanese = path.parent / translations.LANGUAGE / path.name
                heights = [cell_heights(path, browser)]
                if japanese.is_file():
                    heights.append(cell_heights(japanese, browser, translations.LANGUAGE))
                else:
                    print(f"{path.name}: no {japanese}, so the breaks fit the English only")
                types, too_tall = fitted_slide_types(notebook, heights, budget)
                changed = 0
                for index, (cell, kind) in enumerate(zip(notebook.cells, types)):
                    before = cell.metadata.get("slideshow", {}).get("slide_type", "-")
                    if kind != before:
                        print(f"{path.name}: cell {index} ({cell.id}) {before} -> {kind}: {cell.source[:50]!r}")
                        cell.metadata.setdefault("slideshow", {})["slide_type"] = kind
                        changed += 1
                for note in too_tall:
                    print(f"{path.name}: fills a slide on its own (canvas {build_slides.CANVAS[1]} px): {note}")
                if changed and not args.dry_run:
                    nbformat.write(notebook, path)
                    if japanese.is_file():  # the same breaks in the Japanese lesson
                        translations.build([path.stem])
                print(f"{path.name}: {changed} new breaks{' (dry run)' if args.dry_run else ''}")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
