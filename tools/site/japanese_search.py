"""The Japanese site's search index also holds the glossary's Japanese terms whole.

Sphinx splits Japanese text into words with its own segmenter, which cuts many terms apart
(負担率 into 負担 and 率, 変分下限 into 変分 and 下限), while a reader searches for the term
as written; the query is split by the browser (_static/japanese-search.js) in other places.
This splitter (``html_search_options["type"]`` in conf.py) gives Sphinx's words and, in
addition, every Japanese term of the glossary that the text contains, so that searching for
a term of the course finds every page that uses it.
"""

import sys
from pathlib import Path

from sphinx.search.ja import DefaultSplitter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/, for translations.py
import translations  # the glossary's reader, shared with the translation tests


def glossary_terms() -> list[str]:
    """The Japanese forms of the glossary's terms (each side of " / ", with and without the
    words in parentheses), longer than one character."""
    forms = set()
    for _, japanese, _, _ in translations.glossary_rows():
        for side in japanese.split(" / "):
            forms |= translations.japanese_forms(side)
    return sorted(form for form in forms if len(form) > 1)


class GlossarySplitter(DefaultSplitter):
    terms = glossary_terms()

    def split(self, input: str) -> list[str]:
        return super().split(input) + [term for term in self.terms if term in input]
