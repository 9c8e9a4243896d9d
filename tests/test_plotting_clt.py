"""The Cauchy figure of lesson 01 (the other lesson-01 figures are smoke-tested in test_clt.py)."""

import matplotlib.pyplot as plt
import numpy as np

from course_utils.plotting.clt import plot_cauchy_means


def test_cauchy_means_are_densities_over_the_whole_sample_with_the_reference_curves():
    rng = np.random.default_rng(0)
    means = {n: rng.standard_cauchy((4000, n)).mean(axis=1) for n in (1, 10)}
    fig = plot_cauchy_means(means, limit=6.0)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_xlabel() and "density" in ax.get_ylabel()
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[:2] == ["N = 1", "N = 10"] and "standard Cauchy density" in labels
    # The stairs hold the mass inside [-6, 6]: P(|X| < 6) = 2 arctan(6) / pi for a standard Cauchy.
    stairs = [patch for patch in ax.patches]
    for artist, values in zip(stairs, means.values()):
        heights, edges = artist.get_data().values, artist.get_data().edges
        inside = np.sum(heights * np.diff(edges))
        assert abs(inside - np.mean(np.abs(values) < 6.0)) < 1e-12
        assert abs(inside - 2 * np.arctan(6.0) / np.pi) < 0.03
    plt.close(fig)
