"""Figures of lesson 02: normal fits to Galton's heights, the likelihood surface, the
generative check, the bias of the variance estimate and the bivariate normal.

Every function creates its figure with ``plt.subplots`` and returns it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from scipy import stats

from course_utils.gmm import log_gaussian
from course_utils.mle import normal_log_likelihood
from course_utils.plotting import PALETTE

HEIGHT_LABEL = "height (cm)"
DENSITY_LABEL = "density (1/cm)"


def _hazen_probabilities(n: int) -> np.ndarray:
    """Plotting positions (i - 1/2) / n of the sorted values of a sample of size n."""
    return (np.arange(1, n + 1) - 0.5) / n


def plot_heights(heights, bins, title: str = "Galton's adult children: heights") -> plt.Figure:
    """Histogram of heights, normalized to a density.

    Parameters
    ----------
    heights : array_like of shape (n,)
        Heights in cm.
    bins : int or array_like
        Passed to :meth:`matplotlib.axes.Axes.hist`.
    title : str

    Returns
    -------
    figure : matplotlib Figure
    """
    heights = np.asarray(heights, dtype=float)
    fig, ax = plt.subplots()
    ax.hist(heights, bins=bins, density=True, color=PALETTE[0], alpha=0.7, edgecolor="white")
    ax.set(xlabel=HEIGHT_LABEL, ylabel=DENSITY_LABEL, title=f"{title} (n = {heights.size})")
    return fig


def plot_normal_fit(heights, mu: float, sigma: float, bins, title: str | None = None) -> plt.Figure:
    """Histogram of heights with the density of N(mu, sigma^2); the title gives the log-likelihood.

    Parameters
    ----------
    heights : array_like of shape (n,)
        Heights in cm.
    mu, sigma : float
        Mean and standard deviation of the normal model, in cm.
    bins : int or array_like
        Histogram bins.
    title : str, optional
        First line of the title; the second line always states mu, sigma and the
        log-likelihood of the data under the model.

    Returns
    -------
    figure : matplotlib Figure
    """
    heights = np.asarray(heights, dtype=float)
    log_likelihood = normal_log_likelihood(heights, mu, sigma)
    fig, ax = plt.subplots(figsize=(9.0, 4.0))
    ax.hist(heights, bins=bins, density=True, color=PALETTE[0], alpha=0.5, edgecolor="white", label="data")
    low, high = min(heights.min(), mu - 4 * sigma), max(heights.max(), mu + 4 * sigma)
    grid = np.linspace(low, high, 400)
    ax.plot(grid, stats.norm.pdf(grid, mu, sigma), color=PALETTE[5], lw=2.5,
            label=rf"normal, $\mu$ = {mu:.1f} cm," "\n" rf"$\sigma$ = {sigma:.1f} cm")
    summary = rf"$\mu$ = {mu:.2f} cm, $\sigma$ = {sigma:.2f} cm: log-likelihood {log_likelihood:.1f}"
    ax.set(xlabel=HEIGHT_LABEL, ylabel=DENSITY_LABEL,
           title=summary if title is None else f"{title}\n{summary}")
    # Beside the axes: a model far to one side would run under a legend inside them.
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.tight_layout()
    return fig


def plot_log_likelihood_surface(heights, mus, sigmas, estimate) -> plt.Figure:
    r"""Contours of the log-likelihood over a (mu, sigma) grid, relative to its maximum.

    Parameters
    ----------
    heights : array_like of shape (n,)
    mus : array_like of shape (a,)
        Grid of means, cm.
    sigmas : array_like of shape (b,)
        Grid of standard deviations, cm (all > 0).
    estimate : tuple (mu_hat, sigma_hat)
        Marked with a star; the contours show :math:`\ell(\mu,\sigma) - \ell(\hat\mu,\hat\sigma)`.

    Returns
    -------
    figure : matplotlib Figure
    """
    mus, sigmas = np.asarray(mus, dtype=float), np.asarray(sigmas, dtype=float)
    mu_hat, sigma_hat = estimate
    surface = normal_log_likelihood(heights, mus[np.newaxis, :], sigmas[:, np.newaxis])
    relative = surface - normal_log_likelihood(heights, mu_hat, sigma_hat)
    levels = [-200, -100, -50, -20, -10, -5, -2, -0.5, 0]
    fig, ax = plt.subplots(figsize=(7.0, 5.0))
    filled = ax.contourf(mus, sigmas, relative, levels=levels, extend="min", cmap="viridis")
    lines = ax.contour(mus, sigmas, relative, levels=levels[:-1], colors="white", linewidths=0.7,
                       linestyles="solid")
    ax.clabel(lines, fmt="%g", fontsize=10)
    ax.plot(mu_hat, sigma_hat, marker="*", markersize=16, color=PALETTE[1], markeredgecolor="black",
            linestyle="none")
    fig.colorbar(filled, ax=ax, label="log-likelihood minus its maximum")
    # The estimate is named in the title, so that no legend covers the contours.
    ax.set(xlabel="μ (cm)", ylabel="σ (cm)",
           title=f"Log-likelihood surface of the normal model\nstar: ML estimate μ = {mu_hat:.2f} cm, "
                 f"σ = {sigma_hat:.2f} cm")
    fig.tight_layout()
    return fig


def plot_generated_vs_data(heights, sample, mu: float, sigma: float, bins, replicates=None) -> plt.Figure:
    """Compare data with heights drawn from the fitted model: histograms and a normal Q-Q plot.

    Parameters
    ----------
    heights : array_like of shape (n,)
        Observed heights, cm.
    sample : array_like of shape (m,)
        Heights generated from N(mu, sigma^2).
    mu, sigma : float
        The fitted model, cm.
    bins : int or array_like
        Histogram bins (shared by both histograms).
    replicates : array_like of shape (r, n), optional
        Further generated data sets of the same size as ``heights``; the Q-Q plot then
        shades the central 95 % band of their sorted values, the spread that sampling
        alone produces.

    Returns
    -------
    figure : matplotlib Figure with two Axes
    """
    heights = np.sort(np.asarray(heights, dtype=float))
    sample = np.sort(np.asarray(sample, dtype=float))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.2))
    left.hist(heights, bins=bins, density=True, color=PALETTE[0], alpha=0.5, label=f"data (n = {heights.size})")
    left.hist(sample, bins=bins, density=True, histtype="step", lw=2, color=PALETTE[5],
              label=f"generated (n = {sample.size})")
    left.set(xlabel=HEIGHT_LABEL, ylabel=DENSITY_LABEL, title="Histograms")
    left.legend(loc="upper left")

    model_quantiles = stats.norm.ppf(_hazen_probabilities(heights.size), mu, sigma)
    if replicates is not None:
        sorted_replicates = np.sort(np.asarray(replicates, dtype=float), axis=1)
        low, high = np.percentile(sorted_replicates, [2.5, 97.5], axis=0)
        right.fill_between(model_quantiles, low, high, color=PALETTE[4], alpha=0.35,
                           label=f"95 % band of {sorted_replicates.shape[0]} generated data sets")
    right.plot(stats.norm.ppf(_hazen_probabilities(sample.size), mu, sigma), sample, ".", color=PALETTE[5],
               markersize=3, label="generated")
    right.plot(model_quantiles, heights, ".", color=PALETTE[0], markersize=4, label="data")
    ends = model_quantiles[[0, -1]]
    right.plot(ends, ends, color="black", lw=1, label="y = x")
    right.set(xlabel="quantile of the fitted normal (cm)", ylabel="sorted heights (cm)",
              title="Q-Q plot against the fitted normal")
    right.legend(loc="upper left")
    fig.tight_layout()
    return fig


def plot_variance_bias(sample_sizes, mean_ml, mean_unbiased, true_variance: float) -> plt.Figure:
    """Average variance estimates over many simulated samples, relative to the true variance.

    Parameters
    ----------
    sample_sizes : array_like of shape (s,)
        The N of each simulation.
    mean_ml, mean_unbiased : array_like of shape (s,)
        Average of the estimates dividing by N and by N - 1.
    true_variance : float
        The variance the samples were drawn with.

    Returns
    -------
    figure : matplotlib Figure
    """
    sample_sizes = np.asarray(sample_sizes, dtype=float)
    fig, ax = plt.subplots()
    dense = np.geomspace(sample_sizes.min(), sample_sizes.max(), 200)
    ax.plot(dense, (dense - 1) / dense, color=PALETTE[0], lw=1.5, label="theory for 1/N: (N - 1)/N")
    ax.axhline(1.0, color=PALETTE[1], lw=1.5, ls="--", label="theory for 1/(N - 1): 1")
    ax.plot(sample_sizes, np.asarray(mean_ml) / true_variance, "o", color=PALETTE[0],
            label=r"simulation, divide by $N$ (ML)")
    ax.plot(sample_sizes, np.asarray(mean_unbiased) / true_variance, "s", color=PALETTE[1], mfc="none",
            label=r"simulation, divide by $N - 1$")
    ax.set_xscale("log")
    # The sample sizes themselves as ticks: plain numbers, no small superscript exponents.
    ax.set_xticks(sample_sizes, [f"{n:g}" for n in sample_sizes])
    ax.minorticks_off()
    ax.set(xlabel="sample size N", ylabel="average estimate / true variance",
           title="Bias of the variance estimate")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def plot_pooled_vs_by_sex(heights, is_male, pooled, female, male, bins, replicates=None) -> plt.Figure:
    """One normal for both sexes against one normal per sex: densities and a Q-Q plot.

    Parameters
    ----------
    heights : array_like of shape (n,)
        Heights, cm.
    is_male : array_like of bool, shape (n,)
    pooled, female, male : NormalFit
        Maximum-likelihood fits (:func:`course_utils.mle.fit_normal`) of all heights, the
        daughters' and the sons'.
    bins : int or array_like
    replicates : array_like of shape (r, n), optional
        Data sets generated from the pooled normal; the Q-Q plot shades the central 95 %
        band of their sorted values.

    Returns
    -------
    figure : matplotlib Figure with two Axes
    """
    heights = np.asarray(heights, dtype=float)
    is_male = np.asarray(is_male, dtype=bool)
    share_male = is_male.mean()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.2))
    left.hist(heights, bins=bins, density=True, color="0.75", label="all heights")
    grid = np.linspace(heights.min() - 5, heights.max() + 5, 400)
    female_part = (1 - share_male) * stats.norm.pdf(grid, female.mean, female.std)
    male_part = share_male * stats.norm.pdf(grid, male.mean, male.std)
    left.plot(grid, stats.norm.pdf(grid, pooled.mean, pooled.std), color=PALETTE[7], lw=2, ls="--",
              label="one normal")
    left.plot(grid, female_part, color=PALETTE[3], lw=1.2, label="daughters' normal × share")
    left.plot(grid, male_part, color=PALETTE[0], lw=1.2, label="sons' normal × share")
    left.plot(grid, female_part + male_part, color=PALETTE[5], lw=2.5, label="sum of the two")
    left.set(xlabel=HEIGHT_LABEL, ylabel=DENSITY_LABEL, title=f"All {heights.size} heights")
    left.set_ylim(0, 1.45 * left.get_ylim()[1])  # room for the legend above the curves
    left.legend(loc="upper left", fontsize=9, ncols=2)

    model_quantiles = stats.norm.ppf(_hazen_probabilities(heights.size), pooled.mean, pooled.std)
    if replicates is not None:
        sorted_replicates = np.sort(np.asarray(replicates, dtype=float), axis=1)
        low, high = np.percentile(sorted_replicates, [2.5, 97.5], axis=0)
        right.fill_between(model_quantiles, low, high, color=PALETTE[4], alpha=0.35,
                           label=f"95 % band of {sorted_replicates.shape[0]} generated data sets")
    right.plot(model_quantiles, np.sort(heights), ".", color=PALETTE[7], markersize=3, label="all heights")
    ends = model_quantiles[[0, -1]]
    right.plot(ends, ends, color="0.4", lw=1, label="y = x")
    right.set(xlabel="quantile of the single fitted normal (cm)", ylabel="sorted heights (cm)",
              title="Q-Q plot against one normal")
    right.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    return fig


def plot_bivariate_fit(
    X,
    mean,
    covariance,
    labels=("father's height (cm)", "son's height (cm)"),
    jitter: float = 0.0,
    rng=None,
    unit: str = "cm",
) -> plt.Figure:
    """Scatter of two-dimensional data with the contours of a fitted normal density.

    The contours are drawn at Mahalanobis radii 1, 2 and 3 (level sets of
    :func:`course_utils.gmm.log_gaussian`); the line is the conditional mean
    E[x_2 | x_1] of the fitted normal, and the dashed line is x_2 = x_1.

    Parameters
    ----------
    X : array_like of shape (n, 2)
    mean : array_like of shape (2,)
    covariance : array_like of shape (2, 2), symmetric positive definite
    labels : pair of str
        Axis labels with units.
    jitter : float, default 0
        Half-width (in the data's units) of a uniform displacement added to each plotted
        point, so that tied values (heights recorded to the quarter inch) do not hide each
        other. The fit is not affected.
    rng : None, int or numpy.random.Generator
        Source of the jitter.
    unit : str, default "cm"
        Unit of the data, named in the legend when the points are jittered.

    Returns
    -------
    figure : matplotlib Figure
        The axes cover every data point and the whole of the outermost contour.
    """
    X = np.asarray(X, dtype=float)
    mean, covariance = np.asarray(mean, dtype=float), np.asarray(covariance, dtype=float)
    rng = np.random.default_rng(rng)
    shown = X + rng.uniform(-jitter, jitter, size=X.shape) if jitter > 0 else X
    fig, ax = plt.subplots(figsize=(9.0, 6.0))
    data_label = f"data (n = {X.shape[0]})" if jitter <= 0 else f"data (n = {X.shape[0]}, jittered ±{jitter:g} {unit})"
    ax.scatter(shown[:, 0], shown[:, 1], s=10, color=PALETTE[0], alpha=0.45, label=data_label)

    # The contour at Mahalanobis distance 3 reaches mean +- 3 sd along each axis; the
    # limits cover it with a margin and every (jittered) data point as well.
    span = 3.5 * np.sqrt(np.diag(covariance))
    margin = 0.03 * (shown.max(axis=0) - shown.min(axis=0))
    lower = np.minimum(mean - span, shown.min(axis=0) - margin)
    upper = np.maximum(mean + span, shown.max(axis=0) + margin)
    g0 = np.linspace(lower[0], upper[0], 200)
    g1 = np.linspace(lower[1], upper[1], 200)
    G0, G1 = np.meshgrid(g0, g1)
    grid_points = np.column_stack([G0.ravel(), G1.ravel()])
    log_density = log_gaussian(grid_points, mean, covariance)[:, 0].reshape(G0.shape)
    radii = np.array([1.0, 2.0, 3.0])
    log_det = np.linalg.slogdet(covariance)[1]
    levels = -0.5 * (2 * np.log(2 * np.pi) + log_det + radii[::-1] ** 2)
    contours = ax.contour(G0, G1, log_density, levels=levels, colors=PALETTE[5], linewidths=1.5,
                          linestyles="solid")
    ax.clabel(contours, fmt={level: f"{r:g}" for level, r in zip(levels, radii[::-1])}, fontsize=9)
    ax.plot([], [], color=PALETTE[5], lw=1.5, label="fitted density, Mahalanobis\ndistance 1, 2, 3")
    ax.plot(*mean, marker="X", markersize=11, color=PALETTE[1], markeredgecolor="black", ls="none",
            label="ML mean")

    slope = covariance[0, 1] / covariance[0, 0]
    ax.plot(g0, mean[1] + slope * (g0 - mean[0]), color=PALETTE[2], lw=2,
            label=f"conditional mean, slope {slope:.2f}")
    ax.plot(g0, g0, color="black", lw=1, ls="--", label="y = x")
    ax.set(xlim=(g0[0], g0[-1]), ylim=(g1[0], g1[-1]), xlabel=labels[0], ylabel=labels[1],
           title="Bivariate normal fitted by maximum likelihood")
    ax.set_aspect("equal")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
    fig.tight_layout()
    return fig
