"""Open the course in JupyterLab on its contents page: what `make lab` runs.

Usage: python tools/lab.py [--folder DIR] [JUPYTERLAB OPTIONS...]

JupyterLab serves the folder ``notebooks/`` and opens ``contents.md`` first. The course's
defaults (tools/jupyterlab-settings/overrides.json) open Markdown files such as the
glossary rendered and turn off JupyterLab's news and update pop-up; a learner can still
change both in *Settings*. As root (a container, a classroom VM) JupyterLab refuses to
start unless told that this is intended, so the launcher says so. Any further options go
to JupyterLab, e.g. ``--ip=0.0.0.0 --no-browser`` to reach it from another machine.
``--folder student_edition`` serves the student edition (``make student``) instead.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CONTENTS = "contents.md"
SETTINGS = ROOT / "tools" / "jupyterlab-settings"


def running_as_root() -> bool:
    """True for the superuser on Linux or macOS (Windows has no such check in JupyterLab)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(extra: list[str], *, as_root: bool, notebook_dir: Path = NOTEBOOKS) -> list[str]:
    """The JupyterLab command line: served folder, first page, settings, root flag, ``extra``."""
    command = [
        sys.executable, "-m", "jupyter", "lab",
        f"--ServerApp.root_dir={notebook_dir}",
        f"--LabApp.default_url=/lab/tree/{CONTENTS}",
        f"--LabApp.app_settings_dir={SETTINGS}",
    ]
    if as_root:
        command.append("--allow-root")
    return command + extra


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=NOTEBOOKS,
                        help="the folder to serve: notebooks/ (default) or a student edition")
    args, extra = parser.parse_known_args()
    folder = args.folder.resolve()
    if not (folder / CONTENTS).is_file():
        parser.error(f"--folder must hold the course's {CONTENTS}; {folder} does not")
    command = lab_command(extra, as_root=running_as_root(), notebook_dir=folder)
    if os.name == "posix":
        # Become JupyterLab, so that stopping this process stops the server.
        os.execv(command[0], command)
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main())
