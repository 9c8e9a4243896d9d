"""Write the student edition of the course: a folder and a zip a class installs and runs alone.

Usage: python tools/student_edition.py OUTPUT_DIR      (``make student``: student_edition)

Writes ``OUTPUT_DIR/`` and ``OUTPUT_DIR.zip`` (the same files, inside one folder):

- every lesson without its worked solutions: cells tagged ``solution`` are removed; the
  exercise prompts, the answer cells and the self-checks stay, with the stored outputs of
  the remaining cells; the contents page and the glossary, so that links resolve inside
  the folder; the same of the Japanese edition (``notebooks/ja/``) in ``ja/``;
- a wheel of ``course_utils``, built here from this checkout without any network
  (``pip wheel --no-index --no-build-isolation``, which needs setuptools >= 77 installed, as
  the ``teach`` extra does). It holds the data and the JupyterLab launcher and settings;
- ``README.md``: the commands that set the edition up and open it, on Linux, macOS and
  Windows. Installing the wheel fetches its dependencies (numpy, scipy, matplotlib,
  jupyterlab, ipywidgets) from the package index, once.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTION_TAG = "solution"
# Markdown that speaks of the worked solutions or to the teacher, marked in the lessons and
# the contents page as <!-- solutions -->...<!-- /solutions --> (or teachers): removed here.
FULL_EDITION_ONLY = re.compile(r"<!-- (solutions|teachers) -->.*?<!-- /\1 -->", re.DOTALL)
# What a wheel is built from: the project metadata and the package (data included).
WHEEL_SOURCES = ("pyproject.toml", "README.md", "LICENSE", "course_utils")
# setuptools that reads pyproject.toml's `license = "MIT"` and `license-files` (PEP 639).
SETUPTOOLS_FLOOR = (77,)


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
    """Write a solution-free copy of every lesson in ``notebook_dir``, with the contents page
    and the glossary, to ``output_dir``, and the same of the Japanese edition in
    ``notebook_dir/ja`` to ``output_dir/ja``; return the files written."""
    written = []
    for edition in ("", "ja"):
        source_dir, target_dir = notebook_dir / edition, output_dir / edition
        target_dir.mkdir(parents=True, exist_ok=True)
        for source in sorted(source_dir.glob("*.ipynb")):
            notebook = strip_solutions(nbformat.read(source, as_version=4))
            nbformat.write(notebook, target_dir / source.name)
            written.append(target_dir / source.name)
        for extra in sorted(source_dir.glob("*.md")):
            target = target_dir / extra.name
            target.write_text(for_students(extra.read_text(encoding="utf-8")), encoding="utf-8")
            written.append(target)
    return written


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def build_wheel(output_dir: Path) -> Path:
    """Build the ``course_utils`` wheel from this checkout into ``output_dir``, offline.

    The sources are copied to a temporary folder first, so that no stale ``build/`` folder
    of an earlier build can slip files into the wheel, and the checkout stays untouched.

    Raises
    ------
    RuntimeError
        If setuptools is missing or older than 77, or pip fails (its output is included).
    """
    try:
        setuptools_version = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        setuptools_version = None
    if setuptools_version is None or _version_tuple(setuptools_version) < SETUPTOOLS_FLOOR:
        raise RuntimeError(
            f"building the course_utils wheel needs setuptools >= {SETUPTOOLS_FLOOR[0]} in this "
            f"environment; found {setuptools_version or 'none'}: pip install -e \".[teach]\""
        )
    output_dir.mkdir(parents=True, exist_ok=True)
    for old in output_dir.glob("course_utils-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source"
        source.mkdir()
        for name in WHEEL_SOURCES:
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, source / name,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"))
            else:
                shutil.copy2(ROOT / name, source / name)
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation",
                   "--quiet", "--wheel-dir", str(output_dir), str(source)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"pip wheel failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    (wheel,) = output_dir.glob("course_utils-*.whl")
    return wheel


def setup_commands(wheel_name: str) -> dict[str, list[str]]:
    """The commands of the edition's README, per system: set up once, then open the course."""
    return {
        "posix": [f"python3 -m venv .venv && .venv/bin/python -m pip install {wheel_name}",
                  ".venv/bin/python -m course_utils.lab"],
        "windows": ["py -m venv .venv",
                    f".venv\\Scripts\\python -m pip install {wheel_name}",
                    ".venv\\Scripts\\python -m course_utils.lab"],
    }


def readme_text(wheel_name: str) -> str:
    """The student edition's README: what is in the folder and the commands that open it."""
    posix, windows = setup_commands(wheel_name).values()
    return f"""# Latent-variable models and approximate Bayesian inference: the course

Seven lessons as Jupyter notebooks, from the central limit theorem to Bayes by Backprop,
with exercises: write your answer in the answer cell, then run the check cell below it,
which says whether your answer is right or hints at the likely mistake.

This folder holds the lessons (`01_...ipynb` to `07_...ipynb`), the contents page
(`contents.md`), the glossary (`glossary.md`), the same in Japanese in `ja/` (日本語版:
see the end of this file) and the course's Python package (`{wheel_name}`), which contains
the data and the code the lessons import.

## Setting it up and opening it

You need Python 3.10 or newer (`python3 --version` says which you have; python.org has
installers), and an internet connection the first time only: installing the package
downloads what it needs (numpy, scipy, matplotlib, JupyterLab, ipywidgets) into a folder
`.venv` here. Open a terminal in this folder, then:

**Linux and macOS**

    {posix[0]}
    {posix[1]}

**Windows** (PowerShell or Command Prompt; `python` instead of `py` works too)

    {windows[0]}
    {windows[1]}
    {windows[2]}

Setting up (the first line on Linux and macOS, the first two on Windows) is done once; the
last command opens the course, every time: JupyterLab starts in your web browser on the
contents page. To stop it, press Ctrl+C twice in the terminal. On Debian or Ubuntu, if
`python3 -m venv` says that ensurepip is not available, install the system package
`python3-venv` first.

**As root, in a container or a virtual machine**, the same commands work (the course
tells JupyterLab that running as root is intended). To open the course from a browser
outside the container, publish the port (`docker run -p 8888:8888 ...`) and start it with

    .venv/bin/python -m course_utils.lab --ip=0.0.0.0 --no-browser

then open the address it prints, with its token, replacing the host name.

## Your work

Running a lesson saves your answers and its outputs into the lesson file. To start a
lesson afresh, take it again from the zip file this folder came from.

## 日本語版

フォルダ `ja/` に、全レッスン、目次（`ja/contents.md`）、用語集の日本語版がある。英語の目次の先頭にある「日本語版」のリンクから開ける。コード、出力、図のラベルは英語版と同じで、演習のチェックセルの判定とヒントも英語で表示される。

### 準備と起動

Python 3.10 以降が必要である（`python3 --version` で確かめられる）。初回だけネットワーク接続が必要で、パッケージのインストール時に numpy、scipy、matplotlib、JupyterLab、ipywidgets がこのフォルダの `.venv` にダウンロードされる。このフォルダでターミナルを開き、Linux と macOS では次の 2 行を実行する。

    {posix[0]}
    {posix[1]}

Windows（PowerShell またはコマンドプロンプト）では次の 3 行を実行する。

    {windows[0]}
    {windows[1]}
    {windows[2]}

準備（Linux と macOS では 1 行目、Windows では最初の 2 行）は一度だけでよい。最後のコマンドで、毎回コースを開く。ブラウザで JupyterLab が目次を開いた状態で起動する。止めるには、ターミナルで Ctrl+C を 2 回押す。Debian や Ubuntu で `python3 -m venv` が ensurepip がないと言う場合は、先にシステムのパッケージ `python3-venv` をインストールする。

### root として、コンテナや仮想マシンで使う場合

同じコマンドで動く（root での実行を意図していることは、コースが JupyterLab に伝える）。コンテナの外のブラウザから開くには、ポートを公開し（`docker run -p 8888:8888 ...`）、次のコマンドで起動して、表示されるアドレス（トークン付き）のホスト名を置き換えて開く。

    .venv/bin/python -m course_utils.lab --ip=0.0.0.0 --no-browser

### 日本語の表示

日本語が空の四角で表示される場合は、日本語フォントを入れてからページを再読み込みする（Debian・Ubuntu では `sudo apt-get install fonts-noto-cjk`。Windows と macOS には最初からある）。

### 自分の解答

レッスンを実行すると、解答と出力がレッスンのファイルに保存される。レッスンを最初からやり直すには、このフォルダを取り出した zip ファイルからもう一度取り出す。
"""


def write_zip(output_dir: Path, files: list[Path]) -> Path:
    """Zip ``files`` (all inside ``output_dir``) into ``output_dir.zip``, under one top folder
    named like ``output_dir`` so that unpacking it gives the same folder."""
    zip_path = output_dir.with_suffix(".zip")
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            archive.write(path, f"{output_dir.name}/{path.relative_to(output_dir).as_posix()}")
    return zip_path


def build_student_edition(output_dir: Path, notebook_dir: Path = ROOT / "notebooks") -> Path:
    """Write the whole student edition (lessons, wheel, README) to ``output_dir`` and zip it;
    return the zip's path, ``output_dir`` with the suffix ``.zip``."""
    files = write_student_edition(output_dir, notebook_dir)
    wheel = build_wheel(output_dir)
    readme = output_dir / "README.md"
    readme.write_text(readme_text(wheel.name), encoding="utf-8")
    return write_zip(output_dir, [*files, wheel, readme])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output_dir", type=Path, help="folder to write the student edition to (and .zip)")
    args = parser.parse_args()
    zip_path = build_student_edition(args.output_dir.resolve())
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            print(name)
    print(f"wrote {args.output_dir}/ and {zip_path.name}")


if __name__ == "__main__":
    main()
