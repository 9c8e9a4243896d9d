"""What the Laplace approximation is measured against, and what it leads to.

Exact references by quadrature and by importance sampling for small models (lesson 06,
section 6, "An exact reference"), the Bayesian information criterion derived from the
Laplace evidence (section 8, equations 6.21-6.22), and the log joint of a mixture's means,
whose K! equivalent modes defeat a single Gaussian (section 9, equation 6.23).

Shapes: data ``X`` is (n, d) with a bias column added by the caller, labels ``y`` (n,),
weights (d,), grid nodes (m, d). The functions of :mod:`course_utils.laplace` are used,
not changed.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.special import expit, logsumexp

from course_utils._validation import as_count, as_data, as_float_array, as_generator, as_positive, as_sample
from course_utils.laplace import fit_logistic_regression

LOG_2PI = np.log(2.0 * np.pi)

# The cost of a tensor grid is n_points ** d evaluations of the log joint: beyond this
# many nodes a grid is the wrong tool (lesson 06, section 1).
MAX_GRID_NODES = 5_000_000


@dataclass(frozen=True)
class GridPosterior:
    """A posterior represented by the nodes of a quadrature grid and their probabilities.

    Attributes
    ----------
    log_evidence : float
        log of the integral of exp(log joint) by the rectangle rule on the grid.
    nodes : ndarray of shape (m, d)
        Grid points in parameter space.
    probabilities : ndarray of shape (m,)
        Posterior probability of each node (non-negative, summing to one).
    edge_probability : float
        Total probability on the outermost layer of nodes; a value that is not tiny means
        the grid cuts off posterior mass and should be widened.
    """

    log_evidence: float
    nodes: np.ndarray
    probabilities: np.ndarray
    edge_probability: float

    @property
    def mean(self) -> np.ndarray:
        """Posterior mean, shape (d,)."""
        return self.probabilities @ self.nodes

    @property
    def covariance(self) -> np.ndarray:
        """Posterior covariance, shape (d, d)."""
        centred = self.nodes - self.mean
        return (centred.T * self.probabilities) @ centred


@dataclass(frozen=True)
class ImportanceEstimate:
    """An importance-sampling estimate of a log evidence and of posterior expectations.

    Attributes
    ----------
    log_evidence : float
        log of the mean importance weight.
    standard_error : float
        Delta-method standard error of ``log_evidence`` (the relative standard error of
        the mean weight).
    effective_sample_size : float
        (sum w)^2 / sum w^2: how many independent posterior draws the weighted sample is
        worth.
    samples : ndarray of shape (s, d)
        Draws from the proposal.
    probabilities : ndarray of shape (s,)
        Self-normalized importance weights (summing to one).
    """

    log_evidence: float
    standard_error: float
    effective_sample_size: float
    samples: np.ndarray
    probabilities: np.ndarray


# ----------------------------------------------------------------------------- validation


def _as_matrix(value, d: int, name: str) -> np.ndarray:
    array = as_float_array(value, name)
    if array.shape != (d, d):
        raise ValueError(f"{name} must have shape ({d}, {d}); got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf values")
    return array


def _as_center(center) -> np.ndarray:
    array = as_float_array(center, "center")
    if array.ndim != 1 or array.size < 1:
        raise ValueError(f"center must be a 1-D array of shape (d,) with d >= 1; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("center contains NaN or inf values")
    return array


def _as_labels(y, n: int) -> np.ndarray:
    labels = as_float_array(y, "y")
    if labels.shape != (n,):
        raise ValueError(f"y must be a 1-D array with one label per row of X ({n} rows); got shape {labels.shape}")
    outside = labels[(labels != 0.0) & (labels != 1.0)]
    if outside.size:
        raise ValueError(f"y must contain only the labels 0 and 1; got {outside[0]:g}")
    return labels


# ----------------------------------------------------------------------------- quadrature


def grid_posterior(log_joint, center, scale, *, n_points=41, half_width=7.0) -> GridPosterior:
    r"""Normalize exp(log joint) on a tensor grid in the coordinates w = center + scale z.

    The grid takes ``n_points`` equally spaced values of each :math:`z_i` in
    [-half_width, half_width], spacing :math:`h`. The rectangle rule

    .. math:: p(D) = \int e^{f(w)}\,dw \approx |\det S|\, h^d \sum_j e^{f(w_j)},
              \qquad w_j = c + S z_j

    (lesson 06, section 6, "An exact reference") converges faster than any power of
    :math:`h` for a smooth integrand that is negligible at the edges of the box, which
    ``edge_probability`` lets the caller confirm. With ``center`` the mode and ``scale`` a
    Cholesky factor of the Laplace covariance, a modest grid covers the posterior. The
    cost is ``n_points ** d`` evaluations: a grid is a reference for d <= 4, not a method.

    Parameters
    ----------
    log_joint : callable
        Maps nodes of shape (m, d) to log p(w, D) of shape (m,); vectorized.
    center : array_like of shape (d,)
    scale : array_like of shape (d, d)
        Non-singular; its columns are the grid's axes in parameter space.
    n_points : int, default 41
        Nodes per axis, at least 3.
    half_width : float, default 7.0
        Half the side of the box in z coordinates.

    Returns
    -------
    GridPosterior

    Raises
    ------
    ValueError
        For a singular ``scale``, a grid of more than 5 000 000 nodes, or a
        ``log_joint`` that returns the wrong shape, NaN or +inf, or -inf everywhere.
    """
    if not callable(log_joint):
        raise TypeError(f"log_joint must be a callable mapping (m, d) nodes to (m,) values; got "
                        f"{type(log_joint).__name__}")
    center = _as_center(center)
    d = center.size
    scale = _as_matrix(scale, d, "scale")
    n_points = as_count(n_points, "n_points", minimum=3)
    half_width = as_positive(half_width, "half_width")
    sign, log_det_scale = np.linalg.slogdet(scale)
    if sign == 0 or not np.isfinite(log_det_scale):
        raise ValueError("scale is singular: the grid would collapse onto a subspace")
    if n_points**d > MAX_GRID_NODES:
        raise ValueError(
            f"a grid of n_points ** d = {n_points}**{d} nodes exceeds {MAX_GRID_NODES}: the cost of "
            "a tensor grid grows exponentially with the dimension d; use fewer points or importance "
            "sampling"
        )
    axis = np.linspace(-half_width, half_width, n_points)
    spacing = axis[1] - axis[0]
    z = np.stack(np.meshgrid(*([axis] * d), indexing="ij"), axis=-1).reshape(-1, d)
    nodes = center + z @ scale.T
    values = np.asarray(log_joint(nodes), dtype=float)
    if values.shape != (nodes.shape[0],):
        raise ValueError(f"log_joint must return shape ({nodes.shape[0]},) for nodes of shape "
                         f"{nodes.shape}; got shape {values.shape}")
    if np.any(np.isnan(values)) or np.any(values == np.inf):
        raise ValueError("log_joint returned NaN or +inf at some grid nodes")
    if not np.any(np.isfinite(values)):
        raise ValueError("log_joint is -inf at every grid node: the box misses the posterior")
    log_total = logsumexp(values)
    probabilities = np.exp(values - log_total)
    on_edge = np.any(np.abs(z) == half_width, axis=1)
    return GridPosterior(
        log_evidence=float(log_total + d * np.log(spacing) + log_det_scale),
        nodes=nodes,
        probabilities=probabilities,
        edge_probability=float(probabilities[on_edge].sum()),
    )


def logistic_log_joint(nodes, X, y, prior_precision=1.0) -> np.ndarray:
    r"""log p(y, w | X) of Bayesian logistic regression at many weight vectors at once.

    .. math:: \log p(y, w\mid X) = \sum_n \left[y_n a_n - \log(1 + e^{a_n})\right]
              - \tfrac\alpha2 w^\top w + \tfrac d2 \log\frac{\alpha}{2\pi}

    with :math:`a_n = x_n^\top w`: minus equation 6.12 of lesson 06, vectorized over the
    rows of ``nodes``.

    Parameters
    ----------
    nodes : array_like of shape (m, d)
        Weight vectors.
    X : array_like of shape (n, d)
    y : array_like of shape (n,), entries in {0, 1}
    prior_precision : float, default 1.0

    Returns
    -------
    ndarray of shape (m,)

    Raises
    ------
    ValueError
        If ``nodes`` has not one column per column of ``X``, ``y`` holds other labels than
        0 and 1 or not one per row, or any input holds NaN or inf.
    """
    X = as_data(X)
    y = _as_labels(y, X.shape[0])
    alpha = as_positive(prior_precision, "prior_precision")
    nodes = as_data(nodes, "nodes")
    if nodes.shape[1] != X.shape[1]:
        raise ValueError(f"nodes must have {X.shape[1]} columns, one per column of X; got shape {nodes.shape}")
    return _logistic_log_joint(nodes, X, y, alpha)


def _logistic_log_joint(nodes, X, y, alpha) -> np.ndarray:
    d = X.shape[1]
    total = np.zeros(nodes.shape[0])
    # Blocks of nodes keep the (m, n) activations small on fine grids.
    block = max(1, 4_000_000 // X.shape[0])
    for start in range(0, nodes.shape[0], block):
        activation = nodes[start : start + block] @ X.T
        total[start : start + block] = np.sum(y * activation - np.logaddexp(0.0, activation), axis=1)
    return total - 0.5 * alpha * np.sum(nodes**2, axis=1) + 0.5 * d * (np.log(alpha) - LOG_2PI)


def logistic_grid_posterior(X, y, prior_precision=1.0, *, n_points=41, half_width=7.0) -> GridPosterior:
    """Exact (to quadrature error) posterior and evidence of Bayesian logistic regression.

    The grid of :func:`grid_posterior` is centred at the MAP weights and spanned by the
    Cholesky factor of the Laplace covariance, so that it follows the posterior's shape;
    nothing else of the Laplace approximation enters the result.

    Parameters
    ----------
    X : array_like of shape (n, d)
        Features with a bias column; d <= 4 for the default grid.
    y : array_like of shape (n,), entries in {0, 1}
    prior_precision : float, default 1.0
    n_points : int, default 41
    half_width : float, default 7.0
        In Laplace standard deviations.

    Returns
    -------
    GridPosterior

    Raises
    ------
    ValueError
        For bad data (as :func:`logistic_log_joint`) or a grid too large for the dimension
        (as :func:`grid_posterior`).
    """
    X = as_data(X)
    y = _as_labels(y, X.shape[0])
    alpha = as_positive(prior_precision, "prior_precision")
    laplace = fit_logistic_regression(X, y, alpha)
    scale = np.linalg.cholesky(laplace.covariance)
    return grid_posterior(lambda nodes: _logistic_log_joint(nodes, X, y, alpha), laplace.mean, scale,
                          n_points=n_points, half_width=half_width)


def predict_weighted(weights_and_probabilities, X_new) -> np.ndarray:
    r"""Predictive probability :math:`\sum_j p_j\,\sigma(x^\top w_j)` of weighted weight vectors.

    With the nodes of a :class:`GridPosterior` this is the exact predictive
    :math:`\int \sigma(x^\top w)\,p(w\mid D)\,dw` up to quadrature error; with an
    :class:`ImportanceEstimate` it is the self-normalized importance-sampling estimate.

    Parameters
    ----------
    weights_and_probabilities : GridPosterior or ImportanceEstimate
    X_new : array_like of shape (n_new, d)

    Returns
    -------
    probabilities : ndarray of shape (n_new,)

    Raises
    ------
    TypeError
        If ``weights_and_probabilities`` is neither result type.
    ValueError
        If ``X_new`` has not one column per weight.
    """
    if isinstance(weights_and_probabilities, GridPosterior):
        points = weights_and_probabilities.nodes
    elif isinstance(weights_and_probabilities, ImportanceEstimate):
        points = weights_and_probabilities.samples
    else:
        raise TypeError("weights_and_probabilities must be a GridPosterior or an ImportanceEstimate; got "
                        f"{type(weights_and_probabilities).__name__}")
    X_new = as_data(X_new, "X_new")
    if X_new.shape[1] != points.shape[1]:
        raise ValueError(f"X_new must have {points.shape[1]} columns, like the weights; got shape {X_new.shape}")
    return expit(X_new @ points.T) @ weights_and_probabilities.probabilities


# ----------------------------------------------------------------------------- importance sampling


def logistic_importance_sampling(X, y, prior_precision=1.0, *, n_samples=100_000, degrees_of_freedom=5.0,
                                 rng=None) -> ImportanceEstimate:
    r"""Evidence and posterior of Bayesian logistic regression by importance sampling.

    Draws :math:`w_s` from a multivariate Student-t proposal :math:`q` with the Laplace
    mean and covariance as location and scale (heavier tails than the posterior, so the
    weights :math:`p(w_s, D)/q(w_s)` stay bounded) and estimates

    .. math:: p(D) \approx \frac1S \sum_s \frac{p(w_s, D)}{q(w_s)}

    (lesson 06, section 6, "An exact reference"). Independent of the grid of
    :func:`logistic_grid_posterior`; the two agree to within the standard error.

    Parameters
    ----------
    X : array_like of shape (n, d)
    y : array_like of shape (n,), entries in {0, 1}
    prior_precision : float, default 1.0
    n_samples : int, default 100_000
    degrees_of_freedom : float, default 5.0
        Of the Student-t proposal, > 0.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    ImportanceEstimate

    Raises
    ------
    ValueError
        For bad data (as :func:`logistic_log_joint`), ``n_samples < 2`` or a
        non-positive ``degrees_of_freedom``.
    """
    X = as_data(X)
    y = _as_labels(y, X.shape[0])
    alpha = as_positive(prior_precision, "prior_precision")
    n_samples = as_count(n_samples, "n_samples", minimum=2)
    nu = as_positive(degrees_of_freedom, "degrees_of_freedom")
    rng = as_generator(rng)
    laplace = fit_logistic_regression(X, y, alpha)
    proposal = stats.multivariate_t(laplace.mean, laplace.covariance, df=nu)
    samples = np.atleast_2d(proposal.rvs(size=n_samples, random_state=rng)).reshape(n_samples, -1)
    log_weights = _logistic_log_joint(samples, X, y, alpha) - proposal.logpdf(samples)
    log_sum = logsumexp(log_weights)
    probabilities = np.exp(log_weights - log_sum)
    relative = np.exp(log_weights - log_sum + np.log(n_samples))  # weights divided by their mean
    return ImportanceEstimate(
        log_evidence=float(log_sum - np.log(n_samples)),
        standard_error=float(np.std(relative, ddof=1) / np.sqrt(n_samples)),
        effective_sample_size=float(1.0 / np.sum(probabilities**2)),
        samples=samples,
        probabilities=probabilities,
    )


# ----------------------------------------------------------------------------- BIC


def bic(log_likelihood, n_parameters, n_observations) -> float:
    r"""Bayesian information criterion, Schwarz (1978): smaller is better.

    .. math:: \mathrm{BIC} = -2\log p(D\mid \hat w) + d\log n

    Lesson 06, equations 6.21-6.22: writing the Hessian of (6.4) as :math:`H \approx n\bar I`
    for n independent observations and keeping only the terms that grow with n gives
    :math:`\log p(D) = \log p(D\mid\hat w) - \tfrac d2\log n + O(1) = -\tfrac12\mathrm{BIC} + O(1)`.

    Parameters
    ----------
    log_likelihood : float
        Maximized log-likelihood log p(D | w_hat), in nats.
    n_parameters : int
        d, the number of free parameters (>= 0).
    n_observations : int
        n >= 1.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``log_likelihood`` is not a real number or a count is not an integer.
    ValueError
        If ``log_likelihood`` is not finite, ``n_parameters < 0`` or ``n_observations < 1``.
    """
    if isinstance(log_likelihood, bool) or not isinstance(log_likelihood, numbers.Real):
        raise TypeError(f"log_likelihood must be a real number; got {type(log_likelihood).__name__}")
    if not np.isfinite(log_likelihood):
        raise ValueError(f"log_likelihood must be finite; got {log_likelihood}")
    d = as_count(n_parameters, "n_parameters", minimum=0)
    n = as_count(n_observations, "n_observations")
    return float(-2.0 * log_likelihood + d * np.log(n))


# ----------------------------------------------------------------------------- mixture means


def mixture_means_log_joint(means, x, *, sd=1.0, prior_sd=10.0) -> np.ndarray:
    r"""log p(x, mu) of a 1-D mixture of K equally weighted normals with unknown means.

    .. math:: \log p(x, \mu) = \sum_n \log \frac1K \sum_k \mathcal N(x_n\mid\mu_k, s^2)
              + \sum_k \log\mathcal N(\mu_k\mid 0, \tau^2)

    (lesson 06, equation 6.23). It is unchanged by any permutation of the means, so a
    posterior with one well-separated mode has K! of them.

    Parameters
    ----------
    means : array_like of shape (m, K)
        m candidate mean vectors (a (K,) vector is one candidate).
    x : array_like of shape (n,)
        The data.
    sd : float, default 1.0
        s, the known standard deviation of every component.
    prior_sd : float, default 10.0
        tau, the standard deviation of the normal prior of each mean.

    Returns
    -------
    ndarray of shape (m,)

    Raises
    ------
    ValueError
        If ``x`` is not a non-empty 1-D array, ``means`` not (m, K), either holds NaN or
        inf, or ``sd`` or ``prior_sd`` is not positive.
    """
    x = as_sample(x)
    s = as_positive(sd, "sd")
    tau = as_positive(prior_sd, "prior_sd")
    means = as_float_array(means, "means")
    means = as_data(means[np.newaxis, :] if means.ndim == 1 else means, "means")
    K = means.shape[1]
    total = np.zeros(means.shape[0])
    block = max(1, 2_000_000 // (x.size * K))
    for start in range(0, means.shape[0], block):
        part = means[start : start + block]
        log_components = -0.5 * ((x[None, :, None] - part[:, None, :]) / s) ** 2
        total[start : start + block] = logsumexp(log_components, axis=2).sum(axis=1)
    # The normal constants, taken out of the loop: -log K - log s - log(2 pi)/2 per point.
    total -= x.size * (np.log(K) + np.log(s) + 0.5 * LOG_2PI)
    return total + stats.norm.logpdf(means, 0.0, tau).sum(axis=1)


def mixture_means_hessian(means, x, *, sd=1.0, prior_sd=10.0) -> np.ndarray:
    r"""Hessian of minus :func:`mixture_means_log_joint` with respect to the K means.

    With responsibilities :math:`r_{nk}` and :math:`u_{nk} = (x_n - \mu_k)/s^2`,

    .. math:: H_{kl} = \delta_{kl}\Big(\sum_n \frac{r_{nk}}{s^2} + \frac1{\tau^2}\Big)
              - \sum_n \left(\delta_{kl} r_{nk} - r_{nk} r_{nl}\right) u_{nk} u_{nl}

    (lesson 06, section 9). Positive definite at a well-separated mode.

    Parameters
    ----------
    means : array_like of shape (K,)
    x : array_like of shape (n,)
    sd, prior_sd : float
        As in :func:`mixture_means_log_joint`.

    Returns
    -------
    ndarray of shape (K, K)

    Raises
    ------
    ValueError
        As :func:`mixture_means_log_joint`, with ``means`` a 1-D array of shape (K,).
    """
    x = as_sample(x)
    s = as_positive(sd, "sd")
    tau = as_positive(prior_sd, "prior_sd")
    means = as_sample(means, "means")
    log_components = stats.norm.logpdf(x[:, None], means[None, :], s)
    responsibilities = np.exp(log_components - logsumexp(log_components, axis=1, keepdims=True))
    scores = (x[:, None] - means[None, :]) / s**2
    weighted = responsibilities * scores
    hessian = np.diag(responsibilities.sum(axis=0) / s**2 + 1.0 / tau**2)
    hessian -= np.diag(np.sum(responsibilities * scores**2, axis=0)) - weighted.T @ weighted
    return hessian


__all__ = [
    "GridPosterior",
    "ImportanceEstimate",
    "bic",
    "grid_posterior",
    "logistic_grid_posterior",
    "logistic_importance_sampling",
    "logistic_log_joint",
    "mixture_means_hessian",
    "mixture_means_log_joint",
    "predict_weighted",
]
