"""Family identifiers of Galton's data: which rows are siblings (lesson 02)."""

import numpy as np
import pytest

from course_utils.data import load_family_ids, load_father_son, load_heights


def test_family_ids_follow_the_rows_of_the_height_loaders():
    for sex in (None, "female", "male"):
        assert load_family_ids(sex).shape == load_heights(sex).shape
    assert load_family_ids("male").shape[0] == load_father_son().shape[0]


def test_family_counts_match_the_published_description():
    # Hanley (2004): 205 families, 934 adult children; 179 of the families have a son in the file.
    assert np.unique(load_family_ids()).size == 205
    assert np.unique(load_family_ids("male")).size == 179
    assert "136A" in load_family_ids()


def test_siblings_share_their_father():
    families, fathers = load_family_ids("male"), load_father_son()[:, 0]
    for family in np.unique(families):
        assert np.unique(fathers[families == family]).size == 1


def test_unknown_sex_is_rejected():
    with pytest.raises(ValueError, match="sex must be None, 'female' or 'male'"):
        load_family_ids("boys")
