"""Sums of draws and their distance to the normal (lesson 01, course_utils.clt and its plots)."""

import itertools
from fractions import Fraction
from math import comb, exp, factorial

import matplotlib
import numpy as np
import pytest
from scipy import integrate, stats
from scipy.optimize import minimize_scalar

from course_utils import clt
from course_utils.plotting import clt as clt_plots

NAMES = sorted(clt.DISTRIBUTIONS)

# Independent descriptions of one draw, to check the moments stored in DISTRIBUTIONS.
SCIPY_DISTRIBUTIONS = {
    "uniform": stats.uniform(0, 1),
    "exponential": stats.expon(),
    "die": stats.randint(1, 7),
    "biased coin": stats.bernoulli(0.2),
}


def third_absolute_moment(name):
    """E|X - mu|^3 by quadrature (continuous) or by enumeration (discrete)."""
    reference = SCIPY_DISTRIBUTIONS[name]
    mean = reference.mean()
    if name in ("die", "biased coin"):
        values = np.arange(0, 7)
        return float(np.sum(np.abs(values - mean) ** 3 * reference.pmf(values)))
    low, high = reference.support()
    left, _ = integrate.quad(lambda x: (mean - x) ** 3 * reference.pdf(x), low, mean)
    right, _ = integrate.quad(lambda x: (x - mean) ** 3 * reference.pdf(x), mean, high)
    return left + right


def irwin_hall_cdf_exact(n, x):
    """The textbook alternating sum, in exact rational arithmetic."""
    x = Fraction(x)
    total = sum((-1) ** k * comb(n, k) * (x - k) ** n for k in range(n + 1) if x - k > 0)
    return float(min(max(total / factorial(n), 0), 1))


def erlang_cdf(n, x):
    """P(Gamma(n, 1) <= x) = 1 - exp(-x) sum_{k<n} x^k / k!."""
    if x <= 0:
        return 0.0
    return 1.0 - exp(-x) * sum(x**k / factorial(k) for k in range(n))


def sum_positions(name, gap):
    """Undo the standardization: the sums x at which gap.z was evaluated."""
    dist = clt.get_distribution(name)
    return gap.n_terms * dist.mean + dist.std * np.sqrt(gap.n_terms) * gap.z


# --- the table of distributions ----------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_stored_moments_match_independent_references(name):
    dist = clt.get_distribution(name)
    mean, variance, skewness = SCIPY_DISTRIBUTIONS[name].stats(moments="mvs")
    assert dist.mean == pytest.approx(float(mean), rel=1e-12)
    assert dist.variance == pytest.approx(float(variance), rel=1e-12)
    assert dist.skewness == pytest.approx(float(skewness), abs=1e-12)
    assert dist.third_absolute_moment == pytest.approx(third_absolute_moment(name), rel=1e-8)
    assert dist.std == pytest.approx(np.sqrt(float(variance)), rel=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_draws_follow_the_named_distribution(name):
    draws = clt.get_distribution(name).draw(np.random.default_rng(3), (40_000,))
    reference = SCIPY_DISTRIBUTIONS[name]
    if name in ("die", "biased coin"):
        values, counts = np.unique(draws, return_counts=True)
        expected = reference.pmf(values) * draws.size
        assert np.all(reference.pmf(values) > 0)
        assert stats.chisquare(counts, expected).pvalue > 1e-4
    else:
        assert stats.kstest(draws, reference.cdf).pvalue > 1e-4


def test_unknown_distribution_is_rejected_with_the_options():
    with pytest.raises(ValueError, match=r"distribution must be one of .*'die'.*; got 'dice'"):
        clt.get_distribution("dice")
    with pytest.raises(TypeError, match="distribution must be a string; got 3 of type int"):
        clt.sample_sums(3, 2, 10)


# --- sampling -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_terms", [1, 7, 40])
def test_sampled_sums_have_mean_n_mu_and_variance_n_sigma2(name, n_terms):
    dist = clt.get_distribution(name)
    n_sums = 20_000
    sums = clt.sample_sums(name, n_terms, n_sums, rng=n_terms)
    assert sums.shape == (n_sums,)
    mean, variance = n_terms * dist.mean, n_terms * dist.variance
    # Five standard errors: the sample mean has variance N sigma^2 / n_sums, the sample
    # variance about 2 (N sigma^2)^2 / n_sums plus a kurtosis term (bounded by 4 here).
    assert abs(sums.mean() - mean) < 5 * np.sqrt(variance / n_sums)
    assert abs(sums.var() / variance - 1) < 5 * np.sqrt(10 / n_sums)


def test_discrete_sums_stay_on_their_lattice():
    die = clt.sample_sums("die", 5, 1000, rng=0)
    coin = clt.sample_sums("biased coin", 5, 1000, rng=0)
    assert np.all(die == np.round(die)) and die.min() >= 5 and die.max() <= 30
    assert np.all(coin == np.round(coin)) and coin.min() >= 0 and coin.max() <= 5


def test_sums_drawn_in_blocks_are_still_sums_of_n_terms():
    # 2**21 + 1 terms forces one row per block.
    n_terms = 2**21 + 1
    sums = clt.sample_sums("uniform", n_terms, 3, rng=5)
    assert sums.shape == (3,)
    assert np.all(np.abs(sums - n_terms / 2) < 5 * np.sqrt(n_terms / 12))


def test_same_seed_same_sums_and_means_are_sums_over_n():
    a = clt.sample_sums("exponential", 6, 50, rng=11)
    b = clt.sample_sums("exponential", 6, 50, rng=np.random.default_rng(11))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(clt.sample_means("exponential", 6, 50, rng=11), a / 6, rtol=1e-15)
    assert not np.array_equal(a, clt.sample_sums("exponential", 6, 50, rng=12))


def test_standardize_matches_the_formula():
    sums = np.array([[10.0, 12.0], [14.0, 21.0]])
    z = clt.standardize(sums, "die", 4)
    expected = (sums - 4 * 3.5) / np.sqrt(4 * 35 / 12)
    np.testing.assert_allclose(z, expected, rtol=1e-14)
    assert z.shape == (2, 2)


@pytest.mark.parametrize(
    "arguments, error, message",
    [
        (("uniform", 0, 10), ValueError, "n_terms must be at least 1; got 0"),
        (("uniform", 2.0, 10), TypeError, "n_terms must be an integer; got 2.0"),
        (("uniform", 2, -1), ValueError, "n_sums must be at least 1; got -1"),
        (("uniform", 2, True), TypeError, "n_sums must be an integer; got True"),
    ],
)
def test_bad_counts_are_named(arguments, error, message):
    with pytest.raises(error, match=message):
        clt.sample_sums(*arguments)


# --- exact distribution of the sum ----------------------------------------------------------


@pytest.mark.parametrize("n_terms", [1, 2, 3, 4])
def test_die_sum_pmf_matches_brute_force_enumeration(n_terms):
    support, pmf = clt.lattice_sum_pmf("die", n_terms)
    totals = [sum(faces) for faces in itertools.product(range(1, 7), repeat=n_terms)]
    values, counts = np.unique(totals, return_counts=True)
    np.testing.assert_array_equal(support, values)
    np.testing.assert_allclose(pmf, counts / 6**n_terms, rtol=1e-12)


def test_coin_sum_pmf_is_binomial():
    support, pmf = clt.lattice_sum_pmf("biased coin", 9)
    expected = [comb(9, k) * 0.2**k * 0.8 ** (9 - k) for k in range(10)]
    np.testing.assert_array_equal(support, np.arange(10))
    np.testing.assert_allclose(pmf, expected, rtol=1e-12)


def test_continuous_distribution_has_no_lattice_pmf():
    with pytest.raises(ValueError, match="distribution must be discrete"):
        clt.lattice_sum_pmf("exponential", 3)


@pytest.mark.parametrize("n_terms", [1, 2, 3, 5, 8, 13])
def test_uniform_gap_matches_the_exact_irwin_hall_cdf(n_terms):
    gap = clt.normal_gap("uniform", n_terms)
    x = sum_positions("uniform", gap)
    picks = np.random.default_rng(n_terms).choice(x.size, 40, replace=False)
    expected = [irwin_hall_cdf_exact(n_terms, Fraction(float(v))) for v in x[picks]]
    np.testing.assert_allclose(gap.gap[picks] + stats.norm.cdf(gap.z[picks]), expected, atol=1e-12)


# scipy's Irwin-Hall distribution, a reference for many terms, is missing from older scipy.
HAS_IRWIN_HALL = hasattr(stats, "irwinhall")


@pytest.mark.skipif(not HAS_IRWIN_HALL, reason="this scipy has no stats.irwinhall")
def test_uniform_gap_for_many_terms_matches_scipy_irwin_hall():
    # Where the alternating sum has lost its digits, compare with scipy's implementation.
    gap = clt.normal_gap("uniform", 60)
    picks = np.linspace(0, gap.z.size - 1, 25).astype(int)
    expected = stats.irwinhall(60).cdf(sum_positions("uniform", gap)[picks])
    np.testing.assert_allclose(gap.gap[picks] + stats.norm.cdf(gap.z[picks]), expected, atol=1e-10)


@pytest.mark.parametrize("n_terms", [1, 3, 10])
def test_exponential_gap_matches_the_erlang_series(n_terms):
    gap = clt.normal_gap("exponential", n_terms)
    x = sum_positions("exponential", gap)
    picks = np.linspace(0, x.size - 1, 60).astype(int)
    expected = [erlang_cdf(n_terms, v) for v in x[picks]]
    np.testing.assert_allclose(gap.gap[picks] + stats.norm.cdf(gap.z[picks]), expected, atol=1e-12)


@pytest.mark.parametrize("name", ["die", "biased coin"])
@pytest.mark.parametrize("n_terms", [1, 2, 5])
def test_lattice_ks_distance_is_the_supremum_over_a_dense_grid(name, n_terms):
    support, pmf = clt.lattice_sum_pmf(name, n_terms)
    dist = clt.get_distribution(name)
    # Every support point, a hair to its left, and a fine grid in between.
    x = np.concatenate([support, support - 1e-9, np.linspace(support[0] - 3, support[-1] + 3, 20_001)])
    cdf = np.array([pmf[support <= v].sum() for v in x])
    z = (x - n_terms * dist.mean) / (dist.std * np.sqrt(n_terms))
    brute = np.max(np.abs(cdf - stats.norm.cdf(z)))
    assert clt.ks_distance(name, n_terms) == pytest.approx(brute, abs=1e-8)


@pytest.mark.parametrize("name", ["uniform", "exponential"])
@pytest.mark.parametrize("n_terms", [2, 9, 300, 1024])
def test_continuous_ks_distance_agrees_with_a_refined_maximum(name, n_terms):
    gap = clt.normal_gap(name, n_terms)
    dist = clt.get_distribution(name)
    if name == "uniform" and n_terms > 12 and not HAS_IRWIN_HALL:
        pytest.skip("this scipy has no stats.irwinhall")
    if name == "uniform":
        def cdf(x):
            return stats.irwinhall(n_terms).cdf(x) if n_terms > 12 else irwin_hall_cdf_exact(n_terms, x)
    else:
        def cdf(x):
            return stats.gamma.cdf(x, n_terms)

    def negative_gap(z):
        return -abs(cdf(n_terms * dist.mean + dist.std * np.sqrt(n_terms) * z) - stats.norm.cdf(z))

    best = -np.inf
    for start in (-3.0, -1.5, -0.5, 0.5, 1.5):
        result = minimize_scalar(negative_gap, bounds=(start, start + 1.5), method="bounded",
                                 options={"xatol": 1e-7})
        best = max(best, -result.fun)
    assert gap.ks_distance <= best * (1 + 1e-9) + 1e-12
    assert gap.ks_distance == pytest.approx(best, rel=1e-4)
    assert negative_gap(gap.z_at_max) == pytest.approx(-gap.ks_distance, rel=1e-9)


def test_ks_distance_of_one_exponential_draw_is_phi_of_minus_one():
    # F is 0 left of x = 0 (z = -1), where Phi(-1) = 0.1587 is the largest gap.
    gap = clt.normal_gap("exponential", 1)
    assert gap.ks_distance == pytest.approx(stats.norm.cdf(-1.0), rel=1e-6)
    assert gap.z_at_max == pytest.approx(-1.0, abs=1e-3)


def test_normal_gap_shapes_and_order():
    for name in NAMES:
        gap = clt.normal_gap(name, 7)
        assert gap.z.shape == gap.gap.shape and gap.z.ndim == 1
        assert np.all(np.diff(gap.z) >= -1e-12)
        assert gap.ks_distance == pytest.approx(np.max(np.abs(gap.gap)))
        assert gap.n_terms == 7 and gap.distribution == name


# --- rates: Berry-Esseen and Esseen ---------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_berry_esseen_bound_holds_for_every_n(name):
    for n_terms in [*range(1, 41), 100, 333, 1000]:
        assert clt.ks_distance(name, n_terms) <= clt.berry_esseen_bound(name, n_terms)


def test_berry_esseen_bound_formula():
    rho = 12 / np.e - 2
    assert clt.berry_esseen_bound("exponential", 25) == pytest.approx(0.4748 * rho / 5, rel=1e-12)


def test_esseen_limits_have_the_stated_closed_forms():
    root = np.sqrt(2 * np.pi)
    assert clt.esseen_limit("uniform") == 0.0
    assert clt.esseen_limit("exponential") == pytest.approx(2 / 6 / root, rel=1e-12)
    assert clt.esseen_limit("die") == pytest.approx(1 / (2 * np.sqrt(35 / 12)) / root, rel=1e-12)
    assert clt.esseen_limit("biased coin") == pytest.approx((1.5 / 6 + 1 / 0.8) / root, rel=1e-12)


@pytest.mark.parametrize("name", ["exponential", "die", "biased coin"])
def test_root_n_times_distance_approaches_esseens_limit(name):
    limit = clt.esseen_limit(name)
    scaled = [np.sqrt(n) * clt.ks_distance(name, n) for n in (1024, 2000)]
    assert scaled == pytest.approx([limit, limit], rel=0.01)


def test_uniform_distance_shrinks_like_one_over_n_with_the_edgeworth_constant():
    # Second-order Edgeworth term: kurtosis / (24 N) * He_3(z) phi(z), excess kurtosis -6/5.
    z = np.linspace(0, 5, 200_001)
    constant = 1.2 / 24 * np.max(np.abs((z**3 - 3 * z) * stats.norm.pdf(z)))
    for n_terms in (256, 1024):
        assert n_terms * clt.ks_distance("uniform", n_terms) == pytest.approx(constant, rel=0.01)


# --- fitting the rate -----------------------------------------------------------------------


def test_power_law_fit_recovers_an_exact_power_law():
    rng = np.random.default_rng(2)
    for _ in range(20):
        slope, prefactor = rng.uniform(-2, 0), rng.uniform(0.01, 5)
        n_terms = np.unique(rng.integers(1, 5000, size=8))
        fit = clt.fit_power_law(n_terms, prefactor * n_terms**slope)
        assert fit.slope == pytest.approx(slope, abs=1e-10)
        assert fit.prefactor == pytest.approx(prefactor, rel=1e-9)
        np.testing.assert_allclose(fit(n_terms), prefactor * n_terms**slope, rtol=1e-9)


@pytest.mark.parametrize(
    "n_terms, distances, message",
    [
        ([1, 2, 3], [0.1, 0.2], r"same shape \(m,\); got shapes \(3,\) and \(2,\)"),
        ([[1, 2]], [[0.1, 0.2]], "must be 1-D arrays"),
        ([1, 2], [0.1, 0.0], "distances must be finite and > 0"),
        ([0, 2], [0.1, 0.2], "n_terms must be finite and > 0"),
        ([4, 4], [0.1, 0.2], "n_terms must hold at least two distinct values"),
    ],
)
def test_bad_fit_input_is_named(n_terms, distances, message):
    with pytest.raises(ValueError, match=message):
        clt.fit_power_law(n_terms, distances)


# --- figures (smoke tests) ------------------------------------------------------------------


def assert_labelled(figure):
    assert isinstance(figure, matplotlib.figure.Figure)
    for ax in figure.axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    matplotlib.pyplot.close(figure)


@pytest.mark.parametrize("name", NAMES)
def test_plot_sum_histograms_and_means(name):
    sums = {n: clt.sample_sums(name, n, 500, rng=n) for n in (1, 4)}
    assert_labelled(clt_plots.plot_sum_histograms(sums, name))
    means = {n: clt.sample_means(name, n, 500, rng=n) for n in (1, 4, 16)}
    assert_labelled(clt_plots.plot_means(means, name))


@pytest.mark.parametrize("name", ["die", "biased coin"])
@pytest.mark.parametrize("n_terms", [1, 16, 30, 64, 200])
@pytest.mark.parametrize("standardized", [False, True])
def test_lattice_histogram_bars_are_centred_on_values_and_hold_every_value(name, n_terms, standardized):
    dist = clt.get_distribution(name)
    sums = clt.sample_sums(name, n_terms, 20_000, rng=n_terms)
    values, step = sums, dist.lattice_span
    if standardized:
        values, step = clt.standardize(sums, name, n_terms), step / (dist.std * np.sqrt(n_terms))
    edges = clt_plots._lattice_edges(values, step)
    assert edges.size - 1 <= 80
    # Every value inside the bins, none on an edge: the largest one too.
    assert edges[0] < values.min() and values.max() < edges[-1]
    assert np.histogram(values, edges)[0].sum() == values.size
    offsets = (edges - values.min()) / step
    assert np.allclose(np.abs(offsets - np.round(offsets)), 0.5, atol=1e-6)
    # Every full bar holds an odd number of values, so it is centred on one.
    widths = np.round(np.diff(edges) / step).astype(int)
    assert np.all(widths[:-1] == widths[0]) and widths[0] % 2 == 1 and 1 <= widths[-1] <= widths[0]
    centres = (edges[:-2] + edges[1:-1]) / 2
    k = (centres - values.min()) / step
    assert np.allclose(k, np.round(k), atol=1e-6)
    # The bars drawn are these.
    fig, ax = matplotlib.pyplot.subplots()
    clt_plots._histogram(ax, values, dist.lattice_span, scale=1.0 if not standardized else dist.std * np.sqrt(n_terms))
    lefts = [patch.get_x() for patch in ax.patches]
    np.testing.assert_allclose(lefts, edges[:-1], atol=1e-9)
    matplotlib.pyplot.close(fig)


def test_plot_ks_distances_and_gaps():
    n_terms = np.array([1, 2, 4, 8])
    distances = {name: np.array([clt.ks_distance(name, int(n)) for n in n_terms]) for name in NAMES}
    fits = {name: clt.fit_power_law(n_terms, d) for name, d in distances.items()}
    bounds = {"die": np.array([clt.berry_esseen_bound("die", int(n)) for n in n_terms])}
    assert_labelled(clt_plots.plot_ks_distances(n_terms, distances, fits, bounds))
    assert_labelled(clt_plots.plot_normal_gaps([clt.normal_gap(name, 3) for name in NAMES]))


def test_plot_clt_explorer():
    sums = clt.sample_sums("biased coin", 12, 500, rng=0)
    assert_labelled(clt_plots.plot_clt_explorer("biased coin", 12, sums, clt.normal_gap("biased coin", 12)))
