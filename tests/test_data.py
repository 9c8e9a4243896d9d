import shutil

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
