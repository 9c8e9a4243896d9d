"""Figures of lesson 01, the central limit theorem."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

from course_utils.clt import NormalGap, PowerLawFit, get_distribution, standardize
from course_utils.plotting import PALETTE


def _histogram(ax, values: np.ndarray, lattice_span: float | None, scale: float = 1.0, **style) -> None:
    """Density histogram; on a lattice one bar per possible value, centred on it.

    ``scale`` is the factor by which the values were divided (1 for raw sums), so that a
    lattice of span h becomes one of span h / scale.
    """
    if lattice_span is None:
        bins = 60
    else:
        step = lattice_span / scale
        low, high = values.min(), values.max()
        edges = np.arange(low - step / 2, high + step, step)
        # More than ~80 bars are unreadable: merge neighbours (still centred on values).
        bins = edges[:: max(1, int(np.ceil(edges.size / 80)))]
    ax.hist(values, bins=bins, density=True, **style)


def plot_sum_histograms(sums: Mapping[int, np.ndarray], distribution: str):
    """One panel per N: histogram of simulated sums against N(N mu, N sigma^2).

    Parameters
    ----------
    sums : mapping from int N to ndarray of shape (n_sums,)
        Simulated sums of N draws (at most four entries are drawn side by side).
    distribution : str
        The distribution the draws came from (a key of ``course_utils.clt.DISTRIBUTIONS``).

    Returns
    -------
    matplotlib Figure
    """
    dist = get_distribution(distribution)
    fig, axes = plt.subplots(1, len(sums), figsize=(3.0 * len(sums) + 1.0, 3.4), squeeze=False)
    for ax, (n_terms, values) in zip(axes[0], sums.items()):
        values = np.asarray(values, dtype=float)
        _histogram(ax, values, dist.lattice_span, color=PALETTE[0], alpha=0.6,
                   label=f"{values.size:,} simulated sums")
        mean, std = n_terms * dist.mean, np.sqrt(n_terms * dist.variance)
        x = np.linspace(min(values.min(), mean - 4 * std), max(values.max(), mean + 4 * std), 400)
        ax.plot(x, stats.norm.pdf(x, mean, std), color=PALETTE[5], lw=2,
                label=r"normal $\mathcal{N}(N\mu,\ N\sigma^2)$")
        ax.set_title(f"N = {n_terms}")
        ax.set_xlabel(r"sum $S_N$ of N draws")
        ax.set_ylabel("probability density")
    # Headroom so that the legend does not cover the bars.
    axes[0, 0].set_ylim(top=1.4 * axes[0, 0].get_ylim()[1])
    axes[0, 0].legend(loc="upper left", fontsize=8)
    fig.suptitle(f"Sums of N draws from the {dist.label}")
    fig.tight_layout()
    return fig


def plot_means(means: Mapping[int, np.ndarray], distribution: str):
    """Sample means shrink towards mu (left); standardized, they all look N(0, 1) (right).

    Parameters
    ----------
    means : mapping from int N to ndarray of shape (n_means,)
        Simulated sample means of N draws.
    distribution : str

    Returns
    -------
    matplotlib Figure
    """
    dist = get_distribution(distribution)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 3.8))
    for colour, (n_terms, values) in zip(PALETTE, means.items()):
        values = np.asarray(values, dtype=float)
        style = {"histtype": "step", "lw": 1.6, "color": colour, "label": f"N = {n_terms}"}
        _histogram(left, values, dist.lattice_span, scale=n_terms, **style)
        z = standardize(values * n_terms, dist.name, n_terms)
        _histogram(right, z, dist.lattice_span, scale=dist.std * np.sqrt(n_terms), **style)
    z = np.linspace(-4, 4, 300)
    right.plot(z, stats.norm.pdf(z), color="black", lw=2, ls="--", label=r"$\mathcal{N}(0, 1)$")
    pooled = np.concatenate([np.asarray(v, dtype=float) for v in means.values()])
    low, high = np.quantile(pooled, [0.002, 0.998])
    margin = 0.05 * (high - low)
    left.set_xlim(low - margin, high + margin)
    left.axvline(dist.mean, color="black", lw=1, ls=":", label=r"$\mu$")
    left.set_title(r"Sample means $\bar X_N$ concentrate around $\mu$")
    left.set_xlabel(r"sample mean $\bar X_N$")
    left.set_ylabel("probability density")
    right.set_title(r"Standardized: $Z_N = \sqrt{N}\,(\bar X_N - \mu)/\sigma$")
    right.set_xlabel(r"$Z_N$ (standard deviations)")
    right.set_ylabel("probability density")
    right.set_xlim(-4, 4)
    left.legend(fontsize=8)
    right.legend(fontsize=8)
    fig.suptitle(f"Means of N draws from the {dist.label}")
    fig.tight_layout()
    return fig


def plot_ks_distances(
    n_terms,
    distances: Mapping[str, np.ndarray],
    fits: Mapping[str, PowerLawFit] | None = None,
    bounds: Mapping[str, np.ndarray] | None = None,
):
    """Kolmogorov-Smirnov distance to the normal against N on log-log axes.

    Parameters
    ----------
    n_terms : array_like of shape (m,)
    distances : mapping from distribution name to ndarray of shape (m,)
    fits : mapping from distribution name to PowerLawFit, optional
        Drawn as dashed lines and named with their slope in the legend.
    bounds : mapping from distribution name to ndarray of shape (m,), optional
        Berry-Esseen bounds, drawn as dotted lines.

    Returns
    -------
    matplotlib Figure
    """
    n_terms = np.asarray(n_terms, dtype=float)
    fig, ax = plt.subplots(figsize=(7.5, 5.0))
    markers = "osD^v"
    for index, (name, values) in enumerate(distances.items()):
        colour = PALETTE[index % len(PALETTE)]
        ax.loglog(n_terms, values, markers[index % len(markers)], color=colour,
                  label=get_distribution(name).label)
        if fits and name in fits:
            fit = fits[name]
            ax.loglog(n_terms, fit(n_terms), "--", color=colour, lw=1.2,
                      label=rf"fit: ${fit.prefactor:.3f}\,N^{{{fit.slope:.3f}}}$")
        if bounds and name in bounds:
            ax.loglog(n_terms, bounds[name], ":", color=colour, lw=1.5, label="Berry-Esseen bound")
    ax.set_title("Distance to the normal against the number of terms")
    ax.set_xlabel("number of terms N")
    ax.set_ylabel(r"KS distance $\Delta_N = \sup_z |F_N(z) - \Phi(z)|$")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def plot_normal_gaps(gaps: Sequence[NormalGap]):
    """One panel per gap: F_N - Phi against z, with the supremum marked.

    Parameters
    ----------
    gaps : sequence of NormalGap
        From ``course_utils.clt.normal_gap``.

    Returns
    -------
    matplotlib Figure
    """
    fig, axes = plt.subplots(1, len(gaps), figsize=(4.0 * len(gaps) + 0.5, 3.6), squeeze=False)
    for ax, gap in zip(axes[0], gaps):
        _draw_gap(ax, gap)
    fig.tight_layout()
    return fig


def _draw_gap(ax, gap: NormalGap) -> None:
    inside = np.abs(gap.z) <= 4.5
    ax.plot(gap.z[inside], gap.gap[inside], color=PALETTE[0], lw=1.2, label=r"$F_N(z) - \Phi(z)$")
    sign = np.sign(gap.gap[np.argmax(np.abs(gap.gap))])
    ax.plot([gap.z_at_max], [sign * gap.ks_distance], "o", color=PALETTE[5],
            label=rf"$\Delta_N$ = {gap.ks_distance:.4f}")
    ax.axhline(0.0, color="black", lw=0.8)
    ax.set_xlim(-4, 4)
    ax.set_title(f"{get_distribution(gap.distribution).label}, N = {gap.n_terms}", fontsize=10)
    ax.set_xlabel("z (standard deviations)")
    ax.set_ylabel("CDF difference")
    ax.legend(fontsize=8, loc="best")


def plot_clt_explorer(distribution: str, n_terms: int, sums: np.ndarray, gap: NormalGap):
    """The Explore figure: standardized sums against N(0, 1), and the exact CDF gap.

    Parameters
    ----------
    distribution : str
    n_terms : int
    sums : ndarray of shape (n_sums,)
        Simulated sums of ``n_terms`` draws.
    gap : NormalGap
        ``normal_gap(distribution, n_terms)``.

    Returns
    -------
    matplotlib Figure
    """
    dist = get_distribution(distribution)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 3.8))
    z = standardize(sums, dist.name, n_terms)
    _histogram(left, z, dist.lattice_span, scale=dist.std * np.sqrt(n_terms), color=PALETTE[0],
               alpha=0.6, label=f"{z.size:,} simulated sums")
    grid = np.linspace(-4, 4, 300)
    left.plot(grid, stats.norm.pdf(grid), color=PALETTE[5], lw=2, label=r"$\mathcal{N}(0, 1)$")
    left.set_xlim(-4, 4)
    left.set_title(f"Standardized sum of {n_terms} draws")
    left.set_xlabel(r"$Z_N = (S_N - N\mu)/(\sigma\sqrt{N})$ (standard deviations)")
    left.set_ylabel("probability density")
    left.set_ylim(top=1.3 * left.get_ylim()[1])
    left.legend(fontsize=8, loc="upper left")
    _draw_gap(right, gap)
    right.set_title("Exact CDF gap to the normal")
    fig.suptitle(f"{dist.label}: skewness of the sum {dist.skewness / np.sqrt(n_terms):.2f}")
    fig.tight_layout()
    return fig
