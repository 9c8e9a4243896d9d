"""Every figure of the course; the only part of the package that imports matplotlib.

One submodule per lesson (``clt``, ``mle``, ``kmeans``, ``gmm``, ``em_bound``,
``laplace``, ``bbb``) plus the shared pieces here: the house style, the palette, a
covariance ellipse and :func:`animate`, which turns a figure function into an animation.
Plot functions create their own figure with ``plt.subplots`` and return it; a notebook
assigns the result (``fig = ...``) so that the inline backend shows it once. Functions
that draw animation frames also accept ``figure=``, an existing figure to clear and
redraw (:func:`figure_and_axes`).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation, HTMLWriter
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
    png, (width, height) = _palette_png(figure, bbox_inches="tight")
    return png, {"width": width // 2, "height": height // 2}


def _palette_png(figure, fast: bool = False, **savefig_kwargs) -> tuple[bytes, tuple[int, int]]:
    """``figure`` saved at twice its dpi and reduced to 256 colours; the PNG and its pixel size.

    ``fast`` (animation frames, many per figure) takes the whole figure's raw pixels and a
    quicker palette (octree) and compression: about a fifth of the time for 10 % more bytes.
    """
    buffer = io.BytesIO()
    dpi = 2 * figure.dpi
    if fast:
        figure.savefig(buffer, format="rgba", dpi=dpi, **savefig_kwargs)
        width, height = (int(size * dpi) for size in figure.get_size_inches())  # as the Agg canvas rounds
        image = Image.frombuffer("RGBA", (width, height), buffer.getbuffer(), "raw", "RGBA", 0, 1).convert("RGB")
    else:
        figure.savefig(buffer, format="png", dpi=dpi, **savefig_kwargs)
        image = Image.open(buffer).convert("RGB")
    method = Image.Quantize.FASTOCTREE if fast else Image.Quantize.MEDIANCUT
    palette = image.quantize(colors=256, method=method, dither=Image.Dither.NONE)
    if fast:
        # The octree averages the background with the antialiased edges beside it (white
        # becomes 254): give the background's palette entry its exact colour back.
        colours = palette.getpalette()
        entry = palette.getpixel((0, 0))
        colours[3 * entry: 3 * entry + 3] = image.getpixel((0, 0))
        palette.putpalette(colours)
    output = io.BytesIO()
    palette.save(output, format="PNG", optimize=not fast)
    return output.getvalue(), image.size


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
    new = [plt.figure(number) for number in plt.get_fignums() if number not in held[1]]
    images = [retina_png(figure) for figure in new]
    close_new_figures(held)
    return images


def close_new_figures(held: tuple[bool, set]) -> None:
    """Close the figures created since :func:`hold_new_figures` and restore pyplot's mode."""
    was_interactive, before = held
    for number in set(plt.get_fignums()) - before:
        plt.close(number)
    if was_interactive:
        plt.ion()


def close(figure) -> None:
    """Release a figure that has been displayed, so the inline backend does not show it again."""
    plt.close(figure)


def figure_and_axes(figure=None, nrows: int = 1, ncols: int = 1, *, figsize, **kwargs):
    """A new figure of ``figsize`` with its axes, or ``figure`` cleared and given new axes.

    Figure functions call this instead of ``plt.subplots`` so that :func:`animate` can
    redraw each frame on one figure.

    Parameters
    ----------
    figure : matplotlib Figure or None
        The figure to redraw on (its size is kept); ``None`` creates one.
    nrows, ncols : int
    figsize : (float, float)
        Size in inches of a new figure.
    **kwargs
        Passed to ``subplots`` (``width_ratios``, ``gridspec_kw``, ``sharex``...).

    Returns
    -------
    figure : matplotlib Figure
    axes : Axes or array of Axes, as ``plt.subplots`` returns them

    Raises
    ------
    TypeError
        If ``figure`` is neither ``None`` nor a matplotlib Figure.
    """
    if figure is None:
        return plt.subplots(nrows, ncols, figsize=figsize, **kwargs)
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure or None; got {type(figure).__name__}")
    figure.clear()
    return figure, figure.subplots(nrows, ncols, **kwargs)


# Tallest animation image (CSS pixels) that fits a 1280 x 720 slide with a title line and
# the player's controls under it.
MAX_ANIMATION_HEIGHT = 520

# Icons for the player's buttons, as inline SVG on a 16 x 16 box (drawn for this course),
# in place of matplotlib's Font Awesome icons, whose style sheet it loads from the web.
_ICON_PATHS = {
    "minus": "M2 7h12v2H2z",
    "plus": "M2 7h12v2H2zM7 2h2v12H7z",
    "fast-backward": "M1 2h2v12H1zM9 2 3 8l6 6zM15 2 9 8l6 6z",
    "step-backward": "M2 2h3v12H2zM14 2 6 8l8 6z",
    "play fa-flip-horizontal": "M12 2 2 8l10 6z",
    "pause": "M3 2h4v12H3zM9 2h4v12H9z",
    "play": "M4 2l10 6-10 6z",
    "step-forward": "M11 2h3v12h-3zM2 2l8 6-8 6z",
    "fast-forward": "M13 2h2v12h-2zM1 2l6 6-6 6zM7 2l6 6-6 6z",
}
_FONT_AWESOME_ICON = re.compile(r'<i class="fa fa-([a-z -]+)"></i>')
_STYLE_SHEET_LINK = re.compile(r"<link[^>]*>")


def _icon(match: re.Match) -> str:
    path = _ICON_PATHS.get(match.group(1))
    if path is None:  # an icon a later matplotlib adds: a dot keeps the button visible
        return "&bull;"
    return (f'<svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" '
            f'style="vertical-align: middle"><path fill="currentColor" d="{path}"/></svg>')


class _PaletteHTMLWriter(HTMLWriter):
    """matplotlib's JavaScript HTML writer with frames stored like the course's figures
    (:func:`retina_png`): twice the pixels, 256 colours; base64 without line breaks."""

    def grab_frame(self, **savefig_kwargs):
        png, self.frame_pixels = _palette_png(self.fig, fast=True, **savefig_kwargs)
        self._saved_frames.append(base64.b64encode(png).decode("ascii"))


# What an animation shows where its scripts do not run, and the script that replaces it with
# the player's controls where they do.
_NOT_PLAYING = ("This is the first frame. The animation plays once this cell has run: JupyterLab "
                "runs no scripts in a notebook that it has not run or that is not trusted.")
_SHOW_CONTROLS = """
<script>
  document.getElementById("_anim_controls{id}").style.display = "";
  document.getElementById("_anim_note{id}").remove();
</script>
"""


class Animation(FuncAnimation):
    """A :class:`matplotlib.animation.FuncAnimation` shown as its JavaScript HTML.

    Made by :func:`animate`; in a notebook it displays as matplotlib's player (play, pause,
    step slider), with its frames embedded, so it plays without a kernel and without
    ffmpeg. Attributes after rendering: ``html`` (str), ``n_frames`` (int), ``width`` and
    ``height`` (CSS pixels, half the frames' pixels).
    """

    def to_jshtml(self, fps=None, embed_frames=True, default_mode=None) -> str:
        """The player as self-contained HTML (rendered once, then cached).

        It differs from matplotlib's in what the course needs offline and on HiDPI
        screens: frames are retina palette PNGs shown at half their pixel width (the
        ``<img>`` says its ``width``, and shows the first frame where scripts do not run),
        the buttons' icons are inline SVG instead of a style sheet from the web, and the
        element ids come from the frames, so that re-running an unchanged notebook stores
        the same text.
        """
        if getattr(self, "html", None) is None:
            writer = _PaletteHTMLWriter(fps=fps or 1000 / self._interval, embed_frames=True,
                                        default_mode=default_mode or ("loop" if self._repeat else "once"))
            with tempfile.TemporaryDirectory() as folder:  # HTMLWriter writes to a file
                path = Path(folder, "animation.html")
                self.save(str(path), writer=writer)
                page = path.read_text(encoding="utf-8")
            self.n_frames = len(writer._saved_frames)
            self.width, self.height = (size // 2 for size in writer.frame_pixels)
            # HTMLWriter turns the interval into frames per second and back (900 ms -> 899.0).
            page = page.replace(f"slider_id, {1000 // writer.fps},", f"slider_id, {round(self._interval)},", 1)
            self.html = self._adapt(page, writer._saved_frames)
        return self.html

    def _adapt(self, page: str, frames: list[str]) -> str:
        old_id = re.search(r'id="_anim_img([0-9a-f]+)"', page).group(1)
        new_id = hashlib.sha1("".join(frames).encode("ascii")).hexdigest()[:16]
        page = page.replace(old_id, new_id)
        page = _STYLE_SHEET_LINK.sub("", page)
        page = _FONT_AWESOME_ICON.sub(_icon, page)
        alt = html.escape(self.description, quote=True)
        # The first frame is also the image's source: where scripts do not run (an untrusted
        # notebook in JupyterLab, a web page that strips them) it still shows a figure, with
        # a note saying how to make it play instead of controls that would do nothing. The
        # player's own script shows the controls and removes the note.
        page = page.replace(
            f'<img id="_anim_img{new_id}">',
            f'<img id="_anim_img{new_id}" src="data:image/png;base64,{frames[0]}" width="{self.width}" '
            f'alt="{alt}" style="max-width: 100%; height: auto">\n'
            f'  <p id="_anim_note{new_id}" class="anim-note">{_NOT_PLAYING}</p>',
        )
        page = page.replace('<div class="anim-controls">',
                            f'<div class="anim-controls" id="_anim_controls{new_id}" style="display: none">')
        return page + _SHOW_CONTROLS.format(id=new_id)

    def _post_draw(self, framedata, blit):
        # FuncAnimation redraws the canvas after each frame for a window on screen; here
        # every frame is drawn once, when it is saved.
        pass

    def _repr_html_(self) -> str:
        return self.to_jshtml()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {"text/html": self.to_jshtml(), "text/plain": self.text}

    @property
    def text(self) -> str:
        """The line shown where HTML is not: what the animation is and where it plays."""
        return (f"Animation: {self.description} ({self.n_frames} frames). It plays with its "
                "controls where HTML and JavaScript run: the course site, the slides, and JupyterLab "
                "once the notebook is trusted or its cells have run.")


def animate(draw: Callable, frames: Iterable, *, description: str, interval_ms: int = 900,
            repeat: bool = True) -> Animation:
    """An animation whose frame ``f`` is ``draw(f, figure)``, on fixed axes, rendered now.

    Each frame is drawn by a course figure function on one figure, as the Explore sliders
    draw it. Axis limits are the union over all frames of the limits each frame would
    choose, and the layout is the roomiest that :meth:`Figure.tight_layout` asks for in any
    frame, so nothing rescales or jumps between frames. The figure is closed after
    rendering, so a notebook shows only the player.

    Parameters
    ----------
    draw : callable
        ``draw(frame, figure)`` draws one frame and returns the figure. It is called first
        with ``figure=None`` and must then create the figure (its size is the frames'
        size); afterwards it gets that figure to clear and redraw, e.g. through the figure
        functions' ``figure=`` argument. It must create the same axes every time.
    frames : iterable
        The values passed to ``draw`` (e.g. iteration numbers), at least two.
    description : str
        What the animation shows, for the image's ``alt`` text and the plain-text line.
    interval_ms : int
        Time each frame stays on screen when playing, in milliseconds.
    repeat : bool
        Whether playing starts again at the end (the player's "Loop" mode) or stops ("Once").

    Returns
    -------
    Animation
        A FuncAnimation that displays in Jupyter as self-contained JavaScript HTML (see
        :meth:`Animation.to_jshtml`).

    Raises
    ------
    ValueError
        If ``frames`` has fewer than two values, ``interval_ms`` is not positive, ``draw``
        makes different axes in different frames, or the image would be taller than
        ``MAX_ANIMATION_HEIGHT`` CSS pixels (it would not fit a 1280 x 720 slide).
    TypeError
        If ``draw`` is not callable, returns no Figure, or ``description`` is not a string.
    """
    if not callable(draw):
        raise TypeError(f"draw must be callable as draw(frame, figure); got {type(draw).__name__}")
    if not isinstance(description, str) or not description.strip():
        raise TypeError(f"description must be a non-empty str; got {description!r}")
    frames = list(frames)
    if len(frames) < 2:
        raise ValueError(f"frames must hold at least two values; got {len(frames)}")
    if not interval_ms > 0:
        raise ValueError(f"interval_ms must be positive (milliseconds); got {interval_ms}")

    held = hold_new_figures()
    try:
        figure = draw(frames[0], None)
        if not isinstance(figure, Figure):
            raise TypeError(f"draw(frame, None) must return a matplotlib Figure; got {type(figure).__name__}")
        height = figure.get_figheight() * figure.dpi
        if height > MAX_ANIMATION_HEIGHT + 0.5:
            raise ValueError(f"the figure must be at most {MAX_ANIMATION_HEIGHT} CSS pixels tall to fit a slide; "
                             f"got {height:.0f} ({figure.get_figheight():.2f} in at {figure.dpi:.0f} dpi)")
        limits, layout = _fixed_view(figure, draw, frames)

        def draw_frame(frame):
            draw(frame, figure)
            _apply(figure, limits, layout)
            return []

        # init_func: the first frame is drawn when it is saved, not once more before.
        animation = Animation(figure, draw_frame, frames=frames, init_func=list, interval=interval_ms,
                              repeat=repeat, cache_frame_data=False)
        animation.description = description
        animation.to_jshtml()
    finally:
        close_new_figures(held)
    return animation


def _fixed_view(figure, draw, frames) -> tuple[list, dict]:
    """Axis limits and subplot parameters that serve every frame.

    Each axes' (xlim, ylim) is widened to hold what every frame shows, and the layout is
    the roomiest that :meth:`Figure.tight_layout` asks for in any frame (with that frame's
    own limits, whose tick labels are as wide as the union's on a fixed scale).
    """
    limits, layout = None, None
    for frame in frames:
        draw(frame, figure)
        current = [(ax.get_xlim(), ax.get_ylim()) for ax in figure.axes]
        figure.tight_layout()
        params = figure.subplotpars
        room = {name: getattr(params, name) for name in ("left", "bottom", "right", "top", "wspace", "hspace")}
        if limits is None:
            limits, layout = current, room
            continue
        if len(current) != len(limits):
            raise ValueError(f"draw must create the same axes in every frame; frame {frame!r} has "
                             f"{len(current)} axes, the first frame {len(limits)}")
        limits = [(_union(x, cx), _union(y, cy)) for (x, y), (cx, cy) in zip(limits, current)]
        for name in ("left", "bottom", "wspace", "hspace"):
            layout[name] = max(layout[name], room[name])
        for name in ("right", "top"):
            layout[name] = min(layout[name], room[name])
    return limits, layout


def _union(first: tuple, second: tuple) -> tuple:
    low = min(*first, *second)
    high = max(*first, *second)
    return (high, low) if first[0] > first[1] else (low, high)  # keep an inverted axis inverted


def _apply(figure, limits, layout) -> None:
    # No layout engine: tight_layout leaves a placeholder one behind, for which savefig
    # lays the whole figure out once more before drawing it (a third of a frame's time).
    figure.set_layout_engine(None)
    figure.subplots_adjust(**layout)
    width, height = figure.get_size_inches()
    for ax, (xlim, ylim) in zip(figure.axes, limits):
        if ax.get_aspect() != "auto" and ax.get_adjustable() == "datalim" and ax.name == "rectilinear":
            # A fixed aspect that widens the limits to fill the box: widen the union the
            # same way here, once for all frames (matplotlib would decide from each frame's
            # own data, and could even cut the union down).
            box = ax.get_position(original=True)
            xlim, ylim = _widened_to_box(xlim, ylim, ax.get_aspect(), box.height * height / (box.width * width))
            ax.set_adjustable("box")  # the limits now fit the box: nothing changes at draw time
        ax.set_xlim(xlim)
        ax.set_ylim(ylim)


def _widened_to_box(xlim, ylim, aspect: float, box_ratio: float) -> tuple[tuple, tuple]:
    """Limits holding ``xlim`` and ``ylim`` whose data aspect fills a box of height/width ``box_ratio``."""
    x_range, y_range = abs(xlim[1] - xlim[0]), abs(ylim[1] - ylim[0])
    if y_range * aspect < box_ratio * x_range:
        y_range = box_ratio * x_range / aspect
    else:
        x_range = y_range * aspect / box_ratio

    def around(limits, size):
        centre, sign = 0.5 * (limits[0] + limits[1]), 1.0 if limits[1] >= limits[0] else -1.0
        return (centre - sign * size / 2, centre + sign * size / 2)

    return around(xlim, x_range), around(ylim, y_range)
