"""Write the student edition of the course: every lesson without its worked solutions.

Usage: python tools/student_edition.py OUTPUT_DIR

Cells tagged ``solution`` are removed; the exercise prompts, the answer cells and the
self-checks stay. The copy keeps the stored outputs of the remaining cells, the contents
page and the glossary, so it reads like the course itself and its links resolve inside
the folder.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_TAG = "solution"


def is_solution(cell) -> bool:
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def strip_solutions(notebook):
    """Return ``notebook`` without its solution cells (the notebook is modified in place)."""
    notebook.cells = [cell for cell in notebook.cells if not is_solution(cell)]
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
        shutil.copy(extra, output_dir / extra.name)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path, help="folder to write the student notebooks to")
    args = parser.parse_args()
    for path in write_student_edition(args.output_dir):
        print(path)


if __name__ == "__main__":
    main()
