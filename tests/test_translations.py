"""The Japanese edition stays in step with the English (tools/translations.py).

- every piece of English has a translation made for that English (not for an older one);
- the files in notebooks/ja/ and README.ja.md are exactly what the catalogues build;
- each translation keeps its English's maths, links, equation references, inline code,
  HTML comments (the student edition's markers) and heading levels;
- a Japanese lesson is its English lesson with other Markdown: same cells, ids, tags and
  other metadata, code, outputs and figures.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import nbformat
import pytest
import test_teaching as glossary_terms  # the glossary's terms and their variants, as its own test reads them
from conftest import load_module

polib = pytest.importorskip("polib", reason="the translation tests read catalogues with polib (test extra)")
ROOT = Path(__file__).resolve().parent.parent
translations = load_module("translations", ROOT / "tools" / "translations.py")

DOCUMENTS = translations.documents()
IDS = [doc.catalogue.stem for doc in DOCUMENTS]

DISPLAY_MATHS = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
ENVIRONMENT = re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.DOTALL)
# Inline maths may run over a line break (not a blank line) in the English.
INLINE_MATHS = re.compile(r"(?<![\\$])\$((?:[^$\n]|\n(?!\n))+?)\$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
# "(4.5)": an equation of lessons 01-07 (not a number in parentheses such as "(0.05)").
EQUATION_REFERENCE = re.compile(r"\(([1-7]\.\d+)\)")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
HEADING = re.compile(r"^(#{1,6})\s", re.MULTILINE)


def _spaced(text: str) -> str:
    """``text`` with each run of white space (line breaks included) as one space: a Japanese
    paragraph is one line where the English wrapped."""
    return " ".join(text.split())


def features(markdown: str) -> dict[str, Counter]:
    """What a translation must keep from its English, each as a multiset (word order may
    change the order)."""
    text, found = markdown, {}
    for name, pattern in [("display maths", DISPLAY_MATHS), ("maths environments", ENVIRONMENT)]:
        found[name] = Counter(_spaced(m.group(0)) for m in pattern.finditer(text))
        text = pattern.sub(" ", text)
    found["inline code"] = Counter(_spaced(m.group(2)) for m in CODE_SPAN.finditer(text))
    text = CODE_SPAN.sub(" ", text)
    found["inline maths"] = Counter(_spaced(m.group(1)) for m in INLINE_MATHS.finditer(text))
    found["links"] = Counter(m.group(2) for m in translations.LINK.finditer(text))
    found["equation references"] = Counter(EQUATION_REFERENCE.findall(text))
    found["HTML comments"] = Counter(COMMENT.findall(text))
    found["heading levels"] = Counter(HEADING.findall(text))
    return found


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_every_piece_of_english_has_a_current_translation(doc):
    assert translations.problems(doc) == []


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_the_japanese_files_are_what_the_catalogues_build(doc):
    assert doc.japanese.exists(), f"{doc.japanese} is missing: run `python tools/translations.py build`"
    built = translations.built_text(doc)
    assert doc.japanese.read_text(encoding="utf-8") == built, (
        f"{doc.japanese.name} differs from what its catalogue builds: never edit it by hand; "
        "run `python tools/translations.py build`"
    )


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_translations_keep_maths_links_references_and_markers(doc):
    differences = []
    for entry in translations.read_catalogue(doc):
        if not entry.msgstr:
            continue
        english, japanese = features(entry.msgid), features(entry.msgstr)
        for name in english:
            if english[name] != japanese[name]:
                missing = english[name] - japanese[name]
                extra = japanese[name] - english[name]
                where = entry.msgctxt or entry.msgid[:50]
                differences.append(f"{where!r}: {name}: missing {dict(missing)}, extra {dict(extra)}")
    assert differences == []


@pytest.mark.parametrize("doc", [d for d in DOCUMENTS if d.is_notebook], ids=lambda d: d.english.stem)
def test_a_japanese_lesson_is_its_english_lesson_with_other_markdown(doc):
    english = nbformat.read(doc.english, as_version=4)
    japanese = nbformat.read(doc.japanese, as_version=4)
    assert japanese.metadata == english.metadata
    assert [c.id for c in japanese.cells] == [c.id for c in english.cells]
    for en, ja in zip(english.cells, japanese.cells):
        assert ja.cell_type == en.cell_type
        assert ja.metadata == en.metadata, f"cell {en.id}: metadata (tags, slides) differ"
        if en.cell_type == "code":
            assert ja.source == en.source, f"cell {en.id}: code differs"
            assert ja.outputs == en.outputs, f"cell {en.id}: outputs differ"
        else:
            assert ja.source != en.source, f"cell {en.id} is not translated"


@pytest.mark.parametrize("doc", DOCUMENTS, ids=IDS)
def test_every_relative_link_of_the_japanese_edition_resolves(doc):
    text = doc.japanese.read_text(encoding="utf-8")
    if doc.is_notebook:
        notebook = nbformat.reads(text, as_version=4)
        text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    broken = []
    for match in translations.LINK.finditer(text):
        target = match.group(2).partition("#")[0]
        if target and not re.match(r"^[a-z][a-z0-9+.-]*:", target) and not (doc.japanese.parent / target).exists():
            broken.append(match.group(2))
    assert broken == []


def test_links_go_to_the_same_document_in_the_other_edition():
    doc = next(d for d in DOCUMENTS if d.english.name == "03_kmeans.ipynb")
    contents = next(d for d in DOCUMENTS if d.english.name == "contents.md")
    readme = next(d for d in DOCUMENTS if d.english.name == "README.md")
    relink = translations.relink
    assert relink("[04](04_gaussian_mixtures_em.ipynb)", doc.english, doc.japanese) == "[04](04_gaussian_mixtures_em.ipynb)"
    assert relink("[English](ja/03_kmeans.ipynb)", doc.english, doc.japanese) == "[English](../03_kmeans.ipynb)"
    assert relink("[English](ja/contents.md)", contents.english, contents.japanese) == "[English](../contents.md)"
    assert relink("[03](notebooks/03_kmeans.ipynb#x)", readme.english, readme.japanese) == "[03](notebooks/ja/03_kmeans.ipynb#x)"
    # Translated headings have other anchors: a section link goes to the English page.
    assert relink("[see](#teaching-from-the-course)", readme.english, readme.japanese) == "[see](README.md#teaching-from-the-course)"
    assert relink("[x](https://example.org/a.md)", doc.english, doc.japanese) == "[x](https://example.org/a.md)"
    assert relink('<img src="../x.png">', doc.english, doc.japanese) == '<img src="../../x.png">'


def _catalogue_for(tmp_path: Path, cells: list[str]):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell(text) for text in cells] + [nbformat.v4.new_code_cell("1 + 1")]
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"
    english = tmp_path / "99_demo.ipynb"
    nbformat.write(notebook, english)
    return translations.Document(english, tmp_path / "ja" / english.name, tmp_path / "99_demo.po"), notebook


def test_update_keeps_a_changed_cells_translation_as_fuzzy_with_the_old_english(tmp_path):
    doc, notebook = _catalogue_for(tmp_path, ["# Old title", "Unchanged."])
    assert translations.update_catalogue(doc) == (2, 0)
    catalogue = translations.read_catalogue(doc)
    catalogue[0].msgstr, catalogue[1].msgstr = "# 古い題", "変わらない。"
    catalogue.save()
    assert translations.problems(doc) == []

    notebook.cells[0].source = "# New title"
    notebook.cells.insert(2, nbformat.v4.new_markdown_cell("A new cell."))
    notebook.cells[2].id = "cell-new"
    nbformat.write(notebook, doc.english)
    assert translations.update_catalogue(doc) == (1, 1)
    entries = {entry.msgctxt: entry for entry in translations.read_catalogue(doc)}
    changed = entries["cell-0"]
    assert changed.msgid == "# New title" and changed.msgstr == "# 古い題"
    assert "fuzzy" in changed.flags and changed.previous_msgid == "# Old title"
    assert entries["cell-1"].msgstr == "変わらない。" and not entries["cell-1"].flags
    assert entries["cell-new"].msgstr == ""
    found = translations.problems(doc)
    assert len(found) == 2
    assert "cell-0: the English changed since it was translated" in found[0]
    assert "cell-new has no translation" in found[1]
    with pytest.raises(ValueError, match="cannot be built"):
        translations.built_text(doc)


def test_a_cell_missing_from_the_catalogue_is_reported(tmp_path):
    doc, notebook = _catalogue_for(tmp_path, ["Text."])
    translations.update_catalogue(doc)
    notebook.cells[0].source = "Other text."
    nbformat.write(notebook, doc.english)
    assert translations.problems(doc) == ["99_demo.po: cell cell-0 is not in the catalogue (run update)"]


def test_markdown_pieces_rebuild_the_text_and_leave_code_rules_and_comments_alone():
    text = (
        "# Title\n\nA paragraph\non two lines.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "    make lab\n\n```python\nx = 1\n\ny = 2\n```\n<!-- teachers -->\n- item\n  more\n"
    )
    pieces = translations.markdown_pieces(text)
    assert "".join(piece for piece, _ in pieces) == text
    assert [piece for piece, translatable in pieces if translatable] == [
        "# Title\n", "A paragraph\non two lines.\n", "| a | b |\n", "| 1 | 2 |\n", "- item\n  more\n",
    ]


GENERIC_HEADS = ("法", "近似", "関数", "分布")
# Phrases that contain a glossary term but are translated as a whole ("maximum likelihood"
# holds "likelihood", 尤度, but is 最尤).
COMPOUNDS = {"maximum likelihood": ("最尤",)}


def glossary_pairs() -> list[tuple[str, set[str]]]:
    """(English form, accepted Japanese forms) from the glossary's rows: each side of " / "
    pairs with the same side in Japanese; a Japanese form may be any of the words the row
    gives, in or out of parentheses (正規分布（ガウス分布）: 正規分布 or ガウス分布)."""
    pairs = []
    for english_term, japanese_term, _, _ in translations.glossary_rows():
        english, japanese = english_term.split(" / "), japanese_term.split(" / ")
        for index, form in enumerate(english):
            sides = [japanese[index]] if len(japanese) == len(english) else japanese
            accepted = set().union(*(translations.japanese_forms(side) for side in sides))
            # A term used as a modifier drops its generic head: モンテカルロ法 in
            # モンテカルロ推定, ソフトマックス関数 in ソフトマックス出力, 事後分布 in 事後平均.
            accepted |= {word[: -len(head)] for word in accepted for head in GENERIC_HEADS
                         if word.endswith(head) and len(word) - len(head) >= 2}
            for variant in glossary_terms.term_variants(form):
                pairs.append((variant, {word for word in accepted if word}))
    return pairs + [(english, set(japanese)) for english, japanese in COMPOUNDS.items()]


def english_prose(markdown: str) -> str:
    """What a reader reads as words: no maths, code, link targets, link texts (lesson titles)
    or words ending in "++" (k-means++ is a name, not the term k-means)."""
    features_free = INLINE_MATHS.sub(" ", CODE_SPAN.sub(" ", DISPLAY_MATHS.sub(" ", markdown)))
    features_free = re.sub(r"\[[^\]]*\]\([^)]*\)", " ", features_free)
    return glossary_terms.normalized(re.sub(r"\S+\+\+", " ", features_free))


def test_translations_use_the_glossarys_japanese_for_its_terms():
    """Where an English piece uses a glossary term (not only inside a longer one), its
    translation uses one of the Japanese forms the glossary gives for it."""
    # The exact words, plural allowed ("cluster" is not "clustering", "Backprop" in the
    # method's name is not "backpropagation").
    pairs = [(re.compile(r"(?<!\w)" + re.escape(english) + r"(?:s|es)?(?!\w)"), english, accepted)
             for english, accepted in glossary_pairs()]
    misses = []
    for doc in DOCUMENTS:
        if doc.english.name == "glossary.md":
            continue
        for entry in translations.read_catalogue(doc):
            prose = english_prose(entry.msgid)
            spans = {english: [m.span() for m in pattern.finditer(prose)] for pattern, english, _ in pairs}
            for pattern, english, accepted in pairs:
                alone = [span for span in spans[english] if not any(
                    other != english and a <= span[0] and span[1] <= b and (b - a) > (span[1] - span[0])
                    for other, others in spans.items() for a, b in others)]
                if alone and not any(word in entry.msgstr for word in accepted):
                    misses.append(f"{doc.catalogue.name} {entry.msgctxt or entry.msgid[:40]!r}: "
                                  f"{english!r} -> none of {sorted(accepted)}")
    assert misses == []
