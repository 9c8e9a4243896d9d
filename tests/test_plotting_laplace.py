"""Smoke tests of the lesson 06 figures: each helper draws, labels its axes and returns a Figure."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils.laplace import fit_logistic_regression, predict_probit, sample_posterior
from course_utils.plotting import laplace as plots


@pytest.fixture
def two_classes():
    rng = np.random.default_rng(0)
    features = np.vstack([rng.normal(-1, 1, size=(10, 2)), rng.normal(1, 1, size=(10, 2))])
    X = np.column_stack([np.ones(20), features])
    y = np.repeat([0.0, 1.0], 10)
    return X, y, fit_logistic_regression(X, y)


def check(fig, n_axes):
    assert isinstance(fig, Figure)
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert len(axes) >= n_axes
    for ax in axes[:n_axes]:
        assert ax.get_xlabel() and ax.get_title()
    assert axes[0].get_ylabel()
    plt.close(fig)


def test_high_dimensions():
    rng = np.random.default_rng(1)
    dimensions = np.array([1, 10, 100])
    norms = {d: np.linalg.norm(rng.standard_normal((50, d)), axis=1) for d in (1, 100)}
    check(plots.plot_high_dimensions(dimensions, 1 - 0.99**dimensions, norms), 2)


def test_beta_binomial_with_a_missing_approximation():
    theta = np.linspace(0.01, 0.99, 50)
    fig = plots.plot_beta_binomial(theta, np.ones(50), {"in theta": None, "in logit": np.ones(50)}, title="t")
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "in theta: no interior mode" in labels and "in logit" in labels
    check(fig, 1)


def test_laplace_errors():
    trials = np.array([10, 100, 1000])
    errors = {"a": np.array([0.1, 0.01, 0.001]), "b": np.array([0.05, 0.005, 0.0005])}
    check(plots.plot_laplace_errors(trials, errors, errors), 2)


def test_diagonal_vs_full():
    covariance = np.array([[1.0, 0.9], [0.9, 1.0]])
    samples = np.random.default_rng(2).multivariate_normal([0, 0], covariance, size=100)
    precision = np.linalg.inv(covariance)
    check(plots.plot_diagonal_vs_full(samples, np.zeros(2), covariance, np.diag(1 / np.diag(precision))), 1)


def test_decision_boundaries_and_predictive_maps(two_classes):
    X, y, result = two_classes
    draws = sample_posterior(result, 5, rng=0)
    check(plots.plot_decision_boundaries(X, y, draws, result.mean), 1)
    axis = np.linspace(-3, 3, 12)
    g1, g2 = np.meshgrid(axis, axis)
    grid = np.column_stack([np.ones(g1.size), g1.ravel(), g2.ravel()])
    maps = {"probit": predict_probit(result, grid).reshape(g1.shape), "half": np.full(g1.shape, 0.4)}
    check(plots.plot_predictive_maps(axis, axis, maps, X, y), 2)


@pytest.mark.parametrize("extra", [None, {"training error": np.array([3.0, 2.0, 1.0])}])
def test_evidence_curve(extra):
    fig = plots.plot_evidence_curve([0.1, 1.0, 10.0], [-5.0, -3.0, -4.0], xlabel="alpha", title="t",
                                    log_x=True, extra=extra, extra_label="error")
    labels = fig.axes[0].get_legend().get_texts()
    assert any("maximum at 1" in text.get_text() for text in labels)
    check(fig, 1)


def test_polynomial_fits():
    x = np.linspace(-1, 1, 8)
    grid = np.linspace(-1, 1, 30)
    fits = {"degree 1": (grid, np.full(30, 0.1)), "degree 3": (grid**3, np.full(30, 0.2))}
    check(plots.plot_polynomial_fits(x, x**3, grid, grid**3, fits), 2)


def test_label_switching():
    axis = np.linspace(-5, 5, 41)
    m1, m2 = np.meshgrid(axis, axis)
    density = np.exp(-((m1 + 3) ** 2 + (m2 - 3) ** 2)) + np.exp(-((m1 - 3) ** 2 + (m2 + 3) ** 2))
    fig = plots.plot_label_switching(axis, axis, density, [-3.0, 3.0], 0.5 * np.eye(2))
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert any("Laplace" in label for label in labels) and any("exact" in label for label in labels)
    check(fig, 1)


def test_high_dimensions_uses_a_linear_axis_for_the_norms():
    norms = {d: np.linalg.norm(np.random.default_rng(3).standard_normal((50, d)), axis=1) for d in (1, 100)}
    fig = plots.plot_high_dimensions(np.array([1, 10]), np.array([0.01, 0.1]), norms)
    assert fig.axes[1].get_xscale() == "linear"
    plt.close(fig)
