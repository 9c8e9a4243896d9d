"""The static site as a reader opens it: `make site`'s pages in headless Chromium, offline.

The site is built once (tools/build_site.py, Sphinx), in English and in Japanese (``ja/``),
and every page of both is opened from disk, as a reader who double-clicks
``_site/index.html`` would. Every request to an address that is not on this machine is
blocked and recorded. For each page the test asserts that:

- it is in its language (``<html lang>``) and its language switch goes to the same page
  in the other language (so both directions are checked);

- its maths is typeset: MathJax output where the page has maths, no TeX error, and no
  ``$$``, ``\\(``, ``\\[`` or ``\\begin`` left in the text outside code;
- every local link and anchor resolves, and every file the page loads is found;
- no request left the machine;
- on a lesson, every worked solution's code is collapsed behind a closed toggle, and its
  output and every written answer are closed too;
- on one Japanese lesson, no character is drawn as a missing-glyph box.

And the Japanese search finds a term written as one run of characters (コレスキー分解).

It needs the system Chromium and playwright, as tests/test_browser.py does, and is skipped
or failed without them the same way.
"""

from __future__ import annotations

import functools
import json
import re
import urllib.parse
from pathlib import Path

import nbformat
import pytest
import test_browser
from conftest import load_module

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
japanese_search = load_module("japanese_search", ROOT / "tools" / "site" / "japanese_search.py")
build_site = load_module("build_site", ROOT / "tools" / "build_site.py")
PAGE_TIMEOUT_MS = 60_000  # a page and its MathJax on a loaded machine
SEARCH_TIMEOUT_MS = 15_000  # the search page lists its results (under a second when it finds them)
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

# The text a reader could see as TeX source: the page's text without code blocks, inline
# code and MathJax's own output (textContent, so closed answers are read too).
TEXT_OUTSIDE_CODE_AND_MATHS = """() => {
    const copy = document.querySelector("main").cloneNode(true);
    copy.querySelectorAll("pre, code, mjx-container, script, style").forEach(node => node.remove());
    return copy.textContent;
}"""
# Addresses of every link and of every file the page loads, resolved by the browser.
ADDRESSES = """() => [
    ...[...document.querySelectorAll("a[href]")].map(a => ["link", a.getAttribute("href"), a.href]),
    ...[...document.querySelectorAll("img[src], script[src]")].map(e => ["load", e.getAttribute("src"), e.src]),
    ...[...document.querySelectorAll("link[href]")].map(e => ["load", e.getAttribute("href"), e.href]),
]"""
# Each worked solution's collapsed code: is its toggle closed, and is its code out of view?
SOLUTION_TOGGLES = """() => [...document.querySelectorAll("details.hide.above-input")].map(details => ({
    open: details.open,
    summary: details.querySelector("summary") !== null,
    code: details.querySelector("pre") ? details.querySelector("pre").textContent : "",
    codeVisible: details.querySelector("pre") ? details.querySelector("pre").checkVisibility() : false,
}))"""


# Headless Chromium as tests/test_browser.py starts it (skipped without it, a failure under
# CI), and the site that tests/conftest.py builds once per run.
browser = test_browser.browser


@pytest.fixture(scope="module")
def offline_page(browser, site):
    """A Chromium page that lets only local requests through and records every other one."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.left_machine, page.failed = [], []

    def local_only(route):
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            page.left_machine.append(url)
            route.abort()

    page.route("**/*", local_only)
    page.on("requestfailed", lambda request: page.failed.append(request.url))
    yield page
    page.close()


def solution_code_cells(path: Path) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    return [cell.source for cell in notebook.cells
            if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", [])]


EDITIONS = ("", "ja")  # the English site, and the Japanese one in ja/


def pages() -> list[tuple[str, str]]:
    names = ["index", *(path.stem for path in NOTEBOOKS), "glossary", "search", "genindex"]
    return [(edition, name) for edition in EDITIONS for name in names]


@functools.cache  # a lesson links its own sections often, and its page is large
def anchors(path: Path) -> frozenset[str]:
    return frozenset(re.findall(r'\b(?:id|name)="([^"]+)"', path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(("edition", "name"), pages(), ids=lambda value: value or "en")
def test_page_reads_offline_with_maths_typeset_links_resolved_and_solutions_collapsed(site, offline_page,
                                                                                       edition, name):
    page = offline_page
    page.left_machine.clear()
    page.failed.clear()
    path = site / edition / f"{name}.html"
    assert path.is_file(), f"the site has no {edition}/{path.name}"
    page.goto(path.as_uri(), wait_until="load")
    label = f"{edition}/{name}".lstrip("/")

    # The language, and the switch to the same page in the other one.
    assert page.evaluate("() => document.documentElement.lang") == (edition or "en")
    switch = page.locator("a.course-language-switch")
    assert switch.count() == 1 and switch.is_visible(), f"{label}: no language switch in view"
    other = site / ("" if edition else "ja") / path.name
    assert switch.evaluate("a => a.href") == other.as_uri(), f"{label}: the switch goes elsewhere"

    # Maths: the build marks every formula with the class "math" for MathJax to typeset.
    formulas = page.locator("main .math").count()
    if formulas:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        typeset = page.locator("main mjx-container").count()
        assert typeset >= formulas, f"{label}: {typeset} typeset formulas for {formulas} marked"
        assert page.locator("mjx-merror").count() == 0, f"{label}: MathJax reports a TeX error"
    page.wait_for_load_state("networkidle")
    assert page.left_machine == [], f"{label}: requests left the machine: {page.left_machine}"
    assert page.failed == [], f"{label}: requests failed: {page.failed}"
    text = page.evaluate(TEXT_OUTSIDE_CODE_AND_MATHS)
    for source in ("$$", "\\(", "\\[", "\\begin"):
        where = text.find(source)
        assert where < 0, f"{label}: {source!r} is left in the text: {text[max(0, where - 80):where + 80]!r}"

    # Links and loaded files: every local target exists, every anchor is on its page.
    for kind, written, resolved in page.evaluate(ADDRESSES):
        if not resolved.startswith("file:"):
            assert kind == "link" or resolved.startswith(LOCAL_SCHEMES), f"{label}: loads {written}"
            continue
        parsed = urllib.parse.urlsplit(resolved)
        target = Path(urllib.parse.unquote(parsed.path))
        assert target.is_file(), f"{label}: {kind} {written!r} points at a missing file"
        if parsed.fragment and target.suffix == ".html":
            fragment = urllib.parse.unquote(parsed.fragment)
            assert fragment in anchors(target), f"{label}: link {written!r} points at a missing anchor"

    # Worked solutions: code behind a closed toggle, output and written answers closed.
    lesson = ROOT / "notebooks" / edition / f"{path.stem}.ipynb"
    if lesson.is_file():
        expected = solution_code_cells(lesson)
        toggles = page.evaluate(SOLUTION_TOGGLES)
        assert len(toggles) == len(expected) > 0, f"{label}: {len(toggles)} toggles for {len(expected)} solutions"
        for toggle, source in zip(toggles, expected):
            assert toggle["summary"] and not toggle["open"], f"{label}: a worked solution's toggle is open"
            assert toggle["code"].strip() == source.strip(), f"{label}: a toggle holds other code"
            assert not toggle["codeVisible"], f"{label}: a worked solution's code is visible"
        assert page.locator("main details[open]").count() == 0, f"{label}: an answer or output is open"
        assert page.locator("main details:not(.hide) > summary").count() > 0

    if (edition, name) == ("ja", "03_kmeans"):
        # Every character of one Japanese lesson is drawn in a font that has it.
        drawn = page.evaluate(test_browser.MISSING_GLYPHS, page.locator("body").element_handle())
        assert drawn["checked"] > 300 and drawn["missing"] == [], (  # hundreds of kana and kanji
            f"{label}: drawn as missing-glyph boxes (install a Japanese font, e.g. fonts-noto-cjk): {drawn}")


def test_japanese_search_finds_a_term_written_as_several_words_together(site, offline_page):
    """Sphinx's Japanese index holds the words of 事後平均 (posterior mean) apart, which a
    query written as one run of characters matches only once
    tools/site/_static/japanese-search.js splits it (without it the search finds nothing)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    term = "事後平均"
    page = offline_page
    page.goto(f"{(site / 'ja' / 'search.html').as_uri()}?q={urllib.parse.quote(term)}", wait_until="load")
    expected = (site / "ja" / "06_laplace_approximation.html").as_uri()
    results = "() => [...document.querySelectorAll('#search-results li a')].map(a => a.href.split(/[?#]/)[0])"
    try:  # the results appear one by one, after the index has loaded
        page.wait_for_function(f"expected => ({results})().includes(expected)", arg=expected,
                               timeout=SEARCH_TIMEOUT_MS)
    except PlaywrightTimeout:
        pass
    found = page.evaluate(results)
    assert expected in found, f"searching for {term} found {found}"


def test_japanese_index_holds_every_glossary_term_whole_for_every_lesson_that_uses_it(site):
    """tools/site/japanese_search.py: searching for a term of the glossary (負担率, 変分下限)
    finds every lesson whose text has it, although Sphinx's own word splitter cuts it apart."""
    index = (site / "ja" / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1:index.rindex(")")])
    pages = {}
    for table in (data["terms"], data["titleterms"]):
        for term, docs in table.items():
            pages.setdefault(term, set()).update(data["docnames"][i] for i in ([docs] if isinstance(docs, int) else docs))
    missing = []
    for path in sorted((ROOT / "notebooks" / "ja").glob("[0-9][0-9]_*.ipynb")):
        # The text the page shows: the site drops the lessons' navigation lines.
        text = "".join(build_site.without_navigation_lines(cell.source)
                       for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "markdown")
        missing += [f"{term}: {path.stem}" for term in japanese_search.glossary_terms()
                    if term in text and path.stem not in pages.get(term.lower(), ())]  # Sphinx lowercases
    assert len(japanese_search.glossary_terms()) > 100
    assert missing == []
