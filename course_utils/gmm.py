"""Gaussian mixtures: log-densities, the E-step, the M-step, EM fitting and sampling.

Shapes: data ``X`` is (n, d), ``weights`` (k,), ``means`` (k, d), ``covariances``
(k, d, d), ``responsibilities`` (n, k). Lesson 02 derives the log-density, lesson 04 the
E and M steps.

:func:`e_step` and :func:`m_step` are the textbook steps on whole (n, k) arrays.
:func:`fit` runs the same iteration as a single streaming pass over blocks of rows that
accumulates the M-step's sufficient statistics while it computes the responsibilities, so
that no (n, k) temporaries are built and every block stays in the processor's cache.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import logsumexp

from course_utils import kmeans
from course_utils._validation import (
    as_count,
    as_covariances,
    as_data,
    as_float_array,
    as_generator,
    as_means,
    as_real,
    as_responsibilities,
    as_weights,
    cholesky_factors,
)

LOG_2PI = np.log(2.0 * np.pi)


def _log_gaussian_from_cholesky(X: np.ndarray, means: np.ndarray, cholesky: np.ndarray) -> np.ndarray:
    """Log-densities (n, k) given lower Cholesky factors (k, d, d) of the covariances."""
    n, d = X.shape
    log_density = np.empty((n, means.shape[0]))
    for component, (mean, factor) in enumerate(zip(means, cholesky)):
        # Solving L y = (x - mu) gives the Mahalanobis term as |y|^2 without forming an
        # inverse, and log det Sigma = 2 sum log diag L without a determinant.
        whitened = solve_triangular(factor, (X - mean).T, lower=True, check_finite=False)
        log_det = 2.0 * np.sum(np.log(np.diag(factor)))
        log_density[:, component] = -0.5 * (d * LOG_2PI + log_det + np.sum(whitened**2, axis=0))
    return log_density


def log_gaussian(X, means, covariances) -> np.ndarray:
    r"""Log-density of every point under every Gaussian component.

    .. math:: \log \mathcal N(x \mid \mu, \Sigma) = -\tfrac12\left(d \log 2\pi
              + 2 \sum_i \log L_{ii} + \lVert L^{-1}(x-\mu) \rVert^2\right),
              \quad \Sigma = L L^\top

    (lesson 02, equation 2.10). Computed through a Cholesky factorization: no inverse, no
    determinant, finite even for points far from every component.

    Parameters
    ----------
    X : array_like of shape (n, d)
    means : array_like of shape (k, d), or (d,) for a single component
    covariances : array_like of shape (k, d, d), or (d, d) for a single component
        Each must be symmetric positive definite.

    Returns
    -------
    log_density : ndarray of shape (n, k)
    """
    X = as_data(X)
    means = as_means(means, X.shape[1])
    covariances = as_covariances(covariances, means.shape[0], X.shape[1])
    cholesky = cholesky_factors(covariances)
    with np.errstate(over="ignore"):
        return _finite_log_density(_log_gaussian_from_cholesky(X, means, cholesky))


def _finite_log_density(log_density):
    """``log_density`` itself, or a ValueError where it is -inf (or NaN) for finite input.

    The Mahalanobis term overflows only for a point more than about 1e154 standard
    deviations from a mean: the true log-density is then below the float range."""
    if not np.all(np.isfinite(log_density)):
        raise ValueError(
            "a point of X lies so many standard deviations (about 1e154 or more) from a component "
            "mean that its log-density is below the floating-point range; rescale X or widen the covariances"
        )
    return log_density


def _check_parameters(X, weights, means, covariances):
    X = as_data(X)
    weights = as_weights(weights)
    means = as_means(means, X.shape[1])
    if means.shape[0] != weights.size:
        raise ValueError(
            f"means must have one row per weight: weights has {weights.size} entries, "
            f"means has shape {means.shape}"
        )
    covariances = as_covariances(covariances, weights.size, X.shape[1])
    return X, weights, means, cholesky_factors(covariances)


def _weighted_log_joint(X, weights, means, cholesky) -> np.ndarray:
    """log pi_k + log N(x_n | mu_k, Sigma_k), shape (n, k); a zero weight gives -inf."""
    with np.errstate(divide="ignore"):
        log_weights = np.log(weights)
    return log_weights + _log_gaussian_from_cholesky(X, means, cholesky)


def _checked_log_joint(X, weights, means, cholesky) -> np.ndarray:
    """:func:`_weighted_log_joint` for the public functions: -inf only from a zero weight."""
    with np.errstate(divide="ignore", over="ignore"):
        return np.log(weights) + _finite_log_density(_log_gaussian_from_cholesky(X, means, cholesky))


def _e_step(X, weights, means, cholesky) -> tuple[np.ndarray, float]:
    log_joint = _weighted_log_joint(X, weights, means, cholesky)
    # log-sum-exp written out: shifting by the row maximum keeps exp() in range, and
    # dividing by the row sum (rather than subtracting its log) keeps every row summing to
    # one even when the log-densities are of the order of -1e13.
    row_max = log_joint.max(axis=1, keepdims=True)
    responsibilities = np.exp(log_joint - row_max)
    row_sum = responsibilities.sum(axis=1, keepdims=True)
    responsibilities /= row_sum
    return responsibilities, float(np.sum(row_max) + np.sum(np.log(row_sum)))


def e_step(X, weights, means, covariances) -> tuple[np.ndarray, float]:
    r"""E-step: posterior probabilities of the components and the total log-likelihood.

    .. math:: \gamma_{nk} = \frac{\pi_k \mathcal N(x_n\mid\mu_k,\Sigma_k)}
              {\sum_j \pi_j \mathcal N(x_n\mid\mu_j,\Sigma_j)}

    (lesson 04, equation 4.5), normalized in log space with ``logsumexp`` so that points
    far from every component still get finite responsibilities.

    Parameters
    ----------
    X : array_like of shape (n, d)
    weights : array_like of shape (k,), non-negative, summing to one
    means : array_like of shape (k, d)
    covariances : array_like of shape (k, d, d), symmetric positive definite

    Returns
    -------
    responsibilities : ndarray of shape (n, k), rows summing to one
    log_likelihood : float
        :math:`\sum_n \log \sum_k \pi_k \mathcal N(x_n\mid\mu_k,\Sigma_k)`.
    """
    X, weights, means, cholesky = _check_parameters(X, weights, means, covariances)
    with np.errstate(over="ignore", invalid="ignore"):
        responsibilities, log_likelihood = _e_step(X, weights, means, cholesky)
    if not (np.isfinite(log_likelihood) and np.all(np.isfinite(responsibilities))):
        with np.errstate(over="ignore"):
            _finite_log_density(_log_gaussian_from_cholesky(X, means, cholesky))
    return responsibilities, log_likelihood


def _m_step(X, responsibilities, reg_covar) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = X.shape[1]
    # A component with no responsibility at all would divide 0 by 0; the tiny floor keeps
    # its weight at (numerically) zero and its mean and covariance finite.
    counts = responsibilities.sum(axis=0) + 10 * np.finfo(float).eps
    weights = counts / counts.sum()
    means = (responsibilities.T @ X) / counts[:, np.newaxis]
    covariances = np.empty((means.shape[0], d, d))
    for component, mean in enumerate(means):
        centred = X - mean
        covariances[component] = (responsibilities[:, component] * centred.T) @ centred / counts[component]
        covariances[component].flat[:: d + 1] += reg_covar
    return weights, means, covariances


def m_step(X, responsibilities, reg_covar: float = 1e-6) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""M-step: the parameters that maximize the expected complete-data log-likelihood.

    .. math:: N_k = \sum_n \gamma_{nk},\quad \pi_k = N_k / N,\quad
              \mu_k = \frac{1}{N_k}\sum_n \gamma_{nk} x_n,\quad
              \Sigma_k = \frac{1}{N_k}\sum_n \gamma_{nk}(x_n-\mu_k)(x_n-\mu_k)^\top
              + \epsilon I

    (lesson 04, equations 4.8-4.10), where :math:`\epsilon` is ``reg_covar``; it keeps a
    component that collapses onto a single point from reaching a singular covariance.

    Parameters
    ----------
    X : array_like of shape (n, d)
    responsibilities : array_like of shape (n, k), non-negative rows summing to one
    reg_covar : float, default 1e-6
        Non-negative value added to the diagonal of every covariance.

    Returns
    -------
    weights : ndarray of shape (k,)
    means : ndarray of shape (k, d)
    covariances : ndarray of shape (k, d, d)

    Raises
    ------
    ValueError
        If a column of ``X`` spreads so little (below 1e-154) or so much that its squared
        deviations leave the floating-point range.
    """
    X = as_data(X)
    responsibilities = as_responsibilities(responsibilities, X.shape[0])
    reg_covar = _as_tolerance(reg_covar, "reg_covar")
    _check_spread(X)
    return _m_step(X, responsibilities, reg_covar)


def _check_spread(X) -> None:
    """ValueError unless the sums of squares of deviations in every column of X (the
    scatter an M-step computes) stay in the floating-point range: a spread (largest
    deviation from the first row) of 1e-154 or more and below 1e154 / sqrt(n)."""
    spread = np.max(np.abs(X - X[0]), axis=0)
    if np.any((spread > 0) & (spread < 1e-154)) or np.any(spread >= 1e154 / np.sqrt(X.shape[0])):
        raise ValueError(
            f"X spreads over {spread.min():.3g} to {spread.max():.3g} in its columns: sums of squared "
            "deviations would leave the floating-point range (about 1e-308 to 1e308); multiply or "
            "divide X by a constant"
        )


def log_likelihood(X, weights, means, covariances) -> float:
    r"""Total log-likelihood :math:`\sum_n \log \sum_k \pi_k \mathcal N(x_n\mid\mu_k,\Sigma_k)`.

    Parameters are as for :func:`e_step`.

    Returns
    -------
    log_likelihood : float
    """
    log_joint = _checked_log_joint(*_check_parameters(X, weights, means, covariances))
    return float(np.sum(logsumexp(log_joint, axis=1)))


# --------------------------------------------------------------------------- choosing K

_COVARIANCE_KINDS = ("full", "diagonal", "spherical", "tied")


def n_parameters(n_components, n_features, covariance: str = "full") -> int:
    r"""Number of free parameters of a Gaussian mixture.

    .. math:: p = (K - 1) + K d + K \frac{d (d + 1)}{2}

    for full covariances (lesson 04, equation 4.12): the weights have :math:`K - 1` free
    entries (they sum to one), each mean :math:`d`, each symmetric covariance
    :math:`d(d+1)/2`. The other kinds change the last term to :math:`K d` (``"diagonal"``),
    :math:`K` (``"spherical"``, one variance per component) or :math:`d(d+1)/2` (``"tied"``,
    one covariance shared by all components).

    Parameters
    ----------
    n_components : int
        Number of components K, at least 1.
    n_features : int
        Dimension d of the data, at least 1.
    covariance : {"full", "diagonal", "spherical", "tied"}

    Returns
    -------
    p : int

    Raises
    ------
    TypeError
        If ``n_components`` or ``n_features`` is not an integer.
    ValueError
        If either is below 1, or ``covariance`` is not one of the kinds above.
    """
    k = as_count(n_components, "n_components", minimum=1)
    d = as_count(n_features, "n_features", minimum=1)
    if covariance not in _COVARIANCE_KINDS:
        raise ValueError(f"covariance must be one of {_COVARIANCE_KINDS}; got {covariance!r}")
    per_matrix = d * (d + 1) // 2
    covariance_count = {"full": k * per_matrix, "diagonal": k * d, "spherical": k, "tied": per_matrix}
    return (k - 1) + k * d + covariance_count[covariance]


def bic(log_likelihood, n_parameters, n_points) -> float:
    r"""Bayesian information criterion of a fitted model; lower is better.

    .. math:: \mathrm{BIC} = -2 \ln p(X \mid \hat\theta) + p \ln N

    (lesson 04, equation 4.11; Schwarz 1978, "Estimating the dimension of a model", Annals
    of Statistics 6, 461-464): minus twice the large-N form of the Laplace approximation of
    the log evidence (lesson 06, equation 6.4), keeping only the terms that grow with N.

    Parameters
    ----------
    log_likelihood : float
        Maximized total log-likelihood :math:`\ln p(X \mid \hat\theta)` (nats).
    n_parameters : int
        Number of free parameters p, e.g. from :func:`n_parameters`.
    n_points : int
        Number of data points N, at least 1.

    Returns
    -------
    bic : float

    Raises
    ------
    TypeError
        If ``log_likelihood`` is not a real number, or a count is not an integer.
    ValueError
        If ``log_likelihood`` is not finite, or a count is out of range.
    """
    log_likelihood = as_real(log_likelihood, "log_likelihood")
    p = as_count(n_parameters, "n_parameters", minimum=0)
    n = as_count(n_points, "n_points", minimum=1)
    return float(-2.0 * log_likelihood + p * np.log(n))


def collapsed_components(weights, covariances, n_points, reg_covar: float = 1e-6, *, factor: float = 10.0) -> np.ndarray:
    r"""Which components of a fitted mixture have collapsed onto too few points.

    A component counts as collapsed when its effective number of points
    :math:`N_k = N \pi_k` (lesson 04, equation 4.7) is below :math:`d + 1`, the fewest
    points whose covariance (4.9) can be non-singular in d dimensions, or when the smallest
    eigenvalue of its covariance is below ``factor * reg_covar``: the data give it no spread
    in that direction and only the floor ``reg_covar`` keeps it invertible. Such a
    component's contribution to the log-likelihood grows without bound as ``reg_covar``
    shrinks (lesson 04, section 8).

    Parameters
    ----------
    weights : array_like of shape (k,)
    covariances : array_like of shape (k, d, d)
    n_points : int
        Number of data points N the mixture was fitted to.
    reg_covar : float, default 1e-6
        The ``reg_covar`` the mixture was fitted with (>= 0).
    factor : float, default 10.0
        How close to the floor (as a multiple of ``reg_covar``) counts as at the floor.

    Returns
    -------
    collapsed : ndarray of bool, shape (k,)

    Raises
    ------
    ValueError
        If the shapes do not match, the weights are not on the simplex, or ``reg_covar`` or
        ``factor`` is negative or not finite.
    """
    weights = as_weights(weights)
    covariances = as_float_array(covariances, "covariances")
    d = covariances.shape[-1] if covariances.ndim >= 2 else 1
    covariances = as_covariances(covariances, weights.size, d)
    n = as_count(n_points, "n_points", minimum=1)
    reg_covar = _as_tolerance(reg_covar, "reg_covar")
    factor = _as_tolerance(factor, "factor")
    smallest = np.linalg.eigvalsh(covariances)[:, 0]
    return (n * weights < d + 1) | (smallest < factor * reg_covar)


# --------------------------------------------------------------------------- fitting


@dataclass(frozen=True, eq=False)
class GMMResult:
    r"""The outcome of :func:`fit`.

    Attributes
    ----------
    weights : ndarray of shape (k,)
    means : ndarray of shape (k, d)
    covariances : ndarray of shape (k, d, d)
    responsibilities : ndarray of shape (n, k)
        Posterior probabilities of the components under the returned parameters.
    log_likelihood : float
        Total log-likelihood :math:`\sum_n \log p(x_n)` of the returned parameters.
    log_likelihood_history : ndarray of shape (n_iter,)
        Entry ``t - 1`` is the total log-likelihood after iteration ``t`` (E-step then
        M-step); the last entry equals ``log_likelihood``. With ``reg_covar=0`` it never
        decreases; ``reg_covar > 0`` nudges each M-step off the exact maximizer, which can
        cost a tiny decrease near convergence (it then counts as converged).
    n_iter : int
        Number of EM iterations of the returned run.
    converged : bool
        True when the gain in log-likelihood per data point fell to ``tol`` or below before
        ``max_iter`` iterations were used up.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    responsibilities: np.ndarray
    log_likelihood: float
    log_likelihood_history: np.ndarray
    n_iter: int
    converged: bool


# Floats per block of the (k * d, rows) whitened-data temporary: 1 MiB, which keeps a
# block and its (k, rows) responsibilities in a core's cache while amortizing numpy's
# per-call overhead over thousands of rows.
_BLOCK_FLOATS = 2**17


def _rows_per_block(k: int, d: int) -> int:
    return max(16, _BLOCK_FLOATS // (k * d))


def _em_sweep(X, weights, means, cholesky, responsibilities_out):
    """One pass over X: the E-step for the given parameters and the M-step's statistics.

    Writes the responsibilities (n, k) into ``responsibilities_out`` and returns the total
    log-likelihood, the soft counts N_k (k,), the weighted sums sum_n r_nk x_n (k, d) and
    the weighted scatter sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T (k, d, d) about the *given*
    means mu_k (the M-step moves the centre to the new mean afterwards).
    """
    n, d = X.shape
    k = means.shape[0]
    # Whitening: y_nk = L_k^{-1} (x_n - mu_k), so that |y_nk|^2 is the Mahalanobis term.
    inverse_factors = np.tril(np.linalg.inv(cholesky))
    offsets = (inverse_factors @ means[:, :, np.newaxis]).reshape(k * d, 1)
    with np.errstate(divide="ignore"):
        log_norm = (
            np.log(weights)
            - 0.5 * d * LOG_2PI
            - np.sum(np.log(np.diagonal(cholesky, axis1=1, axis2=2)), axis=1)
        )[:, np.newaxis]
    total = 0.0
    counts = np.zeros(k)
    sums = np.zeros((k, d))
    whitened_scatter = np.zeros((k, d, d))
    rows = _rows_per_block(k, d)
    # Blocks are laid out component-major, (k, rows): every reduction over the components
    # then runs along contiguous rows, which is several times faster than along short ones.
    for start in range(0, n, rows):
        block = X[start : start + rows]
        # One small product per component rather than one stacked product: BLAS runs
        # products this small on one thread, and waking its worker threads thousands of
        # times per pass costs more than they save (badly so on a busy machine).
        whitened = np.empty((k * d, block.shape[0]))
        for component in range(k):
            np.matmul(inverse_factors[component], block.T, out=whitened[component * d : (component + 1) * d])
        whitened -= offsets
        log_joint = np.square(whitened).reshape(k, d, -1).sum(axis=1)
        log_joint *= -0.5
        log_joint += log_norm
        # log-sum-exp over components, shifted by the maximum so that points far from every
        # component keep finite responsibilities.
        top = log_joint.max(axis=0)
        log_joint -= top
        responsibilities = np.exp(log_joint, out=log_joint)
        normalizer = responsibilities.sum(axis=0)
        responsibilities /= normalizer
        total += float(np.sum(top) + np.sum(np.log(normalizer)))
        responsibilities_out[start : start + rows] = responsibilities.T
        counts += responsibilities.sum(axis=1)
        sums += responsibilities @ block
        for component in range(k):
            y = whitened[component * d : (component + 1) * d]
            whitened_scatter[component] += (y * responsibilities[component]) @ y.T
    # Back from whitened coordinates: x - mu_k = L_k y.
    scatter = cholesky @ whitened_scatter @ cholesky.transpose(0, 2, 1)
    return total, counts, sums, scatter


def _m_step_from_statistics(counts, sums, scatter, centres, reg_covar, extent):
    """The M-step of :func:`m_step` from the statistics of :func:`_em_sweep`.

    Also returns which components' covariances may have lost digits (see
    :func:`_run_em`): those whose mean moved by more than about its own spread, where
    the update below subtracts nearly equal numbers, and those far tighter than the
    data's ``extent`` (d,), whose whitened data were differences of large numbers.
    """
    d = sums.shape[1]
    floored = counts + 10 * np.finfo(float).eps
    weights = floored / floored.sum()
    means = sums / floored[:, np.newaxis]
    # Move the scatter from the old centre c to the new mean: with delta = mu - c and
    # D = sum_n r_n (x_n - c), sum_n r_n (x_n - mu)(x_n - mu)^T = S_c - delta D^T - D delta^T
    # + N delta delta^T. Written out in full (rather than S_c - N delta delta^T) it also
    # holds for a component whose responsibilities are all zero.
    shift = means - centres
    deviation = sums - counts[:, np.newaxis] * centres
    cross = shift[:, :, np.newaxis] * deviation[:, np.newaxis, :]
    covariances = scatter - cross - cross.transpose(0, 2, 1)
    covariances += counts[:, np.newaxis, np.newaxis] * shift[:, :, np.newaxis] * shift[:, np.newaxis, :]
    covariances /= floored[:, np.newaxis, np.newaxis]
    covariances = 0.5 * (covariances + covariances.transpose(0, 2, 1))
    spread_about_centres = np.diagonal(scatter, axis1=1, axis2=2)
    inexact = np.any(
        (counts[:, np.newaxis] * shift**2 > 0.5 * spread_about_centres)
        | (spread_about_centres < 1e-6 * counts[:, np.newaxis] * extent**2),
        axis=1,
    )
    covariances.reshape(-1, d * d)[:, :: d + 1] += reg_covar
    return weights, means, covariances, inexact


def _scatter(X, weights, mean):
    """sum_n w_n (x_n - mean)(x_n - mean)^T, shape (d, d), by blocks of rows."""
    d = X.shape[1]
    scatter = np.zeros((d, d))
    rows = _rows_per_block(1, d)
    for start in range(0, X.shape[0], rows):
        centred = X[start : start + rows] - mean
        scatter += (weights[start : start + rows] * centred.T) @ centred
    return scatter


def _cholesky_or_raise(covariances, iteration: int, reg_covar: float, resolution) -> np.ndarray:
    """Cholesky factors of the covariances, or a ValueError if one is singular.

    Singular to working precision counts as singular: without reg_covar a collapsed
    component is left with a covariance made of rounding errors (a variance below
    ``resolution`` (d,), the square of the spacing of floats at each column's magnitude,
    or a correlation matrix whose condition number is beyond 1/eps), which a Cholesky
    factorization may happen to accept. The test is on the correlation matrix, so that
    it does not depend on the units of the columns (spreads 1e8 apart are fine).
    """
    variances = np.diagonal(covariances, axis1=1, axis2=2)
    if np.all(variances > resolution):
        std = np.sqrt(variances)
        eigenvalues = np.linalg.eigvalsh(covariances / (std[:, :, np.newaxis] * std[:, np.newaxis, :]))
        d = covariances.shape[-1]
        if np.all(eigenvalues[:, 0] > d * np.finfo(float).eps * eigenvalues[:, -1]):
            try:
                return np.linalg.cholesky(covariances)
            except np.linalg.LinAlgError:
                pass
    when = "at the start" if iteration == 0 else f"after iteration {iteration}"
    raise ValueError(
        f"a covariance became singular {when}: a component collapsed onto too few points; "
        f"increase reg_covar (got {reg_covar:g}) or use fewer components"
    )


def _resolution(X, scale) -> np.ndarray:
    """Variances (d,) below which a component's spread is rounding noise at the magnitude
    of each column of the data ``X`` (in working units: divided by ``scale`` squared).

    A component on a single point x keeps a variance of about (10 eps x)^2 from the
    floor on N_k in the means; 100 eps leaves room for that."""
    return (100 * np.finfo(float).eps * (np.max(np.abs(X), axis=0) / scale)) ** 2


def _run_em(X, weights, means, covariances, cholesky, max_iter, tol, reg_covar, resolution) -> GMMResult:
    """EM iterations in working coordinates (see :func:`fit`)."""
    n = X.shape[0]
    extent = np.max(np.abs(X), axis=0)
    responsibilities = np.empty((n, means.shape[0]))
    log_lik, *statistics = _em_sweep(X, weights, means, cholesky, responsibilities)
    history = []
    converged = False
    for iteration in range(1, max_iter + 1):
        weights, means, covariances, inexact = _m_step_from_statistics(*statistics, means, reg_covar, extent)
        # Where the streamed update may have cancelled, one more pass computes the
        # scatter about the new mean directly, as m_step does (issue 16).
        for component in np.flatnonzero(inexact):
            scatter = _scatter(X, responsibilities[:, component], means[component])
            covariances[component] = 0.5 * (scatter + scatter.T) / (statistics[0][component] + 10 * np.finfo(float).eps)
            covariances[component].flat[:: X.shape[1] + 1] += reg_covar
        cholesky = _cholesky_or_raise(covariances, iteration, reg_covar, resolution)
        previous = log_lik
        log_lik, *statistics = _em_sweep(X, weights, means, cholesky, responsibilities)
        history.append(log_lik)
        if (log_lik - previous) / n <= tol:
            converged = True
            break
    return GMMResult(
        weights=weights, means=means, covariances=covariances,
        responsibilities=responsibilities, log_likelihood=log_lik,
        log_likelihood_history=np.array(history), n_iter=len(history), converged=converged,
    )


def _check_init(init, X, n_components: int):
    """Validated explicit starting parameters (weights, means, covariances), or the string."""
    if isinstance(init, str):
        if init not in ("kmeans", "random"):
            raise ValueError(
                f"init must be 'kmeans', 'random' or a tuple (weights, means, covariances); got {init!r}"
            )
        return init
    if not isinstance(init, (tuple, list)) or len(init) != 3:
        raise TypeError(
            "init must be 'kmeans', 'random' or a tuple (weights, means, covariances); "
            f"got {type(init).__name__}"
        )
    _, weights, means, cholesky = _check_parameters(X, *init)
    if weights.size != n_components:
        raise ValueError(
            f"init has {weights.size} components but n_components is {n_components}"
        )
    covariances = as_covariances(init[2], n_components, X.shape[1])
    return weights, means, covariances, cholesky


def _start(X, n_components, init, reg_covar, generator, resolution):
    """Starting parameters (weights, means, covariances, cholesky) for one run."""
    if not isinstance(init, str):
        return init
    n, d = X.shape
    if init == "kmeans":
        labels = kmeans.fit(X, n_components, rng=generator).labels
        hard = np.zeros((n, n_components))
        hard[np.arange(n), labels] = 1.0
        weights, means, covariances = _m_step(X, hard, reg_covar)
    else:
        # k data points with pairwise different values as means (distinct row indices
        # could repeat a point), each with the covariance of all the data.
        means = X[kmeans._distinct_rows(X, n_components, generator, "n_components")]
        spread = np.cov(X, rowvar=False, bias=True).reshape(d, d)
        spread.flat[:: d + 1] += reg_covar
        covariances = np.repeat(spread[np.newaxis], n_components, axis=0)
        weights = np.full(n_components, 1.0 / n_components)
    return weights, means, covariances, _cholesky_or_raise(covariances, 0, reg_covar, resolution)


def _as_tolerance(value, name: str) -> float:
    return as_real(value, name, minimum=0.0)


def fit(
    X,
    n_components,
    *,
    init="kmeans",
    n_init=1,
    max_iter=500,
    tol=1e-8,
    reg_covar=1e-6,
    rng=None,
) -> GMMResult:
    r"""Fit a Gaussian mixture by expectation-maximization.

    One iteration is an E-step (:func:`e_step`) followed by an M-step (:func:`m_step`);
    the log-likelihood never decreases (lesson 04, section 5; lesson 05 proves it).
    Iterations stop when the gain in log-likelihood per data point is at most ``tol``, or
    after ``max_iter`` iterations. Both steps run in one streaming pass over blocks of rows
    (the E-step's responsibilities feed the sums :math:`N_k`, :math:`\sum_n \gamma_{nk}
    x_n` and :math:`\sum_n \gamma_{nk} x_n x_n^\top` of the M-step directly).

    Parameters
    ----------
    X : array_like of shape (n, d)
    n_components : int
        Number of components k, 1 <= k <= n.
    init : {"kmeans", "random"} or tuple (weights, means, covariances)
        ``"kmeans"``: the clusters of :func:`course_utils.kmeans.fit` (k-means++ seeding),
        turned into parameters by one M-step on their 0/1 responsibilities;
        ``"random"``: k data points with pairwise different values as means, each with the
        covariance of all the data, equal weights; a tuple: these starting parameters, of shapes (k,), (k, d)
        and (k, d, d).
    n_init : int
        Number of runs; the run with the highest final log-likelihood is returned (the
        first one on a tie). With explicit starting parameters every run is the same, so
        it runs once.
    max_iter : int
        Maximum number of iterations per run (0 returns the starting parameters).
    tol : float
        Non-negative threshold on the gain in log-likelihood per data point.
    reg_covar : float
        Non-negative value added to the diagonal of every covariance in each M-step; it
        keeps a component that collapses onto one point from a singular covariance.
    rng : None, int or numpy.random.Generator
        Randomness of the starting parameters.

    Returns
    -------
    GMMResult

    Raises
    ------
    ValueError
        If a covariance becomes singular (a component collapsed: increase ``reg_covar``),
        ``X`` has fewer than ``n_components`` distinct rows (``init="random"``), or the
        fitted covariances leave the floating-point range.

    Notes
    -----
    EM runs on the data centred and divided by a power of two, and the result is mapped
    back, so the fit does not depend on where the data lie or on their magnitude
    (1e-150 to 1e150). Singularity is judged on each covariance's correlation matrix,
    so columns in very different units (spreads 1e8 apart) are fine.
    """
    X = as_data(X)
    n = X.shape[0]
    n_components = as_count(n_components, "n_components", minimum=1, maximum=n)
    n_init = as_count(n_init, "n_init", minimum=1)
    max_iter = as_count(max_iter, "max_iter", minimum=0)
    tol = _as_tolerance(tol, "tol")
    reg_covar = _as_tolerance(reg_covar, "reg_covar")
    init = _check_init(init, X, n_components)
    generator = as_generator(rng)
    # EM runs on (x - origin) / scale: the data centred, so that its sums do not cancel
    # for data far from zero, and divided by a power of two (exactly), so that squares
    # neither overflow nor underflow at any magnitude. The result is mapped back.
    origin, scale = kmeans._frame(X)
    working = (X - origin) / scale
    working_reg_covar = _to_working_variance(reg_covar, scale, "reg_covar")
    if not isinstance(init, str):
        weights, means, covariances, cholesky = init
        _to_working_variance(covariances, scale, "init covariances")
        init = (weights, (means - origin) / scale, covariances / scale / scale, cholesky / scale)
    resolution = _resolution(X, scale)
    best = None
    for _ in range(n_init if isinstance(init, str) else 1):
        start = _start(working, n_components, init, working_reg_covar, generator, resolution)
        result = _run_em(working, *start, max_iter, tol, working_reg_covar, resolution)
        if best is None or result.log_likelihood > best.log_likelihood:
            best = result
    return _to_data_units(best, origin, scale)


def _to_working_variance(value, scale, name):
    """A variance (or covariances) divided by ``scale`` squared; ValueError on overflow."""
    with np.errstate(over="ignore"):
        working = value / scale / scale
    if not np.all(np.isfinite(working)):
        raise ValueError(
            f"{name} is more than 1e308 times the squared spread of X: the two cannot share one "
            "floating-point range; make it smaller or rescale X"
        )
    return working


def _to_data_units(result, origin, scale) -> GMMResult:
    """A result of :func:`_run_em` on (x - origin) / scale, in the data's units."""
    n, d = result.responsibilities.shape[0], result.means.shape[1]
    with np.errstate(over="ignore", under="ignore"):
        covariances = result.covariances * scale * scale
    variances = np.diagonal(covariances, axis1=1, axis2=2)
    if not np.all(np.isfinite(covariances)) or np.any(variances < np.finfo(float).tiny):
        raise ValueError(
            "the fitted covariances of X lie outside the floating-point range (variances from "
            "about 1e-308 to 1e308); multiply or divide X by a constant"
        )
    # log p(x) = log p((x - origin) / scale) - d log(scale): the Jacobian of the change of units
    shift = n * d * np.log(scale)
    return GMMResult(
        weights=result.weights, means=result.means * scale + origin, covariances=covariances,
        responsibilities=result.responsibilities, log_likelihood=result.log_likelihood - shift,
        log_likelihood_history=result.log_likelihood_history - shift, n_iter=result.n_iter,
        converged=result.converged,
    )


def sample(weights, means, covariances, n, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` points from a Gaussian mixture by its generative story.

    First the component :math:`z_i \\sim \\mathrm{Categorical}(\\pi)`, then
    :math:`x_i \\sim \\mathcal N(\\mu_{z_i}, \\Sigma_{z_i})` (lesson 04, equation 4.2).

    Parameters
    ----------
    weights : array_like of shape (k,), non-negative, summing to one
    means : array_like of shape (k, d)
    covariances : array_like of shape (k, d, d), symmetric positive definite
    n : int
        Number of points, at least 1.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    X : ndarray of shape (n, d)
    z : ndarray of int, shape (n,)
        The component each point was drawn from.
    """
    weights = as_weights(weights)
    means = as_float_array(means, "means")
    d = means.shape[-1] if means.ndim >= 1 else 1
    means = as_means(means, d)
    if means.shape[0] != weights.size:
        raise ValueError(
            f"means must have one row per weight: weights has {weights.size} entries, "
            f"means has shape {means.shape}"
        )
    cholesky = cholesky_factors(as_covariances(covariances, weights.size, d))
    n = as_count(n, "n", minimum=1)
    generator = as_generator(rng)
    z = generator.choice(weights.size, size=n, p=weights)
    noise = generator.standard_normal((n, d))
    X = np.empty((n, d))
    for component in range(weights.size):
        chosen = z == component
        X[chosen] = means[component] + noise[chosen] @ cholesky[component].T
    return X, z
