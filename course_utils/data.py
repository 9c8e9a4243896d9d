"""Loaders for the data shipped in the repository's ``data/`` folder.

Every loader checks the file's sha256 before parsing it, so a missing, truncated or
edited file is reported as such instead of producing silently wrong numbers.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np

from course_utils._validation import describe

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

CM_PER_INCH = 2.54

_SHA256 = {
    "galton_families.csv": "2be4a8ce60cac10b767c1d76ad63a2ebedc6403686489953d489e4498a31767a",
    "old_faithful.csv": "35755e109446ec911891b1eae5cb33bc2f18367ce712145e4f9d27d19f575bad",
}

_SEXES = (None, "female", "male")


def _read_rows(name: str) -> list[dict[str, str]]:
    """Return the rows of a shipped CSV file after checking its sha256."""
    path = DATA_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"data file {name!r} not found at {path}; course_utils reads the data/ folder "
            "of a checkout of the course repository (install it with `pip install -e .`)"
        )
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if digest != _SHA256[name]:
        raise ValueError(
            f"data file {path} has sha256 {digest}, expected {_SHA256[name]}: the file was "
            "altered or truncated; restore it from the repository (git checkout -- data/)"
        )
    return list(csv.DictReader(content.decode("utf-8").splitlines()))


def _galton_rows(sex: str | None) -> list[dict[str, str]]:
    # Checked by type first: `in` would compare an array element by element.
    if not (sex is None or isinstance(sex, str)):
        raise TypeError(f"sex must be None, 'female' or 'male'; got {describe(sex)}")
    if sex not in _SEXES:
        raise ValueError(f"sex must be None, 'female' or 'male'; got {sex!r}")
    rows = _read_rows("galton_families.csv")
    return [row for row in rows if sex is None or row["gender"] == sex]


def load_heights(sex: str | None = None) -> np.ndarray:
    """Heights of the 934 adult children in Galton's family data, in centimetres.

    Parameters
    ----------
    sex : {None, "female", "male"}
        Keep only daughters or sons; ``None`` keeps everyone (453 female, 481 male).

    Returns
    -------
    heights : ndarray of shape (n,)
        Recorded heights converted from inches (1 in = 2.54 cm), in file order.
    """
    rows = _galton_rows(sex)
    return np.array([float(row["childHeight"]) for row in rows]) * CM_PER_INCH


def load_heights_with_sex() -> tuple[np.ndarray, np.ndarray]:
    """All 934 heights in centimetres with the recorded sex of each child.

    Returns
    -------
    heights : ndarray of shape (934,)
    is_male : ndarray of bool, shape (934,)
    """
    rows = _galton_rows(None)
    heights = np.array([float(row["childHeight"]) for row in rows]) * CM_PER_INCH
    is_male = np.array([row["gender"] == "male" for row in rows])
    return heights, is_male


def load_father_son() -> np.ndarray:
    """Father's and son's heights in centimetres, one row per son (481 rows).

    A father with several sons appears once per son, so rows of the same family are not
    independent; lesson 02 uses the sample to illustrate a bivariate normal fit.

    Returns
    -------
    heights : ndarray of shape (481, 2)
        Column 0 is the father's height, column 1 the son's.
    """
    rows = _galton_rows("male")
    pairs = [(float(row["father"]), float(row["childHeight"])) for row in rows]
    return np.array(pairs) * CM_PER_INCH


def load_old_faithful() -> np.ndarray:
    """Old Faithful geyser eruptions (272 rows).

    Returns
    -------
    X : ndarray of shape (272, 2)
        Column 0 is the eruption duration in minutes, column 1 the waiting time to the
        next eruption in minutes.
    """
    rows = _read_rows("old_faithful.csv")
    return np.array([(float(row["eruptions"]), float(row["waiting"])) for row in rows])
