"""The Japanese edition: gettext catalogues in ``translations/ja/``, built into ``notebooks/ja/``.

Usage (``make translations`` runs both)::

    python tools/translations.py update   # bring the catalogues in step with the English
    python tools/translations.py build    # write notebooks/ja/ and README.ja.md from them
    python tools/translations.py build 03_kmeans contents   # only these documents

The English files are the only source of code, outputs and figures. Each translated document
has one catalogue, ``translations/ja/<name>.po``, a standard gettext file that Poedit, Weblate
or ``polib`` read. Its entries pair a piece of English (``msgid``) with its Japanese
(``msgstr``):

- a lesson's entries are its Markdown cells, keyed by cell id (``msgctxt``); code cells,
  outputs and metadata are copied from the English notebook unchanged;
- a Markdown file's entries are its paragraphs, list blocks and table rows; code blocks,
  table rules and lines that hold only an HTML comment are copied unchanged;
- ``README.ja.md`` translates the learner sections of ``README.md`` (``README_SECTIONS``).

``update`` adds an entry for each new piece of English. When the English of a translated
piece changed, it keeps the old Japanese, marks the entry ``fuzzy`` and records the old
English as ``#| msgid``, so a translator sees what changed; entries whose English is gone
are dropped. ``build`` refuses a catalogue with a fuzzy or empty entry and names them.

Links are written in a translation as in the English. ``build`` points each relative link at
the same file in the other edition when there is one (``03_kmeans.ipynb`` stays the Japanese
lesson, ``ja/contents.md`` from the English contents page becomes ``../contents.md``) and at
the English file otherwise; a link to a section of the same page goes to the English page,
since translated headings have other anchors.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGE = "ja"
CATALOGUE_DIR = ROOT / "translations" / LANGUAGE
NOTEBOOK_DIR = ROOT / "notebooks"
# The sections of README.md a learner needs (its title and introduction come first); the
# Japanese README points to the English one for the rest.
README_SECTIONS = ("Lessons", "Two commands", "The Japanese edition", "Licence")
# A fuzzy match keeps an old translation for a changed Markdown block only above this ratio.
FUZZY_MATCH_RATIO = 0.6

LINK = re.compile(r"(\]\(|(?:href|src)=\")([^)\"\s]+)")
COMMENT_LINE = re.compile(r"^\s*<!--.*-->\s*$")
TABLE_RULE = re.compile(r"^\s*\|[\s|:-]+\|\s*$")


@dataclass(frozen=True)
class Document:
    """One translated document: its English file, its Japanese file and its catalogue."""

    english: Path
    japanese: Path
    catalogue: Path

    @property
    def is_notebook(self) -> bool:
        return self.english.suffix == ".ipynb"


def documents() -> list[Document]:
    """Every document of the Japanese edition, lessons first."""
    sources = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb")) + sorted(NOTEBOOK_DIR.glob("*.md"))
    docs = [
        Document(path, NOTEBOOK_DIR / LANGUAGE / path.name, CATALOGUE_DIR / f"{path.stem}.po")
        for path in sources
    ]
    docs.append(Document(ROOT / "README.md", ROOT / f"README.{LANGUAGE}.md", CATALOGUE_DIR / "README.po"))
    return docs


# --- Splitting English into pieces -------------------------------------------------------


def _learner_sections(readme: str) -> str:
    """The title, the introduction and the ``README_SECTIONS`` of the README, in order."""
    parts = re.split(r"(?m)^(?=## )", readme)
    kept = [parts[0]] + [part for part in parts[1:] if part[3:].splitlines()[0].strip() in README_SECTIONS]
    return "".join(kept)


def markdown_pieces(text: str) -> list[tuple[str, bool]]:
    """Split Markdown into ``(piece, translatable)`` pairs whose concatenation is ``text``.

    Translatable pieces are paragraphs, list blocks, headings and table rows; blank lines,
    code blocks (fenced or indented by four spaces), table rules and comment-only lines are
    kept as they are."""
    pieces: list[tuple[str, bool]] = []
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or COMMENT_LINE.match(line) or TABLE_RULE.match(line):
            pieces.append((line, False))
            i += 1
        elif line.lstrip().startswith("```"):
            end = next((j for j in range(i + 1, len(lines)) if lines[j].lstrip().startswith("```")), len(lines) - 1)
            pieces.append(("".join(lines[i : end + 1]), False))
            i = end + 1
        elif line.lstrip().startswith("|"):
            pieces.append((line, True))
            i += 1
        else:
            end = i
            while end + 1 < len(lines) and lines[end + 1].strip() and not lines[end + 1].lstrip().startswith(("|", "```")):
                end += 1
            block = lines[i : end + 1]
            verbatim = all(b.startswith("    ") for b in block)
            pieces.append(("".join(block), not verbatim))
            i = end + 1
    return pieces


def _split_newline(piece: str) -> tuple[str, str]:
    """A piece's text and its final newline, which the catalogue does not hold."""
    return (piece[:-1], "\n") if piece.endswith("\n") else (piece, "")


def english_units(doc: Document) -> list[tuple[str | None, str]]:
    """The ``(context, English)`` pairs of ``doc`` that need a translation, in order."""
    if doc.is_notebook:
        notebook = nbformat.read(doc.english, as_version=4)
        return [(cell.id, cell.source) for cell in notebook.cells if cell.cell_type == "markdown"]
    text = doc.english.read_text(encoding="utf-8")
    if doc.english.name == "README.md":
        text = _learner_sections(text)
    units, seen = [], set()
    for piece, translatable in markdown_pieces(text):
        if translatable and (body := _split_newline(piece)[0]) not in seen:
            seen.add(body)
            units.append((None, body))
    return units


# --- The glossary, the terminology reference -----------------------------------------------


def glossary_rows() -> list[list[str]]:
    """The rows of the glossary's table: [English term, Japanese term, lesson of first use,
    meaning]."""
    rows = []
    for line in (NOTEBOOK_DIR / "glossary.md").read_text(encoding="utf-8").splitlines():
        columns = [column.strip() for column in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(columns) == 4 and re.fullmatch(r"\d\d", columns[2]):
            rows.append(columns)
    return rows


def japanese_forms(japanese: str) -> set[str]:
    """The forms one side of a glossary's Japanese term allows, with and without the words in
    parentheses (正規分布（ガウス分布）: 正規分布, ガウス分布)."""
    forms = {re.sub(r"（[^）]*）", "", japanese).strip()}
    forms.update(word.strip() for inner in re.findall(r"（([^）]*)）", japanese) for word in inner.split("、"))
    return {form for form in forms if form}


# --- Catalogues ---------------------------------------------------------------------------


def _new_catalogue(doc: Document) -> polib.POFile:
    catalogue = polib.POFile(wrapwidth=78)
    catalogue.metadata = {
        "Project-Id-Version": "latent-variable-course",
        "Language": LANGUAGE,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    catalogue.header = (
        f"Japanese translation of {doc.english.name}.\n"
        "Made with tools/translations.py: edit the msgstr entries only."
    )
    return catalogue


def read_catalogue(doc: Document) -> polib.POFile:
    return polib.pofile(str(doc.catalogue), wrapwidth=78) if doc.catalogue.exists() else _new_catalogue(doc)


def update_catalogue(doc: Document) -> tuple[int, int]:
    """Bring ``doc``'s catalogue in step with its English; return (new, changed) counts."""
    old = read_catalogue(doc)
    by_key = {(entry.msgctxt, entry.msgid): entry for entry in old}
    by_context = {entry.msgctxt: entry for entry in old if entry.msgctxt}
    fresh = _new_catalogue(doc)
    fresh.header, fresh.metadata = old.header or fresh.header, old.metadata or fresh.metadata
    unused = [entry for entry in old if entry.msgstr]
    new = changed = 0
    for position, (context, english) in enumerate(english_units(doc), start=1):
        entry = polib.POEntry(msgctxt=context, msgid=english, msgstr="")
        entry.occurrences = [(doc.english.name, str(position))]
        previous = by_key.get((context, english))
        if previous is None:
            previous = by_context.get(context) if context else _closest(english, unused)
            if previous is not None and previous.msgstr:
                entry.msgstr = previous.msgstr
                entry.flags = ["fuzzy"]
                entry.previous_msgid = previous.msgid
                changed += 1
            else:
                new += 1
        else:
            entry.msgstr, entry.flags = previous.msgstr, list(previous.flags)
            entry.previous_msgid = previous.previous_msgid
        fresh.append(entry)
    doc.catalogue.parent.mkdir(parents=True, exist_ok=True)
    fresh.save(str(doc.catalogue))
    return new, changed


def _closest(english: str, candidates: list[polib.POEntry]) -> polib.POEntry | None:
    scored = [(difflib.SequenceMatcher(None, english, c.msgid).ratio(), c) for c in candidates]
    best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
    return best[1] if best[0] >= FUZZY_MATCH_RATIO else None


def problems(doc: Document, catalogue: polib.POFile | None = None) -> list[str]:
    """What keeps ``doc``'s catalogue (read here unless given) from building: pieces of
    English with no translation, or whose translation was made for other English (fuzzy)."""
    if not doc.catalogue.exists():
        return [f"{doc.catalogue.name} is missing: run `python tools/translations.py update`"]
    if catalogue is None:
        catalogue = read_catalogue(doc)
    entries = {(entry.msgctxt, entry.msgid): entry for entry in catalogue}
    found = []
    for context, english in english_units(doc):
        where = f"cell {context}" if context else repr(english[:60])
        entry = entries.get((context, english))
        if entry is None:
            found.append(f"{doc.catalogue.name}: {where} is not in the catalogue (run update)")
        elif "fuzzy" in entry.flags:
            found.append(f"{doc.catalogue.name}: {where}: the English changed since it was translated")
        elif not entry.msgstr.strip():
            found.append(f"{doc.catalogue.name}: {where} has no translation")
    return found


# --- Building the Japanese edition --------------------------------------------------------


@functools.cache
def _counterparts() -> dict[Path, Path]:
    """Each document of either edition (resolved) -> the same document in the other."""
    pairs = {}
    for doc in documents():
        pairs[doc.english.resolve()], pairs[doc.japanese.resolve()] = doc.japanese, doc.english
    return pairs


def counterpart(path: Path) -> Path | None:
    """The same document in the other language, or None when it has no translation."""
    return _counterparts().get(path.resolve())


def relink(text: str, english: Path, japanese: Path) -> str:
    """``text``'s relative links, written as in ``english``, made right for ``japanese``."""

    def fixed(match: re.Match) -> str:
        target = match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            return match.group(0)  # a URL (https:, mailto:)
        path, _, fragment = target.partition("#")
        resolved = (english.parent / path).resolve() if path else english.resolve()
        if path and (other := counterpart(resolved)) is not None:
            resolved = other
        new = Path(os.path.relpath(resolved, japanese.parent)).as_posix()
        return match.group(1) + new + (f"#{fragment}" if fragment else "")

    return LINK.sub(fixed, text)


def translated_text(doc: Document, translations: dict) -> str:
    """The Japanese Markdown of a Markdown document."""
    text = doc.english.read_text(encoding="utf-8")
    if doc.english.name == "README.md":
        text = _learner_sections(text)
    out = []
    for piece, translatable in markdown_pieces(text):
        if translatable:
            body, newline = _split_newline(piece)
            piece = translations[(None, body)] + newline
        out.append(piece)
    return relink("".join(out), doc.english, doc.japanese)


def translated_notebook(doc: Document, translations: dict):
    """The Japanese notebook: the English one with its Markdown cells translated."""
    notebook = nbformat.read(doc.english, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = relink(translations[(cell.id, cell.source)], doc.english, doc.japanese)
    return notebook


def built_text(doc: Document) -> str:
    """What ``build`` writes for ``doc``, as text (raises ValueError when it cannot build)."""
    catalogue = read_catalogue(doc)
    found = problems(doc, catalogue)
    if found:
        raise ValueError("the catalogue cannot be built:\n  " + "\n  ".join(found))
    translations = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in catalogue}
    if doc.is_notebook:
        return nbformat.writes(translated_notebook(doc, translations)) + "\n"
    return translated_text(doc, translations)


def build(names: list[str] | None = None) -> list[Path]:
    """Write every Japanese document (or those whose catalogue is named, e.g. ``03_kmeans``);
    return the files written. Raises ValueError, naming every entry to translate, before
    writing anything when one of them cannot be built."""
    chosen = [doc for doc in documents() if not names or doc.catalogue.stem in names]
    found = [line for doc in chosen for line in problems(doc)]
    if found:
        raise ValueError("translate these first (then run build again):\n  " + "\n  ".join(found))
    written = []
    for doc in chosen:
        text = built_text(doc)
        doc.japanese.parent.mkdir(parents=True, exist_ok=True)
        doc.japanese.write_text(text, encoding="utf-8")
        written.append(doc.japanese)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["update", "build"])
    parser.add_argument("names", nargs="*", help="build only these catalogues (e.g. 03_kmeans contents)")
    args = parser.parse_args()
    if args.command == "update":
        for doc in documents():
            new, changed = update_catalogue(doc)
            print(f"{doc.catalogue.relative_to(ROOT)}: {new} new, {changed} changed since translated")
        return
    try:
        written = build(args.names)
    except ValueError as error:
        sys.exit(f"Not built; {error}")
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
