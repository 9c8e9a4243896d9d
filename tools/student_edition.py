"""Write the student edition of the course: every lesson without its worked solutions.

Usage: python tools/student_edition.py OUTPUT_DIR

Cells tagged ``solution`` are removed; the exercise prompts, the answer cells and the
self-checks stay. The copy keeps the stored outputs of the remaining cells, the contents
page and the glossary, so it reads like the course itself and its links resolve inside
the folder.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_TAG = "solution"
# Markdown that speaks of the worked solutions or to the teacher, marked in the lessons and
# the contents page as <!-- solutions -->...<!-- /solutions --> (or teachers): removed here.
FULL_EDITION_ONLY = re.compile(r"<!-- (solutions|teachers) -->.*?<!-- /\1 -->", re.DOTALL)


def is_solution(cell) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def for_students(markdown: str) -> str:
    """``markdown`` without the passages marked as for the full edition only."""
    return FULL_EDITION_ONLY.sub("", markdown)


def strip_solutions(notebook):
    """Return ``notebook`` without its solution cells and without the Markdown that speaks of
    them (the notebook is modified in place)."""
    notebook.cells = [cell for cell in notebook.cells if not is_solution(cell)]
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = for_students(cell.source)
    return notebook


def write_student_edition(output_dir: Path, notebook_dir: Path = ROOT / "notebooks") -> list[Path]:
    """Write a solution-free copy of every lesson in ``notebook_dir`` to ``output_dir``."""
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(notebook_dir.glob("*.ipynb")):
        notebook = strip_solutions(nbformat.read(source, as_version=4))
        target = output_dir / source.name
        nbformat.write(notebook, target)
        written.append(target)
    for extra in sorted(notebook_dir.glob("*.md")):
        text = for_students(extra.read_text(encoding="utf-8"))
        (output_dir / extra.name).write_text(text, encoding="utf-8")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path, help="folder to write the student notebooks to")
    args = parser.parse_args()
    for path in write_student_edition(args.output_dir):
        print(path)


if __name__ == "__main__":
    main()
