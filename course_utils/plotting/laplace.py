"""Figures of lesson 06, the Laplace approximation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from course_utils.plotting import PALETTE, covariance_ellipse

CLASS_STYLES = (
    {"marker": "o", "color": PALETTE[0], "label": "class 0"},
    {"marker": "^", "color": PALETTE[1], "label": "class 1"},
)


def _scatter_classes(ax, X: np.ndarray, y: np.ndarray, edgecolor: str = "black") -> None:
    """Data points of a two-class problem; the first column of X is the bias and is skipped."""
    for label, style in enumerate(CLASS_STYLES):
        points = X[y == label]
        ax.scatter(points[:, 1], points[:, 2], s=36, edgecolors=edgecolor, linewidths=0.8, zorder=3, **style)


def plot_high_dimensions(dimensions, shell_fractions, norms_by_dimension: Mapping[int, np.ndarray]):
    """Two views of high dimension: the outer shell of a ball and the norm of a Gaussian.

    Parameters
    ----------
    dimensions : array_like of shape (m,)
        Dimensions d at which the shell fraction was computed.
    shell_fractions : array_like of shape (m,)
        Fraction of the unit ball's volume within 1% of its surface, 1 - 0.99^d.
    norms_by_dimension : mapping from int d to ndarray of shape (n_samples,)
        Norms of standard normal draws in d dimensions.

    Returns
    -------
    matplotlib Figure
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.0))
    left.semilogx(dimensions, shell_fractions, color=PALETTE[0], lw=2, marker="o", markersize=3)
    left.set_xlabel("dimension d")
    left.set_ylabel("fraction of the volume")
    left.set_ylim(0, 1.05)
    left.set_title("Volume of a ball in its outer 1% shell")

    # A linear axis with bins of one width: each histogram's width is its spread, so the
    # equal spreads at every d look equal (a log axis would make them seem to shrink).
    largest = max(norm.max() for norm in norms_by_dimension.values())
    bins = np.arange(0.0, largest + 0.5, 0.25)
    for colour, (d, norms) in zip(PALETTE, norms_by_dimension.items()):
        right.hist(norms, bins=bins, color=colour, alpha=0.55, label=f"d = {d}")
        right.axvline(np.sqrt(d), color=colour, lw=1.5, ls="--")
    right.set_xlim(0.0, largest + 0.5)
    right.set_xlabel(r"norm $\|z\|$ of a draw $z \sim \mathcal{N}(0, I_d)$ (dashed: $\sqrt{d}$)")
    right.set_ylabel("number of draws per bin of 0.25")
    right.set_title("A Gaussian's mass sits at radius about √d")
    # Beside the axes: inside, the legend would hide the dashed lines.
    right.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9)
    fig.tight_layout()
    return fig


def plot_beta_binomial(theta, exact, approximations: Mapping[str, np.ndarray | None], *, title: str):
    """The exact Beta posterior of theta against Laplace approximations of it.

    Parameters
    ----------
    theta : array_like of shape (m,)
        Grid on (0, 1).
    exact : array_like of shape (m,)
        Exact posterior density on the grid.
    approximations : mapping from label to ndarray of shape (m,) or None
        Approximate densities of theta; ``None`` marks one that does not exist (it is
        listed in the legend as such).
    title : str

    Returns
    -------
    matplotlib Figure
    """
    fig, ax = plt.subplots(figsize=(7.0, 3.8))
    ax.fill_between(theta, exact, color=PALETTE[7], alpha=0.15)
    ax.plot(theta, exact, color=PALETTE[7], lw=2.5, label="exact Beta posterior")
    for colour, style, (label, density) in zip((PALETTE[5], PALETTE[0], PALETTE[2]), ("--", "-.", ":"),
                                                approximations.items()):
        if density is None:
            ax.plot([], [], color=colour, ls=style, label=f"{label}: no interior mode")
        else:
            ax.plot(theta, density, color=colour, lw=2, ls=style, label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(r"probability of heads $\theta$")
    ax.set_ylabel("posterior density")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=9)
    fig.tight_layout()
    return fig


def plot_laplace_errors(trials, evidence_errors: Mapping[str, np.ndarray],
                        posterior_errors: Mapping[str, np.ndarray]):
    """Errors of Laplace approximations against the number of observations, log-log.

    Parameters
    ----------
    trials : array_like of shape (m,)
        Numbers of observations n.
    evidence_errors : mapping from label to ndarray of shape (m,)
        Absolute errors of the log evidence, in nats.
    posterior_errors : mapping from label to ndarray of shape (m,)
        Total variation distances between approximate and exact posteriors.

    Returns
    -------
    matplotlib Figure
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.0))
    markers = ("o", "s", "^", "D")
    for ax, errors, ylabel, title in (
        (left, evidence_errors, "|log evidence error| (nats)", "Evidence"),
        (right, posterior_errors, "total variation distance", "Posterior"),
    ):
        for colour, marker, (label, values) in zip((PALETTE[5], PALETTE[0], PALETTE[2]), markers,
                                                   errors.items()):
            ax.loglog(trials, values, color=colour, marker=marker, lw=2, label=label)
        ax.set_xlabel("number of coin flips n")
        ax.set_ylabel(ylabel)
        ax.set_title(f"{title}: Laplace error against n")
        ax.legend()
    fig.tight_layout()
    return fig


def plot_diagonal_vs_full(samples, mean, covariance, diagonal_covariance,
                          names: Sequence[str] = ("$w_0$", "$w_1$")):
    """Posterior draws of two correlated weights with the full and the diagonal Gaussian.

    Parameters
    ----------
    samples : array_like of shape (s, 2)
        Draws from the exact posterior.
    mean : array_like of shape (2,)
    covariance : array_like of shape (2, 2)
        The full inverse Hessian.
    diagonal_covariance : array_like of shape (2, 2)
        diag(1 / H_ii), the inverse of the Hessian's diagonal.
    names : two str
        Axis labels of the two weights.

    Returns
    -------
    matplotlib Figure
    """
    samples = np.asarray(samples, dtype=float)
    fig, ax = plt.subplots(figsize=(6.0, 4.6))
    ax.scatter(samples[:, 0], samples[:, 1], s=5, color=PALETTE[4], alpha=0.4, label="posterior draws")
    covariance_ellipse(ax, mean, covariance, 2.0, edgecolor=PALETTE[0], lw=2.5,
                       label=r"full Hessian: $H^{-1}$ (2 sd)")
    covariance_ellipse(ax, mean, diagonal_covariance, 2.0, edgecolor=PALETTE[5], lw=2.5, ls="--",
                       label=r"diagonal: $1/H_{ii}$ (2 sd)")
    ax.plot(*mean, marker="+", color="black", markersize=12, mew=2, ls="none", label="mode")
    ax.set_xlabel(f"{names[0]} (intercept)")
    ax.set_ylabel(f"{names[1]} (slope)")
    ax.set_title("A diagonal Hessian is overconfident")
    ax.legend(loc="upper right", fontsize=9)
    fig.tight_layout()
    return fig


def _boundary_line(weights: np.ndarray, x1: np.ndarray) -> np.ndarray:
    """x2 on the decision boundary w0 + w1 x1 + w2 x2 = 0."""
    return -(weights[0] + weights[1] * x1) / weights[2]


def plot_decision_boundaries(X, y, boundary_weights, map_weights, *, limits=(-4.0, 4.0)):
    """Data with the MAP decision boundary and boundaries of weights drawn from the posterior.

    Parameters
    ----------
    X : array_like of shape (n, 3)
        Bias column and two features.
    y : array_like of shape (n,)
        Labels in {0, 1}.
    boundary_weights : array_like of shape (s, 3)
        Posterior draws of the weights.
    map_weights : array_like of shape (3,)
    limits : (float, float)
        Range of both axes.

    Returns
    -------
    matplotlib Figure
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    x1 = np.linspace(*limits, 200)
    fig, ax = plt.subplots(figsize=(6.0, 5.0))
    for index, weights in enumerate(np.asarray(boundary_weights, dtype=float)):
        ax.plot(x1, _boundary_line(weights, x1), color=PALETTE[2], lw=0.8, alpha=0.35,
                label="boundaries of posterior draws" if index == 0 else None)
    ax.plot(x1, _boundary_line(np.asarray(map_weights, dtype=float), x1), color="black", lw=2.5,
            label="MAP boundary")
    _scatter_classes(ax, X, y)
    ax.set_xlim(*limits)
    ax.set_ylim(*limits)
    ax.set_xlabel("feature $x_1$")
    ax.set_ylabel("feature $x_2$")
    ax.set_title("Decision boundaries the posterior allows")
    # Below the axes: the fan of boundaries reaches every corner.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2, fontsize=9)
    fig.tight_layout()
    return fig


def plot_predictive_maps(x1, x2, maps: Mapping[str, np.ndarray], X, y):
    """Filled contours of p(y = 1 | x) for several predictive rules, data on top.

    Parameters
    ----------
    x1 : array_like of shape (m1,)
    x2 : array_like of shape (m2,)
        Grid axes.
    maps : mapping from label to ndarray of shape (m2, m1)
        Probabilities on the grid (rows follow x2).
    X : array_like of shape (n, 3)
        Bias column and two features.
    y : array_like of shape (n,)

    Returns
    -------
    matplotlib Figure
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    levels = np.linspace(0.0, 1.0, 11)
    # Lines near 0 and 1 show where each rule becomes confident; they differ most.
    line_levels = [0.02, 0.1, 0.5, 0.9, 0.98]
    fig, axes = plt.subplots(1, len(maps), figsize=(4.0 * len(maps) + 1.2, 4.0), squeeze=False,
                             sharey=True)
    for ax, (label, probabilities) in zip(axes[0], maps.items()):
        filled = ax.contourf(x1, x2, probabilities, levels=levels, cmap="cividis", alpha=0.8)
        lines = ax.contour(x1, x2, probabilities, levels=line_levels, colors="black",
                           linewidths=[0.8, 0.8, 2.0, 0.8, 0.8], linestyles="solid")
        ax.clabel(lines, fmt="%.2g", fontsize=9)
        _scatter_classes(ax, X, y, edgecolor="white")
        ax.set_title(label)
        ax.set_xlabel("feature $x_1$")
        ax.grid(False)
    axes[0, 0].set_ylabel("feature $x_2$")
    # Below the first panel: on the colour map the legend would cover data and contours.
    axes[0, 0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, fontsize=9)
    fig.colorbar(filled, ax=axes[0].tolist(), label="p(y = 1 | x)", shrink=0.9)
    return fig


def plot_evidence_curve(values, log_evidence, *, xlabel: str, title: str, log_x: bool = False,
                        extra: Mapping[str, np.ndarray] | None = None, extra_label: str = ""):
    """Log evidence against a hyperparameter or a model size, with its maximum marked.

    Parameters
    ----------
    values : array_like of shape (m,)
        Hyperparameter values or model sizes.
    log_evidence : array_like of shape (m,)
    xlabel, title : str
    log_x : bool, default False
        Logarithmic horizontal axis (for precisions).
    extra : mapping from label to ndarray of shape (m,), optional
        Further curves drawn against a second vertical axis (e.g. a training error).
    extra_label : str
        Label of that second axis.

    Returns
    -------
    matplotlib Figure
    """
    values, log_evidence = np.asarray(values, dtype=float), np.asarray(log_evidence, dtype=float)
    fig, ax = plt.subplots(figsize=(7.0, 3.8))
    ax.plot(values, log_evidence, color=PALETTE[0], lw=2, marker="o", markersize=4, label="log evidence")
    best = int(np.argmax(log_evidence))
    ax.plot(values[best], log_evidence[best], marker="*", color=PALETTE[5], markersize=16, ls="none",
            label=f"maximum at {values[best]:.3g}")
    if log_x:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("log evidence (nats)")
    ax.set_title(title)
    handles, labels = ax.get_legend_handles_labels()
    if extra:
        twin = ax.twinx()
        for colour, (label, curve) in zip((PALETTE[1], PALETTE[2]), extra.items()):
            twin.plot(values, curve, color=colour, lw=1.5, ls="--", marker="s", markersize=3, label=label)
        twin.set_ylabel(extra_label)
        twin.grid(False)
        more_handles, more_labels = twin.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    ax.legend(handles, labels, loc="center right" if extra else "best", fontsize=9)
    fig.tight_layout()
    return fig


def plot_polynomial_fits(x, y, x_grid, truth, fits: Mapping[str, tuple[np.ndarray, np.ndarray]]):
    """Predictive means and two-standard-deviation bands of polynomial models.

    Parameters
    ----------
    x, y : array_like of shape (n,)
        The data.
    x_grid : array_like of shape (m,)
    truth : array_like of shape (m,)
        The noise-free function on the grid.
    fits : mapping from label to (mean, sd), each of shape (m,)
        Predictive mean and standard deviation of y on the grid.

    Returns
    -------
    matplotlib Figure
    """
    fig, axes = plt.subplots(1, len(fits), figsize=(3.6 * len(fits) + 0.6, 3.6), sharey=True,
                             squeeze=False)
    for ax, (label, (mean, sd)) in zip(axes[0], fits.items()):
        ax.fill_between(x_grid, mean - 2 * sd, mean + 2 * sd, color=PALETTE[4], alpha=0.35,
                        label="± 2 sd predictive")
        ax.plot(x_grid, mean, color=PALETTE[0], lw=2, label="predictive mean")
        ax.plot(x_grid, truth, color="black", lw=1.2, ls=":", label="true function")
        ax.scatter(x, y, s=18, color=PALETTE[5], edgecolors="black", linewidths=0.5, zorder=3,
                   label="data")
        ax.set_title(label)
        ax.set_xlabel("input x")
    axes[0, 0].set_ylabel("target y")
    low, high = np.min(y), np.max(y)
    axes[0, 0].set_ylim(low - 0.4 * (high - low), high + 0.4 * (high - low))
    # One legend below the panels, where it can hide no band and no point.
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncols=len(labels), fontsize=9, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0.0, 0.08, 1.0, 1.0))
    return fig


def plot_label_switching(means_1, means_2, density, mode, covariance):
    """Posterior of the two means of a mixture, its two modes and a Laplace Gaussian at one.

    Parameters
    ----------
    means_1 : array_like of shape (m1,)
    means_2 : array_like of shape (m2,)
        Grid axes for the first and second mean.
    density : array_like of shape (m2, m1)
        Posterior density on the grid (rows follow ``means_2``).
    mode : array_like of shape (2,)
        The mode the Laplace approximation is fitted at.
    covariance : array_like of shape (2, 2)
        Its inverse Hessian.

    Returns
    -------
    matplotlib Figure
    """
    density = np.asarray(density, dtype=float)
    fig, ax = plt.subplots(figsize=(5.6, 5.0))
    levels = density.max() * np.array([0.1, 0.5, 0.9])
    ax.contour(means_1, means_2, density, levels=levels, colors=PALETTE[0], linewidths=1.5)
    ax.plot([], [], color=PALETTE[0], lw=1.5, label="exact posterior (10 %, 50 %, 90 % of peak)")
    for n_std in (1.0, 2.0):
        covariance_ellipse(ax, mode, covariance, n_std, edgecolor=PALETTE[5], lw=2, ls="--",
                           label="Laplace at one mode (1 and 2 sd)" if n_std == 1.0 else None)
    ax.axline((0.0, 0.0), slope=1.0, color="grey", lw=1, ls=":", label=r"$\mu_1 = \mu_2$ (mirror line)")
    ax.set_xlabel(r"mean of component 1, $\mu_1$ (units of x)")
    ax.set_ylabel(r"mean of component 2, $\mu_2$ (units of x)")
    ax.set_title("Label switching: two equal modes")
    # A square window around both modes: wide enough to show them, narrow enough to see
    # the shape of each peak and of the Gaussian fitted at one of them.
    reach = 1.4 * np.max(np.abs(np.asarray(mode, dtype=float))) + 1.0
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_aspect("equal")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=9)
    fig.tight_layout()
    return fig
