"""The student edition stands alone (issue 18, item 4): `make student`'s zip, unpacked in an
empty folder and set up with its README's commands in a fresh virtual environment, installs
the package from its own wheel (data included) and runs lessons top to bottom in it.

Installing the wheel fetches its dependencies from the package index, as CI has it, through
pip's cache; nothing here uses the repository's environment or its checkout of the package.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import pytest
from conftest import load_module
from test_teaching import broken_links

from course_utils import data

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
tool = load_module("student_edition_tool", ROOT / "tools" / "student_edition.py")

WINDOWS = os.name == "nt"
SYSTEM, INTERPRETER = ("windows", "py") if WINDOWS else ("posix", "python3")
LESSON_TIMEOUT = 900  # s, one lesson on a loaded CI machine (07 takes about 45 s when quiet)
SERVER_START_TIMEOUT = 120.0  # s


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """What `make student` writes: the zip (beside the folder of the same name)."""
    return tool.build_student_edition(tmp_path_factory.mktemp("build") / "student_edition")


@pytest.fixture(scope="module")
def unpacked(built, tmp_path_factory) -> Path:
    """The zip unpacked into an empty folder, far from the repository."""
    target = tmp_path_factory.mktemp("classroom")
    with zipfile.ZipFile(built) as archive:
        archive.extractall(target)
    return target / "student_edition"


@pytest.fixture(scope="module")
def learner_env(tmp_path_factory) -> dict[str, str]:
    """The environment of a learner's terminal: no Python or Jupyter settings of ours."""
    home = tmp_path_factory.mktemp("learner")
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("JUPYTER", "PYTHON", "VIRTUAL_ENV", "MPL", "IPYTHON"))}
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"), JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), IPYTHONDIR=str(home / "ipython"),
        MPLCONFIGDIR=str(home / "matplotlib"),
    )
    return env


def readme_commands(folder: Path) -> list[str]:
    """This system's commands as the edition's README shows them (indented code lines)."""
    wheel = next(folder.glob("course_utils-*.whl")).name
    commands = tool.setup_commands(wheel)[SYSTEM]
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for command in commands:
        assert f"\n    {command}\n" in readme, f"the README should show {command!r}"
    return commands


@pytest.fixture(scope="module")
def fresh_python(unpacked, learner_env) -> Path:
    """The README's set-up commands run in the unpacked folder; the interpreter they name
    (python3, py) is this test's, so that the test runs the Python it was started with."""
    started = time.monotonic()
    for command in readme_commands(unpacked)[:-1]:
        if command.startswith(INTERPRETER + " "):
            quoted = f'"{sys.executable}"' if WINDOWS else shlex.quote(sys.executable)
            command = quoted + command[len(INTERPRETER):]
        result = subprocess.run(command, shell=True, cwd=unpacked, env=learner_env, capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, f"{command!r} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    print(f"set-up of the fresh environment: {time.monotonic() - started:.0f} s")
    python = unpacked / ".venv" / ("Scripts/python.exe" if WINDOWS else "bin/python")
    assert python.is_file()
    return python


def test_zip_holds_both_editions_the_readme_and_one_wheel(built):
    with zipfile.ZipFile(built) as archive:
        names = sorted(archive.namelist())
    wheels = [name for name in names if name.endswith(".whl")]
    assert len(wheels) == 1 and wheels[0].startswith("student_edition/course_utils-")
    pages = [*LESSONS, "contents.md", "glossary.md"]
    expected = [f"student_edition/{name}" for name in [*pages, "README.md", *(f"ja/{page}" for page in pages)]]
    assert sorted(set(names) - set(wheels)) == sorted(expected)
    # The folder `make student` leaves beside the zip holds the same files.
    folder = built.with_suffix("")
    on_disk = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    assert sorted(on_disk) == sorted(n.split("/", 1)[1] for n in names)


def test_wheel_holds_the_data_with_its_provenance_and_the_launcher_settings(unpacked):
    (wheel,) = unpacked.glob("course_utils-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for name, sha256 in data._SHA256.items():
            assert hashlib.sha256(archive.read(f"course_utils/datasets/{name}")).hexdigest() == sha256
        provenance = archive.read("course_utils/datasets/README.md").decode("utf-8")
        assert all(f"`{name}`" in provenance for name in data._SHA256)
        settings = json.loads(archive.read("course_utils/jupyterlab_settings/overrides.json"))
        assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    package = {path.relative_to(ROOT).as_posix() for path in (ROOT / "course_utils").rglob("*")
               if path.is_file() and "__pycache__" not in path.parts}
    assert package <= names, f"missing from the wheel: {sorted(package - names)}"
    assert not any(name.startswith(("tests/", "notebooks/", "tools/")) for name in names)


def test_readme_links_resolve_and_names_both_systems(unpacked):
    assert broken_links(unpacked) == []
    readme = (unpacked / "README.md").read_text(encoding="utf-8")
    wheel = next(unpacked.glob("course_utils-*.whl")).name
    for commands in tool.setup_commands(wheel).values():
        assert all(f"\n    {command}\n" in readme for command in commands)
        assert commands[-1].endswith("-m course_utils.lab")
    assert "worked solution" not in readme.lower()


def run_notebook(python: Path, notebook: Path, output_dir: Path, env: dict[str, str]) -> nbformat.NotebookNode:
    """``notebook`` executed top to bottom by ``python``'s Jupyter, in a kernel that Jupyter
    starts from the same environment; the executed copy is written to ``output_dir``."""
    command = [str(python), "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
               f"--ExecutePreprocessor.timeout={LESSON_TIMEOUT}", "--output-dir", str(output_dir), notebook.name]
    result = subprocess.run(command, cwd=notebook.parent, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{notebook.name} failed in the fresh environment:\n{result.stderr[-4000:]}"
    return nbformat.read(output_dir / notebook.name, as_version=4)


def test_the_kernel_imports_the_wheels_package_not_the_repositorys(fresh_python, learner_env, tmp_path):
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import json, sys\n"
        "import course_utils, course_utils.data\n"
        "print(json.dumps({'python': sys.executable, 'package': course_utils.__file__,\n"
        "                  'data': str(course_utils.data.DATA_DIR),\n"
        "                  'rows': len(course_utils.data.load_old_faithful())}))"
    )])
    probe.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(probe, tmp_path / "probe.ipynb")
    executed = run_notebook(fresh_python, tmp_path / "probe.ipynb", tmp_path / "out", learner_env)
    seen = json.loads(executed.cells[0].outputs[0].text)
    venv = fresh_python.parent.parent.resolve()
    assert Path(seen["python"]).parent.parent.resolve() == venv
    package = Path(seen["package"]).resolve()
    assert package.is_relative_to(venv) and "site-packages" in package.parts
    assert not package.is_relative_to(ROOT)
    assert Path(seen["data"]).resolve() == package.parent / "datasets"
    assert seen["rows"] == 272


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_readme_open_command_serves_the_contents_page(fresh_python, unpacked, learner_env, tmp_path):
    open_command = readme_commands(unpacked)[-1]
    module = open_command.split(" -m ", 1)[1].split()
    port, token = free_port(), "student-edition-test"
    command = [str(fresh_python), "-m", *module, "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "jupyterlab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=unpacked, env=learner_env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            assert process.poll() is None, f"JupyterLab exited early:\n{log_path.read_text(errors='replace')[-3000:]}"
            try:
                with urllib.request.urlopen(f"{base}/api/contents?token={token}", timeout=5) as response:
                    served = {item["name"] for item in json.load(response)["content"]}
                break
            except OSError:
                assert time.monotonic() < deadline, f"no answer in {SERVER_START_TIMEOUT} s"
                time.sleep(0.5)
        # The served folder is the edition's own (the repository's notebooks/ has no wheel),
        # and the start page is the contents.
        assert {"contents.md", "README.md", *LESSONS} <= served and any(n.endswith(".whl") for n in served)
        with urllib.request.urlopen(f"{base}/?token={token}", timeout=30) as response:
            assert response.geturl().split("?")[0] == f"{base}/lab/tree/contents.md"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# Lessons run here from the wheel: these two load the data shipped inside it. What removing
# the worked solutions could break in any lesson (a later cell that uses a name only a
# solution defines) is checked for every lesson, English and Japanese, in test_teaching.py,
# and every full lesson runs under nbval; running all seven here again took about 120 s.
RUN_IN_FRESH_ENVIRONMENT = ["02_maximum_likelihood.ipynb", "04_gaussian_mixtures_em.ipynb"]


@pytest.mark.parametrize("name", RUN_IN_FRESH_ENVIRONMENT)
def test_student_lessons_run_top_to_bottom_in_the_fresh_environment(fresh_python, unpacked, learner_env,
                                                                          tmp_path, name):
    executed = run_notebook(fresh_python, unpacked / name, tmp_path, learner_env)
    code = [cell for cell in executed.cells if cell.cell_type == "code" and cell.source.strip()]
    assert code and all(cell.execution_count for cell in code), f"{name}: a cell did not run"
    errors = [output for cell in code for output in cell.outputs if output.output_type == "error"]
    assert errors == []


@pytest.mark.parametrize("found", ["65.5.0", None])
def test_building_the_wheel_without_a_recent_setuptools_says_what_to_install(found, monkeypatch, tmp_path):
    def version(name):
        if found is None:
            raise tool.importlib.metadata.PackageNotFoundError(name)
        return found

    monkeypatch.setattr(tool.importlib.metadata, "version", version)
    with pytest.raises(RuntimeError, match=r"setuptools >= 77 .*found " + (found or "none").replace(".", r"\.")):
        tool.build_wheel(tmp_path)
    assert not list(tmp_path.glob("*.whl"))
