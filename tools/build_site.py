"""Build the course's static site with Sphinx, myst-nb and the book theme; it reads offline.

Usage: python tools/build_site.py OUTPUT_DIR [--builder BUILDER]

Writes the English site to ``OUTPUT_DIR`` and the Japanese one, from ``notebooks/ja/``
(tools/translations.py builds it), to ``OUTPUT_DIR/ja``; every page links the same page in
the other language. The Sphinx configuration is ``tools/site/conf.py``, for both. Sphinx
reads a prepared copy of ``notebooks/`` or ``notebooks/ja/`` (the notebooks themselves are
left alone and never executed):

- ``contents.md`` becomes ``index.md``, the root page titled "Contents" (「目次」), with a
  hidden table of contents that chains the lessons and the glossary (previous/next links
  come from it);
- every lesson is titled ``NN · Title`` everywhere (page heading, navigation, contents,
  links between lessons), with the title given in the contents table; the heading the
  notebook opens with stays below it as a subtitle, and the hand-written navigation lines
  of the notebooks and the glossary are left out, since the theme draws its own;
- a link to the other language's edition of a page (``ja/contents.md``, ``../03_kmeans.ipynb``)
  goes to that page of the other site;
- the code of every worked solution (code cells tagged ``solution``) gets the tag
  ``hide-input``, so it is collapsed behind a toggle, as its output already is.

Another ``--builder`` (e.g. ``gettext``) builds the English pages only.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CONF_DIR = ROOT / "tools" / "site"
# The language of each edition, the subfolder of notebooks/ (and of the site) it is in, and
# the heading of its contents page.
EDITIONS = (("en", "", "Contents"), ("ja", "ja", "目次"))
LESSON_PATTERN = "[0-9][0-9]_*.ipynb"
# A row of the contents table: | 04 | [Gaussian mixtures and EM](04_gaussian_mixtures_em.ipynb) | ...
CONTENTS_ROW = re.compile(r"^\|\s*(\d\d)\s*\|\s*\[([^\]]+)\]\((\d\d_\w+)\.ipynb\)\s*\|", re.MULTILINE)
CONTENTS_LINK = re.compile(r"\]\(contents\.md(#[^)]*)?\)")
LESSON_LINK = re.compile(r"\[(\d\d)\b[^\]]*\]\((\d\d_\w+\.ipynb(?:#[^)]*)?)\)")
# A paragraph made only of links to the contents page and to lessons, e.g.
# "[Contents](contents.md) · [← 03 k-means](03_kmeans.ipynb) · [05 The EM lower bound →](05_em_lower_bound.ipynb)"
# The last link may go to the lesson's other edition ("[日本語](ja/03_kmeans.ipynb)",
# "[English](../03_kmeans.ipynb)").
_NAVIGATION_TARGET = r"\((?:ja/|\.\./)?(?:contents\.md|glossary\.md|\d\d_\w+\.ipynb)\)"
NAVIGATION_LINE = re.compile(rf"^\[[^\]]+\]{_NAVIGATION_TARGET}(?:\s*·\s*\[[^\]]+\]{_NAVIGATION_TARGET})*\s*$")
HEADING = re.compile(r"^#\s+(.+)$", re.MULTILINE)
# A link to a page's edition in the other language: [目次](ja/contents.md), [English](../03_kmeans.ipynb#goals)
OTHER_EDITION_LINK = re.compile(r"\[([^\]]+)\]\((ja/|\.\./)(\w+)\.(?:md|ipynb)(#[^)]*)?\)")


def lesson_titles(contents: str) -> dict[str, str]:
    """``{"04_gaussian_mixtures_em": "04 · Gaussian mixtures and EM", ...}`` from the contents table."""
    return {stem: f"{number} · {title.strip()}" for number, title, stem in CONTENTS_ROW.findall(contents)}


def with_site_links(text: str, titles: dict[str, str]) -> str:
    """Links to the contents page point at the root page; a link to a lesson whose text
    starts with its number shows the lesson's title."""
    text = CONTENTS_LINK.sub(lambda m: f"](index.md{m.group(1) or ''})", text)

    def other_edition(match):  # a page of the other site, which Sphinx does not know: plain HTML
        folder, page, fragment = match.group(2), match.group(3), match.group(4) or ""
        page = "index" if page == "contents" else page
        return f'<a href="{folder}{page}.html{fragment}">{match.group(1)}</a>'

    text = OTHER_EDITION_LINK.sub(other_edition, text)

    def titled(match):
        stem = match.group(2).split(".ipynb")[0]
        return f"[{titles[stem]}]({match.group(2)})" if stem in titles else match.group(0)

    return LESSON_LINK.sub(titled, text)


def without_navigation_lines(text: str) -> str:
    paragraphs = text.split("\n\n")
    return "\n\n".join(p for p in paragraphs if not NAVIGATION_LINE.match(p.strip()))


def prepare_lesson(notebook, title: str, titles: dict[str, str]):
    """The lesson as the site shows it (``notebook`` is changed in place and returned)."""
    notebook.metadata.pop("widgets", None)  # the site shows no widgets, so needs no widget state
    titled = False
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            source = with_site_links(without_navigation_lines(cell.source), titles)
            heading = HEADING.search(source)
            if heading and not titled:
                subtitle = re.sub(r"^\d\d\s*[—:·-]?\s*", "", heading.group(1)).strip()
                replacement = f"# {title}"
                if subtitle.lower() != title.split(" · ", 1)[1].lower():
                    replacement += f"\n\n*{subtitle}*"
                source = source[: heading.start()] + replacement + source[heading.end():]
                titled = True
            cell.source = source
        elif "solution" in cell.metadata.get("tags", []):
            cell.metadata["tags"] = [*cell.metadata["tags"], "hide-input"]
    if not titled:
        raise ValueError(f"lesson {title!r} has no level-1 Markdown heading to title its page")
    return notebook


def prepare_sources(notebook_dir: Path, source_dir: Path, contents_heading: str = "Contents") -> None:
    """Write the pages Sphinx reads into ``source_dir``: the lessons, the glossary and the
    root page (titled ``contents_heading``), whose hidden table of contents gives their
    reading order."""
    contents = (notebook_dir / "contents.md").read_text(encoding="utf-8")
    titles = lesson_titles(contents)
    lessons = sorted(path.stem for path in notebook_dir.glob(LESSON_PATTERN))
    if sorted(titles) != lessons:
        raise ValueError(f"the contents table must list every lesson once; it lists {sorted(titles)}, "
                         f"the lessons are {lessons}")
    for stem in lessons:
        notebook = nbformat.read(notebook_dir / f"{stem}.ipynb", as_version=4)
        nbformat.write(prepare_lesson(notebook, titles[stem], titles), source_dir / f"{stem}.ipynb")
    pages = [*lessons, "glossary"]
    glossary = (notebook_dir / "glossary.md").read_text(encoding="utf-8")
    glossary = with_site_links(without_navigation_lines(glossary), titles)
    (source_dir / "glossary.md").write_text(glossary, encoding="utf-8")

    # The contents table: one column with each lesson's title, as the navigation shows it.
    index = CONTENTS_ROW.sub(lambda m: f"| [{titles[m.group(3)]}]({m.group(3)}.ipynb) |", contents)
    index = re.sub(r"^\|\s*#\s*\|", "|", index, flags=re.MULTILINE)
    index = re.sub(r"^\|---\|", "|", index, flags=re.MULTILINE)
    index = with_site_links(index, titles)
    index = HEADING.sub(f"# {contents_heading}", index, count=1)  # the course's name is the site's title already
    toctree = "\n".join(["", "```{toctree}", ":hidden:", "", *pages, "```", ""])
    (source_dir / "index.md").write_text(index + toctree, encoding="utf-8")


def build_site(output_dir: Path, notebook_dir: Path = ROOT / "notebooks", builder: str = "html") -> None:
    """Write the site to ``output_dir``, its Japanese edition to ``output_dir/ja`` (with
    ``builder="html"``; another builder writes the English pages only).

    Raises
    ------
    FileNotFoundError
        If ``notebook_dir/ja`` is missing (run ``python tools/translations.py build``).
    RuntimeError
        If Sphinx reports an error or a warning (a broken link, a missing page).
    """
    editions = EDITIONS if builder == "html" else EDITIONS[:1]
    for _, folder, _ in editions:
        if not (notebook_dir / folder / "contents.md").is_file():
            raise FileNotFoundError(f"{notebook_dir / folder} has no contents.md; the Japanese edition is "
                                    "built by `python tools/translations.py build`")
    with tempfile.TemporaryDirectory(prefix="course-site-") as work:
        builds = []
        for language, folder, heading in editions:
            source_dir, built = Path(work) / language / "source", Path(work) / language / "built"
            source_dir.mkdir(parents=True)
            prepare_sources(notebook_dir / folder, source_dir, heading)
            # A process of its own: Sphinx keeps global state, and the Python warnings of the
            # theme (deprecations) are not the caller's concern; -W makes Sphinx's own warnings
            # (a broken cross-reference, a page missing from the navigation) fail the build.
            # The two languages build side by side.
            command = [sys.executable, "-m", "sphinx", "-b", builder, "-c", str(CONF_DIR),
                       "-d", str(Path(work) / language / "doctrees"), "-W", "--keep-going", "-q",
                       str(source_dir), str(built)]
            process = subprocess.Popen(command, env={**os.environ, "COURSE_SITE_LANGUAGE": language})
            builds.append((language, process, built, output_dir / folder))
        failed = [language for language, process, _, _ in builds if process.wait() != 0]
        if failed:
            raise RuntimeError(f"sphinx-build -b {builder} failed for {', '.join(failed)} (its messages are above)")
        # Built in the temporary folder, since myst-nb writes a folder jupyter_execute next
        # to Sphinx's output folder, which would land beside output_dir.
        for _, _, built, destination in builds:
            shutil.copytree(built, destination, dirs_exist_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path, help="folder to write the site to")
    parser.add_argument("--builder", default="html", help="Sphinx builder: html (default) or gettext")
    args = parser.parse_args()
    build_site(args.output_dir, builder=args.builder)
    print(f"site written to {args.output_dir / 'index.html'}" if args.builder == "html"
          else f"{args.builder} output written to {args.output_dir}")


if __name__ == "__main__":
    main()
