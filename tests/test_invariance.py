"""Issue 16: the kernels give the same answer at any offset and in any units, and a clear
error for everything else.

Property tests (hypothesis and seeded cases) over random data and over the issue's own
examples: translation by up to 1e9 times the data's spread, scaling (uniform for
k-means, whose distances are not invariant under scaling one column; per column, with the
parameters transformed alike, for the Gaussian kernels), exact ties, duplicated rows, the
"never increases" / "equals the exact value" promises, and magnitudes from 1e-300 to
1e300. Offsets and scales are powers of two or their images are compared with a
tolerance that covers the rounding of the data themselves.
"""

import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import clt, em_bound, gmm, kmeans, laplace, mle

FEW = settings(max_examples=12, deadline=None)


def blobs(rng, n, d, k, spread=1.0, separation=4.0):
    means = rng.normal(scale=separation, size=(k, d))
    return means[rng.integers(k, size=n)] + spread * rng.normal(size=(n, d))


def triangle_blobs(seed=0):
    """The issue's three tight blobs: sd 0.1, corners of a triangle with sides 10, 50 each."""
    rng = np.random.default_rng(seed)
    corners = np.array([[0.0, 0.0], [10.0, 0.0], [5.0, np.sqrt(75.0)]])
    return np.concatenate([c + 0.1 * rng.normal(size=(50, 2)) for c in corners]), corners


def one_center_per_blob(centers, corners):
    nearest = np.argmin(((centers[:, np.newaxis] - corners[np.newaxis]) ** 2).sum(axis=2), axis=1)
    return sorted(nearest) == list(range(len(corners)))


def exact_inertia(X, labels, centers):
    return float(np.sum((X - centers[labels]) ** 2))


# ------------------------------------------------------------------ the examples


def test_kmeans_plusplus_seeds_one_center_per_blob_when_shifted_by_1e9():
    X, corners = triangle_blobs()
    for seed in range(20):
        plain = kmeans.kmeans_plusplus(X, 3, rng=seed)
        shifted = kmeans.kmeans_plusplus(X + 1e9, 3, rng=seed)
        assert one_center_per_blob(plain, corners), seed
        assert one_center_per_blob(shifted - 1e9, corners), seed


def test_kmeans_fit_on_shifted_blobs_finds_the_blobs():
    X, _ = triangle_blobs()
    plain = kmeans.fit(X, 3, rng=1)
    shifted = kmeans.fit(X + 1e9, 3, rng=1)
    assert plain.inertia < 3.5  # three blobs of 50 points with sd 0.1 in 2-D: J is about 3
    # The data themselves are rounded to 1.2e-7 at 1e9, so J agrees to about 1e-6.
    np.testing.assert_allclose(shifted.inertia, plain.inertia, rtol=1e-5)
    np.testing.assert_array_equal(shifted.labels, plain.labels)


def tight_clusters_and_far_points():
    """The issue's second example: J from the expanded sums cancelled."""
    rng = np.random.default_rng(29)
    return np.concatenate([
        rng.normal(0.0, 1e-3, size=(200, 2)),
        rng.normal(0.0, 1e-3, size=(200, 2)) + [0.0, 5e-3],
        np.full((3, 2), 1e5),
    ])


def check_inertia_promises(X, result):
    history = result.inertia_history
    assert np.all(np.diff(history) <= 1e-12 * history[:-1]), np.diff(history)
    exact = exact_inertia(X, result.labels, result.centers)
    np.testing.assert_allclose(result.inertia, exact, rtol=1e-9)
    if result.converged:
        np.testing.assert_allclose(history[-1], exact, rtol=1e-9)


def test_inertia_history_of_tight_clusters_next_to_far_points():
    X = tight_clusters_and_far_points()
    result = kmeans.fit(X, 3, rng=29)
    check_inertia_promises(X, result)
    for seed in range(10):
        check_inertia_promises(X, kmeans.fit(X, 3, init="random", rng=seed))


def test_inertia_history_of_repeated_rows_rises_by_rounding_at_most():
    # Started on its distinct rows, J is 0; the computed means of repeated rows may differ
    # from the rows by an ulp, and J by about 1e-32: within the documented rounding.
    for seed in range(100):
        rng = np.random.default_rng(seed)
        distinct = rng.normal(size=(int(rng.integers(2, 6)), int(rng.integers(1, 4))))
        X = np.repeat(distinct, rng.integers(1, 9, size=len(distinct)), axis=0)
        result = kmeans.fit(X, len(distinct), init=distinct)
        spread = np.sum((X - X.mean(axis=0)) ** 2)
        assert np.all(np.diff(result.inertia_history) <= 1e-12 * spread), seed
        assert result.inertia <= 1e-12 * spread


@pytest.mark.parametrize("start", [1e6, 1e5])
def test_gmm_fit_agrees_with_the_textbook_m_step_when_a_mean_moves_far(start):
    X = 5.0 + 1e-2 * np.random.default_rng(2).normal(size=(100, 2))
    init = (np.array([1.0]), np.array([[start, start]]), np.eye(2)[np.newaxis])
    result = gmm.fit(X, 1, init=init, reg_covar=0.0, max_iter=1, tol=0.0)
    responsibilities, _ = gmm.e_step(X, *init)
    weights, means, covariances = gmm.m_step(X, responsibilities, reg_covar=0.0)
    np.testing.assert_allclose(result.weights, weights, rtol=1e-12)
    np.testing.assert_allclose(result.means, means, rtol=1e-12)
    np.testing.assert_allclose(result.covariances, covariances, rtol=1e-9)


def test_gmm_random_start_on_a_tight_cluster_far_from_the_rest():
    rng = np.random.default_rng(4)
    X = np.concatenate([5.0 + 1e-2 * rng.normal(size=(100, 2)), 1e5 + rng.normal(size=(100, 2))])
    for seed in range(5):
        result = gmm.fit(X, 2, init="random", reg_covar=0.0, max_iter=50, rng=seed)
        tight = int(np.argmin(result.means[:, 0]))
        np.testing.assert_allclose(result.covariances[tight], np.cov(X[:100].T, bias=True), rtol=1e-6)


def test_columns_whose_spreads_differ_by_1e7_and_1e8():
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.normal(size=500), 1e-7 * rng.normal(size=500)])
    fitted = mle.fit_multivariate_normal(X)
    np.testing.assert_allclose(fitted.covariance, np.cov(X.T, bias=True), rtol=1e-10, atol=0)
    X8 = X * [1.0, 0.1]
    result = gmm.fit(X8, 2, reg_covar=0.0, rng=0)
    assert np.all(np.isfinite(result.covariances)) and np.isfinite(result.log_likelihood)
    # The same fit with the small column in other units, from the same start.
    start = gmm.fit(X8, 2, reg_covar=0.0, rng=0, max_iter=0)
    A = np.array([1.0, 1e8])
    init = (start.weights, start.means * A, start.covariances * np.outer(A, A))
    rescaled = gmm.fit(X8 * A, 2, init=init, reg_covar=0.0)
    np.testing.assert_allclose(rescaled.log_likelihood, result.log_likelihood - 500 * np.log(1e8), rtol=1e-9)
    np.testing.assert_allclose(rescaled.covariances / np.outer(A, A), result.covariances, rtol=1e-6)


def test_gmm_random_init_never_starts_two_components_on_one_point():
    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 5, axis=0)
    for seed in range(10):
        start = gmm.fit(X, 2, init="random", max_iter=0, rng=seed)
        assert not np.allclose(start.means[0], start.means[1]), seed
        result = gmm.fit(X, 2, init="random", rng=seed)
        assert not np.allclose(result.means[0], result.means[1]), seed


def test_kmeans_around_1e200():
    rng = np.random.default_rng(5)
    Z = rng.normal(size=(60, 2))
    Z[:30] += 6.0
    reference = kmeans.fit(Z, 2, rng=0)
    # Offset 1e150, spread 1e140: squared distances of 1e280 fit in a float.
    result = kmeans.fit(1e150 + 1e140 * Z, 2, rng=0)
    np.testing.assert_array_equal(result.labels, reference.labels)
    np.testing.assert_allclose(result.inertia, reference.inertia * 1e280, rtol=1e-6)
    # Around 1e200 any spread the floats can resolve (1e184 or more) squares beyond the
    # float range: that is said, not an IndexError.
    with pytest.raises(ValueError, match="squared distances of X exceed the floating-point range"):
        kmeans.assign(1e200 * Z, [[0.0, 0.0], [1e200, 1e200]])
    with pytest.raises(ValueError, match="squared distances of X exceed the floating-point range"):
        kmeans.fit(1e200 * Z, 2, rng=0)


def test_singular_logistic_hessian_is_the_documented_runtime_error():
    rng = np.random.default_rng(0)
    level = rng.integers(0, 2, size=2000)
    X = np.column_stack([np.ones(2000), level, 1 - level])  # intercept plus both one-hot columns
    y = (rng.random(2000) < 0.3 + 0.3 * level).astype(float)
    with pytest.raises(RuntimeError, match="singular to working precision: columns of X are collinear"):
        laplace.fit_logistic_regression(X, y, prior_precision=1e-14)


# -------------------------------------------------------------- translation and units

offsets = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)
seeds = st.integers(min_value=0, max_value=2**16)


@FEW
@given(seed=seeds, offset=offsets)
def test_kmeans_is_translation_invariant(seed, offset):
    rng = np.random.default_rng(seed)
    X = blobs(rng, 120, 2, 3)
    shift = offset * np.array([1.0, -0.5])  # up to 1e9 times the spread
    plain = kmeans.fit(X, 3, rng=seed)
    moved = kmeans.fit(X + shift, 3, rng=seed)
    # The shifted data are rounded to about |shift| * 1.1e-16 per coordinate.
    tolerance = 1e-15 * (1.0 + np.abs(shift).max()) * 1e3
    np.testing.assert_array_equal(moved.labels, plain.labels)
    np.testing.assert_allclose(moved.centers - shift, plain.centers, atol=tolerance)
    np.testing.assert_allclose(moved.inertia, plain.inertia, rtol=1e-12 + tolerance)
    labels, _ = kmeans.assign(X + shift, plain.centers + shift)
    np.testing.assert_array_equal(labels, plain.labels)
    np.testing.assert_allclose(
        kmeans.update_centers(X + shift, labels, 3) - shift, kmeans.update_centers(X, labels, 3), atol=tolerance
    )


@FEW
@given(seed=seeds, exponent=st.integers(min_value=-20, max_value=20))
def test_kmeans_is_scale_equivariant(seed, exponent):
    rng = np.random.default_rng(seed)
    X = blobs(rng, 120, 3, 4)
    factor = 2.0**exponent * 1.5**exponent  # 1e-6 .. 1e6, not only powers of two
    plain = kmeans.fit(X, 4, rng=seed)
    scaled = kmeans.fit(X * factor, 4, rng=seed)
    np.testing.assert_array_equal(scaled.labels, plain.labels)
    np.testing.assert_allclose(scaled.centers / factor, plain.centers, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(scaled.inertia / factor**2, plain.inertia, rtol=1e-12)
    np.testing.assert_allclose(scaled.inertia_history / factor**2, plain.inertia_history, rtol=1e-11)


def random_mixture(rng, d, k):
    weights = rng.dirichlet(np.ones(k))
    means = rng.normal(scale=3.0, size=(k, d))
    factors = rng.normal(size=(k, d, d))
    covariances = factors @ factors.transpose(0, 2, 1) + 0.5 * np.eye(d)
    return weights, means, covariances


@FEW
@given(seed=seeds, offset=offsets, exponents=st.lists(st.integers(-6, 6), min_size=2, max_size=2))
def test_gaussian_kernels_under_affine_changes_of_units(seed, offset, exponents):
    # x -> A x + b with A = diag(10^e): means map alike, covariances to A S A, and
    # log-densities drop by log|det A|; responsibilities, ELBO minus log|det A| per point
    # and the fits follow.
    rng = np.random.default_rng(seed)
    weights, means, covariances = random_mixture(rng, 2, 2)
    X, _ = gmm.sample(weights, means, covariances, 80, rng=seed)
    A = 10.0 ** np.array(exponents, dtype=float)
    b = offset * A  # an offset of up to 1e9 spreads in every column
    Y, means_y, covariances_y = X * A + b, means * A + b, covariances * np.outer(A, A)
    log_det = float(np.sum(np.log(A)))
    tolerance = 1e-9 + 1e-15 * abs(offset) * 1e2

    np.testing.assert_allclose(
        gmm.log_gaussian(Y, means_y, covariances_y), gmm.log_gaussian(X, means, covariances) - log_det,
        rtol=tolerance, atol=tolerance,
    )
    responsibilities, log_likelihood = gmm.e_step(X, weights, means, covariances)
    responsibilities_y, log_likelihood_y = gmm.e_step(Y, weights, means_y, covariances_y)
    np.testing.assert_allclose(responsibilities_y, responsibilities, atol=tolerance)
    np.testing.assert_allclose(log_likelihood_y, log_likelihood - 80 * log_det, rtol=tolerance)

    w, m, c = gmm.m_step(X, responsibilities, reg_covar=0.0)
    w_y, m_y, c_y = gmm.m_step(Y, responsibilities, reg_covar=0.0)
    np.testing.assert_allclose(w_y, w, rtol=1e-12)
    np.testing.assert_allclose((m_y - b) / A, m, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(c_y / np.outer(A, A), c, rtol=tolerance, atol=tolerance)

    q = responsibilities
    np.testing.assert_allclose(
        em_bound.elbo(Y, q, weights, means_y, covariances_y), em_bound.elbo(X, q, weights, means, covariances) - 80 * log_det,
        rtol=tolerance,
    )

    try:
        fit = gmm.fit(X, 2, init=(weights, means, covariances), reg_covar=0.0, max_iter=20, tol=0.0)
    except ValueError:  # a component collapsed: it must collapse in any units
        with pytest.raises(ValueError, match="collapsed"):
            gmm.fit(Y, 2, init=(weights, means_y, covariances_y), reg_covar=0.0, max_iter=20, tol=0.0)
        return
    fit_y = gmm.fit(Y, 2, init=(weights, means_y, covariances_y), reg_covar=0.0, max_iter=20, tol=0.0)
    np.testing.assert_allclose(fit_y.log_likelihood, fit.log_likelihood - 80 * log_det, rtol=1e-7)
    np.testing.assert_allclose((fit_y.means - b) / A, fit.means, rtol=1e-6, atol=1e-6)
    # At an offset, the data themselves are rounded to about 1e-16 of it, and twenty EM
    # iterations carry that into the covariances.
    np.testing.assert_allclose(fit_y.covariances / np.outer(A, A), fit.covariances, rtol=1e-6,
                               atol=1e-9 + 1e-14 * abs(offset))

    normal = mle.fit_multivariate_normal(X)
    normal_y = mle.fit_multivariate_normal(Y)
    np.testing.assert_allclose((normal_y.mean - b) / A, normal.mean, atol=tolerance)
    np.testing.assert_allclose(normal_y.covariance / np.outer(A, A), normal.covariance, rtol=tolerance)
    np.testing.assert_allclose(normal_y.log_likelihood, normal.log_likelihood - 80 * log_det, rtol=tolerance)
    one = mle.fit_normal(X[:, 0])
    one_y = mle.fit_normal(Y[:, 0])
    np.testing.assert_allclose(one_y.std / A[0], one.std, rtol=tolerance)


@FEW
@given(seed=seeds, offset=offsets)
def test_gmm_fit_from_kmeans_is_translation_invariant(seed, offset):
    rng = np.random.default_rng(seed)
    X = blobs(rng, 150, 2, 2, separation=5.0)
    plain = gmm.fit(X, 2, rng=seed, max_iter=30, tol=0.0)
    moved = gmm.fit(X + offset, 2, rng=seed, max_iter=30, tol=0.0)
    np.testing.assert_allclose(moved.log_likelihood, plain.log_likelihood, rtol=1e-6)
    np.testing.assert_allclose(moved.means - offset, plain.means, atol=1e-6)


# ------------------------------------------------------------------------------ ties


@FEW
@given(seed=seeds, offset=st.floats(-1e7, 1e7), spread=st.floats(1e-3, 1e6))
def test_exact_ties_go_to_the_lowest_index_whatever_the_other_rows(seed, offset, spread):
    # Points on the perpendicular bisector of two centers (differences x - c of equal
    # size, exactly) belong to the lower index, whatever the rest of X.
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 0.0], [2.0, 0.0], [40.0, 40.0]])
    ties = np.column_stack([np.ones(5), rng.integers(-5, 6, size=5).astype(float)])
    others = offset + spread * rng.normal(size=(30, 2))
    X = np.vstack([ties, others])
    labels, distances = kmeans.assign(X, centers)
    np.testing.assert_array_equal(labels[:5], 0)
    np.testing.assert_array_equal(distances[:5], np.sum((ties - centers[0]) ** 2, axis=1))
    labels, _ = kmeans.assign(X, centers[[1, 0, 2]])
    np.testing.assert_array_equal(labels[:5], 0)


@pytest.mark.parametrize("seed", range(8))
def test_fit_labels_follow_the_tie_rule_for_the_returned_centers(seed):
    rng = np.random.default_rng(seed)
    X = np.round(blobs(rng, 200, 2, 4, spread=1.5)) + 1e6 * (seed % 2)  # many exact ties
    k = min(4, np.unique(X, axis=0).shape[0])
    result = kmeans.fit(X, k, rng=seed)
    distances = ((X[:, np.newaxis, :] - result.centers[np.newaxis]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(result.labels, np.argmin(distances, axis=1))


def textbook_fit(X, centers, max_iter=300):
    """Lloyd's algorithm from the lesson's textbook steps, every exact tie to the lowest
    index, stopping as fit does with tol=0: when the labels or the centers stop changing.
    Also says whether every mean on the way was exact (a representable number)."""
    previous = None
    exact = True
    for n_iter in range(1, max_iter + 1):
        labels, _ = kmeans._textbook_assign(X, centers)
        centers, old = kmeans._textbook_update(X, labels, centers.shape[0]), centers
        exact &= all(Fraction(float(mean)) == Fraction(int(X[labels == j, i].sum()), int(np.sum(labels == j)))
                     for j, center in enumerate(centers) for i, mean in enumerate(center) if np.any(labels == j))
        if np.array_equal(centers, old) or (previous is not None and np.array_equal(labels, previous)):
            break
        previous = labels
    return kmeans._textbook_assign(X, centers)[0], centers, n_iter, exact


def test_fit_iterations_follow_the_tie_rule_at_any_offset():
    # Integers: exact ties inside the iterations, not only at the end (a point halfway
    # between two centers). fit must run the textbook loop's iterations, every tie to the
    # lowest index, whatever the offset (integers below 2**53 are exact): rounding in the
    # working coordinates (centered on the data mean) must not decide a tie. Only runs
    # whose means are all representable numbers count: with a mean such as 1/3 an "exact
    # tie" is one of rounding, in the textbook loop too. Small integers keep even the
    # expansion exact; multiplied by a large odd number they do not, and the tie must be
    # decided in the data's own coordinates.
    checked = 0
    for seed in range(400):
        rng = np.random.default_rng(seed)
        n, d = int(rng.integers(4, 60)), int(rng.integers(1, 3))
        small = rng.integers(-4, 5, size=(n, d)).astype(float)
        distinct = np.unique(small, axis=0)
        k = int(rng.integers(2, min(6, len(distinct)) + 1))
        start = distinct[rng.choice(len(distinct), size=k, replace=False)]
        for multiplier in (1.0, 1234567891011.0):
            X = small * multiplier
            labels, centers, n_iter, exact = textbook_fit(X, start * multiplier)
            if not exact:
                continue
            checked += 1
            for offset in (0.0, 7.0, 1000.0, -12345.0, 2.0**30 + 3):
                result = kmeans.fit(X + offset, k, init=start * multiplier + offset)
                where = f"seed {seed}, multiplier {multiplier}, offset {offset}"
                assert result.n_iter == n_iter, where
                np.testing.assert_array_equal(result.labels, labels, err_msg=where)
                np.testing.assert_array_equal(result.centers - offset, centers, err_msg=where)
    assert checked >= 50, checked


def test_fit_decides_a_tie_inside_the_iterations_as_the_textbook_loop():
    # Iteration 2 puts the point 1 exactly halfway between the centers 0 and 2: it goes to
    # center 0, whose mean becomes 0.5 (J = 0.5). Decided by rounding, it went to center 1
    # when the data lay at 1e6, and fit stopped at J = 2.
    X, start = np.array([[1.0], [0.0], [3.0]]), np.array([[0.0], [1.0]])
    for offset in (0.0, -7.0, 1e3, 1e6, 1e9):
        result = kmeans.fit(X + offset, 2, init=start + offset)
        np.testing.assert_array_equal(result.labels, [0, 0, 1])
        np.testing.assert_allclose(result.centers - offset, [[0.5], [3.0]])
        assert result.inertia == pytest.approx(0.5)


def test_kmeans_plusplus_decides_equal_candidates_alike_at_any_offset():
    # Two candidates lower the potential by the same amount in exact arithmetic: the first
    # drawn is kept, whatever the offset. On integers the potentials are exact; on the same
    # points times 0.1 or 0.3 they differ by rounding, which changes with the offset (the
    # offsets stay below 1000 times the spread, where the data's own rounding is smaller).
    base = np.array([[3, -2], [4, -3], [-1, 6], [7, 6], [5, -4], [8, 2]], float)
    for factor, offsets in ((1.0, (7.0, 1000.0, -12345.0, 2.0**30)), (0.1, (7.0, -55.5, 0.3)),
                            (0.3, (7.0, 100.0, -55.5)), (1.7, (0.3, 100.0, -1000.0))):
        X = base * factor
        seeds = kmeans.kmeans_plusplus(X, 5, rng=25)
        for offset in offsets:
            np.testing.assert_allclose(kmeans.kmeans_plusplus(X + offset, 5, rng=25) - offset, seeds, atol=1e-9,
                                       err_msg=f"factor {factor}, offset {offset}")


def test_assign_tells_centers_apart_that_are_far_closer_than_the_data_spread():
    # In working units (divided by about 1e150) the two centers' squared differences to
    # the point 0 underflow; compared at the point's own scale, 1e-150 is nearer than 2e-150.
    labels, distances = kmeans.assign([[0.0], [1e150]], [[2e-150], [1e-150]])
    np.testing.assert_array_equal(labels, [1, 0])
    assert distances[1] == pytest.approx(1e300, rel=1e-12)


@pytest.mark.parametrize("tiny", [1e-20, 1e-100])
def test_rows_far_closer_than_the_spread_still_count_as_distinct(tiny):
    # Three distinct rows make three clusters (no "fewer distinct rows" error). The Lloyd
    # loop's centered coordinates cannot tell 0 from tiny (far below the rounding of the
    # spread), so J is that of one cluster {0, tiny}: at most tiny**2, zero to rounding.
    X = np.array([[0.0], [tiny], [1.0]])
    np.testing.assert_array_equal(np.sort(kmeans.kmeans_plusplus(X, 3, rng=0), axis=0), X)
    for init in ("k-means++", "random"):
        result = kmeans.fit(X, 3, init=init, rng=0)
        assert result.inertia <= tiny**2


@pytest.mark.parametrize("value", [1e300, 1e307, 1.5e308])
def test_update_centers_of_huge_values_do_not_overflow(value):
    X = np.full((20, 2), value)
    X[10:] *= -1
    centers = kmeans.update_centers(X, np.repeat([0, 1], 10), 2)
    np.testing.assert_allclose(centers, [[value, value], [-value, -value]], rtol=1e-15)


def test_update_centers_rescues_only_the_clusters_whose_sums_overflow():
    X = np.array([[1.5e308], [1.5e308], [1e-300], [3e-300], [1e-310], [3e-310]])
    centers = kmeans.update_centers(X, [0, 0, 1, 1, 2, 2], 3)
    np.testing.assert_array_equal(centers[[0, 2]], [[1.5e308], [2e-310]])
    assert centers[1, 0] == pytest.approx(2e-300, rel=1e-15)


def test_fit_labels_are_those_of_assign_for_the_returned_centers_far_from_zero():
    # At 1e9 the returned centers (in data units) differ from the working ones by rounding;
    # a point exactly halfway between two returned centers must still go to the lower.
    X = np.random.default_rng(40).random((5000, 1)) + 1e9
    result = kmeans.fit(X, 3, rng=40, max_iter=5)
    labels, _ = kmeans.assign(X, result.centers)
    np.testing.assert_array_equal(result.labels, labels)
    assert result.inertia == pytest.approx(exact_inertia(X, result.labels, result.centers), rel=1e-12)


def test_inertia_is_that_of_the_returned_centers():
    X = np.array([[0.1], [0.7]])
    result = kmeans.fit(X, 2, init=X)
    assert result.inertia == exact_inertia(X, result.labels, result.centers)


@pytest.mark.parametrize("points, centers, expected", [
    ([[2e-100]], [[1e-100], [2e-100], [1e100]], [1]),  # a far center must not hide the near ones
    ([[1e-150], [2e-150], [1e150]], [[1e-150], [2e-150], [1e150]], [0, 1, 2]),
])
def test_assign_across_300_orders_of_magnitude(points, centers, expected):
    labels, _ = kmeans.assign(points, centers)
    np.testing.assert_array_equal(labels, expected)


def test_kmeans_plusplus_draws_distinct_rows_whose_distances_underflow():
    X = np.array([[1e-150], [2e-150], [1e150]])
    np.testing.assert_array_equal(np.sort(kmeans.kmeans_plusplus(X, 3, rng=0), axis=0), X)


@pytest.mark.parametrize("n, value", [(2, 1e170), (7, 1e300)])
def test_huge_constant_data_raise_no_warning(n, value):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(kmeans.fit(np.full((n, 1), value), 1).centers, [[value]])


def test_rows_differing_by_more_than_the_float_range_are_refused_by_name():
    X = [[-1.7e308], [1.7e308], [1.7e308]]
    for call in (lambda: kmeans.fit(X, 2), lambda: kmeans.kmeans_plusplus(X, 2), lambda: kmeans.assign(X, [[0.0]])):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(ValueError, match=r"^X spans more than the floating-point range"):
                call()


def test_update_centers_relocates_and_averages_when_sums_overflow():
    # The empty cluster takes the point farthest from its mean (0, 1.5e308 away); a mean of
    # values at the largest float stays finite.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(kmeans.update_centers([[1.5e308], [1.5e308], [0.0]], [0, 0, 0], 2),
                                      [[1.5e308], [0.0]])
        largest = np.finfo(float).max
        np.testing.assert_array_equal(kmeans.update_centers([[largest]] * 3, [0, 0, 0], 1), [[largest]])


def test_data_spanning_the_whole_float_range():
    # A span of 2**1023 or more: the working scale stops at 2**1023 (2**1024 overflows).
    X = np.array([[-1e308, 0.0], [1e308, 0.0], [1e308, 1e300]])
    result = kmeans.fit(X, 3, rng=0)
    assert result.inertia == 0.0
    np.testing.assert_array_equal(np.sort(result.centers, axis=0), np.sort(X, axis=0))
    labels, distances = kmeans.assign(X, X)
    np.testing.assert_array_equal(labels, [0, 1, 2])
    np.testing.assert_array_equal(distances, 0.0)
    np.testing.assert_array_equal(np.sort(kmeans.kmeans_plusplus(X, 3, rng=1), axis=0), np.sort(X, axis=0))


# ------------------------------------------------------------------- duplicated rows


@pytest.mark.parametrize("seed", range(10))
def test_duplicated_rows_never_start_two_equal_components(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    distinct = rng.normal(size=(4, 2))
    X = np.repeat(distinct, rng.integers(1, 30, size=4), axis=0)
    rng.shuffle(X)
    starts = []
    real_lloyd = kmeans._lloyd

    def spy(X, points, origin, scale, start, *rest):
        starts.append(start)
        return real_lloyd(X, points, origin, scale, start, *rest)

    monkeypatch.setattr(kmeans, "_lloyd", spy)
    for init in ("k-means++", "random"):
        kmeans.fit(X, 4, init=init, n_init=2, rng=seed)
    monkeypatch.undo()
    starts.append(kmeans.kmeans_plusplus(X, 4, rng=seed))
    starts.append(gmm.fit(X, 4, init="random", max_iter=0, rng=seed).means)
    for centers in starts:
        assert np.unique(np.round(centers, 9), axis=0).shape[0] == 4


# ------------------------------------------------------------------------ magnitudes


@pytest.mark.parametrize("factor", [1e-150, 1e-100, 1e-10, 1e10, 1e100, 1e150])
def test_kmeans_mixtures_and_normal_fits_at_any_magnitude_in_range(factor):
    rng = np.random.default_rng(7)
    X = blobs(rng, 90, 2, 3, separation=5.0)
    Y = X * factor
    plain, scaled = kmeans.fit(X, 3, rng=1), kmeans.fit(Y, 3, rng=1)
    np.testing.assert_array_equal(scaled.labels, plain.labels)
    np.testing.assert_allclose(scaled.centers / factor, plain.centers, rtol=1e-12)
    np.testing.assert_allclose(scaled.inertia / factor**2, plain.inertia, rtol=1e-12)
    np.testing.assert_allclose(kmeans.assign(Y, plain.centers * factor)[1] / factor**2, kmeans.assign(X, plain.centers)[1], rtol=1e-12)

    fit, fit_y = gmm.fit(X, 3, rng=1, reg_covar=0.0), gmm.fit(Y, 3, rng=1, reg_covar=0.0)
    np.testing.assert_allclose(fit_y.log_likelihood, fit.log_likelihood - 90 * 2 * np.log(factor), rtol=1e-9)
    np.testing.assert_allclose(fit_y.covariances / factor**2, fit.covariances, rtol=1e-8)
    parameters = (fit.weights, fit.means * factor, fit.covariances * factor**2)
    responsibilities, log_likelihood = gmm.e_step(Y, *parameters)
    np.testing.assert_allclose(responsibilities, fit.responsibilities, atol=1e-9)
    np.testing.assert_allclose(log_likelihood, fit_y.log_likelihood, rtol=1e-9)
    np.testing.assert_allclose(gmm.m_step(Y, responsibilities, 0.0)[2] / factor**2, gmm.m_step(X, responsibilities, 0.0)[2], rtol=1e-9)

    normal, normal_y = mle.fit_multivariate_normal(X), mle.fit_multivariate_normal(Y)
    np.testing.assert_allclose(normal_y.covariance / factor**2, normal.covariance, rtol=1e-12)
    np.testing.assert_allclose(mle.fit_normal(Y[:, 0]).std / factor, mle.fit_normal(X[:, 0]).std, rtol=1e-12)


def answer_or_named_value_error(call):
    """Run ``call``: it must return finite numbers or raise a ValueError naming what is wrong."""
    try:
        result = call()
    except ValueError as error:
        assert any(word in str(error) for word in ("X", "x", "covariances", "centers", "scale")), str(error)
        return None
    parts = result if isinstance(result, tuple) else (result,)
    for part in parts:
        fields = part.__dataclass_fields__ if hasattr(part, "__dataclass_fields__") else None
        for value in ([getattr(part, name) for name in fields] if fields else [part]):
            if isinstance(value, (float, np.ndarray)):
                assert np.all(np.isfinite(value)), call
    return result


@pytest.mark.parametrize("factor", [1e-300, 1e-200, 1e200, 1e300])
def test_far_magnitudes_give_the_right_answer_or_a_named_value_error(factor):
    rng = np.random.default_rng(8)
    X = blobs(rng, 40, 2, 2, separation=5.0)
    Y = X * factor
    y = (X[:, 0] > 0).astype(float)
    # Outside the float range (1e400, 1e-600) these covariances are inf or 0: refused by name.
    with np.errstate(all="ignore"):
        covariances = np.stack([np.eye(2), np.eye(2)]) * np.float64(factor) ** 2
    means = X[:2] * factor
    q = np.full((40, 2), 0.5)
    calls = [
        lambda: kmeans.fit(Y, 2, rng=0), lambda: kmeans.fit(Y, 2, rng=0, tol=1e-4), lambda: kmeans.assign(Y, means), lambda: kmeans.kmeans_plusplus(Y, 2, rng=0),
        lambda: kmeans.update_centers(Y, np.arange(40) % 2, 2),
        lambda: gmm.fit(Y, 2, rng=0, reg_covar=0.0), lambda: gmm.m_step(Y, q, 0.0),
        lambda: gmm.e_step(Y, [0.5, 0.5], means, covariances), lambda: gmm.log_gaussian(Y, means, covariances),
        lambda: mle.fit_multivariate_normal(Y), lambda: mle.fit_normal(Y[:, 0]),
        lambda: mle.normal_log_likelihood(Y[:, 0], 0.0, factor),
        lambda: em_bound.elbo(Y, q, [0.5, 0.5], means, covariances),
        lambda: laplace.fit_logistic_regression(Y, y), lambda: laplace.fit_linear_regression(Y, X[:, 1], 1.0, 1.0),
    ]
    for call in calls:
        answer_or_named_value_error(call)
    # Where an answer comes, it is the right one.
    result = answer_or_named_value_error(lambda: kmeans.fit(Y, 2, rng=0))
    if result is not None:
        np.testing.assert_array_equal(result.labels, kmeans.fit(X, 2, rng=0).labels)
    fitted = answer_or_named_value_error(lambda: mle.fit_normal(Y[:, 0]))
    if fitted is not None:
        np.testing.assert_allclose(fitted.std / factor, mle.fit_normal(X[:, 0]).std, rtol=1e-12)


# ------------------------------------------------------------------- error messages


def call_with_rng(function, rng):
    rngs = {
        "kmeans.fit": lambda: kmeans.fit(np.eye(3), 2, rng=rng),
        "kmeans_plusplus": lambda: kmeans.kmeans_plusplus(np.eye(3), 2, rng=rng),
        "gmm.fit": lambda: gmm.fit(np.random.default_rng(0).normal(size=(20, 2)), 2, rng=rng),
        "gmm.sample": lambda: gmm.sample([1.0], [[0.0]], [[[1.0]]], 3, rng=rng),
        "clt.sample_sums": lambda: clt.sample_sums("die", 2, 3, rng=rng),
        "laplace.sample_posterior": lambda: laplace.sample_posterior(
            laplace.fit_linear_regression(np.eye(3), [1.0, 0.0, 1.0], 1.0, 1.0), 2, rng=rng
        ),
    }
    return rngs[function]()


@pytest.mark.parametrize("function", ["kmeans.fit", "kmeans_plusplus", "gmm.fit", "gmm.sample", "clt.sample_sums",
                                      "laplace.sample_posterior"])
@pytest.mark.parametrize("rng, error", [("abc", TypeError), (2.5, TypeError), (-1, ValueError), (object(), TypeError)])
def test_a_bad_rng_is_named(function, rng, error):
    with pytest.raises(error, match=r"rng must be None, a non-negative integer seed or a numpy.random.Generator; got"):
        call_with_rng(function, rng)


BAD_ARRAYS = [
    ([[1.0 + 1.0j, 2.0], [3.0, 4.0], [5.0, 6.0]], TypeError, "must be an array of real numbers; got complex numbers"),
    ([["1", "2"], ["3", "x"], ["5", "6"]], TypeError, "must be an array of real numbers; got strings"),
    ([[1.0, None], [3.0, 4.0], [5.0, 6.0]], TypeError, "must be an array of real numbers; got an element None"),
]


@pytest.mark.parametrize("value, error, message", BAD_ARRAYS)
@pytest.mark.parametrize(
    "call",
    [
        lambda v: kmeans.fit(v, 2), lambda v: kmeans.assign(v, [[0.0, 0.0]]), lambda v: gmm.fit(v, 1),
        lambda v: gmm.e_step(v, [1.0], [[0.0, 0.0]], [np.eye(2)]), lambda v: mle.fit_multivariate_normal(v),
        lambda v: em_bound.elbo(v, np.ones((3, 1)), [1.0], [[0.0, 0.0]], [np.eye(2)]),
        lambda v: laplace.fit_linear_regression(v, [1.0, 2.0, 3.0], 1.0, 1.0),
    ],
)
def test_complex_strings_and_objects_in_X_are_named(call, value, error, message):
    with pytest.raises(error, match=r"^X " + message):
        call(value)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: kmeans.assign(np.eye(2), [[1.0 + 2.0j, 0.0]]), TypeError, "^centers must be an array of real numbers; got complex"),
        (lambda: gmm.e_step(np.eye(2), [1.0], [["a", "b"]], [np.eye(2)]), TypeError, "^means must be an array of real numbers; got strings"),
        (lambda: gmm.m_step(np.eye(2), [[1.0], [1.0]], reg_covar="abc"), TypeError, "^reg_covar must be a real number; got 'abc'"),
        (lambda: gmm.fit(np.eye(3), 1, reg_covar=10**400), ValueError, "^reg_covar must be a finite number >= 0"),
        (lambda: kmeans.fit(np.eye(3), 1, tol=10**400), ValueError, "^tol must be a finite number >= 0"),
        (lambda: laplace.log_sigmoid([0.0, np.nan]), ValueError, "^activation contains NaN"),
        (lambda: clt.standardize([np.inf], "die", 2), ValueError, "^values contains NaN or inf"),
        (lambda: mle.normal_log_likelihood([0.0, 1.0], 1e300, 1e-300), ValueError, "log-likelihood is below -1.8e308"),
        (lambda: gmm.log_gaussian([[1e150, 0.0]], [[0.0, 0.0]], [np.eye(2) * 1e-150]), ValueError, "log-density is below the floating-point range"),
        (lambda: gmm.m_step(np.eye(2) * 1e-200, np.ones((2, 1))), ValueError, "^X spreads over"),
        (lambda: kmeans.assign(1e-3 * np.eye(2), [[1e200, 1e200]]), ValueError, "^centers lie more than 1e140 times farther"),
        (lambda: kmeans.fit(np.ones((4, 2)), 2), ValueError, r"^n_clusters must be at most the number of distinct rows of X \(1\)"),
        (lambda: gmm.fit(np.ones((4, 2)), 2, init="random"), ValueError, r"^n_components must be at most the number of distinct rows of X \(1\)"),
        (lambda: laplace.fit_logistic_regression(1e200 * np.eye(3), [0, 1, 1]), ValueError, "^X is too large"),
        (lambda: mle.fit_multivariate_normal(np.column_stack([np.arange(5.0), np.full(5, 1e9)])), ValueError, "column 1 of X is constant"),
        (lambda: mle.fit_multivariate_normal(np.column_stack([np.arange(5.0), 2e-7 * np.arange(5.0)])), ValueError, "a column of X is a linear combination"),
    ],
)
def test_each_kind_of_bad_input_has_its_own_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("factor", [1e-300, 1e200, 1e300])
def test_an_empty_cluster_takes_the_farthest_point_at_any_magnitude(factor):
    # At 1e200 every squared distance overflows: the farthest point must still win.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, 2))
    X[5] = [9.0, 9.0]
    labels = np.r_[np.zeros(11, dtype=int), [2]]  # cluster 1 is empty
    expected = kmeans.update_centers(X, labels, 3)
    np.testing.assert_allclose(expected[1], X[5])
    np.testing.assert_allclose(kmeans.update_centers(X * factor, labels, 3) / factor, expected, rtol=1e-12)
