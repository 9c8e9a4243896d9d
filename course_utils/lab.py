"""Open the course in JupyterLab on its contents page: ``python -m course_utils.lab``.

Usage: python -m course_utils.lab [--folder DIR] [JUPYTERLAB OPTIONS...]

JupyterLab serves ``DIR`` (by default the current folder), which must hold the course's
``contents.md``, and opens that page first. In the repository ``make lab`` runs it with
``--folder notebooks``; in the student edition a learner runs it from the edition's folder.
The course's defaults (``course_utils/jupyterlab_settings/overrides.json``, shipped with
the package) open Markdown files such as the glossary rendered and turn off JupyterLab's
news and update pop-up; a learner can still change both in *Settings*. As root (a
container, a classroom VM) JupyterLab refuses to start unless told that this is intended,
so the launcher says so. Any further options go to JupyterLab, e.g.
``--ip=0.0.0.0 --no-browser`` to reach it from another machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

CONTENTS = "contents.md"
# Package data: found next to this module in a checkout and in an installed wheel alike.
SETTINGS = Path(__file__).resolve().parent / "jupyterlab_settings"


def running_as_root() -> bool:
    """True for the superuser on Linux or macOS (Windows has no such check in JupyterLab)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(extra: list[str], *, as_root: bool, notebook_dir: Path) -> list[str]:
    """The JupyterLab command line: served folder, first page, settings, root flag, ``extra``.

    Parameters
    ----------
    extra : list of str
        Options passed on to JupyterLab unchanged, after the course's own.
    as_root : bool
        Add ``--allow-root`` (JupyterLab refuses to run as root without it).
    notebook_dir : pathlib.Path
        The folder JupyterLab serves; it should hold ``contents.md``.

    Returns
    -------
    list of str
        The command, starting with this interpreter (``sys.executable``).
    """
    command = [
        sys.executable, "-m", "jupyter", "lab",
        f"--ServerApp.root_dir={notebook_dir}",
        f"--LabApp.default_url=/lab/tree/{CONTENTS}",
        f"--LabApp.app_settings_dir={SETTINGS}",
    ]
    if as_root:
        command.append("--allow-root")
    return command + extra


def parse_args(argv: list[str] | None = None) -> tuple[Path, list[str]]:
    """The folder to serve (resolved, checked to hold ``contents.md``) and JupyterLab's options.

    A later ``--folder`` wins over an earlier one, so ``make lab LAB_ARGS="--folder DIR"``
    overrides the Makefile's ``--folder notebooks``.

    Raises
    ------
    SystemExit
        If the folder does not hold ``contents.md`` (argparse's usage error, exit status 2).
    """
    parser = argparse.ArgumentParser(prog="python -m course_utils.lab", description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=Path.cwd(),
                        help=f"the folder to serve, holding the course's {CONTENTS} (default: the current folder)")
    args, extra = parser.parse_known_args(argv)
    folder = args.folder.resolve()
    if not (folder / CONTENTS).is_file():
        parser.error(f"--folder must hold the course's {CONTENTS}; {folder} does not "
                     "(run this from the student edition's folder, or pass --folder)")
    return folder, extra


def main(argv: list[str] | None = None) -> int:
    folder, extra = parse_args(argv)
    command = lab_command(extra, as_root=running_as_root(), notebook_dir=folder)
    if os.name == "posix":
        # Become JupyterLab, so that stopping this process stops the server.
        os.execv(command[0], command)
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
