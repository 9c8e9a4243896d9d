"""Every figure of the course; the only part of the package that imports matplotlib.

One submodule per lesson (``clt``, ``mle``, ``kmeans``, ``gmm``, ``em_bound``,
``laplace``, ``bbb``) plus the shared pieces here: the house style, the palette and a
covariance ellipse. Plot functions create their own figure with ``plt.subplots`` and
return it; a notebook assigns the result (``fig = ...``) so that the inline backend shows
it once.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Ellipse

# Okabe and Ito's palette: distinguishable with the common colour-vision deficiencies
# and, thanks to its spread of lightness, in greyscale (Okabe & Ito 2008, "Color
# Universal Design").
PALETTE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)

HOUSE_STYLE = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "axes.prop_cycle": plt.cycler(color=PALETTE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "font.size": 11,
    "image.cmap": "viridis",
}


def use_house_style() -> None:
    """Apply the course's matplotlib settings (palette, sizes, grid) for this session."""
    plt.rcParams.update(HOUSE_STYLE)


def covariance_ellipse(ax, mean, covariance, n_std: float = 2.0, **style) -> Ellipse:
    """Draw the ellipse {x : (x - mean)^T covariance^{-1} (x - mean) = n_std^2} on ``ax``.

    Parameters
    ----------
    ax : matplotlib Axes
    mean : array_like of shape (2,)
    covariance : array_like of shape (2, 2), symmetric positive definite
    n_std : float
        Mahalanobis radius of the ellipse.
    **style
        Passed to :class:`matplotlib.patches.Ellipse` (``edgecolor``, ``label``...).

    Returns
    -------
    ellipse : matplotlib Ellipse, already added to ``ax``
    """
    eigenvalues, eigenvectors = np.linalg.eigh(np.asarray(covariance, dtype=float))
    angle = np.degrees(np.arctan2(eigenvectors[1, -1], eigenvectors[0, -1]))
    width, height = 2.0 * n_std * np.sqrt(eigenvalues[::-1])
    style.setdefault("facecolor", "none")
    ellipse = Ellipse(tuple(mean), width, height, angle=angle, **style)
    ax.add_patch(ellipse)
    return ellipse


def close(figure) -> None:
    """Release a figure that has been displayed, so the inline backend does not show it again."""
    plt.close(figure)
