"""Smoke tests of the lesson 03 figures: each function returns a figure with what it promises."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.kmeans import assign, fit, update_centers
from course_utils.plotting.kmeans import (
    plot_clusters,
    plot_final_inertias,
    plot_inertia_against_k,
    plot_lloyd_frame,
    plot_truth_vs_kmeans,
)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    means = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]])
    true_labels = np.repeat([0, 1, 2], 20)
    return means[true_labels] + rng.normal(size=(60, 2)), true_labels


def test_plot_clusters_draws_every_cluster_and_the_centers(data):
    X, _ = data
    result = fit(X, 3, rng=0)
    fig = plot_clusters(X, result.labels, result.centers, "three", xlabel="a (cm)", ylabel="b (cm)")
    ax = fig.axes[0]
    assert ax.get_title() == "three" and ax.get_xlabel() == "a (cm)"
    # one scatter per cluster plus the centers
    assert len(ax.collections) == 4
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sum("cluster" in t for t in texts) == 3 and "centers" in texts
    plt.close(fig)


def test_plot_lloyd_frame_marks_the_iteration(data):
    X, _ = data
    centers = [X[:3].copy()]
    labels_path, inertia_path = [], []
    for _ in range(3):
        labels, distances = assign(X, centers[-1])
        labels_path.append(labels)
        inertia_path.append(distances.sum())
        centers.append(update_centers(X, labels, 3))
    fig = plot_lloyd_frame(X, centers, labels_path, inertia_path, 2)
    data_ax, j_ax = fig.axes
    assert "Iteration 2" in data_ax.get_title()
    assert f"{inertia_path[1]:.2f}" in j_ax.get_title()
    np.testing.assert_allclose(j_ax.lines[0].get_ydata(), inertia_path)
    np.testing.assert_allclose(j_ax.lines[1].get_ydata(), [inertia_path[1]])
    plt.close(fig)
    with pytest.raises(ValueError, match=r"iteration must lie in 1..3; got 4"):
        plot_lloyd_frame(X, centers, labels_path, inertia_path, 4)


def test_plot_lloyd_frame_arrows_end_before_the_crosses(data):
    # A cross (marker area s points^2) drawn over an arrow's head hides it: each update
    # arrow must stop at least the cross's half-width short of the new center.
    X, _ = data
    start = X[:3].copy()
    labels, _ = assign(X, start)
    moved = update_centers(X, labels, 3)
    fig = plot_lloyd_frame(X, [start, moved], [labels], [1.0], 1)
    ax = fig.axes[0]
    arrows = [t.arrow_patch for t in ax.texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 3
    crosses = [c for c in ax.collections
               if c.get_offsets().shape == moved.shape and np.allclose(c.get_offsets(), moved)]
    assert len(crosses) == 1
    half_width = np.sqrt(crosses[0].get_sizes()[0]) / 2
    assert all(arrow.shrinkB >= half_width for arrow in arrows)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "centers after update (means)" in texts and "centers before update" in texts
    plt.close(fig)


def test_plot_final_inertias_uses_shared_bins():
    fig = plot_final_inertias({"a": [1.0, 2.0, 2.0], "b": [1.0, 1.0, 3.0]}, bins=4, best=1.0)
    ax = fig.axes[0]
    heights = [patch.get_height() for patch in ax.patches]
    assert sum(heights) == 6
    assert len(ax.get_legend().get_texts()) == 3
    plt.close(fig)


def test_plot_truth_vs_kmeans_has_two_panels(data):
    X, true_labels = data
    result = fit(X, 3, rng=0)
    fig = plot_truth_vs_kmeans(X, true_labels, result.labels, result.centers, "compare")
    assert len(fig.axes) == 2
    assert fig.get_suptitle() == "compare"
    plt.close(fig)


def test_plot_inertia_against_k_normalizes_by_j1():
    fig = plot_inertia_against_k([1, 2, 3], {"x": [10.0, 5.0, 2.5], "y": [4.0, 2.0, 1.0]})
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.5, 0.25])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [1.0, 0.5, 0.25])
    assert ax.get_yscale() == "log"
    plt.close(fig)


def legible_and_uncovered(fig):
    """Every text of ``fig`` is at least 9 pt, and every legend lies outside every axes."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for text in fig.findobj(lambda artist: hasattr(artist, "get_fontsize") and hasattr(artist, "get_text")):
        if text.get_text() and text.get_visible():
            assert text.get_fontsize() >= 9, (text.get_text(), text.get_fontsize())
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            assert not box.overlaps(ax.get_window_extent(renderer)), f"a legend covers the axes {ax.get_title()!r}"
    return len(legends)


def test_every_figure_is_legible_and_no_legend_covers_data(data):
    from course_utils.plotting import use_house_style

    use_house_style()
    X, true_labels = data
    result = fit(X, 3, rng=0)
    centers = [X[:3].copy()]
    labels_path, inertia_path = [], []
    for _ in range(3):
        labels, distances = assign(X, centers[-1])
        labels_path.append(labels)
        inertia_path.append(distances.sum())
        centers.append(update_centers(X, labels, 3))
    figures = {
        "clusters": (plot_clusters(X, result.labels, result.centers, "three"), 1),
        "lloyd": (plot_lloyd_frame(X, centers, labels_path, inertia_path, 2), 2),
        "final": (plot_final_inertias({"a": [1.0, 2.0, 2.0], "b": [1.0, 1.0, 3.0]}, best=1.0), 1),
        "truth": (plot_truth_vs_kmeans(X, true_labels, result.labels, result.centers, "compare"), 0),
        "k": (plot_inertia_against_k([1, 2, 3], {"x": [10.0, 5.0, 2.5]}), 1),
    }
    for name, (fig, n_legends) in figures.items():
        assert legible_and_uncovered(fig) == n_legends, name
        plt.close(fig)
