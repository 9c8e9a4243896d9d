"""Smoke tests of the figures of lesson 04 (course_utils.plotting.gmm)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.patches import Ellipse
from scipy import integrate

from course_utils import gmm
from course_utils.plotting import PALETTE
from course_utils.plotting import gmm as plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def mixture_2d():
    weights = np.array([0.4, 0.6])
    means = np.array([[2.0, 55.0], [4.3, 80.0]])
    covariances = np.stack([np.diag([0.07, 34.0]), np.diag([0.17, 36.0])])
    X, _ = gmm.sample(weights, means, covariances, 120, rng=0)
    responsibilities, _ = gmm.e_step(X, weights, means, covariances)
    return X, weights, means, covariances, responsibilities


def labelled(ax):
    return ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_blend_colours_mix_the_palette_by_the_responsibilities():
    colours = plots.blend_colours([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    blue, orange = np.array(to_rgb(PALETTE[0])), np.array(to_rgb(PALETTE[1]))
    np.testing.assert_allclose(colours, [blue, orange, (blue + orange) / 2])


def test_mixture_1d_stacks_the_weighted_components():
    X, z = gmm.sample([0.3, 0.7], [[-2.0], [1.5]], [[[0.64]], [[1.44]]], 300, rng=1)
    fig = plots.plot_mixture_1d([0.3, 0.7], [-2.0, 1.5], [0.8, 1.2], (-6.0, 6.0), samples=X[:, 0], components=z)
    (ax,) = fig.axes
    assert labelled(ax) and ax.get_legend() is not None
    total = ax.get_lines()[-1].get_ydata()
    grid = ax.get_lines()[-1].get_xdata()
    assert integrate.trapezoid(total, grid) == pytest.approx(1.0, abs=1e-3)
    # The histogram patches (a density of the whole sample) sum to an area of one.
    bars = [p for p in ax.patches if p.get_height() > 0]
    assert sum(p.get_height() * p.get_width() for p in bars) == pytest.approx(1.0, rel=1e-9)


def test_responsibility_curves_sum_to_one():
    fig = plots.plot_responsibility_curves([0.3, 0.7], [-2.0, 1.5], [0.8, 1.2], (-6.0, 6.0))
    (ax,) = fig.axes
    first, second = ax.get_lines()[:2]
    np.testing.assert_allclose(first.get_ydata() + second.get_ydata(), 1.0)
    assert labelled(ax)


def test_responsibilities_2d_draws_two_ellipses_per_component(mixture_2d):
    X, _, means, covariances, responsibilities = mixture_2d
    fig = plots.plot_responsibilities_2d(X, responsibilities, means, covariances, "test")
    (ax,) = fig.axes
    assert labelled(ax) and "min" in ax.get_xlabel()
    assert sum(isinstance(p, Ellipse) for p in ax.patches) == 4


def test_em_step_marks_the_current_iteration(mixture_2d):
    X, weights, means, covariances, responsibilities = mixture_2d
    history = np.array([-3000.0, -1300.0, -1250.0, -1240.0, -1239.0])
    fig = plots.plot_em_step(X, weights, means, covariances, responsibilities, history, 2)
    left, right = fig.axes
    assert labelled(left) and labelled(right)
    assert "-1250.000" in right.get_title()
    assert right.get_lines()[1].get_xdata().tolist() == [0, 1, 2]
    # The far-away start is annotated instead of squashing the climb, and drawn on the
    # bottom edge at iteration 0, where the arrow points.
    bottom = right.get_ylim()[0]
    assert bottom > -1400 and any("start" in t.get_text() for t in right.texts)
    start_marks = [line for line in right.get_lines()
                   if line.get_xdata().tolist() == [0] and line.get_ydata().tolist() == [bottom]]
    assert len(start_marks) == 1 and not start_marks[0].get_clip_on()
    (arrow,) = [t for t in right.texts if "start" in t.get_text()]
    assert arrow.xy == (0.0, bottom)
    assert "never falls" in right.get_title()


def test_em_step_titles_name_the_start_and_count_iterations(mixture_2d):
    X, weights, means, covariances, responsibilities = mixture_2d
    history = np.array([-3000.0, -1300.0, -1250.0, -1240.0, -1239.0])
    titles = [plots.plot_em_step(X, weights, means, covariances, responsibilities, history, t).axes[0].get_title()
              for t in (0, 1, 2)]
    assert titles[0].startswith("start: 0 EM iterations")
    assert titles[1].startswith("after 1 EM iteration (") and titles[2].startswith("after 2 EM iterations (")
    plt.close("all")


def test_em_step_claims_no_rise_for_a_path_that_falls(mixture_2d):
    X, weights, means, covariances, responsibilities = mixture_2d
    history = np.array([-1300.0, -1250.0, -1250.5, -1240.0])
    fig = plots.plot_em_step(X, weights, means, covariances, responsibilities, history, 3)
    assert "never falls" not in fig.axes[1].get_title()
    plt.close(fig)


def test_log_likelihood_runs_and_singularity_and_heights():
    fig = plots.plot_log_likelihood_runs([[-5.0, -3.0, -2.0], [-6.0, -4.0]], ["a", "b"])
    assert len(fig.axes[0].get_lines()) == 2 and labelled(fig.axes[0])
    fig = plots.plot_singularity(np.geomspace(1.0, 1e-4, 5), np.arange(5.0), 1e-3)
    assert fig.axes[0].get_xscale() == "log" and labelled(fig.axes[0])
    rng = np.random.default_rng(2)
    heights = np.concatenate([rng.normal(163, 6, 50), rng.normal(176, 6, 50)])
    is_male = np.arange(100) >= 50
    fig = plots.plot_heights_mixture(heights, is_male, [0.5, 0.5], [163.0, 176.0], [6.0, 6.0],
                                     np.arange(140.0, 211.0, 2.54))
    left, right = fig.axes
    assert labelled(left) and right.get_legend() is not None and "cm" in right.get_xlabel()


@pytest.mark.parametrize("order", [[0, 1], [1, 0]])
def test_heights_figure_pairs_each_recorded_group_with_its_component(order):
    rng = np.random.default_rng(2)
    heights = np.concatenate([rng.normal(163, 6, 50), rng.normal(176, 6, 50)])
    is_male = np.arange(100) >= 50
    weights, means, sds = (np.array(a)[order] for a in ([0.5, 0.5], [163.0, 176.0], [6.0, 6.0]))
    fig = plots.plot_heights_mixture(heights, is_male, weights, means, sds, np.arange(140.0, 211.0, 2.54))
    right = fig.axes[1]
    texts = [t.get_text() for t in right.get_legend().get_texts()]
    assert texts[0].startswith("recorded daughters") and texts[1] == "shorter component, weighted"
    assert texts[2].startswith("recorded sons") and texts[3] == "taller component, weighted"
    daughters, sons = right.patches[0], right.patches[1]
    shorter, taller = right.get_lines()
    # The shorter curve peaks below the taller one and shares its colour with the daughters.
    assert shorter.get_xdata()[np.argmax(shorter.get_ydata())] < taller.get_xdata()[np.argmax(taller.get_ydata())]
    assert to_rgb(daughters.get_edgecolor()) == to_rgb(shorter.get_color())
    assert to_rgb(sons.get_edgecolor()) == to_rgb(taller.get_color())


def test_model_choice_marks_the_lowest_bic_and_the_highest_held_out_value():
    fig = plots.plot_model_choice([1, 2, 3], [30.0, 10.0, 20.0], [-5.0, -4.0, -6.0], collapsed_bic=(3, 5.0))
    left, right = fig.axes
    assert labelled(left) and labelled(right)
    labels = [t.get_text() for t in left.get_legend().get_texts()]
    assert "lowest BIC: K = 2" in labels and any("collapsed" in label for label in labels)
    assert "highest: K = 2" in [t.get_text() for t in right.get_legend().get_texts()]
