"""Figures of lesson 07 (Bayes by Backprop): predictions with spread, ELBO curves, weights."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_utils.plotting import PALETTE

BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION = PALETTE[:6]


def _shade_training_range(ax, X) -> None:
    ax.axvspan(float(np.min(X)), float(np.max(X)), color="0.85", alpha=0.5, lw=0, label="training inputs")


def plot_predictions(X, y, grid, mean, std, function_samples, map_curve, *, n_curves: int = 12,
                     title: str = "Bayes by Backprop: a distribution over networks"):
    """Bayes by Backprop (mean, +-2 std band, a few sampled networks) beside a MAP network.

    Parameters
    ----------
    X : array of shape (n, 1), y : array of shape (n,)
        The training data.
    grid : array of shape (m, 1)
    mean, std : arrays of shape (m,)
        Predictive mean and standard deviation (noise included).
    function_samples : array of shape (S, m)
        Outputs of networks drawn from q.
    map_curve : array of shape (m,)
        Output of the MAP network.
    n_curves : int
        How many sampled networks to draw.
    title : str
        Title of the left panel.

    Returns
    -------
    matplotlib Figure
    """
    x = np.asarray(grid)[:, 0]
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.2), sharey=True, constrained_layout=True)
    left, right = axes
    for ax in axes:
        _shade_training_range(ax, X)
    left.fill_between(x, mean - 2 * std, mean + 2 * std, color=SKY, alpha=0.35, lw=0, label="mean ± 2 std")
    for index, curve in enumerate(function_samples[:n_curves]):
        left.plot(x, curve, color=BLUE, lw=0.6, alpha=0.5, label="networks drawn from q" if index == 0 else None)
    left.plot(x, mean, color=BLUE, lw=2.2, label="predictive mean")
    left.set_title(title)
    right.plot(x, map_curve, color=VERMILLION, lw=2.2, label="MAP network")
    right.set_title("MAP: one network, no spread")
    for ax in axes:
        ax.plot(X[:, 0], y, "o", ms=3.5, color="black", label="training data")
        ax.set_xlabel("input x (dimensionless)")
        ax.set_xlim(x.min(), x.max())
    left.set_ylabel("output y (dimensionless)")
    # the whole ±2 std band and every drawn curve stay inside the axes
    drawn = np.concatenate([mean - 2 * std, mean + 2 * std, np.ravel(function_samples[:n_curves]), y,
                            np.ravel(map_curve)])
    low, high = np.min(drawn), np.max(drawn)
    pad = 0.05 * (high - low)
    left.set_ylim(low - pad, high + pad)
    left.legend(loc="upper left", fontsize=9)
    right.legend(loc="upper left", fontsize=9)
    return fig


def plot_predictive_std(grid, stds: dict, X, noise_std: float | None = None, *,
                        title: str = "Predictive spread against the input"):
    """Predictive standard deviation against the input for one or more models.

    Parameters
    ----------
    grid : array of shape (m, 1)
    stds : dict mapping a label to an array of shape (m,)
    X : array of shape (n, 1)
        Training inputs (their range is shaded).
    noise_std : float, optional
        Drawn as a horizontal reference line.
    title : str, optional

    Returns
    -------
    matplotlib Figure
    """
    x = np.asarray(grid)[:, 0]
    fig, ax = plt.subplots(figsize=(7.0, 3.8), constrained_layout=True)
    _shade_training_range(ax, X)
    styles = ["-", "--", "-.", ":"]
    for index, (label, std) in enumerate(stds.items()):
        ax.plot(x, std, styles[index % 4], color=PALETTE[index % 6], lw=2, label=label)
    if noise_std is not None:
        ax.axhline(noise_std, color="black", lw=1, ls=":", label=f"noise std s = {noise_std:g}")
    ax.set_yscale("log")
    ax.set_xlabel("input x (dimensionless)")
    ax.set_ylabel("predictive std (log scale)")
    ax.set_title(title)
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0))  # beside: no curve hidden
    return fig


def _running_mean(values, window):
    values = np.asarray(values, dtype=float)
    window = max(1, min(window, values.size))
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid"), np.arange(window - 1, values.size)


def plot_elbo(histories: dict, *, window: int = 50, skip: float = 0.02):
    """ELBO per epoch (thin) and its running mean (thick) for one or more training runs.

    Parameters
    ----------
    histories : dict mapping a label to an array of shape (n_epochs,)
    window : int
        Width of the running mean.
    skip : float
        Fraction of the first epochs left out when choosing the y-range (the very first
        ELBO values are far below the rest).

    Returns
    -------
    matplotlib Figure
    """
    fig, ax = plt.subplots(figsize=(7.0, 3.8), constrained_layout=True)
    lows, highs = [], []
    for index, (label, elbo) in enumerate(histories.items()):
        elbo = np.asarray(elbo)
        color = PALETTE[index % 6]
        ax.plot(np.arange(elbo.size), elbo, color=color, lw=0.5, alpha=0.35)
        smooth, epochs = _running_mean(elbo, window)
        ax.plot(epochs, smooth, color=color, lw=2, label=label)
        tail = elbo[int(skip * elbo.size) :]
        lows.append(np.percentile(tail, 1))
        highs.append(np.max(tail))
    low, high = min(lows), max(highs)
    ax.set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    ax.set_xlabel("epoch")
    ax.set_ylabel("ELBO estimate (nats)")
    ax.set_title(f"ELBO during training (thick: running mean over {window} epochs)")
    ax.legend(fontsize=9)
    return fig


def plot_weight_distributions(fits: dict):
    """Histograms of the posterior means |mu| and of the signal-to-noise ratios |mu|/sigma.

    Parameters
    ----------
    fits : dict mapping a label to a pair (mu, sigma) of arrays of shape (P,)

    Returns
    -------
    matplotlib Figure
    """
    fig, axes = plt.subplots(1, 2, figsize=(11.0, 3.8), constrained_layout=True)
    everything = np.concatenate([np.abs(mu) for mu, _ in fits.values()])
    ratios = np.concatenate([np.abs(mu) / sigma for mu, sigma in fits.values()])
    bins_mu = np.geomspace(max(everything.min(), 1e-5), everything.max(), 30)
    bins_ratio = np.geomspace(max(ratios.min(), 1e-4), ratios.max(), 30)
    for index, (label, (mu, sigma)) in enumerate(fits.items()):
        style = {"histtype": "step", "lw": 2, "color": PALETTE[index % 6], "label": label,
                 "ls": ["-", "--"][index % 2]}
        axes[0].hist(np.clip(np.abs(mu), bins_mu[0], None), bins=bins_mu, **style)
        axes[1].hist(np.clip(np.abs(mu) / sigma, bins_ratio[0], None), bins=bins_ratio, **style)
    axes[0].set_xlabel("|posterior mean| of a weight (log scale)")
    axes[1].set_xlabel("signal-to-noise ratio |mu| / sigma (log scale)")
    axes[0].set_title("Weight magnitudes")
    axes[1].set_title("Signal-to-noise ratios")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_ylabel("number of weights")
        ax.legend(fontsize=9)
    return fig


def plot_gradient_noise(n_samples, spreads: dict):
    """Standard deviation of a Monte Carlo gradient estimate against the number of samples.

    Parameters
    ----------
    n_samples : array of shape (k,)
    spreads : dict mapping a label to an array of shape (k,)

    Returns
    -------
    matplotlib Figure
    """
    n_samples = np.asarray(n_samples, dtype=float)
    fig, ax = plt.subplots(figsize=(6.5, 3.8), constrained_layout=True)
    for index, (label, spread) in enumerate(spreads.items()):
        ax.plot(n_samples, spread, "o-", color=PALETTE[index % 6], lw=2, label=label)
        reference = spread[0] * np.sqrt(n_samples[0] / n_samples)
        ax.plot(n_samples, reference, ":", color=PALETTE[index % 6], lw=1,
                label="1/√S from the first point" if index == 0 else None)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("Monte Carlo samples S per gradient (log scale)")
    ax.set_ylabel("std of the gradient estimate (log scale)")
    ax.set_title("More samples, less gradient noise")
    ax.legend(fontsize=9)
    return fig


def plot_kl_weights(uniform, geometric):
    """The complexity-cost weights of the minibatches of one epoch: uniform and geometric.

    Parameters
    ----------
    uniform, geometric : arrays of shape (M,)

    Returns
    -------
    matplotlib Figure
    """
    M = len(uniform)
    index = np.arange(1, M + 1)
    fig, ax = plt.subplots(figsize=(6.5, 3.5), constrained_layout=True)
    ax.bar(index - 0.2, uniform, width=0.4, color=BLUE, label="uniform 1/M")
    ax.bar(index + 0.2, geometric, width=0.4, color=ORANGE, hatch="//", label="geometric 2^(M−i)/(2^M−1)")
    ax.set_xlabel("minibatch i within the epoch")
    ax.set_ylabel("weight π_i of the complexity cost")
    ax.set_title(f"Splitting the complexity cost over M = {M} minibatches")
    ax.set_xticks(index)
    ax.legend(fontsize=9)
    return fig


def plot_pruning(fractions, errors: dict, noise_std: float | None = None):
    """Error of the pruned mean network against the fraction of weights removed.

    Parameters
    ----------
    fractions : array of shape (k,)
    errors : dict mapping a label to an array of shape (k,)
    noise_std : float, optional
        Drawn as a reference line (the error a perfect curve would still make).

    Returns
    -------
    matplotlib Figure
    """
    fractions = np.asarray(fractions)
    fig, ax = plt.subplots(figsize=(6.5, 3.8), constrained_layout=True)
    for index, (label, error) in enumerate(errors.items()):
        ax.plot(100 * fractions, error, "os^v"[index % 4] + "-", color=PALETTE[index % 6], lw=2, label=label)
    if noise_std is not None:
        ax.axhline(noise_std, color="black", lw=1, ls=":", label="noise std of the likelihood")
    ax.set_yscale("log")
    ax.set_xlabel("weights removed (%)")
    ax.set_ylabel("RMSE on the training data (log scale)")
    ax.set_title("Pruning by signal-to-noise ratio")
    ax.legend(fontsize=9)
    return fig


# --------------------------------------------------------------------------------------
# Digits: classification figures
# --------------------------------------------------------------------------------------


def plot_digits(images: dict, *, n_columns: int = 6):
    """A few 8x8 digit images per row, one row per kind of input.

    Parameters
    ----------
    images : dict mapping a label (e.g. "test digits", "rotated") to an array (k, 64)
        Pixels 0..16; the first ``n_columns`` images of each are shown.
    n_columns : int

    Returns
    -------
    matplotlib Figure
    """
    fig, axes = plt.subplots(len(images), n_columns, figsize=(1.25 * n_columns + 1.6, 1.35 * len(images) + 0.5),
                             squeeze=False, constrained_layout=True)
    for row, (label, block) in zip(axes, images.items()):
        block = np.asarray(block, dtype=float)
        for column, ax in enumerate(row):
            ax.grid(False)
            ax.set_xticks([])
            ax.set_yticks([])
            if column < len(block):
                ax.imshow(block[column].reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
        row[0].set_ylabel(label, fontsize=10, rotation=0, ha="right", va="center")
    fig.suptitle("8 × 8 images (pixel value 0-16: white to black)", fontsize=11)
    return fig


def plot_reliability(calibrations: dict):
    """Reliability diagrams: accuracy against confidence per bin, one panel per model.

    Parameters
    ----------
    calibrations : dict mapping a label to a ``bbb.Calibration``

    Returns
    -------
    matplotlib Figure
    """
    n = len(calibrations)
    fig, axes = plt.subplots(1, n, figsize=(4.6 * n + 0.4, 4.7), sharey=True, squeeze=False,
                             layout="constrained")
    for ax, (label, result) in zip(axes[0], calibrations.items()):
        edges = np.asarray(result.bin_edges)
        width = np.diff(edges)
        filled = np.asarray(result.counts) > 0
        # One colour for the bars of every panel: the shared legend below stands for all.
        ax.bar(edges[:-1][filled], np.asarray(result.accuracy)[filled], width=width[filled], align="edge",
               color=PALETTE[0], alpha=0.75, edgecolor="white", label="accuracy in the bin")
        ax.plot(np.asarray(result.confidence)[filled], np.asarray(result.confidence)[filled], "D", ms=4,
                color="black", label="mean confidence in the bin")
        ax.plot([0, 1], [0, 1], ":", color="0.3", lw=1.2, label="perfect calibration")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("confidence: largest predicted probability")
        ax.set_title(f"{label}: ECE {100 * result.ece:.1f} %")
    axes[0][0].set_ylabel("accuracy: share predicted correctly")
    # One legend below the panels: bars can reach any corner of the axes.
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=3, fontsize=9)
    return fig


def plot_predictive_entropy(entropies: dict, n_classes: int = 10):
    """Histograms of the predictive entropy for several kinds of input, one panel per model.

    Parameters
    ----------
    entropies : dict mapping a model label to a dict mapping an input label to an array (m,)
        Predictive entropies in nats.
    n_classes : int
        K: the largest possible entropy, ln K, is marked.

    Returns
    -------
    matplotlib Figure
    """
    n = len(entropies)
    fig, axes = plt.subplots(1, n, figsize=(4.8 * n + 0.4, 4.6), sharey=True, squeeze=False,
                             constrained_layout=True)
    top = np.log(n_classes)
    bins = np.linspace(0.0, top, 25)
    styles = ["-", "--", "-.", ":"]
    for ax, (model, per_input) in zip(axes[0], entropies.items()):
        for index, (label, values) in enumerate(per_input.items()):
            values = np.clip(np.asarray(values, dtype=float), 0.0, top)
            ax.hist(values, bins=bins, histtype="step", lw=2, ls=styles[index % 4], color=PALETTE[index % 6],
                    density=True, label=f"{label} (mean {values.mean():.2f})")
        ax.axvline(top, color="black", lw=1, ls=":")
        # Just above the axes, at the line: inside, it could sit on a histogram.
        ax.text(top, 1.01, f"ln {n_classes}", ha="center", va="bottom", fontsize=9, transform=ax.get_xaxis_transform())
        ax.set_xlabel("predictive entropy (nats)")
        ax.set_title(model)
        # Below the axes: the histograms can fill any corner.
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=9)
    axes[0][0].set_ylabel("density (per nat)")
    return fig


def plot_pruning_error(fractions, errors: dict):
    """Test error against the share of weights removed, one line per model and ranking.

    Parameters
    ----------
    fractions : array of shape (k,)
        Shares of the weights removed, in [0, 1].
    errors : dict mapping a label to an array (k,) of test error rates in [0, 1]

    Returns
    -------
    matplotlib Figure
    """
    fractions = np.asarray(fractions, dtype=float)
    fig, ax = plt.subplots(figsize=(6.8, 4.0), constrained_layout=True)
    for index, (label, error) in enumerate(errors.items()):
        ax.plot(100 * fractions, 100 * np.asarray(error, dtype=float), "os^v"[index % 4] + ["-", "--"][index % 2],
                color=PALETTE[index % 6], lw=2, label=label)
    ax.set_xlabel("weights removed (%)")
    ax.set_ylabel("test error (%)")
    ax.set_ylim(bottom=0)
    ax.set_title("Pruning the digit classifiers")
    ax.legend(loc="upper left", fontsize=9)
    return fig


def plot_mean_field(mean, covariance, mean_field_std, trained=None, *, names=("w1", "w2")):
    """Exact Gaussian posterior of two parameters beside the best factorized Gaussian.

    Parameters
    ----------
    mean : array of shape (2,)
    covariance : array of shape (2, 2)
        The exact posterior covariance of the two parameters.
    mean_field_std : array of shape (2,)
        Standard deviations of the optimal factorized Gaussian.
    trained : tuple (mu, sigma) of arrays of shape (2,), optional
        What Bayes by Backprop reached.
    names : pair of str

    Returns
    -------
    matplotlib Figure
    """
    from course_utils.plotting import covariance_ellipse

    mean = np.asarray(mean, dtype=float)
    fig, ax = plt.subplots(figsize=(6.0, 4.8), constrained_layout=True)
    covariance_ellipse(ax, mean, covariance, 2.0, edgecolor=BLUE, lw=2.2, label="exact posterior (2 std)")
    covariance_ellipse(ax, mean, np.diag(np.asarray(mean_field_std) ** 2), 2.0, edgecolor=ORANGE, lw=2.2, ls="--",
                       label="best factorized Gaussian")
    if trained is not None:
        mu, sigma = (np.asarray(v, dtype=float) for v in trained)
        covariance_ellipse(ax, mu, np.diag(sigma**2), 2.0, edgecolor=GREEN, lw=1.8, ls=":",
                           label="Bayes by Backprop")
    ax.plot(*mean, "+", color="black", ms=10, label="posterior mean")
    spread = 2.6 * np.sqrt(np.diag(covariance))
    ax.set_xlim(mean[0] - spread[0], mean[0] + spread[0])
    ax.set_ylim(mean[1] - spread[1], mean[1] + 1.6 * spread[1])
    ax.set_xlabel(f"{names[0]} (dimensionless)")
    ax.set_ylabel(f"{names[1]} (dimensionless)")
    ax.set_title("A factorized Gaussian fits inside the posterior")
    ax.legend(loc="upper left", fontsize=9)
    return fig


def plot_gradient_variance(variances: dict):
    """Total variance of the gradient estimate in mu and in rho for several estimators.

    Parameters
    ----------
    variances : dict mapping a label to a ``bbb.GradientVariance``

    Returns
    -------
    matplotlib Figure
    """
    labels = list(variances)
    fig, ax = plt.subplots(figsize=(6.5, 3.8), constrained_layout=True)
    position = np.arange(len(labels))
    mu = [float(np.sum(v.variance_mu)) for v in variances.values()]
    rho = [float(np.sum(v.variance_rho)) for v in variances.values()]
    ax.bar(position - 0.2, mu, width=0.4, color=BLUE, label="gradient in mu")
    ax.bar(position + 0.2, rho, width=0.4, color=ORANGE, hatch="//", label="gradient in rho")
    ax.set_xticks(position)
    ax.set_xticklabels(labels)
    ax.set_yscale("log")
    ax.set_xlabel("gradient estimator")
    ax.set_ylabel("summed variance (log scale)")
    ax.set_title("Variance of the gradient estimate")
    ax.legend(fontsize=9)
    return fig
