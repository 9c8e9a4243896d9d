"""Loaders for the data shipped inside the package, in ``course_utils/datasets/``.

The files are package data: they sit next to this module in a checkout of the course
and in an installed wheel alike (``course_utils/datasets/README.md`` gives their
provenance, licences, units and checksums). Every loader checks the file's sha256 before
parsing it, so a missing, truncated or edited file is reported as such instead of
producing silently wrong numbers.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import numbers
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_utils._validation import as_float_array, as_generator, describe

# A folder of the package (not a subpackage), found from this file wherever the package is
# installed: a checkout (editable install) or a wheel unpacked into site-packages.
DATA_DIR = Path(__file__).resolve().parent / "datasets"

CM_PER_INCH = 2.54

_SHA256 = {
    "galton_families.csv": "2be4a8ce60cac10b767c1d76ad63a2ebedc6403686489953d489e4498a31767a",
    "old_faithful.csv": "35755e109446ec911891b1eae5cb33bc2f18367ce712145e4f9d27d19f575bad",
    "digits.csv.gz": "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22",
}

_SEXES = (None, "female", "male")


def _read_bytes(name: str) -> bytes:
    """Return the bytes of a shipped data file after checking its sha256."""
    path = DATA_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"data file {name!r} not found at {path}; course_utils reads the datasets/ folder "
            "it ships with: reinstall the package (`pip install -e .` in the course repository, "
            "or the student edition's wheel)"
        )
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if digest != _SHA256[name]:
        raise ValueError(
            f"data file {path} has sha256 {digest}, expected {_SHA256[name]}: the file was "
            "altered or truncated; restore it (git checkout -- course_utils/datasets/ in the "
            "repository, or reinstall the wheel)"
        )
    return content


def _read_rows(name: str) -> list[dict[str, str]]:
    """Return the rows of a shipped CSV file after checking its sha256."""
    return list(csv.DictReader(_read_bytes(name).decode("utf-8").splitlines()))


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


def load_family_ids(sex: str | None = None) -> np.ndarray:
    """Galton's family identifier of each adult child, in file order (205 families in all).

    Row n belongs with row n of ``load_heights(sex)`` and, for ``sex="male"``, of
    :func:`load_father_son`: children with the same identifier are siblings.

    Parameters
    ----------
    sex : {None, "female", "male"}
        Keep only daughters or sons, as in :func:`load_heights`.

    Returns
    -------
    family : ndarray of str, shape (n,)
        Identifiers as recorded: ``"001"`` to ``"204"`` and ``"136A"``.
    """
    return np.array([row["family"] for row in _galton_rows(sex)])


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


# --------------------------------------------------------------------------------------
# Handwritten digits (lesson 07)
# --------------------------------------------------------------------------------------

DIGIT_SHAPE = (8, 8)
N_PIXELS = 64
MAX_PIXEL = 16
N_CLASSES = 10
TRAIN_FRACTION = 0.75
UNUSUAL_KINDS = ("rotated", "inverted", "noise")


def _parse_digits(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, 64) and labels (n,) from the CSV text, with every value checked."""
    rows = [line.split(",") for line in text.splitlines() if line]
    lengths = {len(row) for row in rows}
    if lengths != {N_PIXELS + 1}:
        raise ValueError(f"digits file must have {N_PIXELS + 1} columns per row (64 pixels, then the label); "
                         f"found rows of lengths {sorted(lengths)}")
    try:
        values = np.array(rows, dtype=np.int64)
    except ValueError:
        raise ValueError("digits file must hold integers only") from None
    images, labels = values[:, :N_PIXELS], values[:, N_PIXELS]
    if images.min() < 0 or images.max() > MAX_PIXEL:
        raise ValueError(f"digits pixels must lie in 0..{MAX_PIXEL}; found {images.min()}..{images.max()}")
    if labels.min() < 0 or labels.max() >= N_CLASSES:
        raise ValueError(f"digits labels must lie in 0..{N_CLASSES - 1}; found {labels.min()}..{labels.max()}")
    return images.astype(float), labels


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1797 handwritten digits of the UCI optical-recognition data (8x8 images).

    Returns
    -------
    X : ndarray of shape (1797, 64)
        Pixels of each image read row by row, integers 0..16 stored as floats: the number
        of set pixels in the corresponding 4x4 block of a 32x32 bitmap.
    y : ndarray of int, shape (1797,)
        The digit, 0..9, in file order.

    Raises
    ------
    FileNotFoundError, ValueError
        If the file is missing, its sha256 differs, or a value is out of range.
    """
    content = _read_bytes("digits.csv.gz")
    return _parse_digits(gzip.decompress(content).decode("ascii"))


@dataclass(frozen=True)
class DigitsSplit:
    """A train/test split of the digits: ``X_train`` (n_train, 64), ``y_train`` (n_train,),
    ``X_test`` (n_test, 64), ``y_test`` (n_test,)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _check_digit_images(X, name: str = "X") -> np.ndarray:
    array = np.array(as_float_array(X, name, "an array of pixel values (real numbers)"), dtype=float)
    if array.ndim != 2 or array.shape[1] != N_PIXELS:
        raise ValueError(f"{name} must have shape (n, {N_PIXELS}): one 8x8 image per row; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf values")
    if array.size and (array.min() < 0 or array.max() > MAX_PIXEL):
        raise ValueError(f"{name} must hold pixel values in [0, {MAX_PIXEL}]; got {array.min():g}..{array.max():g}")
    return array


def split_digits(X, y, train_fraction: float = TRAIN_FRACTION) -> DigitsSplit:
    """Split images in file order: the first ``train_fraction`` for training, the rest for testing.

    The file is not shuffled: consecutive images tend to come from the same writers, so a
    contiguous test block measures how well a model does on writing it has seen less of,
    and the split is the same on every machine with no seed.

    Parameters
    ----------
    X : array_like of shape (n, 64)
    y : array_like of int, shape (n,)
    train_fraction : float in (0, 1)
        ``floor(train_fraction * n)`` rows go to training (1347 of 1797 for 0.75).

    Returns
    -------
    DigitsSplit

    Raises
    ------
    ValueError
        If a class 0..9 is missing from either part, or for bad shapes and values.
    """
    X = _check_digit_images(X)
    labels = np.asarray(y)
    if labels.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), one label per image; got shape {labels.shape}")
    if labels.dtype.kind not in "iu" and not (
            labels.dtype.kind == "f" and np.all(np.isfinite(labels)) and np.all(labels == np.round(labels))):
        raise ValueError(f"y must hold integer labels 0..{N_CLASSES - 1}; got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= N_CLASSES):
        raise ValueError(f"y must hold labels 0..{N_CLASSES - 1}; got values {labels.min():g}..{labels.max():g}")
    labels = labels.astype(np.intp)
    if isinstance(train_fraction, bool) or not isinstance(train_fraction, numbers.Real) or not (
            0 < train_fraction < 1):
        raise ValueError(f"train_fraction must lie strictly between 0 and 1; got {train_fraction!r}")
    n_train = int(np.floor(float(train_fraction) * X.shape[0]))
    parts = {"training": labels[:n_train], "test": labels[n_train:]}
    for part, part_labels in parts.items():
        missing = sorted(set(range(N_CLASSES)) - set(part_labels.tolist()))
        if missing:
            raise ValueError(f"train_fraction = {train_fraction} leaves class(es) {missing} out of the {part} "
                             f"part ({part_labels.size} images): every digit must appear in both parts")
    return DigitsSplit(X[:n_train], labels[:n_train], X[n_train:], labels[n_train:])


def load_digits_split() -> DigitsSplit:
    """The course's fixed split of :func:`load_digits`: first 1347 images train, last 450 test.

    Both parts hold every digit (test: 41 to 48 images per digit). See :func:`split_digits`.
    """
    return split_digits(*load_digits())


def unusual_digits(X, kind: str, rng=None) -> np.ndarray:
    """Inputs unlike the training digits, for testing what a classifier says about them.

    Parameters
    ----------
    X : array_like of shape (n, 64)
        Digit images, pixels 0..16.
    kind : {"rotated", "inverted", "noise"}
        ``"rotated"``: each image turned 90 degrees anticlockwise. ``"inverted"``: 16 minus
        each pixel (dark digits on a light ground). ``"noise"``: n images of pixels drawn
        independently and uniformly from [0, 16] (``X`` only sets n).
    rng : None, int or numpy.random.Generator
        Used only by ``"noise"``.

    Returns
    -------
    ndarray of shape (n, 64), pixels in [0, 16]; a new array (``X`` is not changed)
    """
    X = _check_digit_images(X)
    if kind == "rotated":
        return np.rot90(X.reshape(-1, *DIGIT_SHAPE), k=1, axes=(1, 2)).reshape(-1, N_PIXELS).copy()
    if kind == "inverted":
        return MAX_PIXEL - X
    if kind == "noise":
        return as_generator(rng).uniform(0.0, MAX_PIXEL, size=X.shape)
    raise ValueError(f"kind must be one of {UNUSUAL_KINDS}; got {kind!r}")
