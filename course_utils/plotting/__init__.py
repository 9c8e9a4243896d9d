"""Every figure of the course; the only part of the package that imports matplotlib.

One submodule per lesson (``clt``, ``mle``, ``kmeans``, ``gmm``, ``em_bound``,
``laplace``, ``bbb``) plus the shared pieces here: the house style, the palette and a
covariance ellipse. Plot functions create their own figure with ``plt.subplots`` and
return it; a notebook assigns the result (``fig = ...``) so that the inline backend shows
it once.
"""

from __future__ import annotations

import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse
from PIL import Image

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
    # 96 dots per inch is the CSS pixel density, so a font's point size is its size on
    # screen at 100 % zoom; notebooks store figures at twice that (retina PNG).
    "figure.dpi": 96,
    "savefig.dpi": 96,
    "axes.prop_cycle": plt.cycler(color=PALETTE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "image.cmap": "viridis",
}


def use_house_style() -> None:
    """Apply the course's matplotlib settings (palette, sizes, grid) for this session.

    Inside IPython, figures are also shown and stored with :func:`retina_png` (twice the
    pixel density, shown at the same size), so they are sharp on HiDPI screens.
    """
    plt.rcParams.update(HOUSE_STYLE)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        load_backend()
        shell.display_formatter.formatters["image/png"].for_type(Figure, retina_png)


def load_backend() -> None:
    """Load pyplot's backend now rather than at the first figure.

    pyplot loads its backend lazily, and the inline backend, when it loads, registers its
    own PNG formatter and switches interactive mode on: done first, neither undoes the
    settings made after it here.
    """
    plt.switch_backend(matplotlib.get_backend())


def retina_png(figure) -> tuple[bytes, dict]:
    """``figure`` as a PNG of twice its pixel density, with the size to show it at.

    The image is reduced to a 256-colour palette: a plot is flat colours and antialiased
    edges, which look the same in 256 colours and take about a third of the bytes, so
    every lesson stays under 3 MB with sharp figures.

    Returns
    -------
    png : bytes
    metadata : dict
        ``{"width": w, "height": h}`` in CSS pixels (half the stored pixels).
    """
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=2 * figure.dpi, bbox_inches="tight")
    image = Image.open(buffer).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    output = io.BytesIO()
    palette.save(output, format="PNG", optimize=True)
    return output.getvalue(), {"width": image.width // 2, "height": image.height // 2}


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


def hold_new_figures() -> tuple[bool, set]:
    """Stop pyplot from showing the figures that code creates from now on; see :func:`take_new_figures`."""
    was_interactive = plt.isinteractive()
    plt.ioff()
    return was_interactive, set(plt.get_fignums())


def take_new_figures(held: tuple[bool, set]) -> list[tuple[bytes, dict]]:
    """The figures created since :func:`hold_new_figures` as retina PNGs, closed, pyplot restored."""
    was_interactive, before = held
    new = [plt.figure(number) for number in plt.get_fignums() if number not in before]
    images = [retina_png(figure) for figure in new]
    for figure in new:
        plt.close(figure)
    if was_interactive:
        plt.ion()
    return images


def close(figure) -> None:
    """Release a figure that has been displayed, so the inline backend does not show it again."""
    plt.close(figure)
