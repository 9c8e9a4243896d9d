"""Export the executed lessons to a static HTML site that reads offline.

Usage: python tools/build_site.py OUTPUT_DIR

Each lesson becomes ``NN_name.html`` with its stored outputs (figures are embedded as
data URIs), a navigation bar (contents, previous, next) at the top and bottom, and links
between lessons pointing at the HTML pages. ``index.html`` is the contents page
(``notebooks/contents.md``) and ``glossary.html`` holds the glossary. Formulas are typeset
by MathJax, which the browser loads from the web; offline they show as their LaTeX source.
"""

from __future__ import annotations

import argparse
import html
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.markdown import markdown2html
from nbconvert.preprocessors import TagRemovePreprocessor

ROOT = Path(__file__).resolve().parent.parent
LESSON_PATTERN = "[0-9][0-9]_*.ipynb"
SOLUTION_CODE = "solution-code"  # added here to the code cells of worked solutions
COURSE_TITLE = "Latent-variable models and approximate Bayesian inference"

NAV_STYLE = (
    "<style>.course-nav{display:flex;gap:1.5em;padding:0.6em 1em;margin:0 0 1em 0;"
    "background:#f2f2f2;font-family:sans-serif;font-size:15px}"
    ".course-nav a{color:#0072B2}</style>"
)


def lesson_title(notebook) -> str:
    """The text of the first level-1 heading of the notebook."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, re.MULTILINE)
            if match:
                return match.group(1).strip()
    raise ValueError("notebook has no level-1 Markdown heading to use as its title")


def rewrite_links(body: str) -> str:
    """Point links between notebooks, to the contents page and to the glossary at pages."""
    body = re.sub(r'href="(\d\d_\w+)\.ipynb(#[^"]*)?"', r'href="\1.html\2"', body)
    body = re.sub(r'href="contents\.md(#[^"]*)?"', r'href="index.html\1"', body)
    return body.replace('href="glossary.md"', 'href="glossary.html"')


def nav_bar(pages: list[tuple[str, str]], index: int | None) -> str:
    """Contents, previous and next links for the page at ``index`` of ``pages``."""
    links = ['<a href="index.html">Contents</a>']
    if index is not None and index > 0:
        name, title = pages[index - 1]
        links.append(f'<a href="{name}">&larr; {html.escape(title)}</a>')
    if index is not None and index + 1 < len(pages):
        name, title = pages[index + 1]
        links.append(f'<a href="{name}">{html.escape(title)} &rarr;</a>')
    return f'<nav class="course-nav">{"".join(links)}</nav>'


def add_navigation(page: str, nav: str) -> str:
    page = page.replace("</head>", NAV_STYLE + "</head>", 1)
    page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, page, count=1)
    return page.replace("</body>", nav + "</body>", 1)


def simple_page(title: str, body_html: str, nav: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title>{NAV_STYLE}</head><body>{nav}<main style=\"max-width:50em;margin:auto;"
        f'font-family:sans-serif">{body_html}</main>{nav}</body></html>'
    )


def build_site(output_dir: Path, notebook_dir: Path = ROOT / "notebooks") -> list[Path]:
    """Write the site to ``output_dir`` and return the paths of the pages written."""
    output_dir.mkdir(parents=True, exist_ok=True)
    sources = sorted(notebook_dir.glob(LESSON_PATTERN))
    notebooks = [nbformat.read(path, as_version=4) for path in sources]
    pages = [(path.stem + ".html", lesson_title(nb)) for path, nb in zip(sources, notebooks)]
    exporter = HTMLExporter(template_name="lab")
    # A page cannot collapse code as JupyterLab does: the worked solutions' code is left out
    # (their output is already a closed <details>, as are the written answers, which stay),
    # so a published site gives nothing away.
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={SOLUTION_CODE}), enabled=True)
    written = []
    for index, ((name, title), notebook) in enumerate(zip(pages, notebooks)):
        notebook.metadata["title"] = title
        for cell in notebook.cells:
            if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []):
                cell.metadata["tags"] = [*cell.metadata["tags"], SOLUTION_CODE]
        body, _ = exporter.from_notebook_node(notebook)
        path = output_dir / name
        path.write_text(add_navigation(rewrite_links(body), nav_bar(pages, index)), encoding="utf-8")
        written.append(path)

    contents = rewrite_links(markdown2html((notebook_dir / "contents.md").read_text(encoding="utf-8")))
    index_path = output_dir / "index.html"
    index_path.write_text(simple_page(COURSE_TITLE, contents, nav_bar(pages, None)), encoding="utf-8")
    written.append(index_path)

    glossary_source = notebook_dir / "glossary.md"
    if glossary_source.is_file():
        glossary = rewrite_links(markdown2html(glossary_source.read_text(encoding="utf-8")))
        glossary_path = output_dir / "glossary.html"
        glossary_path.write_text(simple_page("Glossary", glossary, nav_bar(pages, None)), encoding="utf-8")
        written.append(glossary_path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path, help="folder to write the site to")
    args = parser.parse_args()
    for path in build_site(args.output_dir):
        print(path)


if __name__ == "__main__":
    main()
