import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from course_utils import data

INCH = 2.54


def test_heights_match_the_published_counts_and_means():
    female, male, everyone = data.load_heights("female"), data.load_heights("male"), data.load_heights()
    assert female.shape == (453,) and male.shape == (481,) and everyone.shape == (934,)
    assert everyone.dtype == np.float64
    assert female.mean() / INCH == pytest.approx(64.103974, abs=1e-6)
    assert male.mean() / INCH == pytest.approx(69.234096, abs=1e-6)
    assert np.array_equal(np.sort(everyone), np.sort(np.concatenate([female, male])))


def test_heights_with_sex_agree_with_the_filtered_loader():
    heights, is_male = data.load_heights_with_sex()
    assert np.array_equal(heights[is_male], data.load_heights("male"))
    assert np.array_equal(heights[~is_male], data.load_heights("female"))


def test_father_son_pairs_are_in_centimetres():
    pairs = data.load_father_son()
    assert pairs.shape == (481, 2)
    assert np.array_equal(pairs[:, 1], data.load_heights("male"))
    # Galton's fathers measured between 62 and 78.5 inches.
    assert pairs[:, 0].min() == pytest.approx(62.0 * INCH)
    assert pairs[:, 0].max() == pytest.approx(78.5 * INCH)


def test_old_faithful_shape_and_ranges():
    X = data.load_old_faithful()
    assert X.shape == (272, 2) and X.dtype == np.float64
    assert X[0].tolist() == [3.6, 79.0]
    assert 1.5 <= X[:, 0].min() and X[:, 0].max() <= 5.2
    assert 40 <= X[:, 1].min() and X[:, 1].max() <= 100


@pytest.mark.parametrize("sex", ["Female", "m", ""])
def test_unknown_sex_is_rejected(sex):
    with pytest.raises(ValueError, match="sex must be None, 'female' or 'male'"):
        data.load_heights(sex)


def test_data_ship_inside_the_package_with_their_provenance():
    """The files are package data (a wheel has them too), listed with their checksums."""
    package = Path(data.__file__).resolve().parent
    assert data.DATA_DIR == package / "datasets"
    provenance = (data.DATA_DIR / "README.md").read_text(encoding="utf-8")
    for name, sha256 in data._SHA256.items():
        assert (data.DATA_DIR / name).is_file()
        assert re.search(rf"^\| `{re.escape(name)}` \|.*\| `{sha256}` \|$", provenance, re.MULTILINE), name


def test_loading_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert data.load_old_faithful().shape == (272, 2)


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    for name in ("galton_families.csv", "old_faithful.csv"):
        shutil.copy(data.DATA_DIR / name, tmp_path / name)
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    return tmp_path


def test_missing_file_is_reported(data_copy):
    (data_copy / "old_faithful.csv").unlink()
    with pytest.raises(FileNotFoundError, match="'old_faithful.csv' not found"):
        data.load_old_faithful()


def test_altered_file_is_reported(data_copy):
    path = data_copy / "galton_families.csv"
    path.write_bytes(path.read_bytes().replace(b"73.2", b"83.2", 1))
    with pytest.raises(ValueError, match="altered or truncated"):
        data.load_heights()


def test_crlf_line_endings_are_reported_not_misread(data_copy):
    path = data_copy / "old_faithful.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    with pytest.raises(ValueError, match="sha256"):
        data.load_old_faithful()


@pytest.mark.parametrize("sex", [np.array(["male", "female"]), ["male"], 1])
def test_a_sex_that_is_not_a_string_is_named(sex):
    with pytest.raises(TypeError, match="sex must be None, 'female' or 'male'; got"):
        data.load_heights(sex)


# --- handwritten digits (lesson 07) ------------------------------------------------------


def test_digits_shape_range_and_class_counts():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64 and y.shape == (1797,)
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X))
    counts = np.bincount(y, minlength=10)
    assert counts.sum() == 1797 and counts.min() == 174 and counts.max() == 183
    assert y[:10].tolist() == list(range(10))


def test_digits_split_is_the_first_three_quarters_and_holds_every_class():
    X, y = data.load_digits()
    split = data.load_digits_split()
    assert split.X_train.shape == (1347, 64) and split.X_test.shape == (450, 64)
    np.testing.assert_array_equal(np.concatenate([split.X_train, split.X_test]), X)
    np.testing.assert_array_equal(np.concatenate([split.y_train, split.y_test]), y)
    assert np.bincount(split.y_test, minlength=10).min() == 41


def test_a_split_that_leaves_a_class_out_is_an_error():
    X, y = data.load_digits()
    with pytest.raises(ValueError, match=r"train_fraction = 0.004 leaves class\(es\) \[7, 8, 9\] out of the training"):
        data.split_digits(X, y, 0.004)
    order = np.argsort(y, kind="stable")
    reverse = order[::-1]  # the nines first: the last 5 % of the images are all zeros
    with pytest.raises(ValueError, match=r"leaves class\(es\) \[1, 2, 3, 4, 5, 6, 7, 8, 9\] out of the test part"):
        data.split_digits(X[reverse], y[reverse], 0.95)


@pytest.mark.parametrize(
    "X, y, fraction, error, message",
    [
        (np.zeros((20, 63)), np.arange(20) % 10, 0.5, ValueError, r"X must have shape \(n, 64\)"),
        (np.full((20, 64), 17.0), np.arange(20) % 10, 0.5, ValueError, r"X must hold pixel values in \[0, 16\]"),
        (np.zeros((20, 64)), np.arange(20), 0.5, ValueError, r"y must hold labels 0..9; got values 0..19"),
        (np.zeros((20, 64)), np.arange(19) % 10, 0.5, ValueError, r"y must have shape \(20,\)"),
        (np.zeros((20, 64)), np.arange(20) % 10 + 0.5, 0.5, ValueError, r"y must hold integer labels"),
        (np.zeros((20, 64)), np.arange(20) % 10, 1.0, ValueError, r"train_fraction must lie strictly between"),
        (np.full((20, 64), "a"), np.arange(20) % 10, 0.5, TypeError, r"X must be an array of pixel values"),
    ],
)
def test_bad_digit_splits_are_named(X, y, fraction, error, message):
    with pytest.raises(error, match=message):
        data.split_digits(X, y, fraction)


def test_digit_parser_rejects_malformed_content():
    good = ",".join(["0"] * 64 + ["3"])
    assert data._parse_digits(good + "\n")[1].tolist() == [3]
    with pytest.raises(ValueError, match="65 columns per row"):
        data._parse_digits(good + "\n" + ",".join(["0"] * 64))
    with pytest.raises(ValueError, match=r"pixels must lie in 0..16; found 0..17"):
        data._parse_digits(good.replace("0", "17", 1))
    with pytest.raises(ValueError, match=r"labels must lie in 0..9; found 10..10"):
        data._parse_digits(",".join(["0"] * 64 + ["10"]))
    with pytest.raises(ValueError, match="integers only"):
        data._parse_digits(good.replace("0", "x", 1))


def test_altered_digits_file_is_reported(tmp_path, monkeypatch):
    content = bytearray((data.DATA_DIR / "digits.csv.gz").read_bytes())
    content[-20] ^= 1
    (tmp_path / "digits.csv.gz").write_bytes(bytes(content))
    monkeypatch.setattr(data, "DATA_DIR", tmp_path)
    with pytest.raises(ValueError, match="altered or truncated"):
        data.load_digits()


def test_unusual_digits():
    X, _ = data.load_digits()
    images = X[:5].copy()
    rotated = data.unusual_digits(images, "rotated")
    # Anticlockwise: the top row of the rotated image is the right-hand column of the original.
    np.testing.assert_array_equal(rotated.reshape(-1, 8, 8)[:, 0, :], images.reshape(-1, 8, 8)[:, :, 7])
    three_turns = data.unusual_digits(data.unusual_digits(rotated, "rotated"), "rotated")
    np.testing.assert_array_equal(data.unusual_digits(three_turns, "rotated"), images)  # four turns: back
    np.testing.assert_array_equal(data.unusual_digits(images, "inverted"), 16 - images)
    noise = data.unusual_digits(images, "noise", rng=0)
    assert noise.shape == (5, 64) and noise.min() >= 0 and noise.max() <= 16
    np.testing.assert_array_equal(noise, data.unusual_digits(images, "noise", rng=0))
    np.testing.assert_array_equal(images, X[:5])  # the input is not changed
    with pytest.raises(ValueError, match=r"kind must be one of \('rotated', 'inverted', 'noise'\)"):
        data.unusual_digits(images, "flipped")
    with pytest.raises(TypeError, match=r"rng must be None"):
        data.unusual_digits(images, "noise", rng="abc")
