"""Figures of lesson 03: clusterings, the Lloyd iterations frame by frame, the spread of
final J over seeds, failure cases and J against k.

Every function creates its figure with ``plt.subplots`` and returns it. Clusters are
told apart by colour and by marker shape, so the figures survive greyscale printing.
Legends sit outside the axes, beside or below them, so that they cover no data; text
takes the house style's sizes (10 pt and up).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_utils.plotting import PALETTE, figure_and_axes

# Marker shapes cycle with the palette, so each cluster differs in shape as well as colour.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _cluster_style(j: int) -> dict:
    return {"color": PALETTE[j % len(PALETTE)], "marker": MARKERS[j % len(MARKERS)]}


# Legend places outside the axes: beside them (one panel) or below them (side-by-side panels).
_BESIDE = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0}
_BELOW = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.2), "borderaxespad": 0.0, "ncol": 2}


def _draw_clusters(ax, X, labels, centers, previous_centers=None, legend=_BESIDE) -> None:
    X = np.asarray(X, dtype=float)
    labels = np.asarray(labels)
    centers = np.asarray(centers, dtype=float)
    for j in range(centers.shape[0]):
        members = X[labels == j]
        ax.scatter(members[:, 0], members[:, 1], s=14, alpha=0.6, linewidths=0,
                   label=f"cluster {j + 1} ({len(members)} points)", **_cluster_style(j))
    if previous_centers is not None:
        previous_centers = np.asarray(previous_centers, dtype=float)
        ax.scatter(previous_centers[:, 0], previous_centers[:, 1], s=110, facecolors="white",
                   edgecolors="black", linewidths=1.5, marker="o", zorder=3, label="centers before update")
        # shrinkB stops each arrow short of its cross (s=160, about 13 pt wide), which
        # would otherwise cover the arrow's head; shrinkA leaves the white circle clear.
        for start, end in zip(previous_centers, centers):
            ax.annotate("", xy=end, xytext=start, zorder=4,
                        arrowprops={"arrowstyle": "->", "color": "black", "lw": 1.5,
                                    "shrinkA": 5, "shrinkB": 8})
    ax.scatter(centers[:, 0], centers[:, 1], s=160, c="black", marker="X", edgecolors="white",
               linewidths=1.0, zorder=5,
               label="centers" if previous_centers is None else "centers after update (means)")
    if legend is not None:
        ax.legend(markerscale=0.8, **legend)


def plot_clusters(X, labels, centers, title: str, xlabel: str = "$x_1$", ylabel: str = "$x_2$") -> plt.Figure:
    """Points of a 2-D data set coloured (and shaped) by cluster, with the centers.

    Parameters
    ----------
    X : array_like of shape (n, 2)
    labels : array_like of int, shape (n,)
    centers : array_like of shape (k, 2)
    title, xlabel, ylabel : str
        Axis labels should carry the units of the coordinates.

    Returns
    -------
    figure : matplotlib Figure
    """
    fig, ax = plt.subplots(figsize=(6.0, 4.8))
    _draw_clusters(ax, X, labels, centers)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.set_aspect("equal", adjustable="datalim")
    return fig


def plot_lloyd_frame(X, centers_path, labels_path, inertia_path, iteration: int,
                     xlabel: str = "$x_1$", ylabel: str = "$x_2$", figure=None) -> plt.Figure:
    """One frame of Lloyd's algorithm: the assignment of an iteration and the update it causes.

    Iteration ``t`` (1-based) assigns every point to the nearest of ``centers_path[t-1]``
    (colours) and then moves the centers to ``centers_path[t]`` (arrows). The right panel
    shows J after every assignment step, with iteration ``t`` marked.

    Parameters
    ----------
    X : array_like of shape (n, 2)
    centers_path : array_like of shape (T + 1, k, 2)
        Starting centers followed by the centers after each of T iterations.
    labels_path : array_like of int, shape (T, n)
        Labels of each iteration's assignment step.
    inertia_path : array_like of shape (T,)
        J after each assignment step.
    iteration : int
        Frame to draw, 1 <= iteration <= T.
    xlabel, ylabel : str
    figure : matplotlib Figure, optional
        A figure to clear and draw on (an animation frame); by default a new one.

    Returns
    -------
    figure : matplotlib Figure

    Raises
    ------
    ValueError
        If ``iteration`` is outside 1..T.
    """
    centers_path = np.asarray(centers_path, dtype=float)
    inertia_path = np.asarray(inertia_path, dtype=float)
    n_iterations = inertia_path.size
    if not 1 <= iteration <= n_iterations:
        raise ValueError(f"iteration must lie in 1..{n_iterations}; got {iteration}")
    fig, (ax_data, ax_j) = figure_and_axes(figure, 1, 2, figsize=(10.0, 4.4), width_ratios=(1.25, 1.0))
    _draw_clusters(ax_data, X, labels_path[iteration - 1], centers_path[iteration],
                   previous_centers=centers_path[iteration - 1], legend=_BELOW)
    ax_data.set(xlabel=xlabel, ylabel=ylabel,
                title=f"Iteration {iteration}: assign (colours), then update (arrows)")
    ax_data.set_aspect("equal", adjustable="datalim")

    steps = np.arange(1, n_iterations + 1)
    ax_j.plot(steps, inertia_path, color=PALETTE[0], marker="o", label="J after assignment")
    ax_j.plot([iteration], [inertia_path[iteration - 1]], linestyle="none", marker="o", markersize=13,
              markerfacecolor="none", markeredgecolor=PALETTE[5], markeredgewidth=2.5, label="this iteration")
    ax_j.set(xlabel="iteration", ylabel="J (squared standardized units)",
             title=f"J = {inertia_path[iteration - 1]:.2f} at iteration {iteration}")
    ax_j.set_xticks(steps)
    ax_j.legend(**_BELOW)
    if figure is None:  # on a given figure, the caller (e.g. animate) sets the layout
        fig.tight_layout()
    return fig


def plot_final_inertias(inertias: dict, bins: int = 30, best: float | None = None) -> plt.Figure:
    """Histograms, on shared bins, of the final J of many runs for each seeding method.

    Parameters
    ----------
    inertias : dict of str to array_like of shape (runs,)
        Final J of each run, by method name.
    bins : int
    best : float, optional
        The lowest J found by any run, drawn as a vertical line.

    Returns
    -------
    figure : matplotlib Figure
    """
    values = {name: np.asarray(v, dtype=float) for name, v in inertias.items()}
    everything = np.concatenate(list(values.values()))
    edges = np.linspace(everything.min(), everything.max(), bins + 1)
    fig, ax = plt.subplots()
    hatches = ("", "//", "xx", "..")
    for index, (name, v) in enumerate(values.items()):
        ax.hist(v, bins=edges, alpha=0.6, color=PALETTE[index], edgecolor=PALETTE[index],
                hatch=hatches[index % len(hatches)], label=f"{name} ({v.size} runs)")
    if best is not None:
        ax.axvline(best, color="black", linestyle="--", label=f"lowest J found ({best:.1f})")
    ax.set(xlabel="final J (squared data units)", ylabel="number of runs",
           title="Final J of Lloyd's algorithm, by seeding")
    ax.legend(**_BESIDE)
    return fig


def plot_truth_vs_kmeans(X, true_labels, labels, centers, title: str,
                         xlabel: str = "$x_1$", ylabel: str = "$x_2$") -> plt.Figure:
    """Two panels: the groups the data were drawn from, and the k-means clustering.

    Parameters
    ----------
    X : array_like of shape (n, 2)
    true_labels : array_like of int, shape (n,)
    labels : array_like of int, shape (n,)
        k-means labels.
    centers : array_like of shape (k, 2)
        k-means centers.
    title, xlabel, ylabel : str

    Returns
    -------
    figure : matplotlib Figure
    """
    X = np.asarray(X, dtype=float)
    true_labels = np.asarray(true_labels)
    k = int(true_labels.max()) + 1
    true_means = np.array([X[true_labels == j].mean(axis=0) for j in range(k)])
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 4.4), sharex=True, sharey=True)
    _draw_clusters(left, X, true_labels, true_means, legend=None)
    left.set(xlabel=xlabel, ylabel=ylabel, title="generating groups (x: group means)")
    _draw_clusters(right, X, labels, centers, legend=None)
    right.set(xlabel=xlabel, title="k-means clusters (x: centers)")
    for ax in (left, right):
        ax.set_aspect("equal", adjustable="box")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_inertia_against_k(ks, curves: dict, title: str = "J of the best of several runs, by k") -> plt.Figure:
    """J(k) / J(1) against k for several data sets, on a log scale.

    Dividing by J(1), the total sum of squares, puts data sets of different sizes and
    spreads on one axis.

    Parameters
    ----------
    ks : array_like of int, shape (m,)
    curves : dict of str to array_like of shape (m,)
        J at each k, by data-set name; ``ks`` must start at 1.
    title : str

    Returns
    -------
    figure : matplotlib Figure
    """
    ks = np.asarray(ks)
    fig, ax = plt.subplots()
    for index, (name, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        ax.plot(ks, values / values[0], marker=MARKERS[index % len(MARKERS)], color=PALETTE[index], label=name)
    ax.set_yscale("log")
    ax.set_xticks(ks)
    ax.set(xlabel="number of clusters k", ylabel="J(k) / J(1) (log scale)", title=title)
    ax.legend(**_BESIDE)
    return fig
