"""The lesson 05 figures: each builds, labels its axes, keeps its legends off the data
(issue 14) and can be closed. Text sizes are checked for every test by conftest.py."""

import numpy as np
import pytest
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.patches import Rectangle

from course_utils import gmm, missing
from course_utils.data import load_father_son, load_old_faithful
from course_utils.plotting import close
from course_utils.plotting.em_bound import (
    plot_bound_slice,
    plot_collapse,
    plot_decomposition,
    plot_em_climb,
    plot_missing_heights,
)


def labelled(fig):
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    return True


def legends_cover_no_data(fig):
    """No plotted point, line vertex, bar or filled area of any axes lies under a legend."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    for legend in legends:
        box = legend.get_window_extent(renderer)
        grid = np.stack(np.meshgrid(np.linspace(box.x0, box.x1, 25), np.linspace(box.y0, box.y1, 10)), -1)
        probes = grid.reshape(-1, 2)
        for ax in fig.axes:
            clip = ax.get_window_extent(renderer)
            for line in ax.get_lines():
                xy = np.column_stack(line.get_data())
                if xy.shape[0] > 1:  # densify, so a segment crossing the box is caught
                    t = np.linspace(0, 1, 20)[:, None, None]
                    xy = (xy[:-1] * (1 - t) + xy[1:] * t).reshape(-1, 2)
                points = line.get_transform().transform(xy)
                shown = ((points[:, 0] >= clip.x0) & (points[:, 0] <= clip.x1)
                         & (points[:, 1] >= clip.y0) & (points[:, 1] <= clip.y1))
                inside = [box.contains(*p) for p in points[shown]]
                assert not any(inside), f"legend covers the line {line.get_label()!r}"
            for collection in ax.collections:
                if isinstance(collection, PathCollection):
                    points = collection.get_offset_transform().transform(collection.get_offsets())
                    assert not any(box.contains(*p) for p in points), "legend covers scattered points"
                if isinstance(collection, PolyCollection):
                    for path in collection.get_paths():
                        region = collection.get_transform().transform_path(path)
                        assert not region.contains_points(probes).any(), "legend covers a filled area"
            for patch in ax.patches:
                if isinstance(patch, Rectangle):
                    extent = patch.get_window_extent(renderer)
                    assert not extent.overlaps(box), "legend covers a bar of the histogram"
    return True


def test_decomposition_figure():
    mixing = np.linspace(0, 1, 11)
    fig = plot_decomposition(mixing, -10 + 9 * mixing - mixing**2, -2.0)
    assert labelled(fig) and len(fig.axes) == 1 and legends_cover_no_data(fig)
    close(fig)


@pytest.mark.parametrize("with_data", [False, True])
@pytest.mark.parametrize("iteration", [0, 2])
def test_bound_slice_figure(with_data, iteration):
    grid = np.linspace(-3, 3, 61)
    log_likelihood = -(grid - 1.0) ** 2
    positions = np.array([-2.0, -0.5, 0.4, 0.8])
    bounds = np.array([log_likelihood - (grid - p) ** 2 for p in positions[:-1]])
    extra = {}
    if with_data:
        mixture = (np.array([0.5, 0.5]), np.array([[0.0], [1.0]]), np.ones((2, 1, 1)))
        extra = {"data": np.linspace(-1, 2, 20), "mixtures": [mixture] * len(positions)}
    fig = plot_bound_slice(grid, log_likelihood, bounds, positions, iteration,
                           parameter_label="mu (cm)", **extra)
    assert labelled(fig) and len(fig.axes) == (2 if with_data else 1)
    assert legends_cover_no_data(fig)
    close(fig)


def test_bound_slice_on_the_lesson_data_keeps_the_legends_off_the_histogram():
    durations = load_old_faithful()[:, :1]
    positions = np.array([0.5, 1.8, 2.3, 3.8])
    mixtures = [(np.array([0.5, 0.5]), np.array([[2.0], [mu]]), np.full((2, 1, 1), 0.16)) for mu in positions]
    grid = np.linspace(0.0, 6.5, 66)
    log_likelihood = np.array([gmm.log_likelihood(durations, *(m[0], np.array([[2.0], [mu]]), m[2]))
                               for m, mu in zip([mixtures[0]] * grid.size, grid)])
    bounds = np.array([log_likelihood - 50 * (grid - p) ** 2 for p in positions[:-1]])
    fig = plot_bound_slice(grid, log_likelihood, bounds, positions, 2, data=durations[:, 0],
                           mixtures=mixtures, parameter_label="mu2 (minutes)", parameter_symbol=r"\mu_2",
                           data_label="duration (minutes)", density_label="density (1 / minute)")
    assert legends_cover_no_data(fig)
    # the iteration is a superscript in parentheses, never a second subscript
    assert r"\mu_2^{(2)}" in fig.axes[1].get_title() and r"\mu_2^{(3)}" in fig.axes[1].get_title()
    close(fig)


def test_climb_figure():
    log_likelihoods = -100 + 50 * (1 - 0.5 ** np.arange(8))
    after_m = 0.5 * (log_likelihoods[:-1] + log_likelihoods[1:])
    fig = plot_em_climb(log_likelihoods, after_m)
    assert labelled(fig) and len(fig.axes) == 2 and legends_cover_no_data(fig)
    close(fig)


def test_collapse_figure():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    fit = (np.array([0.5, 0.5]), np.array([[0.0, 0.0], [1.0, 1.0]]), np.stack([np.eye(2), 1e-8 * np.eye(2)]))
    fig = plot_collapse(X, fit, fit, np.geomspace(1e-2, 1e-8, 5), np.full(5, 1e-2), 1e-3,
                        axis_labels=("a (cm)", "b (cm)"))
    assert labelled(fig) and len(fig.axes) == 2 and legends_cover_no_data(fig)
    close(fig)


def test_missing_heights_figure():
    heights = load_father_son()
    hidden = np.random.default_rng(0).random(len(heights)) < 0.4
    observed = heights.copy()
    observed[hidden, 1] = np.nan
    fit = missing.fit(observed)
    filled, _, _ = missing.e_step(observed, fit.mean, fit.covariance)
    fig = plot_missing_heights(observed, filled, heights[hidden, 1],
                               {"EM": (fit.mean, fit.covariance), "other": (fit.mean + 1, fit.covariance)},
                               axis_labels=("father (cm)", "son (cm)"))
    assert labelled(fig) and len(fig.axes) == 1 and legends_cover_no_data(fig)
    close(fig)


def test_missing_heights_figure_names_bad_input():
    observed = np.array([[170.0, np.nan], [180.0, 181.0], [175.0, 176.0]])
    fit = (np.zeros(2), np.eye(2))
    with pytest.raises(ValueError, match="shape \\(n, 2\\)"):
        plot_missing_heights(observed, np.zeros((3, 3)), [172.0], {"a": fit})
    with pytest.raises(ValueError, match="one to three"):
        plot_missing_heights(observed, np.nan_to_num(observed), [172.0], {str(i): fit for i in range(4)})


def test_the_legend_check_can_fail():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.hist(np.random.default_rng(0).normal(size=500), bins=20, label="data")
    ax.plot([-3, 3], [0.0, 60.0], label="line")
    ax.set_title("t")
    ax.legend(loc="center")
    with pytest.raises(AssertionError, match="legend covers"):
        legends_cover_no_data(fig)
    close(fig)


def test_bound_slice_frames_keep_their_legend_and_show_every_component():
    """An animation's frames keep the same legend entries in the same places (an empty
    "earlier bounds" at iteration 0), and the left panel shows a component far from the data."""
    grid = np.linspace(-3, 3, 61)
    log_likelihood = -(grid - 1.0) ** 2
    positions = np.array([-2.0, -0.5, 0.4, 0.8])
    bounds = np.array([log_likelihood - (grid - p) ** 2 for p in positions[:-1]])
    mixtures = [(np.array([0.5, 0.5]), np.array([[0.0], [p]]), np.full((2, 1, 1), 0.25)) for p in positions]
    entries = []
    for iteration in (0, 2):
        fig = plot_bound_slice(grid, log_likelihood, bounds, positions, iteration, data=np.linspace(-1, 2, 20),
                               mixtures=mixtures, parameter_label="mu (cm)")
        ax_data, ax = fig.axes
        entries.append([text.get_text().split(":")[0] for text in ax.get_legend().get_texts()])
        assert entries[-1][0] == "earlier bounds"
        lowest = min(line.get_xdata().min() for line in ax_data.get_lines())
        assert lowest <= -2.0 - 2 * 0.5 + 1e-9  # the mean at -2 minus two standard deviations
        close(fig)
    assert len(entries[0]) == len(entries[1]) == 6
