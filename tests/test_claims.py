"""Issue 15: a lesson quotes no number that its own outputs do not show.

A sentence that reports a result drifts when the code changes and the prose does not. For
every lesson this test collects the numbers its Markdown quotes with three or more
significant digits and requires each to be shown by the lesson itself: printed by a cell
whose output nbval compares (a cell marked ``NBVAL_IGNORE_OUTPUT`` does not count, since
nothing checks what it prints), or written literally in the lesson's code. A quoted number
matches a shown one that rounds to it ("2497.8" matches a printed 2497.83); signs are
ignored. Not counted as quotes:

- a number from a published source, wrapped as ``<cite>1.34 %</cite>``;
- equation numbers: ``(4.10)``, "equation 3.5", and any ``L.M`` in lesson L;
- years from 1700 to 2099, and link targets.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?![\w])")
CITED = re.compile(r"<cite>.*?</cite>", re.DOTALL)
LINK_TARGET = re.compile(r"\]\([^)]*\)|(?:href|src)=\"[^\"]*\"")
EQUATION_REFERENCE = re.compile(r"\(\d\.\d{1,2}\)|\b(?:equations?|eq\.)\s+\d\.\d{1,2}", re.IGNORECASE)
IGNORED_OUTPUT = "NBVAL_IGNORE_OUTPUT"
TEXT_MIME_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex")


def significant_digits(token: str) -> int:
    mantissa = re.split(r"[eE]", token)[0]
    digits = mantissa.replace(".", "").lstrip("0")
    if "." not in mantissa:
        digits = digits.rstrip("0")
    return len(digits)


def quoted_numbers(markdown: str, lesson: int) -> list[str]:
    """Numbers with three or more significant digits that ``markdown`` quotes as results."""
    text = CITED.sub(" ", markdown)
    text = LINK_TARGET.sub(" ", text)
    text = EQUATION_REFERENCE.sub(" ", text)
    quoted = []
    for token in NUMBER.findall(text):
        if re.fullmatch(rf"{lesson}\.\d{{1,2}}", token):
            continue
        if re.fullmatch(r"(1[7-9]|20)\d\d", token):
            continue
        if significant_digits(token) >= 3:
            quoted.append(token)
    return quoted


def ignores_output(cell) -> bool:
    return IGNORED_OUTPUT in cell.source or "nbval-ignore-output" in cell.metadata.get("tags", [])


def output_texts(cell) -> list[str]:
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            texts.append(output.get("text", ""))
        for mime in TEXT_MIME_TYPES:
            value = output.get("data", {}).get(mime)
            if value:
                texts.append(value if isinstance(value, str) else "".join(value))
    return texts


def shown_numbers(notebook) -> set[Decimal]:
    """Every number printed by a compared output or written in the code of ``notebook``."""
    shown = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        texts = [cell.source]
        if not ignores_output(cell):
            texts += output_texts(cell)
        for text in texts:
            for token in NUMBER.findall(text):
                try:
                    shown.add(Decimal(token))
                except InvalidOperation:
                    pass
    return shown


def is_shown(token: str, shown: set[Decimal]) -> bool:
    quoted = Decimal(token)
    quantum = Decimal(1).scaleb(quoted.as_tuple().exponent)
    for value in shown:
        for rounding in (ROUND_HALF_EVEN, ROUND_HALF_UP):
            try:
                if value.quantize(quantum, rounding=rounding) == quoted:
                    return True
            except InvalidOperation:
                break
    return False


def unbacked_quotes(notebook, lesson: int) -> list[str]:
    shown = shown_numbers(notebook)
    missing = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "markdown":
            continue
        for token in quoted_numbers(cell.source, lesson):
            if not is_shown(token, shown):
                missing.append(f"cell {index}: {token}")
    return missing


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_number_the_prose_quotes_is_shown_by_a_compared_output(path):
    notebook = nbformat.read(path, as_version=4)
    missing = unbacked_quotes(notebook, int(path.name[:2]))
    assert not missing, (
        f"{path.name} quotes numbers that no compared output prints and no code contains "
        f"(print them, correct them, or mark a published figure <cite>...</cite>): {missing}"
    )


def _notebook(markdown: str, code: str = "", printed: str = "", ignored: bool = False):
    code_cell = nbformat.v4.new_code_cell(("# NBVAL_IGNORE_OUTPUT\n" if ignored else "") + code)
    code_cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    return nbformat.v4.new_notebook(cells=[code_cell, nbformat.v4.new_markdown_cell(markdown)])


@pytest.mark.parametrize(
    ("markdown", "printed", "ignored", "missing"),
    [
        ("The best fit reaches -1114.44.", "log-likelihood -1119.21", False, ["1114.44"]),
        ("The best fit reaches -1119.2.", "log-likelihood -1119.21", False, []),
        ("Inertia 2497.8 here.", "inertia 2497.83", False, []),
        ("Inertia 2497.8 here.", "inertia 2497.83", True, ["2497.8"]),
        ("The paper reports <cite>1.34 %</cite> error; see (4.10) and equation 4.12.", "", False, []),
        ("Wu (1983) and 0.93 of a point; 16 rows.", "", False, []),
        ("A ratio of 0.665 nats.", "", False, ["0.665"]),
    ],
)
def test_the_check_finds_unbacked_numbers_and_accepts_backed_ones(markdown, printed, ignored, missing):
    notebook = _notebook(markdown, printed=printed, ignored=ignored)
    assert [entry.split(": ")[1] for entry in unbacked_quotes(notebook, 4)] == missing


def test_a_number_written_in_the_code_counts_as_shown():
    notebook = _notebook("We draw 300 samples with prior precision 0.125.", code="rng.normal(size=300); alpha = 0.125")
    assert unbacked_quotes(notebook, 6) == []
