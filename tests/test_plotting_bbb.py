"""Smoke tests of the lesson 07 figures (course_utils.plotting.bbb): each draws and is labelled."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils import bbb
from course_utils.plotting import bbb as plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def labelled(fig):
    assert isinstance(fig, Figure)
    for ax in fig.axes:
        assert ax.get_title() and ax.get_xlabel()
    assert fig.axes[0].get_ylabel()  # panels side by side may share the first one's y-axis
    fig.canvas.draw()  # the whole figure renders without error
    return True


@pytest.fixture
def curves():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 0.5, size=(20, 1))
    y = X[:, 0] + 0.1 * rng.normal(size=20)
    grid = np.linspace(-0.2, 1.2, 30)[:, np.newaxis]
    samples = grid[:, 0] + rng.normal(size=(15, 30)) * np.abs(grid[:, 0])
    return X, y, grid, samples


def test_predictions(curves):
    X, y, grid, samples = curves
    fig = plots.plot_predictions(X, y, grid, samples.mean(0), samples.std(0), samples, grid[:, 0], n_curves=5,
                                 title="pruned")
    assert fig.axes[0].get_title() == "pruned"
    assert labelled(fig) and len(fig.axes) == 2
    assert len(fig.axes[0].get_lines()) == 5 + 2  # sampled networks, mean, data
    assert fig.axes[1].get_legend() is not None


def test_predictive_std(curves):
    X, _, grid, samples = curves
    fig = plots.plot_predictive_std(grid, {"a": samples.std(0), "b": 2 * samples.std(0) + 0.1}, X, 0.05)
    assert labelled(fig)
    labels = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert "a" in labels and "b" in labels


def test_elbo_ignores_the_first_epochs_for_its_range():
    elbo = np.concatenate([[-1e6], -np.geomspace(1000, 10, 499)])
    fig = plots.plot_elbo({"run": elbo, "other": elbo + 5}, window=20)
    assert labelled(fig)
    low, high = fig.axes[0].get_ylim()
    assert low > -2000 and high > -10


def test_weight_distributions():
    rng = np.random.default_rng(1)
    fits = {"one": (rng.normal(size=50), rng.uniform(0.1, 1, 50)), "two": (rng.normal(size=50), np.ones(50))}
    assert labelled(plots.plot_weight_distributions(fits))


def test_gradient_noise_kl_weights_and_pruning():
    assert labelled(plots.plot_gradient_noise([1, 4, 16], {"mu": np.array([4.0, 2.0, 1.0])}))
    assert labelled(plots.plot_kl_weights(np.full(4, 0.25), np.array([8, 4, 2, 1]) / 15))
    assert labelled(plots.plot_pruning([0, 0.5, 0.9], {"snr": [0.1, 0.1, 0.2], "random": [0.1, 0.5, 0.6]}, 0.05))


def smallest_font(fig):
    fig.canvas.draw()
    return min(text.get_fontsize() for text in fig.findobj(matplotlib.text.Text) if text.get_text())


@pytest.fixture
def calibrations():
    rng = np.random.default_rng(2)
    probabilities = rng.dirichlet(np.full(10, 0.3), size=300)
    labels = rng.integers(0, 10, size=300)
    return {"MAP": bbb.calibration(probabilities, labels), "Bayes by Backprop": bbb.calibration(probabilities, labels, n_bins=5)}


def test_reliability_diagram(calibrations):
    fig = plots.plot_reliability(calibrations)
    assert labelled(fig) and len(fig.axes) == 2
    assert "ECE" in fig.axes[0].get_title()
    filled = int(np.sum(calibrations["MAP"].counts > 0))
    assert len(fig.axes[0].patches) == filled  # one bar per non-empty bin
    assert smallest_font(fig) >= 9


def test_predictive_entropy_and_digits():
    rng = np.random.default_rng(3)
    entropies = {model: {"test digits": rng.uniform(0, 1, 50), "noise": rng.uniform(1, 2.3, 50)}
                 for model in ("MAP", "Bayes by Backprop")}
    fig = plots.plot_predictive_entropy(entropies)
    assert labelled(fig) and smallest_font(fig) >= 9
    labels = [text.get_text() for text in fig.axes[1].get_legend().get_texts()]
    assert any(label.startswith("noise") for label in labels)
    fig = plots.plot_digits({"test": rng.integers(0, 17, (4, 64)), "noise": rng.uniform(0, 16, (6, 64))}, n_columns=5)
    assert len(fig.axes) == 10 and fig.get_suptitle() and smallest_font(fig) >= 9


def test_pruning_error_mean_field_and_gradient_variance():
    fig = plots.plot_pruning_error([0, 0.5, 0.9], {"BBB": [0.07, 0.07, 0.1], "MAP": [0.07, 0.09, 0.4]})
    assert labelled(fig) and smallest_font(fig) >= 9
    assert "%" in fig.axes[0].get_ylabel() and fig.axes[0].get_lines()[1].get_ydata()[-1] == pytest.approx(40)
    fig = plots.plot_mean_field([0.1, 0.2], [[1.0, 0.8], [0.8, 1.0]], [0.6, 0.6], ([0.1, 0.2], [0.62, 0.58]))
    assert labelled(fig) and len(fig.axes[0].patches) == 3 and smallest_font(fig) >= 9
    variance = bbb.GradientVariance(np.array([1.0, 2.0]), np.array([3.0, 4.0]), 1e-3)
    fig = plots.plot_gradient_variance({"weights": variance, "local": variance})
    assert labelled(fig) and smallest_font(fig) >= 9


def test_reliability_legend_sits_outside_the_panels(calibrations):
    fig = plots.plot_reliability(calibrations)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = fig.legends[0].get_window_extent(renderer)
    for ax in fig.axes:
        assert not legend.overlaps(ax.get_window_extent(renderer))
