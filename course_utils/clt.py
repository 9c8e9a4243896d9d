r"""Sums of independent draws and their distance to the normal (lesson 01).

Four named distributions are available: ``"uniform"`` (on [0, 1]), ``"exponential"``
(rate 1), ``"die"`` (a fair six-sided die) and ``"biased coin"`` (1 with probability 0.2,
else 0). For each, the module draws sums of ``N`` samples, computes the *exact*
distribution of the sum and its Kolmogorov-Smirnov distance to the normal with the same
mean and variance,

.. math:: \Delta_N = \sup_z \left| P\!\left(\frac{S_N - N\mu}{\sigma\sqrt N} \le z\right)
          - \Phi(z) \right|,

and the two constants that describe how fast :math:`\Delta_N` shrinks: the Berry-Esseen
bound (valid for every N) and Esseen's limit of :math:`\sqrt N \Delta_N`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from course_utils._validation import as_count, as_float_array, as_generator

#: Shevtsova (2011), arXiv:1111.6554: the Berry-Esseen inequality holds with this constant
#: for identically distributed summands (the best constant is known to be >= 0.4097).
BERRY_ESSEEN_CONSTANT = 0.4748

_COIN_P = 0.2

# Standardized grid on which the gap F_N - Phi of a continuous sum is evaluated. Its step,
# 0.002, makes the grid maximum agree with the true supremum to about 1e-6 relative.
_Z_LIMIT = 8.0
_Z_POINTS = 8001

# Number of CDF evaluations for the Irwin-Hall recursion (the uniform case), spread over
# the support; enough for a relative error of the supremum below 1e-4 at every N.
_UNIFORM_POINTS = 8000

# Points used to draw the flat stretches between the support points of a discrete sum.
_LATTICE_DRAW_POINTS = 4000


@dataclass(frozen=True)
class Distribution:
    """A named distribution of one draw, with the moments the central limit theorem uses.

    Attributes
    ----------
    name : str
        Key in :data:`DISTRIBUTIONS`.
    label : str
        Description for figure titles and legends.
    mean, variance : float
        :math:`\\mu` and :math:`\\sigma^2` of one draw.
    skewness : float
        :math:`\\gamma = E[(X-\\mu)^3] / \\sigma^3`.
    third_absolute_moment : float
        :math:`\\rho = E|X-\\mu|^3`, which enters the Berry-Esseen bound.
    lattice_span : float or None
        For a discrete distribution on a lattice a + h Z, the largest span h for which
        this holds (the maximal span); None if continuous.
    draw : callable
        ``draw(rng, shape)`` returns an array of independent draws of that shape.
    """

    name: str
    label: str
    mean: float
    variance: float
    skewness: float
    third_absolute_moment: float
    lattice_span: float | None
    draw: Callable[[np.random.Generator, tuple], np.ndarray]

    @property
    def std(self) -> float:
        """Standard deviation :math:`\\sigma` of one draw."""
        return float(np.sqrt(self.variance))


def _draw_die(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    return rng.integers(1, 7, size=shape).astype(float)


def _draw_coin(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    return (rng.random(shape) < _COIN_P).astype(float)


_P, _Q = _COIN_P, 1.0 - _COIN_P

DISTRIBUTIONS: dict[str, Distribution] = {
    "uniform": Distribution(
        name="uniform", label="uniform on [0, 1]", mean=0.5, variance=1.0 / 12.0, skewness=0.0,
        third_absolute_moment=1.0 / 32.0, lattice_span=None,
        draw=lambda rng, shape: rng.random(shape),
    ),
    "exponential": Distribution(
        name="exponential", label="exponential (rate 1)", mean=1.0, variance=1.0, skewness=2.0,
        # E|X - 1|^3 = (6/e - 2) from [0, 1] plus 6/e from [1, inf).
        third_absolute_moment=12.0 / np.e - 2.0, lattice_span=None,
        draw=lambda rng, shape: rng.exponential(1.0, size=shape),
    ),
    "die": Distribution(
        name="die", label="fair die (1 to 6)", mean=3.5, variance=35.0 / 12.0, skewness=0.0,
        # |X - 3.5| takes the values 0.5, 1.5, 2.5, each with probability 1/3.
        third_absolute_moment=(0.5**3 + 1.5**3 + 2.5**3) / 3.0, lattice_span=1.0,
        draw=_draw_die,
    ),
    "biased coin": Distribution(
        name="biased coin", label=f"biased coin (P(1) = {_COIN_P})", mean=_P, variance=_P * _Q,
        skewness=(_Q - _P) / np.sqrt(_P * _Q),
        third_absolute_moment=_P * _Q * (_P**2 + _Q**2), lattice_span=1.0,
        draw=_draw_coin,
    ),
}


def get_distribution(name) -> Distribution:
    """Return the :class:`Distribution` called ``name`` (a key of :data:`DISTRIBUTIONS`)."""
    if not isinstance(name, str):
        raise TypeError(f"distribution must be a string; got {name!r} of type {type(name).__name__}")
    if name not in DISTRIBUTIONS:
        raise ValueError(f"distribution must be one of {sorted(DISTRIBUTIONS)}; got {name!r}")
    return DISTRIBUTIONS[name]


def sample_sums(distribution, n_terms, n_sums, rng=None) -> np.ndarray:
    """Draw ``n_sums`` independent sums, each of ``n_terms`` independent draws.

    Parameters
    ----------
    distribution : str
        A key of :data:`DISTRIBUTIONS`.
    n_terms : int
        N, the number of draws added in each sum (>= 1).
    n_sums : int
        Number of sums (>= 1).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    sums : ndarray of shape (n_sums,)
    """
    dist = get_distribution(distribution)
    n_terms = as_count(n_terms, "n_terms")
    n_sums = as_count(n_sums, "n_sums")
    rng = as_generator(rng)
    # Draw the (n_sums, n_terms) table a block of rows at a time so memory stays bounded
    # (about 16 MB) whatever the product n_sums * n_terms.
    rows_per_block = max(1, 2**21 // n_terms)
    blocks = [
        dist.draw(rng, (min(rows_per_block, n_sums - start), n_terms)).sum(axis=1)
        for start in range(0, n_sums, rows_per_block)
    ]
    return np.concatenate(blocks)


def sample_means(distribution, n_terms, n_means, rng=None) -> np.ndarray:
    """Draw ``n_means`` sample means, each of ``n_terms`` independent draws.

    Returns
    -------
    means : ndarray of shape (n_means,)
        :func:`sample_sums` divided by ``n_terms``.
    """
    n_terms = as_count(n_terms, "n_terms")
    return sample_sums(distribution, n_terms, n_means, rng) / n_terms


def standardize(values, distribution, n_terms) -> np.ndarray:
    r"""Map sums :math:`S_N` to :math:`Z_N = (S_N - N\mu) / (\sigma\sqrt N)` (lesson 01, eq. 1.3).

    Parameters
    ----------
    values : array_like of any shape
        Sums of ``n_terms`` draws.
    distribution : str
    n_terms : int

    Returns
    -------
    z : ndarray of the same shape as ``values``
    """
    dist = get_distribution(distribution)
    n_terms = as_count(n_terms, "n_terms")
    values = as_float_array(values, "values")
    if not np.all(np.isfinite(values)):
        raise ValueError("values contains NaN or inf values")
    return (values - n_terms * dist.mean) / (dist.std * np.sqrt(n_terms))


def lattice_sum_pmf(distribution, n_terms) -> tuple[np.ndarray, np.ndarray]:
    """Exact distribution of the sum of ``n_terms`` draws of a discrete distribution.

    The die's sum is the ``n_terms``-fold convolution of its probability vector; the coin's
    is binomial.

    Parameters
    ----------
    distribution : str
        ``"die"`` or ``"biased coin"``.
    n_terms : int

    Returns
    -------
    support : ndarray of shape (m,)
        The possible values of the sum, increasing.
    pmf : ndarray of shape (m,)
        Their probabilities (summing to one).
    """
    dist = get_distribution(distribution)
    n_terms = as_count(n_terms, "n_terms")
    if dist.lattice_span is None:
        raise ValueError(f"distribution must be discrete (die or biased coin); got {distribution!r}")
    if dist.name == "biased coin":
        support = np.arange(n_terms + 1, dtype=float)
        return support, stats.binom.pmf(np.arange(n_terms + 1), n_terms, _COIN_P)
    face = np.full(6, 1.0 / 6.0)
    pmf = face
    for _ in range(n_terms - 1):
        pmf = np.convolve(pmf, face)
    return np.arange(n_terms, 6 * n_terms + 1, dtype=float), pmf


def _irwin_hall_cdf(n_terms: int, offsets: np.ndarray) -> np.ndarray:
    """CDF of a sum of ``n_terms`` uniforms at ``offsets[:, None] + arange(n_terms)``.

    Uses F_k(y) = (y F_{k-1}(y) + (k - y) F_{k-1}(y - 1)) / k, which for 0 <= y <= k mixes two
    numbers in [0, 1] with non-negative weights: no cancellation, unlike the textbook
    alternating sum, which loses every digit by N ~ 40.
    """
    y = offsets[:, np.newaxis] + np.arange(n_terms)
    cdf = np.ones_like(y)  # F_0 is the step at 0 and every y here is >= 0
    for k in range(1, n_terms + 1):
        shifted = np.concatenate([np.zeros((y.shape[0], 1)), cdf[:, :-1]], axis=1)  # F_{k-1}(y - 1)
        cdf = (y * cdf + (k - y) * shifted) / k
    return np.clip(cdf, 0.0, 1.0), y


@dataclass(frozen=True)
class NormalGap:
    r"""The gap between the exact CDF of a standardized sum and the standard normal CDF.

    Attributes
    ----------
    z : ndarray of shape (m,)
        Non-decreasing standardized positions :math:`z = (x - N\mu)/(\sigma\sqrt N)`. For
        a discrete sum each support point appears twice: its left limit, then its value.
    gap : ndarray of shape (m,)
        :math:`F_N(x) - \Phi(z)` at those positions.
    ks_distance : float
        :math:`\Delta_N = \sup_z |F_N - \Phi|`, exact for a discrete sum. For a
        continuous one it is the maximum over a grid of positions: for the exponential a
        step of 0.002 standard deviations; for the uniform about 8000 points spread over the
        support [0, N], a step of 0.002 standard deviations or finer up to N = 21 that grows
        like sqrt(N) beyond (0.0135 at N = 1024). The gap is smooth near its peak, so the
        grid maximum falls short of the supremum by a relative error of the order of the
        squared step; ``tests/test_clt.py`` finds agreement with a numerical optimizer to
        1e-4 relative for N from 2 to 1024.
    z_at_max : float
        Where the supremum is attained.
    n_terms : int
    distribution : str
    """

    z: np.ndarray
    gap: np.ndarray
    ks_distance: float
    z_at_max: float
    n_terms: int
    distribution: str


def normal_gap(distribution, n_terms) -> NormalGap:
    r"""Exact gap :math:`F_N - \Phi` between a standardized sum and the normal (eq. 1.5).

    The sum's distribution is exact: Irwin-Hall (uniform, by a stable recursion), gamma
    (exponential), convolution (die) or binomial (coin); no sampling is involved.

    Parameters
    ----------
    distribution : str
        A key of :data:`DISTRIBUTIONS`.
    n_terms : int
        N >= 1.

    Returns
    -------
    NormalGap
    """
    dist = get_distribution(distribution)
    n_terms = as_count(n_terms, "n_terms")
    centre, scale = n_terms * dist.mean, dist.std * np.sqrt(n_terms)
    if dist.lattice_span is not None:
        support, pmf = lattice_sum_pmf(dist.name, n_terms)
        cdf = np.clip(np.cumsum(pmf), 0.0, 1.0)
        left_limit = cdf - pmf
        z_support = (support - centre) / scale
        # Between two support points F_N is flat while Phi rises, so |F_N - Phi| peaks at
        # a support point (its value or its left limit): the supremum below is exact. The
        # points in between and the two tails are there only to draw the curve.
        inner = max(1, -(-_LATTICE_DRAW_POINTS // support.size))
        steps = np.append(np.diff(z_support), 0.0)
        z_rows = np.column_stack([z_support, z_support[:, None] + np.arange(inner) / inner * steps[:, None]])
        value_rows = np.column_stack([left_limit, np.repeat(cdf[:, None], inner, axis=1)])
        left_tail = np.linspace(min(-_Z_LIMIT, z_support[0]), z_support[0], 50)[:-1]
        right_tail = np.linspace(z_support[-1], max(_Z_LIMIT, z_support[-1]), 50)[1:]
        z = np.concatenate([left_tail, z_rows.ravel(), right_tail])
        values = np.concatenate([np.zeros(left_tail.size), value_rows.ravel(), np.ones(right_tail.size)])
    elif dist.name == "uniform":
        per_unit = -(-_UNIFORM_POINTS // n_terms)
        cdf, y = _irwin_hall_cdf(n_terms, np.arange(per_unit) / per_unit)
        order = np.argsort(y, axis=None)
        # Append the right end of the support, where the CDF reaches one.
        x = np.append(y.ravel()[order], n_terms)
        values = np.append(cdf.ravel()[order], 1.0)
        z = (x - centre) / scale
    else:  # exponential: the sum of N rate-1 exponentials is gamma(N, 1)
        z = np.linspace(-_Z_LIMIT, _Z_LIMIT, _Z_POINTS)
        values = stats.gamma.cdf(centre + scale * z, n_terms)
    gap = values - stats.norm.cdf(z)
    worst = int(np.argmax(np.abs(gap)))
    return NormalGap(
        z=z, gap=gap, ks_distance=float(abs(gap[worst])), z_at_max=float(z[worst]),
        n_terms=n_terms, distribution=dist.name,
    )


def ks_distance(distribution, n_terms) -> float:
    r"""Kolmogorov-Smirnov distance :math:`\Delta_N` of the standardized sum to N(0, 1).

    Shorthand for ``normal_gap(distribution, n_terms).ks_distance``.
    """
    return normal_gap(distribution, n_terms).ks_distance


def berry_esseen_bound(distribution, n_terms) -> float:
    r"""Berry-Esseen upper bound :math:`C \rho / (\sigma^3 \sqrt N)` on :math:`\Delta_N` (eq. 1.6).

    Valid for every N, with :data:`BERRY_ESSEEN_CONSTANT` as C.
    """
    dist = get_distribution(distribution)
    n_terms = as_count(n_terms, "n_terms")
    return BERRY_ESSEEN_CONSTANT * dist.third_absolute_moment / (dist.std**3 * np.sqrt(n_terms))


def esseen_limit(distribution) -> float:
    r"""The limit of :math:`\sqrt N \, \Delta_N` as N grows (Esseen 1945; eq. 1.7).

    .. math:: \lim_{N\to\infty} \sqrt N \Delta_N = \frac{1}{\sqrt{2\pi}}
              \left(\frac{|\gamma|}{6} + \frac{h}{2\sigma}\right)

    with h the maximal lattice span, the largest h for which the draws live on some
    lattice a + h Z (h = 0 for a continuous distribution). Zero means that
    :math:`\Delta_N` shrinks faster than :math:`1/\sqrt N` (like 1/N for the uniform).
    """
    dist = get_distribution(distribution)
    span = 0.0 if dist.lattice_span is None else dist.lattice_span
    return (abs(dist.skewness) / 6.0 + span / (2.0 * dist.std)) / np.sqrt(2.0 * np.pi)


@dataclass(frozen=True)
class PowerLawFit:
    r"""Least-squares line through :math:`(\log N, \log \Delta_N)`: :math:`\Delta_N \approx c N^{b}`.

    Attributes
    ----------
    slope : float
        The exponent b (-0.5 for the :math:`1/\sqrt N` rate).
    prefactor : float
        c.
    """

    slope: float
    prefactor: float

    def __call__(self, n_terms) -> np.ndarray:
        """The fitted :math:`c N^b` at ``n_terms`` (array_like)."""
        return self.prefactor * as_float_array(n_terms, "n_terms") ** self.slope


def fit_power_law(n_terms, distances) -> PowerLawFit:
    """Fit :math:`\\Delta \\approx c N^b` by least squares on log-log axes.

    Parameters
    ----------
    n_terms : array_like of shape (m,)
        Positive values of N, at least two distinct.
    distances : array_like of shape (m,)
        Positive distances measured at those N.

    Returns
    -------
    PowerLawFit
    """
    n_terms = as_float_array(n_terms, "n_terms")
    distances = as_float_array(distances, "distances")
    if n_terms.ndim != 1 or distances.shape != n_terms.shape:
        raise ValueError(
            "n_terms and distances must be 1-D arrays of the same shape (m,); "
            f"got shapes {n_terms.shape} and {distances.shape}"
        )
    for name, values in (("n_terms", n_terms), ("distances", distances)):
        if not np.all(np.isfinite(values) & (values > 0)):
            raise ValueError(f"{name} must be finite and > 0 to be plotted on log axes")
    if np.unique(n_terms).size < 2:
        raise ValueError(f"n_terms must hold at least two distinct values; got {np.unique(n_terms)}")
    slope, intercept = np.polyfit(np.log(n_terms), np.log(distances), 1)
    return PowerLawFit(slope=float(slope), prefactor=float(np.exp(intercept)))
