"""The Japanese site's search index also holds the glossary's Japanese terms whole.

Sphinx splits Japanese text into words with its own segmenter, which cuts many terms apart
(負担率 into 負担 and 率, 変分下限 into 変分 and 下限), while a reader searches for the term
as written; the query is split by the browser (_static/japanese-search.js) in other places.
This splitter (``html_search_options["type"]`` in conf.py) gives Sphinx's words and, in
addition, every Japanese term of the glossary that the text contains, so that searching for
a term of the course finds every page that uses it.
"""

import re
from pathlib import Path

from sphinx.search.ja import DefaultSplitter

GLOSSARY = Path(__file__).resolve().parents[2] / "notebooks" / "glossary.md"


def glossary_terms() -> list[str]:
    """The Japanese forms of the glossary's terms: each side of " / ", with and without
    the words in parentheses (正規分布（ガウス分布）: 正規分布, ガウス分布)."""
    terms = set()
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        columns = [column.strip() for column in line.strip().strip("|").split("|")]
        if len(columns) != 4 or not re.fullmatch(r"\d\d", columns[2]):
            continue
        for side in columns[1].split(" / "):
            terms.add(re.sub(r"（[^）]*）", "", side).strip())
            terms.update(word.strip() for inner in re.findall(r"（([^）]*)）", side) for word in inner.split("、"))
    return sorted(term for term in terms if len(term) > 1)


class GlossarySplitter(DefaultSplitter):
    terms = glossary_terms()

    def split(self, input: str) -> list[str]:
        return super().split(input) + [term for term in self.terms if term in input]
