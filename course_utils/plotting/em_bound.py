"""Figures of lesson 05: the ELBO / KL decomposition and the EM climb in parameter space."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course_utils.gmm import log_gaussian
from course_utils.plotting import PALETTE, covariance_ellipse, figure_and_axes

BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, _, BLACK = PALETTE


def plot_decomposition(mixing, elbos, log_likelihood: float):
    """The gap between the log-likelihood and the ELBO along a path of distributions q.

    Parameters
    ----------
    mixing : array_like of shape (m,)
        Position along the path, from 0 (the starting q) to 1 (the posterior).
    elbos : array_like of shape (m,)
        :math:`\\mathcal L(q, \\theta)` at each position.
    log_likelihood : float
        :math:`\\ln p(X \\mid \\theta)`, which does not depend on q.

    Returns
    -------
    fig : matplotlib Figure
    """
    mixing, elbos = np.asarray(mixing, dtype=float), np.asarray(elbos, dtype=float)
    fig, ax = plt.subplots()
    ax.axhline(log_likelihood, color=BLACK, lw=2, label=r"$\ln p(X\mid\theta)$ (fixed)")
    ax.plot(mixing, elbos, color=BLUE, lw=2, label=r"ELBO $\mathcal{L}(q,\theta)$")
    ax.fill_between(mixing, elbos, log_likelihood, color=ORANGE, alpha=0.35,
                    label=r"gap $=\mathrm{KL}(q\,\Vert\,p(Z\mid X,\theta))$")
    ax.set_xlabel(r"$\lambda$ in $q = (1-\lambda)\,q_{\mathrm{uniform}} + \lambda\, p(Z\mid X,\theta)$")
    ax.set_ylabel("value (nats)")
    ax.set_title(r"$\ln p(X\mid\theta) = \mathcal{L}(q,\theta) + \mathrm{KL}$ for every $q$")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    fig.tight_layout()
    return fig


def plot_bound_slice(grid, log_likelihood, bounds, positions, iteration: int, *,
                     data=None, mixtures=None, parameter_label: str = r"$\theta$",
                     parameter_symbol: str = r"\theta",
                     data_label: str = "x", density_label: str = "density", ylim=None, figure=None):
    """EM on a one-parameter slice: :math:`\\ln p(X\\mid\\theta)` and the bound of one iteration.

    Parameters
    ----------
    grid : array_like of shape (m,)
        Values of the free parameter.
    log_likelihood : array_like of shape (m,)
        :math:`\\ln p(X \\mid \\theta)` on ``grid``.
    bounds : array_like of shape (T, m)
        ``bounds[t]`` is :math:`\\mathcal L(q_t, \\theta)` on ``grid``, with :math:`q_t` the
        posterior at ``positions[t]``.
    positions : array_like of shape (T + 1,)
        The EM iterates :math:`\\theta^{(0)}, \\dots, \\theta^{(T)}` of the free parameter.
    iteration : int
        The iteration ``t`` in ``0 .. T - 1`` to highlight (earlier bounds are drawn faintly).
    data : array_like of shape (n,), optional
        One-dimensional data; with ``mixtures`` adds a left panel with the fitted density,
        drawn over the data's range widened to every component mean of ``mixtures`` +- 2
        standard deviations.
    mixtures : sequence of (weights, means, covariances), optional
        The mixture at every position (length ``T + 1``), for the left panel.
    parameter_label, data_label, density_label : str
        Axis labels (with units) of the free parameter, of the data and of its density.
    parameter_symbol : str
        LaTeX symbol of the free parameter, e.g. ``r"\\mu_2"``. The iteration is written as a
        superscript in parentheses, :math:`\\mu_2^{(t)}`, so that it never reads as a
        component's subscript.
    ylim : (float, float), optional
        Limits of the log-likelihood axis; by default from the first iterate to the best value.
    figure : matplotlib Figure, optional
        A figure to clear and draw on (an animation frame); by default a new one.

    Returns
    -------
    fig : matplotlib Figure
    """
    grid = np.asarray(grid, dtype=float)
    log_likelihood = np.asarray(log_likelihood, dtype=float)
    bounds = np.atleast_2d(np.asarray(bounds, dtype=float))
    positions = np.asarray(positions, dtype=float)
    t = int(iteration)
    with_data = data is not None and mixtures is not None
    if with_data:
        fig, (ax_data, ax) = figure_and_axes(figure, 1, 2, figsize=(11.0, 5.0),
                                             gridspec_kw={"width_ratios": [1, 1.4]})
    else:
        fig, ax = figure_and_axes(figure, figsize=(7.5, 5.0))

    here = np.interp(positions[t], grid, log_likelihood)
    there = np.interp(positions[t + 1], grid, log_likelihood)
    bound_there = np.interp(positions[t + 1], grid, bounds[t])
    if ylim is None:
        start = np.interp(positions[0], grid, log_likelihood)
        top = log_likelihood.max()
        ylim = (start - 0.25 * (top - start), top + 0.08 * (top - start))

    def at(index):
        return rf"${parameter_symbol}^{{({index})}}$"

    # The "earlier bounds" entry is in the legend of every frame (empty at t = 0), so that the
    # entries keep their places when frames are played one after the other.
    earlier_handle, = ax.plot([], [], color=SKY, lw=1, alpha=0.6, label="earlier bounds")
    for earlier in range(t):
        ax.plot(grid, bounds[earlier], color=SKY, lw=1, alpha=0.6)
    log_lik_handle, = ax.plot(grid, log_likelihood, color=BLACK, lw=2.2,
                              label=rf"$\ln p(X\mid {parameter_symbol})$")
    bound_handle, = ax.plot(grid, bounds[t], color=BLUE, lw=2.2,
            label=rf"bound $\mathcal{{L}}(q^{{({t})}}, {parameter_symbol})$")
    # The M-step's square and the triangle are hollow and the E-step's dot is drawn on top, so
    # all three stay visible when they nearly coincide (a short last step, a small KL gain).
    m_step_handle, = ax.plot(positions[t + 1], bound_there, "s", color=GREEN, ms=12, mfc="none", mew=2, zorder=5,
            label=f"M-step: bound's maximum {at(t + 1)}")
    ax.annotate("", xy=(positions[t + 1], there), xytext=(positions[t + 1], bound_there),
                arrowprops={"arrowstyle": "->", "color": VERMILLION, "lw": 1.8})
    gain_handle, = ax.plot(positions[t + 1], there, "^", color=VERMILLION, ms=13, mfc="none", mew=2, zorder=5,
            label=rf"$\ln p(X\mid {parameter_symbol}^{{({t + 1})}})$: gained KL")
    e_step_handle, = ax.plot(positions[t], here, "o", color=ORANGE, ms=7, zorder=6,
            label=f"E-step: bound touches at {at(t)}")
    ax.set_ylim(*ylim)
    ax.set_xlim(grid[0], grid[-1])
    ax.set_xlabel(parameter_label)
    ax.set_ylabel("log-likelihood / bound (nats)")
    ax.set_title(f"Iteration {t}: {at(t)} = {positions[t]:.3f} → {at(t + 1)} = {positions[t + 1]:.3f}")
    ax.legend(handles=[earlier_handle, log_lik_handle, bound_handle, e_step_handle, m_step_handle, gain_handle],
              loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2)

    if with_data:
        data = np.asarray(data, dtype=float).ravel()
        ax_data.hist(data, bins=30, density=True, color=PALETTE[4], alpha=0.5, label="data")
        # Wide enough for the data and for every component of every mixture (mean +- 2 sd),
        # the same in every frame, so that no component is cut off (a mean far from the data).
        centres = np.concatenate([np.ravel(means) for _, means, _ in mixtures])
        spreads = np.concatenate([np.sqrt(np.ravel(covariances)) for _, _, covariances in mixtures])
        xs = np.linspace(min(data.min() - 0.5, np.min(centres - 2 * spreads)),
                         max(data.max() + 0.5, np.max(centres + 2 * spreads)), 300)
        for index, style in [(t, {"color": BLUE, "lw": 2.2}), (t + 1, {"color": GREEN, "lw": 1.8, "ls": "--"})]:
            weights, means, covariances = mixtures[index]
            density = np.exp(log_gaussian(xs[:, np.newaxis], means, covariances)) @ np.asarray(weights)
            ax_data.plot(xs, density, label=f"mixture at {at(index)}", **style)
        ax_data.set_xlabel(data_label)
        ax_data.set_ylabel(density_label)
        ax_data.set_title("The data and the mixture")
        # Below the axes, like the other panel's: inside, it would cover the histogram.
        ax_data.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16))
    if figure is None:  # on a given figure, the caller (e.g. animate) sets the layout
        fig.tight_layout()
    return fig


def plot_em_climb(log_likelihoods, elbos_after_m):
    """The monotone climb of EM: the bound after each step and where the gain comes from.

    Parameters
    ----------
    log_likelihoods : array_like of shape (T + 1,)
        :math:`\\ln p(X\\mid\\theta_t)`, which equals the bound right after the E-step.
    elbos_after_m : array_like of shape (T,)
        :math:`\\mathcal L(q_t, \\theta_{t+1})`: the bound right after the M-step.

    Returns
    -------
    fig : matplotlib Figure
        Left: the staircase E, M, E, M, ... of bound values; right: each iteration's gain
        split into the M-step's gain of the bound and the KL divergence the next E-step
        closes.
    """
    log_likelihoods = np.asarray(log_likelihoods, dtype=float)
    elbos_after_m = np.asarray(elbos_after_m, dtype=float)
    steps = elbos_after_m.size
    fig, (ax, ax_gain) = plt.subplots(1, 2, figsize=(11.0, 4.0))
    x = np.empty(2 * steps + 1)
    y = np.empty(2 * steps + 1)
    x[0::2], y[0::2] = np.arange(steps + 1), log_likelihoods
    x[1::2], y[1::2] = np.arange(steps) + 0.5, elbos_after_m
    ax.plot(x, y, color=SKY, lw=1.2)
    ax.plot(np.arange(steps + 1), log_likelihoods, "o", color=BLACK, ms=5,
            label=r"after E-step: $\mathcal{L} = \ln p(X\mid\theta^{(t)})$")
    ax.plot(np.arange(steps) + 0.5, elbos_after_m, "s", color=ORANGE, ms=5,
            label=r"after M-step: $\mathcal{L}(q^{(t)},\theta^{(t+1)})$")
    ax.set_xlabel("iteration t")
    ax.set_ylabel("bound value (nats)")
    ax.set_title("The bound never goes down")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2))

    m_gain = elbos_after_m - log_likelihoods[:-1]
    e_gain = log_likelihoods[1:] - elbos_after_m
    iterations = np.arange(steps)
    ax_gain.plot(iterations, m_gain, "s-", color=ORANGE, ms=4, label="M-step: bound raised")
    ax_gain.plot(iterations, e_gain, "o-", color=BLUE, ms=4, label="E-step: KL closed")
    ax_gain.set_yscale("log", nonpositive="mask")
    ax_gain.set_xlabel("iteration t")
    ax_gain.set_ylabel("gain (nats)")
    ax_gain.set_title(r"$\ln p(X\mid\theta^{(t+1)}) - \ln p(X\mid\theta^{(t)})$ = M gain + KL")
    ax_gain.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    fig.tight_layout()
    return fig


def plot_collapse(X, ml_fit, map_fit, ml_smallest, map_smallest, floor: float, *,
                  axis_labels=("x1", "x2")):
    """Maximum likelihood lets a component collapse onto a point; the prior of MAP does not.

    Parameters
    ----------
    X : array_like of shape (n, 2)
    ml_fit, map_fit : (weights, means, covariances)
        The final mixtures of EM for maximum likelihood and for MAP.
    ml_smallest, map_smallest : array_like of shape (T,)
        The smallest covariance eigenvalue over all components at every iteration.
    floor : float
        A lower bound on the MAP eigenvalues guaranteed by the prior.
    axis_labels : (str, str)
        Labels, with units, of the two data columns.

    Returns
    -------
    fig : matplotlib Figure
    """
    X = np.asarray(X, dtype=float)
    fig, (ax_eig, ax_data) = plt.subplots(1, 2, figsize=(11.0, 4.3))
    ax_eig.plot(np.arange(len(ml_smallest)), ml_smallest, "o-", color=VERMILLION, ms=4,
                label="maximum likelihood")
    ax_eig.plot(np.arange(len(map_smallest)), map_smallest, "s-", color=BLUE, ms=4, label="MAP (with prior)")
    ax_eig.axhline(floor, color=BLACK, ls="--", lw=1, label="floor guaranteed by the prior")
    ax_eig.set_yscale("log")
    ax_eig.set_xlabel("iteration")
    ax_eig.set_ylabel("smallest covariance eigenvalue (data units²)")
    ax_eig.set_title("A collapsing component")
    ax_eig.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18))

    ax_data.scatter(X[:, 0], X[:, 1], s=10, color="0.6", label="data")
    for (weights, means, covariances), colour, name, marker in [
        (ml_fit, VERMILLION, "ML", "x"),
        (map_fit, BLUE, "MAP", "+"),
    ]:
        for index, (mean, covariance) in enumerate(zip(means, covariances)):
            covariance_ellipse(ax_data, mean, covariance, n_std=2.0, edgecolor=colour, lw=1.8,
                               ls="-" if name == "MAP" else "--",
                               label=f"{name} components (2 sd)" if index == 0 else None)
        ax_data.plot(means[:, 0], means[:, 1], marker, color=colour, ms=10, mew=2, ls="none",
                     label=f"{name} means")
    ax_data.set_xlabel(axis_labels[0])
    ax_data.set_ylabel(axis_labels[1])
    ax_data.set_title("Final mixtures")
    ax_data.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2)
    ax_data.set_aspect("equal", adjustable="datalim")
    fig.tight_layout()
    return fig


def plot_missing_heights(observed, filled, hidden_values, fits, *, axis_labels=("x1", "x2")):
    """Pairs with a missing second value: the data, the E-step's filled-in values and two fits.

    Parameters
    ----------
    observed : array_like of shape (n, 2)
        The data with ``NaN`` in column 1 where that value is missing.
    filled : array_like of shape (n, 2)
        The same rows with every missing value replaced by its conditional mean (the first
        return value of :func:`course_utils.missing.e_step`).
    hidden_values : array_like of shape (m,)
        The values that were hidden, in row order of the missing ones (known in a
        demonstration, never to the algorithm).
    fits : dict of str -> (mean, covariance)
        Normal fits of shapes (2,) and (2, 2) to draw as 2-sd ellipses, at most three.
    axis_labels : (str, str)
        Labels, with units, of the two columns.

    Returns
    -------
    fig : matplotlib Figure

    Raises
    ------
    ValueError
        If ``observed`` and ``filled`` are not both (n, 2), or ``fits`` holds more than three
        fits or none.
    """
    observed = np.asarray(observed, dtype=float)
    filled = np.asarray(filled, dtype=float)
    if observed.ndim != 2 or observed.shape[1] != 2 or filled.shape != observed.shape:
        raise ValueError(
            f"observed and filled must both have shape (n, 2); got {observed.shape} and {filled.shape}"
        )
    if not 1 <= len(fits) <= 3:
        raise ValueError(f"fits must hold one to three (mean, covariance) pairs; got {len(fits)}")
    missing_rows = np.isnan(observed[:, 1])
    complete = observed[~missing_rows]
    fig, ax = plt.subplots(figsize=(7.0, 5.2))
    ax.scatter(complete[:, 0], complete[:, 1], s=12, color="0.6", label="complete pairs")
    ax.scatter(filled[missing_rows, 0], np.asarray(hidden_values, dtype=float), s=16, facecolors="none",
               edgecolors=SKY, lw=1.0, label="hidden values (unknown to EM)")
    ax.scatter(filled[missing_rows, 0], filled[missing_rows, 1], s=16, marker="D", color=ORANGE,
               label="E-step: conditional means")
    for (name, (mean, covariance)), colour, style in zip(fits.items(), [BLUE, VERMILLION, PURPLE], ["-", "--", ":"]):
        covariance_ellipse(ax, mean, covariance, n_std=2.0, edgecolor=colour, lw=2.0, ls=style,
                           label=f"{name} (2 sd)")
        ax.plot(*mean, "+", color=colour, ms=12, mew=2)
    ax.set_xlabel(axis_labels[0])
    ax.set_ylabel(axis_labels[1])
    ax.set_title("Filled-in values lie on a line; the data scatter about it")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2)
    fig.tight_layout()
    return fig
