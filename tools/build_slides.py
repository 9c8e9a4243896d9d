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

The Japanese edition, from ``notebooks/ja/`` (which tools/translations.py builds), goes to
``OUTPUT_DIR/ja/`` and uses the same ``_static/``. Each index links the other language's,
and each slideshow has a link to the same lesson in the other language in the top right
corner of the screen, shown while the pointer is on it.
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
# Each edition by language: its folder under notebooks/ and under the output folder, and the
# other edition's language, folder (seen from this one) and the label of a link to it.
EDITIONS = {
    "en": {"folder": "", "other": "ja", "other_root": "ja/", "other_label": "日本語"},
    "ja": {"folder": "ja", "other": "en", "other_root": "../", "other_label": "English"},
}
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
    """Point links between lessons at their slideshows, the contents page at the index and
    the glossary at its page, in this language or the other (``ja/``, ``../``)."""
    edition = r'href="((?:ja/|\.\./)?)'
    body = re.sub(edition + r'(\d\d_\w+)\.ipynb(#[^"]*)?"', r'href="\1\2.slides.html\3"', body)
    body = re.sub(edition + r'contents\.md(#[^"]*)?"', r'href="\1index.html"', body)
    return re.sub(edition + r'glossary\.md(#[^"]*)?"', r'href="\1glossary.html\2"', body)


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


def exporter(language: str = "en", static: str = STATIC) -> SlidesExporter:
    """nbconvert's slides exporter with the course's template, for slideshows in
    ``language`` that find reveal.js and MathJax in the folder ``static``."""
    slides = SlidesExporter(
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        template_name=TEMPLATE_NAME,
        language_code=language,
        reveal_url_prefix=f"{static}/revealjs",
        reveal_theme="white",
        reveal_transition="slide",
        reveal_width=str(CANVAS[0]),
        reveal_height=str(CANVAS[1]),
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    slides.register_preprocessor(TagRemovePreprocessor(remove_input_tags={SOLUTION_CODE}), enabled=True)
    return slides


# Latin fonts first, then Japanese ones (before the generic family, so that Japanese is not
# drawn in a Chinese font), as course_slides.css does for the slideshows.
INDEX_STYLE = """<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, "Noto Sans CJK JP",
       "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", Meiryo, sans-serif;
       max-width: 48em; margin: 2em auto; padding: 0 1em; font-size: 18px; line-height: 1.5;
       color: rgba(0, 0, 0, 0.87); }
h1, h2 { color: #0072B2; font-weight: 600; }
a { color: #0072B2; }
kbd { border: 1px solid #999; border-radius: 3px; padding: 0 0.3em; font-size: 90%; }
.language { float: right; font-weight: 600; }
</style>"""

# The index pages' words, in each language.
INDEX_TEXTS = {
    "en": {
        "title": f"{COURSE_TITLE}: slides",
        "glossary": 'The <a href="glossary.html">glossary</a> gives the terms the lessons use.',
        "presenting": "Presenting",
        "keys": ("<li><kbd>&rarr;</kbd> or <kbd>Space</kbd>: next step; <kbd>&larr;</kbd>: back. "
                 "<kbd>&darr;</kbd>/<kbd>&uarr;</kbd> move within a section.</li>"
                 "<li><kbd>F</kbd>: full screen (<kbd>Esc</kbd> leaves it); <kbd>O</kbd>: overview "
                 "of all slides; <kbd>S</kbd>: speaker view with the next slide and a timer.</li>"),
        "offline": "Everything here works without a network: reveal.js and MathJax are in "
                   "<code>_static/</code>.",
        "slides": "Slides",
        "glossary_title": "Glossary",
    },
    "ja": {
        "title": "潜在変数モデルと近似ベイズ推論：スライド",
        "glossary": '各レッスンで使う用語は<a href="glossary.html">用語集</a>にまとめてある。',
        "presenting": "発表のしかた",
        "keys": ("<li><kbd>&rarr;</kbd> か <kbd>Space</kbd> で次へ、<kbd>&larr;</kbd> で前へ。"
                 "<kbd>&darr;</kbd>/<kbd>&uarr;</kbd> で節の中を移動する。</li>"
                 "<li><kbd>F</kbd> で全画面（<kbd>Esc</kbd> で戻る）、<kbd>O</kbd> で全スライドの一覧、"
                 "<kbd>S</kbd> で次のスライドとタイマーのある発表者ビュー。</li>"),
        "offline": "ネットワークなしですべて動く。reveal.js と MathJax は <code>../_static/</code> にある。",
        "slides": "スライド",
        "glossary_title": "用語集",
    },
}


def static_folder(language: str) -> str:
    """Where a page in ``language`` finds ``_static/`` (the editions share one)."""
    return ("../" if EDITIONS[language]["folder"] else "") + STATIC


def language_link(language: str, page: str) -> str:
    """A link from a page in ``language`` to ``page`` in the other language."""
    edition = EDITIONS[language]
    return (f'<a class="language" href="{edition["other_root"]}{page}" hreflang="{edition["other"]}" '
            f'lang="{edition["other"]}">{edition["other_label"]}</a>')


def simple_page(title: str, body_html: str, language: str = "en") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"{INDEX_STYLE}</head><body>{body_html}</body></html>\n"
    )


def index_page(lessons: list[tuple[str, str]], language: str = "en") -> str:
    text = INDEX_TEXTS[language]
    items = "".join(f'<li><a href="{name}">{html.escape(title)}</a></li>' for name, title in lessons)
    return simple_page(text["title"], (
        f'{language_link(language, "index.html")}<h1>{html.escape(text["title"])}</h1>'
        f'<ul class="lessons">{items}</ul><p>{text["glossary"]}</p>'
        f'<h2>{text["presenting"]}</h2><ul>{text["keys"]}</ul><p>{text["offline"]}</p>'
    ), language)


def write_lesson(source: Path, output_dir: Path, slides: SlidesExporter | None = None,
                 title: str | None = None, language: str = "en") -> tuple[Path, str]:
    """Write the slideshow of the lesson at ``source``; return its path and the lesson's title.

    ``output_dir`` must hold ``_static/`` (see :func:`copy_assets`), or for Japanese, its
    parent. ``title`` defaults to the notebook's first heading; ``slides`` is the exporter
    for ``language`` (made when not given).
    """
    static = static_folder(language)
    notebook = for_slides(nbformat.read(source, as_version=4))
    title = title or lesson_title(notebook)
    notebook.metadata["title"] = title
    edition = EDITIONS[language]
    resources = {
        "mathjax_local": f"{static}/mathjax/tex-svg.js",
        # The same lesson in the other language, linked from a corner of every slide.
        "other_edition": {"href": f"{edition['other_root']}{source.stem}.slides.html",
                          "language": edition["other"], "label": edition["other_label"]},
    }
    body, _ = (slides or exporter(language, static)).from_notebook_node(notebook, resources=resources)
    path = output_dir / f"{source.stem}.slides.html"
    path.write_text(rewrite_links(body), encoding="utf-8")
    return path, title


def build_slides(output_dir: Path, notebook_dir: Path = ROOT / "notebooks") -> list[Path]:
    """Write every lesson's slideshow, the index and the glossary to ``output_dir``, and
    their Japanese edition to ``output_dir/ja``.

    Returns
    -------
    list of Path
        The English slideshows in lesson order, then ``index.html`` and ``glossary.html``;
        then the same for Japanese.

    Raises
    ------
    FileNotFoundError
        If ``notebook_dir/ja`` has no contents page (run ``python tools/translations.py build``).
    """
    copy_assets(output_dir)
    written = []
    for language, edition in EDITIONS.items():
        source_dir, target_dir = notebook_dir / edition["folder"], output_dir / edition["folder"]
        if not (source_dir / "contents.md").is_file():
            raise FileNotFoundError(f"{source_dir} has no contents.md; the Japanese edition is built by "
                                    "`python tools/translations.py build`")
        target_dir.mkdir(parents=True, exist_ok=True)
        slides = exporter(language, static_folder(language))
        # Titles in the one form the contents page and the site use: "04 · Gaussian mixtures and EM".
        titles = lesson_titles((source_dir / "contents.md").read_text(encoding="utf-8"))
        lessons = [write_lesson(source, target_dir, slides, titles[source.stem], language)
                   for source in sorted(source_dir.glob(LESSON_PATTERN))]

        index = target_dir / "index.html"
        index.write_text(index_page([(path.name, title) for path, title in lessons], language), encoding="utf-8")
        glossary = target_dir / "glossary.html"
        text = rewrite_links(markdown2html((source_dir / "glossary.md").read_text(encoding="utf-8")))
        words = INDEX_TEXTS[language]
        page = f'<p><a href="index.html">{words["slides"]}</a></p>' + text
        glossary.write_text(simple_page(words["glossary_title"], page, language), encoding="utf-8")
        written += [*(path for path, _ in lessons), index, glossary]
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path, nargs="?", default=ROOT / "_slides",
                        help="folder to write the slides to (default: _slides)")
    args = parser.parse_args()
    for path in build_slides(args.output_dir):
        print(path)


if __name__ == "__main__":
    main()
