"""Export every lesson to a reveal.js slideshow that a lecturer presents offline.

Usage: python tools/build_slides.py [OUTPUT_DIR]      (default: _slides, as `make slides`)

Writes ``NN_name.slides.html`` per lesson, ``index.html`` linking them and ``_static/``
with reveal.js and MathJax 3, copied at build time from the installed packages
``sphinx-revealjs`` and ``sphinx-mathjax-offline`` (the ``teach`` extra): a slideshow loads
nothing from the web. The slides come from the notebooks' stored outputs (nothing is
executed) and their ``slideshow.slide_type`` cell metadata, the same metadata that
jupyterlab-rise uses for live slides, through nbconvert's ``SlidesExporter`` and the
template in ``tools/slides_template/course_slides`` (a 1280x720 canvas in the course's
look). ``tests/test_slides.py`` checks in headless Chromium that every slide fits.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter
from nbconvert.filters.markdown import markdown2html
from nbconvert.preprocessors import TagRemovePreprocessor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_site import lesson_titles  # tools/ is not a package

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = Path(__file__).resolve().parent / "slides_template"
TEMPLATE_NAME = "course_slides"
LESSON_PATTERN = "[0-9][0-9]_*.ipynb"
COURSE_TITLE = "Latent-variable models and approximate Bayesian inference"
CANVAS = (1280, 720)  # CSS px: 16:9, what a projector shows
STATIC = "_static"
REVEAL_DIR = f"{STATIC}/revealjs"
MATHJAX_SCRIPT = f"{STATIC}/mathjax/tex-svg.js"
# Boxes that the template lets scroll when a cell is taller than a slide (course_slides.css).
SCROLL_BOXES = (
    ".jp-InputArea-editor, .jp-RenderedMarkdown, .jp-Cell-outputArea, "
    ".jp-RenderedText.jp-OutputArea-output, .jp-RenderedHTML.jp-OutputArea-output:has(.highlight)"
)
SOLUTION_CODE = "solution-code"  # added here to the code cells of worked solutions
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
TEACH_HINT = 'install the teach extra: python -m pip install -e ".[teach]" (make slides does)'

# (distribution, its folder, the folder under _static/, the parts a slideshow uses): reveal.js
# with its speaker-notes plugin; MathJax's TeX-to-SVG bundle and the TeX extensions it loads
# on demand (\boldsymbol, for one), not its other 20 MB of bundles and speech rules.
ASSETS = (
    ("sphinx-revealjs", "sphinx_revealjs/_static/revealjs", "revealjs", ("LICENSE", "dist", "plugin/notes")),
    ("sphinx-mathjax-offline", "sphinx-mathjax-offline/static/mathjax", "mathjax",
     ("tex-svg.js", "input/tex/extensions")),
)


def lesson_title(notebook) -> str:
    """The text of the first level-1 heading of the notebook."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    raise ValueError("notebook has no level-1 Markdown heading to use as its title")


def installed_asset(distribution: str, folder: str) -> Path:
    """The folder ``folder`` of the installed ``distribution``.

    Raises
    ------
    FileNotFoundError
        If the distribution is not installed or lacks the folder.
    """
    try:
        path = Path(metadata.distribution(distribution).locate_file(folder))
    except metadata.PackageNotFoundError:
        raise FileNotFoundError(f"{distribution} is not installed; {TEACH_HINT}") from None
    if not path.is_dir():
        raise FileNotFoundError(f"{distribution} has no folder {folder} (looked in {path}); {TEACH_HINT}")
    return path


def copy_assets(output_dir: Path) -> None:
    """Copy reveal.js and MathJax from their installed packages into ``output_dir/_static``."""
    for distribution, folder, target, parts in ASSETS:
        source = installed_asset(distribution, folder)
        destination = output_dir / STATIC / target
        if destination.exists():
            shutil.rmtree(destination)
        for part in parts:
            if not (source / part).exists():
                raise FileNotFoundError(f"{distribution} has no {part} in {source}; {TEACH_HINT}")
            if (source / part).is_dir():
                shutil.copytree(source / part, destination / part, ignore=shutil.ignore_patterns("*.map"))
            else:
                (destination / part).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / part, destination / part)


def rewrite_links(body: str) -> str:
    """Point links between lessons at their slideshows and the contents page at the index."""
    body = re.sub(r'href="(\d\d_\w+)\.ipynb(#[^"]*)?"', r'href="\1.slides.html\2"', body)
    body = re.sub(r'href="contents\.md(#[^"]*)?"', 'href="index.html"', body)
    return body.replace('href="glossary.md"', 'href="glossary.html"')


def for_slides(notebook):
    """The notebook as its slides show it, changed in place and returned.

    Explore cells keep the figure and the line they store for readers without a kernel
    (their widget view would be an empty box, as the notebooks store no widget state); the
    worked solutions keep only their output, which stays a closed ``<details>`` as in
    JupyterLab, so a slide under an exercise gives nothing away.
    """
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            data = output.get("data", {})
            data.pop(WIDGET_VIEW, None)
        if "solution" in cell.metadata.get("tags", []):
            cell.metadata["tags"] = [*cell.metadata["tags"], SOLUTION_CODE]
    return notebook


def exporter() -> SlidesExporter:
    slides = SlidesExporter(
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        template_name=TEMPLATE_NAME,
        reveal_url_prefix=REVEAL_DIR,
        reveal_theme="white",
        reveal_transition="slide",
        reveal_width=str(CANVAS[0]),
        reveal_height=str(CANVAS[1]),
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    slides.register_preprocessor(TagRemovePreprocessor(remove_input_tags={SOLUTION_CODE}), enabled=True)
    return slides


INDEX_STYLE = """<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       max-width: 48em; margin: 2em auto; padding: 0 1em; font-size: 18px; line-height: 1.5;
       color: rgba(0, 0, 0, 0.87); }
h1, h2 { color: #0072B2; font-weight: 600; }
a { color: #0072B2; }
kbd { border: 1px solid #999; border-radius: 3px; padding: 0 0.3em; font-size: 90%; }
</style>"""


def simple_page(title: str, body_html: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"{INDEX_STYLE}</head><body>{body_html}</body></html>\n"
    )


def index_page(lessons: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{name}">{html.escape(title)}</a></li>' for name, title in lessons)
    return simple_page(f"{COURSE_TITLE}: slides", (
        f'<h1>{html.escape(COURSE_TITLE)}: slides</h1><ul class="lessons">{items}</ul>'
        '<p>The <a href="glossary.html">glossary</a> gives the terms the lessons use.</p>'
        "<h2>Presenting</h2><ul>"
        "<li><kbd>&rarr;</kbd> or <kbd>Space</kbd>: next step; <kbd>&larr;</kbd>: back. "
        "<kbd>&darr;</kbd>/<kbd>&uarr;</kbd> move within a section.</li>"
        "<li><kbd>F</kbd>: full screen (<kbd>Esc</kbd> leaves it); <kbd>O</kbd>: overview "
        "of all slides; <kbd>S</kbd>: speaker view with the next slide and a timer.</li>"
        "</ul><p>Everything here works without a network: reveal.js and MathJax are in "
        "<code>_static/</code>.</p>"
    ))


def write_lesson(source: Path, output_dir: Path, slides: SlidesExporter | None = None,
                 title: str | None = None) -> tuple[Path, str]:
    """Write the slideshow of the lesson at ``source``; return its path and the lesson's title.

    ``output_dir`` must hold ``_static/`` (see :func:`copy_assets`). ``title`` defaults to
    the notebook's first heading.
    """
    notebook = for_slides(nbformat.read(source, as_version=4))
    title = title or lesson_title(notebook)
    notebook.metadata["title"] = title
    body, _ = (slides or exporter()).from_notebook_node(notebook, resources={"mathjax_local": MATHJAX_SCRIPT})
    path = output_dir / f"{source.stem}.slides.html"
    path.write_text(rewrite_links(body), encoding="utf-8")
    return path, title


def build_slides(output_dir: Path, notebook_dir: Path = ROOT / "notebooks") -> list[Path]:
    """Write every lesson's slideshow, the index and the glossary to ``output_dir``.

    Returns
    -------
    list of Path
        The slideshows in lesson order, then ``index.html`` and ``glossary.html``.
    """
    output_dir.mkdir(parents=True, exist_ok=True)
    copy_assets(output_dir)
    slides = exporter()
    # Titles in the one form the contents page and the site use: "04 · Gaussian mixtures and EM".
    titles = lesson_titles((notebook_dir / "contents.md").read_text(encoding="utf-8"))
    lessons = [write_lesson(source, output_dir, slides, titles[source.stem])
               for source in sorted(notebook_dir.glob(LESSON_PATTERN))]

    index = output_dir / "index.html"
    index.write_text(index_page([(path.name, title) for path, title in lessons]), encoding="utf-8")
    glossary = output_dir / "glossary.html"
    text = rewrite_links(markdown2html((notebook_dir / "glossary.md").read_text(encoding="utf-8")))
    glossary.write_text(simple_page("Glossary", '<p><a href="index.html">Slides</a></p>' + text), encoding="utf-8")
    return [*(path for path, _ in lessons), index, glossary]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path, nargs="?", default=ROOT / "_slides",
                        help="folder to write the slides to (default: _slides)")
    args = parser.parse_args()
    for path in build_slides(args.output_dir):
        print(path)


if __name__ == "__main__":
    main()
