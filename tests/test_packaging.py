"""pyproject.toml and environment.yml must describe the same environment."""

import re
import sys
from pathlib import Path

import course_utils

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest itself depends on tomli before Python 3.11
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")
# Where conda-forge publishes a PyPI package under another name: PyPI name -> conda name.
# (conda-forge's `playwright` is the Node.js tool; the Python bindings are `playwright-python`.)
CONDA_NAMES = {"playwright": "playwright-python"}


def parse(requirement: str) -> tuple[str, str]:
    name, spec = REQUIREMENT.match(requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements.extend(extra)
    requirements.append(f"python{project['requires-python']}")
    parsed = (parse(r) for r in requirements)
    return {CONDA_NAMES.get(name, name): spec for name, spec in parsed}


def conda_requirements() -> dict[str, str]:
    """The conda dependencies (the simple list format this file uses), with the packages its
    `pip:` section installs because conda-forge lacks them (not its options or `-e .`)."""
    lines = (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()
    start = lines.index("dependencies:") + 1
    packages = {}
    for line in lines[start:]:
        item = re.match(r"^  - (\S.*)$", line) or re.match(r"^      - ([A-Za-z]\S*)$", line)
        if item and item.group(1) != "pip:" and item.group(1) != "pip":
            name, spec = parse(item.group(1))
            packages[name] = spec
    return packages


def test_conda_environment_names_the_same_packages_and_bounds():
    assert conda_requirements() == pyproject_requirements()


def test_every_dependency_has_a_lower_bound_and_no_pin():
    for name, spec in pyproject_requirements().items():
        assert spec.startswith(">="), f"{name} should have a tested floor (>=), not {spec!r}"


def test_version_is_defined_once():
    version_file = (ROOT / "course_utils" / "_version.py").read_text(encoding="utf-8")
    assert f'__version__ = "{course_utils.__version__}"' in version_file
    assert re.fullmatch(r"\d+\.\d+\.\d+", course_utils.__version__)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "course_utils._version.__version__"}
