"""Figures of lesson 01, the central limit theorem."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator
from scipy import stats

from course_utils.clt import NormalGap, PowerLawFit, get_distribution, standardize
from course_utils.plotting import PALETTE

# Tick labels such as 0.001 and 1000 instead of powers of ten: a superscript exponent is
# drawn at about 70 % of the font size, below the house minimum of 9 pt.
_PLAIN_TICKS = FuncFormatter(lambda value, _: f"{value:g}")


def _legend_below(fig, handles, labels, ncols: int) -> None:
    """One legend for the whole figure, under the panels, where it covers no data."""
    fig.legend(handles, labels, loc="lower center", ncols=ncols, bbox_to_anchor=(0.5, 0.0))


def _lattice_edges(values: np.ndarray, step: float, max_bars: int = 80) -> np.ndarray:
    """Bin edges for values on a lattice of span ``step``: each bar centred on a value.

    One bar per possible value from ``values.min()`` to ``values.max()``. With more than
    ``max_bars`` values, neighbours are merged k at a time with k odd, so that every full
    bar is still centred on a value (an even k would put its edges on values); the last
    bar is cut at ``values.max() + step / 2`` and may hold fewer values, so that no value
    falls outside the bins.
    """
    low, high = float(values.min()), float(values.max())
    n_values = round((high - low) / step) + 1
    merge = max(1, int(np.ceil(n_values / max_bars)))
    merge += 1 - merge % 2  # odd
    edges = low - step / 2 + merge * step * np.arange(-(-n_values // merge) + 1)
    edges[-1] = min(edges[-1], high + step / 2)
    return edges


def _histogram(ax, values: np.ndarray, lattice_span: float | None, scale: float = 1.0, **style) -> None:
    """Density histogram; on a lattice bars centred on values (see ``_lattice_edges``).

    ``scale`` is the factor by which the values were divided (1 for raw sums), so that a
    lattice of span h becomes one of span h / scale.
    """
    bins = 60 if lattice_span is None else _lattice_edges(values, lattice_span / scale)
    ax.hist(values, bins=bins, density=True, **style)


def plot_sum_histograms(sums: Mapping[int, np.ndarray], distribution: str):
    """One panel per N: histogram of simulated sums against N(N mu, N sigma^2).

    Parameters
    ----------
    sums : mapping from int N to ndarray of shape (n_sums,)
        Simulated sums of N draws, drawn two panels to a row.
    distribution : str
        The distribution the draws came from (a key of ``course_utils.clt.DISTRIBUTIONS``).

    Returns
    -------
    matplotlib Figure
    """
    dist = get_distribution(distribution)
    ncols = min(2, len(sums))
    nrows = -(-len(sums) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.5 * ncols + 0.5, 2.9 * nrows + 1.2), squeeze=False)
    for ax, (n_terms, values) in zip(axes.ravel(), sums.items()):
        values = np.asarray(values, dtype=float)
        _histogram(ax, values, dist.lattice_span, color=PALETTE[0], alpha=0.6,
                   label=f"{values.size:,} simulated sums")
        mean, std = n_terms * dist.mean, np.sqrt(n_terms * dist.variance)
        x = np.linspace(min(values.min(), mean - 4 * std), max(values.max(), mean + 4 * std), 400)
        ax.plot(x, stats.norm.pdf(x, mean, std), color=PALETTE[5], lw=2,
                label="normal density with the same mean (Nμ) and variance (Nσ²)")
        ax.set_title(f"N = {n_terms}")
        ax.set_xlabel("sum of N draws")
        ax.set_ylabel("probability density")
        ax.xaxis.set_major_locator(MaxNLocator(6))
    for ax in axes.ravel()[len(sums):]:
        ax.remove()
    handles, labels = axes[0, 0].get_legend_handles_labels()
    _legend_below(fig, handles, labels, ncols=1)
    fig.suptitle(f"Sums of N draws from the {dist.label}")
    fig.tight_layout(rect=(0, 0.55 / fig.get_figheight(), 1, 1))
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
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, 4.6))
    for colour, (n_terms, values) in zip(PALETTE, means.items()):
        values = np.asarray(values, dtype=float)
        style = {"histtype": "step", "lw": 1.6, "color": colour, "label": f"N = {n_terms}"}
        _histogram(left, values, dist.lattice_span, scale=n_terms, **style)
        z = standardize(values * n_terms, dist.name, n_terms)
        _histogram(right, z, dist.lattice_span, scale=dist.std * np.sqrt(n_terms), **style)
    z = np.linspace(-4, 4, 300)
    right.plot(z, stats.norm.pdf(z), color="black", lw=2, ls="--", label="standard normal density")
    pooled = np.concatenate([np.asarray(v, dtype=float) for v in means.values()])
    low, high = np.quantile(pooled, [0.002, 0.998])
    margin = 0.05 * (high - low)
    left.set_xlim(low - margin, high + margin)
    left.axvline(dist.mean, color="black", lw=1, ls=":", label="μ, the mean of one draw")
    left.set_title("Sample means concentrate around μ")
    left.set_xlabel("sample mean of N draws")
    left.set_ylabel("probability density")
    right.set_title("Standardized: √N (mean − μ) / σ")
    right.set_xlabel("standardized mean (standard deviations)")
    right.set_ylabel("probability density")
    right.set_xlim(-4, 4)
    handles, labels = right.get_legend_handles_labels()
    extra_handles, extra_labels = left.get_legend_handles_labels()
    _legend_below(fig, handles + extra_handles[-1:], labels + extra_labels[-1:], ncols=3)
    fig.suptitle(f"Means of N draws from the {dist.label}")
    fig.tight_layout(rect=(0, 0.65 / fig.get_figheight(), 1, 1))
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
    fig, ax = plt.subplots(figsize=(9.6, 5.2))
    markers = "osD^v"
    for index, (name, values) in enumerate(distances.items()):
        colour = PALETTE[index % len(PALETTE)]
        ax.loglog(n_terms, values, markers[index % len(markers)], color=colour,
                  label=get_distribution(name).label)
        if fits and name in fits:
            fit = fits[name]
            # Plain text: a superscript exponent would be drawn too small to read.
            ax.loglog(n_terms, fit(n_terms), "--", color=colour, lw=1.2,
                      label=f"fit: {fit.prefactor:.3f} × N^({fit.slope:.3f})".replace("-", "−"))
        if bounds and name in bounds:
            ax.loglog(n_terms, bounds[name], ":", color=colour, lw=1.5, label="Berry-Esseen bound")
    ax.xaxis.set_major_formatter(_PLAIN_TICKS)
    ax.yaxis.set_major_formatter(_PLAIN_TICKS)
    ax.set_title("Distance to the normal against the number of terms")
    ax.set_xlabel("number of terms N")
    ax.set_ylabel("KS distance to the normal (largest CDF gap)")
    # Beside the axes, so that it covers no point whatever the distances.
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
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
    fig, axes = plt.subplots(1, len(gaps), figsize=(3.0 * len(gaps) + 0.4, 3.9), squeeze=False)
    for ax, gap in zip(axes[0], gaps):
        _draw_gap(ax, gap)
    fig.tight_layout()
    return fig


def _draw_gap(ax, gap: NormalGap, title: str | None = None) -> None:
    """The gap curve with its supremum marked; the title names the distribution and the value."""
    inside = np.abs(gap.z) <= 4.5
    ax.plot(gap.z[inside], gap.gap[inside], color=PALETTE[0], lw=1.2)
    sign = np.sign(gap.gap[np.argmax(np.abs(gap.gap))])
    ax.plot([gap.z_at_max], [sign * gap.ks_distance], "o", color=PALETTE[5])
    ax.axhline(0.0, color="black", lw=0.8)
    ax.set_xlim(-4, 4)
    # The value of the supremum goes into the title, so no legend covers the curve.
    first_line = title or f"{get_distribution(gap.distribution).label}, N = {gap.n_terms}"
    ax.set_title(f"{first_line}\nlargest gap (dot): {gap.ks_distance:.4f}", fontsize=11)
    ax.set_xlabel("z (standard deviations)")
    ax.set_ylabel("CDF of the sum minus normal CDF")


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
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, 4.4))
    z = standardize(sums, dist.name, n_terms)
    _histogram(left, z, dist.lattice_span, scale=dist.std * np.sqrt(n_terms), color=PALETTE[0],
               alpha=0.6, label=f"{z.size:,} simulated sums")
    grid = np.linspace(-4, 4, 300)
    left.plot(grid, stats.norm.pdf(grid), color=PALETTE[5], lw=2, label="standard normal density")
    left.set_xlim(-4, 4)
    left.set_title(f"Standardized sum of {n_terms} draws", fontsize=11)
    left.set_xlabel("standardized sum (standard deviations)")
    left.set_ylabel("probability density")
    _draw_gap(right, gap, title="Exact CDF gap to the normal")
    handles, labels = left.get_legend_handles_labels()
    _legend_below(fig, handles, labels, ncols=2)
    fig.suptitle(f"{dist.label}: skewness of the sum {dist.skewness / np.sqrt(n_terms):.2f}")
    fig.tight_layout(rect=(0, 0.5 / fig.get_figheight(), 1, 1))
    return fig


def plot_cauchy_means(means: Mapping[int, np.ndarray], limit: float = 6.0):
    """Histograms of means of N standard Cauchy draws against the standard Cauchy density.

    Each histogram is a density over the whole sample: values beyond ``±limit`` are not
    drawn but still count in the normalization, so every curve is comparable with the
    density (lesson 01, eq. 1.10: the mean of N Cauchy draws is standard Cauchy).

    Parameters
    ----------
    means : mapping from int N to ndarray of shape (n_means,)
        Simulated means of N standard Cauchy draws.
    limit : float, default 6
        Half-width of the plotted range.

    Returns
    -------
    matplotlib Figure
    """
    fig, ax = plt.subplots(figsize=(8.0, 4.2))
    edges = np.linspace(-limit, limit, 61)
    width = edges[1] - edges[0]
    for colour, (n_terms, values) in zip(PALETTE, means.items()):
        values = np.asarray(values, dtype=float)
        counts, _ = np.histogram(values, bins=edges)
        ax.stairs(counts / (values.size * width), edges, color=colour, lw=1.6, label=f"N = {n_terms}")
    grid = np.linspace(-limit, limit, 400)
    ax.plot(grid, stats.cauchy.pdf(grid), color="black", lw=2, ls="--", label="standard Cauchy density")
    ax.plot(grid, stats.norm.pdf(grid), color="0.5", lw=1.2, ls=":", label="standard normal, for comparison")
    ax.set_xlim(-limit, limit)
    ax.set_title("Means of N Cauchy draws: the same distribution for every N")
    ax.set_xlabel("mean of N draws")
    ax.set_ylabel("probability density")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.tight_layout()
    return fig
