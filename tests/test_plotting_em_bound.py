"""Smoke tests of the lesson 05 figures: each builds, labels its axes and can be closed."""

import numpy as np
import pytest

from course_utils.plotting import close
from course_utils.plotting.em_bound import (
    plot_bound_slice,
    plot_collapse,
    plot_decomposition,
    plot_em_climb,
)


def labelled(fig):
    for ax in fig.axes:
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    return True


def test_decomposition_figure():
    mixing = np.linspace(0, 1, 11)
    fig = plot_decomposition(mixing, -10 + 9 * mixing - mixing**2, -2.0)
    assert labelled(fig) and len(fig.axes) == 1
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
    close(fig)


def test_climb_figure():
    log_likelihoods = -100 + 50 * (1 - 0.5 ** np.arange(8))
    after_m = 0.5 * (log_likelihoods[:-1] + log_likelihoods[1:])
    fig = plot_em_climb(log_likelihoods, after_m)
    assert labelled(fig) and len(fig.axes) == 2
    close(fig)


def test_collapse_figure():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    fit = (np.array([0.5, 0.5]), np.array([[0.0, 0.0], [1.0, 1.0]]), np.stack([np.eye(2), 1e-8 * np.eye(2)]))
    fig = plot_collapse(X, fit, fit, np.geomspace(1e-2, 1e-8, 5), np.full(5, 1e-2), 1e-3,
                        axis_labels=("a (cm)", "b (cm)"))
    assert labelled(fig) and len(fig.axes) == 2
    close(fig)
