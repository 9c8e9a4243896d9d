"""Smoke tests of the figures of lesson 02 (course_utils.plotting.mle)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.mle import fit_multivariate_normal, fit_normal, normal_log_likelihood
from course_utils.plotting import mle as plots

BINS = np.arange(140.0, 211.0, 2.54)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def heights():
    return np.random.default_rng(0).normal(172.0, 8.0, size=200)


def labelled(ax):
    return ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_heights_histogram_is_a_density_with_units(heights):
    fig = plots.plot_heights(heights, BINS, title="Test heights")
    (ax,) = fig.axes
    assert isinstance(fig, plt.Figure) and labelled(ax)
    assert "(n = 200)" in ax.get_title() and "cm" in ax.get_xlabel()
    bars = ax.patches
    assert sum(bar.get_height() * bar.get_width() for bar in bars) == pytest.approx(1.0)


def test_normal_fit_title_reports_the_log_likelihood(heights):
    fig = plots.plot_normal_fit(heights, 170.0, 9.0, BINS, title="Test")
    (ax,) = fig.axes
    assert labelled(ax) and ax.get_legend() is not None
    assert f"log-likelihood {normal_log_likelihood(heights, 170.0, 9.0):.1f}" in ax.get_title()
    curve = ax.get_lines()[0]
    peak = np.max(curve.get_ydata())
    assert peak == pytest.approx(1.0 / (9.0 * np.sqrt(2 * np.pi)), rel=1e-3)


def test_surface_marks_the_estimate(heights):
    fit = fit_normal(heights)
    fig = plots.plot_log_likelihood_surface(heights, np.linspace(168, 176, 40), np.linspace(6, 10, 30),
                                            (fit.mean, fit.std))
    ax = fig.axes[0]
    assert labelled(ax) and len(fig.axes) == 2  # with the colour bar
    star = ax.get_lines()[0]
    assert star.get_xdata()[0] == fit.mean and star.get_ydata()[0] == fit.std


def test_generated_vs_data_has_histograms_and_a_band(heights):
    rng = np.random.default_rng(1)
    fig = plots.plot_generated_vs_data(heights, rng.normal(172, 8, 300), 172.0, 8.0, BINS,
                                       replicates=rng.normal(172, 8, (20, heights.size)))
    left, right = fig.axes
    assert labelled(left) and labelled(right)
    assert len(right.collections) == 1  # the band
    labels = [text.get_text() for text in right.get_legend().get_texts()]
    assert "data" in labels and "generated" in labels


def test_generated_vs_data_without_replicates_has_no_band(heights):
    fig = plots.plot_generated_vs_data(heights, heights + 1.0, 172.0, 8.0, BINS)
    assert len(fig.axes[1].collections) == 0


def test_variance_bias_plots_theory_and_simulation():
    sizes = np.array([2, 5, 10])
    fig = plots.plot_variance_bias(sizes, (sizes - 1) / sizes * 4.0, np.full(3, 4.0), 4.0)
    (ax,) = fig.axes
    assert labelled(ax) and ax.get_xscale() == "log"
    ml_points = next(line for line in ax.get_lines() if line.get_marker() == "o")
    np.testing.assert_allclose(ml_points.get_ydata(), (sizes - 1) / sizes)


def test_pooled_vs_by_sex_shows_both_models():
    rng = np.random.default_rng(2)
    is_male = rng.random(300) < 0.5
    heights = np.where(is_male, rng.normal(176, 6.5, 300), rng.normal(163, 6, 300))
    fits = [fit_normal(heights), fit_normal(heights[~is_male]), fit_normal(heights[is_male])]
    fig = plots.plot_pooled_vs_by_sex(heights, is_male, *fits, BINS,
                                      replicates=rng.normal(fits[0].mean, fits[0].std, (10, 300)))
    left, right = fig.axes
    assert labelled(left) and labelled(right)
    labels = [text.get_text() for text in left.get_legend().get_texts()]
    assert "one normal" in labels and "sum of the two" in labels


def test_bivariate_fit_draws_three_contours_and_the_regression_line():
    rng = np.random.default_rng(3)
    X = rng.multivariate_normal([175, 176], [[34, 15], [15, 44]], size=100)
    fit = fit_multivariate_normal(X)
    fig = plots.plot_bivariate_fit(X, fit.mean, fit.covariance, jitter=0.3, rng=4)
    (ax,) = fig.axes
    assert labelled(ax)
    assert any("jittered ±0.3 cm" in text.get_text() for text in ax.get_legend().get_texts())
    assert "cm" in ax.get_xlabel() and "cm" in ax.get_ylabel()
    contour = next(c for c in ax.collections if hasattr(c, "levels"))
    assert len(contour.levels) == 3
    slope = fit.covariance[0, 1] / fit.covariance[0, 0]
    assert any(f"slope {slope:.2f}" in text.get_text() for text in ax.get_legend().get_texts())


def test_bivariate_fit_axes_cover_every_point_and_the_outer_contour():
    rng = np.random.default_rng(5)
    X = rng.multivariate_normal([175, 176], [[34, 15], [15, 44]], size=200)
    X[0] = [175.0, 176.0 - 5.0 * np.sqrt(44.0)]  # a point beyond 3.5 sd, as Galton's shortest son is
    X[1] = [175.0 + 5.0 * np.sqrt(34.0), 176.0]
    fit = fit_multivariate_normal(X)
    fig = plots.plot_bivariate_fit(X, fit.mean, fit.covariance)
    (ax,) = fig.axes
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < X[:, 0].min() and X[:, 0].max() < x1 and y0 < X[:, 1].min() and X[:, 1].max() < y1
    std = np.sqrt(np.diag(fit.covariance))
    assert x0 < fit.mean[0] - 3 * std[0] and fit.mean[0] + 3 * std[0] < x1
    assert y0 < fit.mean[1] - 3 * std[1] and fit.mean[1] + 3 * std[1] < y1
