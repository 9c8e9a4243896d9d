"""Choosing the number of components: parameter counts, BIC and collapse detection
(course_utils.gmm.n_parameters, bic, collapsed_components; lesson 04, section 10)."""

import numpy as np
import pytest

from course_utils import gmm
from course_utils.data import load_old_faithful


def count_by_hand(k, d, covariance):
    """Free entries written out: k - 1 weights, k d means and the covariances' free entries."""
    upper = len(np.triu_indices(d)[0])
    covariance_entries = {"full": k * upper, "diagonal": k * d, "spherical": k, "tied": upper}[covariance]
    return (k - 1) + k * d + covariance_entries


@pytest.mark.parametrize("covariance", ["full", "diagonal", "spherical", "tied"])
@pytest.mark.parametrize(("k", "d"), [(1, 1), (2, 2), (3, 2), (5, 4)])
def test_n_parameters_counts_the_free_entries(k, d, covariance):
    assert gmm.n_parameters(k, d, covariance) == count_by_hand(k, d, covariance)


def test_n_parameters_of_a_full_mixture_in_two_dimensions_is_6k_minus_1():
    assert [gmm.n_parameters(k, 2) for k in range(1, 6)] == [5, 11, 17, 23, 29]


@pytest.mark.parametrize("covariance", ["full", "diagonal", "spherical", "tied"])
def test_n_parameters_and_bic_agree_with_scikit_learn(covariance):
    mixture = pytest.importorskip("sklearn.mixture")
    X = load_old_faithful()
    sklearn_name = {"diagonal": "diag"}.get(covariance, covariance)
    model = mixture.GaussianMixture(3, covariance_type=sklearn_name, random_state=0).fit(X)
    p = gmm.n_parameters(3, 2, covariance)
    assert p == model._n_parameters()
    log_likelihood = float(model.score(X) * X.shape[0])
    assert gmm.bic(log_likelihood, p, X.shape[0]) == pytest.approx(model.bic(X), rel=1e-12)


def test_bic_of_the_old_faithful_two_component_fit():
    X = load_old_faithful()
    result = gmm.fit(X, 2, n_init=3, rng=0)
    expected = -2 * result.log_likelihood + 11 * np.log(272)
    assert gmm.bic(result.log_likelihood, gmm.n_parameters(2, 2), 272) == pytest.approx(expected, rel=1e-14)
    assert gmm.bic(result.log_likelihood, 11, 272) == pytest.approx(2322.19, abs=0.01)


def test_an_ordinary_fit_has_no_collapsed_component():
    X = load_old_faithful()
    result = gmm.fit(X, 2, n_init=3, rng=0)
    assert not gmm.collapsed_components(result.weights, result.covariances, X.shape[0]).any()


def test_a_component_on_a_duplicated_point_is_collapsed_at_either_floor():
    X = load_old_faithful()
    base = gmm.fit(X, 2, n_init=3, rng=0)
    duplicate = np.array([1.75, 47.0])
    assert np.sum(np.all(X == duplicate, axis=1)) == 2
    start = (np.append(base.weights * (1 - 2 / 272), 2 / 272), np.vstack([base.means, duplicate]),
             np.concatenate([base.covariances, 1e-3 * np.eye(2)[np.newaxis]]))
    for reg_covar in (1e-6, 1e-8):
        result = gmm.fit(X, 3, init=start, reg_covar=reg_covar)
        flags = gmm.collapsed_components(result.weights, result.covariances, 272, reg_covar)
        assert flags.tolist() == [False, False, True]
    # Judged against the wrong (much larger) floor, an ordinary component is not collapsed
    # either: the test is relative to the reg_covar actually used.
    assert not gmm.collapsed_components(base.weights, base.covariances, 272, 1e-3).any()


def test_few_effective_points_count_as_collapsed_even_with_a_wide_covariance():
    covariances = np.stack([np.eye(2), np.eye(2)])
    # N pi_k = 2.5 < d + 1 = 3.
    assert gmm.collapsed_components([1 - 2.5 / 100, 2.5 / 100], covariances, 100).tolist() == [False, True]
    assert gmm.collapsed_components([1 - 3.5 / 100, 3.5 / 100], covariances, 100).tolist() == [False, False]


def test_a_single_component_given_as_a_matrix():
    assert gmm.collapsed_components([1.0], np.eye(3), 10).tolist() == [False]
    assert gmm.collapsed_components([1.0], np.diag([1.0, 1.0, 2e-6]), 10).tolist() == [True]


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [((0, 2), ValueError, "n_components must be at least 1"),
     ((2, 2.0), TypeError, "n_features must be an integer"),
     ((2, 2, "diag"), ValueError, "covariance must be one of")],
)
def test_n_parameters_rejects_bad_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        gmm.n_parameters(*arguments)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [(("-3", 5, 10), TypeError, "log_likelihood must be a real number"),
     ((np.nan, 5, 10), ValueError, "log_likelihood must be a finite number; got"),
     ((-3.0, -1, 10), ValueError, "n_parameters must be at least 0"),
     ((-3.0, 5, 0), ValueError, "n_points must be at least 1")],
)
def test_bic_rejects_bad_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        gmm.bic(*arguments)


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [(([0.5, 0.5], np.stack([np.eye(2)] * 3), 10), ValueError, r"covariances must have shape \(2, 2, 2\)"),
     (([0.7, 0.7], np.stack([np.eye(2)] * 2), 10), ValueError, "weights"),
     (([0.5, 0.5], np.stack([np.eye(2)] * 2), 10, -1.0), ValueError, "reg_covar must be a finite number >= 0"),
     (([0.5, 0.5], np.stack([np.eye(2)] * 2), 0), ValueError, "n_points must be at least 1")],
)
def test_collapsed_components_rejects_bad_arguments(arguments, error, message):
    with pytest.raises(error, match=message):
        gmm.collapsed_components(*arguments)
