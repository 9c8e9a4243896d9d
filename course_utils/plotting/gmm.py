"""Figures of lesson 04: mixtures of Gaussians, responsibilities as colour blends, EM steps,
log-likelihood curves, the singularity and the pooled heights.

Every function creates its figure with ``plt.subplots`` and returns it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator
from scipy import stats

from course_utils.plotting import PALETTE, covariance_ellipse, figure_and_axes

FAITHFUL_LABELS = ("eruption duration (min)", "waiting time to next eruption (min)")



def _weighted_components(grid, weights, means, sds):
    """Weights as an array (k,) and pi_k N(x | mu_k, sd_k^2) on ``grid``, shape (k, len(grid))."""
    weights, means, sds = (np.asarray(a, dtype=float) for a in (weights, means, sds))
    return weights, weights[:, np.newaxis] * stats.norm.pdf(grid, means[:, np.newaxis], sds[:, np.newaxis])

def blend_colours(responsibilities) -> np.ndarray:
    """RGB colour of each point: the palette colours of the components mixed by its responsibilities.

    Parameters
    ----------
    responsibilities : array_like of shape (n, k), k <= len(PALETTE)

    Returns
    -------
    colours : ndarray of shape (n, 3)
    """
    responsibilities = np.asarray(responsibilities, dtype=float)
    palette = np.array([to_rgb(c) for c in PALETTE[: responsibilities.shape[1]]])
    return np.clip(responsibilities @ palette, 0.0, 1.0)


def plot_mixture_1d(weights, means, sds, x_range, samples=None, components=None,
                    xlabel: str = "x", title: str = "A mixture of two Gaussians") -> plt.Figure:
    """Weighted component densities pi_k N(x | mu_k, sd_k^2), stacked, and their sum.

    Parameters
    ----------
    weights, means, sds : array_like of shape (k,)
        Mixing weights, means and standard deviations of the components.
    x_range : tuple (low, high)
        Interval to draw.
    samples : array_like of shape (n,), optional
        Points drawn from the mixture, shown as a histogram (a density, stacked by component
        when ``components`` gives the component of each point).
    components : array_like of int, shape (n,), optional
    xlabel, title : str

    Returns
    -------
    figure : matplotlib Figure
    """
    grid = np.linspace(*x_range, 400)
    weights, weighted = _weighted_components(grid, weights, means, sds)
    fig, ax = plt.subplots()
    colours = PALETTE[: weights.size]
    if samples is not None:
        samples = np.asarray(samples, dtype=float)
        bins = np.linspace(*x_range, 41)
        if components is None:
            ax.hist(samples, bins=bins, density=True, color="0.8", label=f"sample (n = {samples.size})")
        else:
            components = np.asarray(components)
            groups = [samples[components == j] for j in range(weights.size)]
            # Stacked counts scaled to a density of the whole sample.
            scale = [np.full(g.size, 1.0 / (samples.size * (bins[1] - bins[0]))) for g in groups]
            ax.hist(groups, bins=bins, weights=scale, stacked=True, color=colours, alpha=0.35,
                    label=[f"sample from component {j + 1}" for j in range(weights.size)])
    ax.stackplot(grid, weighted, colors=colours, alpha=0.45,
                 labels=[rf"$\pi_{j + 1}\,\mathcal{{N}}(x \mid \mu_{j + 1}, \sigma_{j + 1}^2)$"
                         for j in range(weights.size)])
    ax.plot(grid, weighted.sum(axis=0), color="black", lw=2, label="mixture density $p(x)$")
    ax.set(xlabel=xlabel, ylabel="density", title=title, xlim=x_range)
    ax.legend(fontsize=9, loc="upper left")
    return fig


def plot_responsibility_curves(weights, means, sds, x_range, xlabel: str = "x") -> plt.Figure:
    """Posterior probability of each component as a function of x, for a 1-D mixture.

    Parameters
    ----------
    weights, means, sds : array_like of shape (k,)
    x_range : tuple (low, high)
    xlabel : str

    Returns
    -------
    figure : matplotlib Figure
    """
    grid = np.linspace(*x_range, 400)
    weights, weighted = _weighted_components(grid, weights, means, sds)
    posterior = weighted / weighted.sum(axis=0)
    fig, ax = plt.subplots(figsize=(7.0, 3.0))
    colours = blend_colours(posterior.T)
    ax.scatter(grid, np.full(grid.size, -0.08), c=colours, marker="s", s=30, clip_on=False)
    for j in range(weights.size):
        ax.plot(grid, posterior[j], color=PALETTE[j], lw=2, label=rf"$\gamma_{j + 1}(x) = p(z = {j + 1} \mid x)$")
    ax.set(xlabel=xlabel, ylabel="responsibility", ylim=(-0.12, 1.05), xlim=x_range,
           title="Responsibilities: the posterior over the component (strip: colour blend)")
    ax.legend(fontsize=9, loc="center right")
    return fig


def _scatter_with_ellipses(ax, X, responsibilities, means, covariances, labels=FAITHFUL_LABELS):
    ax.scatter(X[:, 0], X[:, 1], c=blend_colours(responsibilities), s=14, edgecolors="none")
    for j, (mean, covariance) in enumerate(zip(means, covariances)):
        for n_std, style in ((1.0, "-"), (2.0, "--")):
            covariance_ellipse(ax, mean, covariance, n_std=n_std, edgecolor=PALETTE[j], lw=2, ls=style)
        ax.plot(*mean, marker="X", ms=11, color=PALETTE[j], markeredgecolor="black")
    ax.set(xlabel=labels[0], ylabel=labels[1])


def _ellipse_legend(ax, k: int, ncol: int = 4):
    handles = [Line2D([], [], color=PALETTE[j], marker="X", lw=2, label=f"component {j + 1}") for j in range(k)]
    handles += [Line2D([], [], color="grey", ls="-", label="1 Mahalanobis unit"),
                Line2D([], [], color="grey", ls="--", label="2 Mahalanobis units")]
    # Below the axes: inside, it would hide whatever part of the data plane a start or a
    # fitted component happens to use.
    ax.legend(handles=handles, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.15),
              ncol=min(len(handles), ncol))


def plot_responsibilities_2d(X, responsibilities, means, covariances, title: str,
                             labels=FAITHFUL_LABELS) -> plt.Figure:
    """2-D data coloured by their responsibilities, with each component's ellipses at 1 and 2 units.

    Parameters
    ----------
    X : array_like of shape (n, 2)
    responsibilities : array_like of shape (n, k)
    means : array_like of shape (k, 2)
    covariances : array_like of shape (k, 2, 2)
    title : str
    labels : tuple of two str
        Axis labels with units.

    Returns
    -------
    figure : matplotlib Figure
    """
    X = np.asarray(X, dtype=float)
    fig, ax = plt.subplots(figsize=(6.0, 4.5))
    _scatter_with_ellipses(ax, X, responsibilities, means, covariances, labels)
    _ellipse_legend(ax, len(means))
    ax.set_title(title)
    return fig


def plot_em_step(X, weights, means, covariances, responsibilities, history, iteration: int,
                 labels=FAITHFUL_LABELS, figure=None) -> plt.Figure:
    """One frame of EM: the state after ``iteration`` iterations and the log-likelihood so far.

    Parameters
    ----------
    X : array_like of shape (n, 2)
    weights : array_like of shape (k,)
    means : array_like of shape (k, 2)
    covariances : array_like of shape (k, 2, 2)
    responsibilities : array_like of shape (n, k)
        Responsibilities under these parameters (the colours).
    history : array_like of shape (T + 1,)
        Total log-likelihood of the start (entry 0) and after each iteration.
    iteration : int
        Which entry of ``history`` the parameters belong to.
    labels : tuple of two str
    figure : matplotlib Figure, optional
        A figure to clear and draw on (an animation frame); by default a new one.

    Returns
    -------
    figure : matplotlib Figure
    """
    X = np.asarray(X, dtype=float)
    history = np.asarray(history, dtype=float)
    fig, (left, right) = figure_and_axes(figure, 1, 2, figsize=(11.0, 4.3), width_ratios=(1.2, 1.0))
    _scatter_with_ellipses(left, X, responsibilities, means, covariances, labels)
    # Two columns: a one-row legend is wider than the scatter plot, and tight_layout would
    # open a wide gap between the panels to make room for it.
    _ellipse_legend(left, len(means), ncol=2)
    shares = ", ".join(f"{w:.2f}" for w in np.asarray(weights))
    if iteration == 0:
        state = "start: 0 EM iterations"
    else:
        state = f"after {iteration} EM iteration{'s' if iteration != 1 else ''}"
    left.set_title(f"{state} (weights {shares})")
    steps = np.arange(history.size)
    right.plot(steps, history, color="0.6", marker=".", label="log-likelihood per iteration")
    right.plot(steps[: iteration + 1], history[: iteration + 1], color=PALETTE[0], marker="o", lw=2,
               label="up to this frame")
    if history.size > 2:
        # A poor start can lie far below the rest; keep the later climb readable and mark
        # the start at the bottom edge instead.
        low, high = history[1:].min(), history[1:].max()
        margin = 0.08 * max(high - low, 1e-9)
        if history[0] < low - 4 * margin:
            bottom = low - 2 * margin
            right.set_ylim(bottom, high + margin)
            # The start, drawn on the bottom edge (unclipped) in the style of the frames so
            # far, which always include it; the label gives its real value.
            right.plot([0], [bottom], color=PALETTE[0], marker="o", clip_on=False, zorder=3)
            right.annotate(f"start: {history[0]:.1f}", xy=(0.0, bottom), xytext=(1.6, low - 1.3 * margin),
                           va="center", fontsize=9,
                           arrowprops={"arrowstyle": "->", "color": "0.4", "shrinkB": 5})
    # The title says the path never falls only when it does not.
    rising = ": it never falls" if np.all(np.diff(history) >= 0) else ""
    right.set(xlabel="EM iteration", ylabel=r"total log-likelihood $\ln p(X \mid \theta)$ (nats)",
              title=f"log-likelihood {history[iteration]:.3f}{rising}")
    right.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    right.legend(loc="lower right", fontsize=9)
    return fig


def plot_log_likelihood_runs(histories, labels, title: str = "EM from different starts") -> plt.Figure:
    """Log-likelihood against iteration for several EM runs.

    Parameters
    ----------
    histories : sequence of array_like
        One log-likelihood path per run.
    labels : sequence of str
    title : str

    Returns
    -------
    figure : matplotlib Figure
    """
    fig, ax = plt.subplots()
    styles = ("-", "--", ":", "-.")
    for index, (history, label) in enumerate(zip(histories, labels)):
        history = np.asarray(history, dtype=float)
        ax.plot(np.arange(1, history.size + 1), history, color=PALETTE[index % len(PALETTE)],
                ls=styles[index % len(styles)], lw=2, label=label)
    ax.set(xlabel="EM iteration", ylabel="total log-likelihood (nats)", title=title)
    ax.legend(fontsize=9, loc="lower right")
    return fig


def plot_singularity(sigmas, log_likelihoods, reg_sigma: float) -> plt.Figure:
    """Log-likelihood as one component shrinks onto a single data point.

    Parameters
    ----------
    sigmas : array_like of shape (m,)
        Standard deviation of the shrinking component.
    log_likelihoods : array_like of shape (m,)
    reg_sigma : float
        The smallest standard deviation that ``reg_covar`` allows, marked on the axis.

    Returns
    -------
    figure : matplotlib Figure
    """
    fig, ax = plt.subplots()
    ax.semilogx(sigmas, log_likelihoods, color=PALETTE[5], lw=2, label="component on one data point")
    ax.axvline(reg_sigma, color=PALETTE[0], ls="--", label=r"floor $\sqrt{\mathrm{reg\_covar}}$")
    ax.invert_xaxis()
    ax.set(xlabel=r"standard deviation $\sigma$ of the collapsing component (data units)",
           ylabel="total log-likelihood (nats)", title="The singularity: the likelihood grows without bound")
    ax.legend(fontsize=9, loc="upper left")
    return fig


def plot_heights_mixture(heights, is_male, weights, means, sds, bins) -> plt.Figure:
    """Pooled heights: the fitted two-component mixture, and each recorded sex against its component.

    The components are drawn in the order of their means, so the shorter one is paired
    with the recorded daughters and the taller one with the sons, in the same colour.

    Parameters
    ----------
    heights : array_like of shape (n,)
        Heights in cm.
    is_male : array_like of bool, shape (n,)
        Recorded sex.
    weights, means, sds : array_like of shape (2,)
        The fitted mixture, in cm, in any order.
    bins : array_like
        Histogram bin edges in cm.

    Returns
    -------
    figure : matplotlib Figure
    """
    heights = np.asarray(heights, dtype=float)
    is_male = np.asarray(is_male, dtype=bool)
    order = np.argsort(np.asarray(means, dtype=float))
    weights, means, sds = (np.asarray(a, dtype=float)[order] for a in (weights, means, sds))
    grid = np.linspace(bins[0], bins[-1], 400)
    weights, weighted = _weighted_components(grid, weights, means, sds)
    names = ("shorter component", "taller component")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.6), sharey=True)
    left.hist(heights, bins=bins, density=True, color="0.8", label=f"all children (n = {heights.size})")
    for j in range(2):
        left.plot(grid, weighted[j], color=PALETTE[j], lw=2, label=f"{names[j]}, weighted")
    left.plot(grid, weighted.sum(axis=0), color="black", lw=2, label="mixture")
    left.set(xlabel="height (cm)", ylabel="density (1/cm)", title="Pooled heights: the fitted mixture")
    # Legends below the axes, so that they hide no bar and no curve.
    left.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    scale = 1.0 / (heights.size * (bins[1] - bins[0]))
    handles = []
    for j, (group, sex) in enumerate(((~is_male, "recorded daughters"), (is_male, "recorded sons"))):
        *_, patches = right.hist(heights[group], bins=bins, histtype="step", lw=2, color=PALETTE[j],
                                 weights=np.full(group.sum(), scale), label=f"{sex} (n = {group.sum()})")
        (line,) = right.plot(grid, weighted[j], color=PALETTE[j], lw=2, ls="--", label=f"{names[j]}, weighted")
        handles += [patches[0], line]
    right.set(xlabel="height (cm)", title="Each component against its recorded group")
    right.legend(handles=handles, fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    return fig


def plot_model_choice(n_components, bic, held_out, collapsed_bic=None) -> plt.Figure:
    """BIC and held-out log-likelihood against the number of components.

    Parameters
    ----------
    n_components : array_like of int, shape (m,)
        The numbers of components K compared.
    bic : array_like of shape (m,)
        BIC (lesson 04, equation 4.11) of the best fit without a collapsed component; lower
        is better.
    held_out : array_like of shape (m,)
        Total log-likelihood (nats) of held-out points; higher is better.
    collapsed_bic : tuple (K, bic), optional
        A fit with a collapsed component, marked separately on the BIC panel.

    Returns
    -------
    figure : matplotlib Figure
    """
    ks = np.asarray(n_components)
    bic = np.asarray(bic, dtype=float)
    held_out = np.asarray(held_out, dtype=float)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.2))
    left.plot(ks, bic, color=PALETTE[0], marker="o", lw=2, label="best fit, no collapsed component")
    best = int(np.argmin(bic))
    left.plot(ks[best], bic[best], marker="o", ms=14, mfc="none", mec=PALETTE[5], mew=2, ls="none",
              label=f"lowest BIC: K = {ks[best]}")
    if collapsed_bic is not None:
        left.plot(*collapsed_bic, marker="X", ms=11, color=PALETTE[5], ls="none",
                  label="a fit with a collapsed component")
    left.set(xlabel="number of components K", ylabel="BIC (lower is better)", title="BIC against K",
             xticks=ks)
    left.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=1)
    right.plot(ks, held_out, color=PALETTE[2], marker="o", lw=2, label="2-fold cross-validation")
    top = int(np.argmax(held_out))
    right.plot(ks[top], held_out[top], marker="o", ms=14, mfc="none", mec=PALETTE[5], mew=2, ls="none",
               label=f"highest: K = {ks[top]}")
    right.set(xlabel="number of components K", ylabel="held-out log-likelihood (nats)",
              title="Held-out log-likelihood against K", xticks=ks)
    right.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)
    return fig
