"""The ELBO / KL decomposition and EM for MAP of lesson 05 (course_utils.em_bound)."""

import numpy as np
import pytest
from scipy.stats import dirichlet, invwishart, multivariate_normal

from course_utils import gmm
from course_utils.em_bound import (
    MixturePrior,
    elbo,
    expected_complete_log_likelihood,
    kl_to_posterior,
    log_posterior,
    log_prior,
    map_m_step,
)


def random_spd(rng, d, low=0.3, high=3.0):
    q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return (q * rng.uniform(low, high, size=d)) @ q.T


def random_problem(seed, k_min=1):
    """Data, mixture parameters and a random q (some entries tiny, none exactly zero)."""
    rng = np.random.default_rng(seed)
    n, d, k = int(rng.integers(5, 60)), int(rng.integers(1, 5)), int(rng.integers(k_min, 5))
    X = rng.normal(scale=2.0, size=(n, d))
    weights = rng.dirichlet(np.ones(k))
    means = rng.normal(scale=2.0, size=(k, d))
    covariances = np.stack([random_spd(rng, d) for _ in range(k)])
    q = rng.dirichlet(np.full(k, rng.uniform(0.2, 5.0)), size=n)
    return X, q, weights, means, covariances


def reference_log_joint(X, weights, means, covariances):
    """log pi_k + log N(x_n | mu_k, Sigma_k) from scipy, one component at a time."""
    columns = [
        np.log(w) + np.atleast_1d(multivariate_normal(m, c).logpdf(X))
        for w, m, c in zip(weights, means, covariances)
    ]
    return np.column_stack(columns)


def reference_elbo_and_kl(X, q, weights, means, covariances):
    """Plain loops over points and components, skipping q = 0 (0 log 0 = 0)."""
    log_joint = reference_log_joint(X, weights, means, covariances)
    bound = kl = 0.0
    for n in range(X.shape[0]):
        evidence = np.log(np.sum(np.exp(log_joint[n])))
        for k in range(q.shape[1]):
            if q[n, k] > 0:
                bound += q[n, k] * (log_joint[n, k] - np.log(q[n, k]))
                kl += q[n, k] * (np.log(q[n, k]) - (log_joint[n, k] - evidence))
    return bound, kl


# --- the decomposition ------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(25))
def test_elbo_plus_kl_is_the_log_likelihood(seed):
    X, q, weights, means, covariances = random_problem(seed)
    total = elbo(X, q, weights, means, covariances) + kl_to_posterior(X, q, weights, means, covariances)
    log_likelihood = gmm.log_likelihood(X, weights, means, covariances)
    assert abs(total - log_likelihood) <= 1e-9 * abs(log_likelihood)


@pytest.mark.parametrize("seed", range(10))
def test_elbo_and_kl_match_a_loop_over_points(seed):
    X, q, weights, means, covariances = random_problem(seed)
    expected_bound, expected_kl = reference_elbo_and_kl(X, q, weights, means, covariances)
    assert elbo(X, q, weights, means, covariances) == pytest.approx(expected_bound, rel=1e-10)
    assert kl_to_posterior(X, q, weights, means, covariances) == pytest.approx(expected_kl, rel=1e-8, abs=1e-10)


@pytest.mark.parametrize("seed", range(25))
def test_kl_is_positive_and_the_elbo_is_a_lower_bound(seed):
    X, q, weights, means, covariances = random_problem(seed, k_min=2)
    kl = kl_to_posterior(X, q, weights, means, covariances)
    assert kl > 0
    assert elbo(X, q, weights, means, covariances) < gmm.log_likelihood(X, weights, means, covariances)


@pytest.mark.parametrize("seed", range(20))
def test_after_an_e_step_the_kl_vanishes_and_the_bound_touches(seed):
    X, _, weights, means, covariances = random_problem(seed)
    responsibilities, log_likelihood = gmm.e_step(X, weights, means, covariances)
    assert abs(kl_to_posterior(X, responsibilities, weights, means, covariances)) <= 1e-10
    assert elbo(X, responsibilities, weights, means, covariances) == pytest.approx(log_likelihood, rel=1e-12)


def test_kl_is_positive_a_little_away_from_the_posterior():
    X, _, weights, means, covariances = random_problem(3, k_min=2)
    responsibilities, _ = gmm.e_step(X, weights, means, covariances)
    k = weights.size
    near = 0.999 * responsibilities + 0.001 / k
    kl = kl_to_posterior(X, near, weights, means, covariances)
    # Second order in the perturbation: small, but far above rounding error.
    assert 1e-9 < kl < 1e-2


@pytest.mark.parametrize("seed", range(10))
def test_elbo_is_q_function_plus_entropy(seed):
    X, q, weights, means, covariances = random_problem(seed)
    entropy = -np.sum(q * np.log(q))
    Q = expected_complete_log_likelihood(X, q, weights, means, covariances)
    assert elbo(X, q, weights, means, covariances) == pytest.approx(Q + entropy, rel=1e-12)
    expected_Q = np.sum(q * reference_log_joint(X, weights, means, covariances))
    assert Q == pytest.approx(expected_Q, rel=1e-10)


# --- the M-step maximizes the bound for its q -------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_m_step_does_not_decrease_the_elbo_for_its_q(seed):
    X, q, weights, means, covariances = random_problem(seed)
    before = elbo(X, q, weights, means, covariances)
    after = elbo(X, q, *gmm.m_step(X, q, reg_covar=0.0))
    assert after >= before


@pytest.mark.parametrize("seed", range(5))
def test_m_step_is_a_maximum_of_the_elbo_over_nearby_parameters(seed):
    X, q, *_ = random_problem(seed, k_min=2)
    rng = np.random.default_rng(100 + seed)
    best = gmm.m_step(X, q, reg_covar=0.0)
    at_best = elbo(X, q, *best)
    for _ in range(20):
        weights, means, covariances = perturb(rng, *best, size=1e-3)
        assert elbo(X, q, weights, means, covariances) < at_best


def perturb(rng, weights, means, covariances, size):
    """Move every parameter a little, staying on the simplex and among SPD matrices."""
    weights = weights * np.exp(size * rng.standard_normal(weights.size))
    weights /= weights.sum()
    means = means + size * rng.standard_normal(means.shape)
    noise = size * rng.standard_normal(covariances.shape)
    covariances = covariances + 0.5 * (noise + np.swapaxes(noise, 1, 2)) * np.abs(covariances).max()
    return weights, means, covariances


# --- exact zeros in q -------------------------------------------------------------------


def test_hard_assignments_use_zero_log_zero():
    X, _, weights, means, covariances = random_problem(7, k_min=2)
    labels = np.arange(X.shape[0]) % weights.size
    hard = np.eye(weights.size)[labels]
    log_joint = reference_log_joint(X, weights, means, covariances)
    rows = np.arange(X.shape[0])
    log_posterior_z = log_joint - np.log(np.exp(log_joint).sum(axis=1, keepdims=True))
    assert elbo(X, hard, weights, means, covariances) == pytest.approx(log_joint[rows, labels].sum(), rel=1e-10)
    kl = kl_to_posterior(X, hard, weights, means, covariances)
    assert kl == pytest.approx(-log_posterior_z[rows, labels].sum(), rel=1e-9)
    assert kl + elbo(X, hard, weights, means, covariances) == pytest.approx(
        gmm.log_likelihood(X, weights, means, covariances), rel=1e-9
    )


def test_zero_weight_component_with_zero_q_is_finite():
    X, q, weights, means, covariances = random_problem(11, k_min=3)
    weights = np.append(weights, 0.0)
    means = np.vstack([means, means[:1]])
    covariances = np.concatenate([covariances, covariances[:1]])
    q = np.column_stack([q, np.zeros(X.shape[0])])
    bound = elbo(X, q, weights, means, covariances)
    kl = kl_to_posterior(X, q, weights, means, covariances)
    assert np.isfinite(bound) and np.isfinite(kl)
    assert bound + kl == pytest.approx(gmm.log_likelihood(X, weights, means, covariances), rel=1e-9)


def test_mass_on_a_zero_weight_component_gives_minus_infinity():
    X, _, _, means, covariances = random_problem(12, k_min=2)
    k = means.shape[0]
    weights = np.append(np.full(k - 1, 1.0 / (k - 1)), 0.0)
    q = np.full((X.shape[0], k), 1.0 / k)
    assert elbo(X, q, weights, means, covariances) == -np.inf
    assert kl_to_posterior(X, q, weights, means, covariances) == np.inf


def test_posterior_far_below_the_smallest_double_keeps_the_kl_finite():
    # Point 0 sits 60 standard deviations from component 1: its posterior probability
    # there is about exp(-1800), which underflows, yet ln p stays finite in log space.
    X = np.array([[0.0], [60.0]])
    weights, means, covariances = np.array([0.5, 0.5]), np.array([[0.0], [60.0]]), np.ones((2, 1, 1))
    q = np.full((2, 2), 0.5)
    kl = kl_to_posterior(X, q, weights, means, covariances)
    assert np.isfinite(kl)
    assert kl == pytest.approx(2 * (np.log(0.5) + 0.5 * 1800.0), rel=1e-6)


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, message",
    [
        (np.full((4, 3), 1 / 3), r"q must have shape \(4, 2\); got shape \(4, 3\)"),
        (np.full(4, 0.5), r"q must have shape \(4, 2\); got shape \(4,\)"),
        (np.array([[1.5, -0.5]] * 4), "q must be non-negative; got minimum -0.5"),
        (np.array([[0.5, 0.6]] * 4), r"each row of q must sum to 1; row 0 sums to 1.1"),
        (np.array([[np.nan, 1.0]] * 4), "q contains NaN or inf"),
    ],
)
@pytest.mark.parametrize("function", [elbo, kl_to_posterior, expected_complete_log_likelihood])
def test_bad_q_is_named(function, q, message):
    X = np.zeros((4, 1))
    with pytest.raises(ValueError, match=message):
        function(X, q, np.array([0.5, 0.5]), np.zeros((2, 1)), np.ones((2, 1, 1)))


def test_bad_parameters_are_named():
    X, q = np.zeros((4, 1)), np.full((4, 2), 0.5)
    with pytest.raises(ValueError, match="weights must sum to 1"):
        elbo(X, q, np.array([0.5, 0.6]), np.zeros((2, 1)), np.ones((2, 1, 1)))
    with pytest.raises(ValueError, match=r"covariances\[1\] is not positive definite"):
        kl_to_posterior(X, q, np.array([0.5, 0.5]), np.zeros((2, 1)), np.array([[[1.0]], [[0.0]]]))
    with pytest.raises(ValueError, match="X must be a 2-D array"):
        elbo(np.zeros(4), q, np.array([0.5, 0.5]), np.zeros((2, 1)), np.ones((2, 1, 1)))


# --- the prior, the log-posterior and the MAP M-step ------------------------------------


def random_prior(rng, d):
    return MixturePrior(
        concentration=float(rng.uniform(1.0, 4.0)),
        mean=rng.normal(size=d),
        mean_precision=float(rng.uniform(0.05, 2.0)),
        degrees_of_freedom=float(d - 1 + rng.uniform(0.5, 5.0)),
        scale=random_spd(rng, d, 0.1, 1.0),
    )


def reference_log_prior(weights, means, covariances, prior):
    total = dirichlet(np.full(weights.size, prior.concentration)).logpdf(weights)
    for mean, covariance in zip(means, covariances):
        total += invwishart(prior.degrees_of_freedom, prior.scale).logpdf(covariance)
        total += multivariate_normal(prior.mean, covariance / prior.mean_precision).logpdf(mean)
    return total


@pytest.mark.parametrize("seed", range(10))
def test_log_prior_matches_scipy_densities(seed):
    _, _, weights, means, covariances = random_problem(seed, k_min=2)
    prior = random_prior(np.random.default_rng(seed), means.shape[1])
    expected = reference_log_prior(weights, means, covariances, prior)
    assert log_prior(weights, means, covariances, prior) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("seed", range(5))
def test_log_posterior_is_log_likelihood_plus_log_prior(seed):
    X, _, weights, means, covariances = random_problem(seed, k_min=2)
    prior = random_prior(np.random.default_rng(seed), X.shape[1])
    expected = gmm.log_likelihood(X, weights, means, covariances) + reference_log_prior(
        weights, means, covariances, prior
    )
    assert log_posterior(X, weights, means, covariances, prior) == pytest.approx(expected, rel=1e-10)


def test_zero_weight_under_a_flat_dirichlet_is_allowed():
    prior = MixturePrior(1.0, np.zeros(1), 1.0, 2.0, np.eye(1))
    value = log_prior(np.array([1.0, 0.0]), np.zeros((2, 1)), np.ones((2, 1, 1)), prior)
    assert np.isfinite(value)
    sharper = MixturePrior(2.0, np.zeros(1), 1.0, 2.0, np.eye(1))
    assert log_prior(np.array([1.0, 0.0]), np.zeros((2, 1)), np.ones((2, 1, 1)), sharper) == -np.inf


def reference_map_m_step(X, responsibilities, prior):
    """The textbook form with N_k, the weighted mean and the scatter about it."""
    n, d = X.shape
    k = responsibilities.shape[1]
    alpha, kappa, m0 = prior.concentration, prior.mean_precision, prior.mean
    weights, means, covariances = np.empty(k), np.empty((k, d)), np.empty((k, d, d))
    for j in range(k):
        counts = responsibilities[:, j].sum()
        weights[j] = (counts + alpha - 1) / (n + k * (alpha - 1))
        xbar = responsibilities[:, j] @ X / counts
        scatter = sum(responsibilities[i, j] * np.outer(X[i] - xbar, X[i] - xbar) for i in range(n))
        means[j] = (counts * xbar + kappa * m0) / (counts + kappa)
        shrink = kappa * counts / (kappa + counts) * np.outer(xbar - m0, xbar - m0)
        covariances[j] = (prior.scale + scatter + shrink) / (prior.degrees_of_freedom + counts + d + 2)
    return weights, means, covariances


@pytest.mark.parametrize("seed", range(10))
def test_map_m_step_matches_the_textbook_formulas(seed):
    X, q, *_ = random_problem(seed)
    prior = random_prior(np.random.default_rng(seed), X.shape[1])
    for result, expected in zip(map_m_step(X, q, prior), reference_map_m_step(X, q, prior)):
        np.testing.assert_allclose(result, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_map_m_step_maximizes_expected_log_joint_plus_log_prior(seed):
    X, q, *_ = random_problem(seed, k_min=2)
    rng = np.random.default_rng(200 + seed)
    prior = random_prior(rng, X.shape[1])

    def objective(weights, means, covariances):
        # Scipy densities throughout: independent of the package's log-prior code.
        return np.sum(q * reference_log_joint(X, weights, means, covariances)) + reference_log_prior(
            weights, means, covariances, prior
        )

    best = map_m_step(X, q, prior)
    at_best = objective(*best)
    for _ in range(20):
        assert objective(*perturb(rng, *best, size=1e-3)) < at_best


@pytest.mark.parametrize("seed", range(15))
def test_map_em_never_decreases_the_log_posterior(seed):
    X, _, weights, means, covariances = random_problem(seed, k_min=2)
    prior = random_prior(np.random.default_rng(seed), X.shape[1])
    history = []
    for _ in range(25):
        history.append(log_posterior(X, weights, means, covariances, prior))
        responsibilities, _ = gmm.e_step(X, weights, means, covariances)
        weights, means, covariances = map_m_step(X, responsibilities, prior)
    steps = np.diff(history)
    assert np.all(steps >= -1e-10 * np.abs(history[1:]))
    assert history[-1] > history[0]


def collapse_problem():
    """Two clusters and a third component started on an isolated point with a tiny covariance."""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-2.0, 0.5, size=(40, 2)), rng.normal(2.0, 0.5, size=(40, 2)), [[0.0, 4.0]]])
    weights = np.array([0.45, 0.45, 0.1])
    means = np.array([[-2.0, -2.0], [2.0, 2.0], [0.0, 4.0]])
    covariances = np.stack([np.eye(2) * 0.3, np.eye(2) * 0.3, np.eye(2) * 1e-2])
    return X, weights, means, covariances


def test_without_a_prior_the_isolated_component_collapses():
    X, weights, means, covariances = collapse_problem()
    for _ in range(3):
        responsibilities, _ = gmm.e_step(X, weights, means, covariances)
        weights, means, covariances = gmm.m_step(X, responsibilities, reg_covar=1e-12)
    assert np.linalg.eigvalsh(covariances[2]).min() < 1e-10


def test_the_prior_keeps_a_collapsing_component_away_from_singular():
    X, weights, means, covariances = collapse_problem()
    prior = MixturePrior(2.0, np.zeros(2), 0.01, 4.0, 0.1 * np.eye(2))
    # Sigma_k >= Psi0 / (nu0 + N_k + d + 2) >= Psi0 / (nu0 + n + d + 2) in the Loewner order.
    floor = 0.1 / (4.0 + X.shape[0] + 2 + 2)
    history = []
    for _ in range(30):
        history.append(log_posterior(X, weights, means, covariances, prior))
        responsibilities, _ = gmm.e_step(X, weights, means, covariances)
        weights, means, covariances = map_m_step(X, responsibilities, prior)
        assert np.linalg.eigvalsh(covariances).min() >= floor
    # The isolated point's component owns about one point, so its floor is much higher.
    assert np.linalg.eigvalsh(covariances[2]).min() > 0.1 / (4.0 + 2 + 2 + 2)
    assert np.all(np.diff(history) >= -1e-10 * np.abs(history[1:]))


def test_a_component_without_responsibility_returns_to_the_prior_mode():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(10, 2))
    responsibilities = np.column_stack([np.ones(10), np.zeros(10)])
    prior = MixturePrior(3.0, np.array([1.0, -1.0]), 0.5, 3.0, np.diag([0.4, 0.2]))
    weights, means, covariances = map_m_step(X, responsibilities, prior)
    assert weights[1] == pytest.approx(2.0 / (10 + 2 * 2.0))
    np.testing.assert_allclose(means[1], prior.mean)
    np.testing.assert_allclose(covariances[1], prior.scale / (3.0 + 2 + 2))


@pytest.mark.parametrize(
    "arguments, error, message",
    [
        ((0.5, np.zeros(2), 1.0, 3.0, np.eye(2)), ValueError, "concentration must be >= 1"),
        (("2", np.zeros(2), 1.0, 3.0, np.eye(2)), TypeError, "concentration must be a real number"),
        ((1.0, np.zeros((2, 1)), 1.0, 3.0, np.eye(2)), ValueError, r"mean must be a 1-D array of shape \(d,\)"),
        ((1.0, [0.0, np.nan], 1.0, 3.0, np.eye(2)), ValueError, "mean contains NaN or inf"),
        ((1.0, np.zeros(2), 0.0, 3.0, np.eye(2)), ValueError, "mean_precision must be > 0; got 0.0"),
        ((1.0, np.zeros(2), np.inf, 3.0, np.eye(2)), ValueError, "mean_precision must be a finite number; got inf"),
        ((1.0, np.zeros(2), 1.0, 1.0, np.eye(2)), ValueError, "degrees_of_freedom must be > d - 1 = 1"),
        ((1.0, np.zeros(2), 1.0, 3.0, np.eye(3)), ValueError, r"scale must have shape \(2, 2\) to match mean"),
        ((1.0, np.zeros(2), 1.0, 3.0, -np.eye(2)), ValueError, r"scale\[0\] is not positive definite"),
        ((1.0, np.zeros(2), 1.0, 3.0, [[1.0, 0.5], [0.0, 1.0]]), ValueError, r"scale\[0\] is not symmetric"),
    ],
)
def test_bad_prior_is_named(arguments, error, message):
    with pytest.raises(error, match=message):
        MixturePrior(*arguments)


def test_prior_is_frozen():
    prior = MixturePrior(1.0, np.zeros(2), 1.0, 3.0, np.eye(2))
    with pytest.raises(AttributeError):
        prior.concentration = 2.0
    with pytest.raises(ValueError, match="read-only"):
        prior.mean[0] = 1.0


def test_map_functions_check_their_prior_and_responsibilities():
    X, q = np.zeros((4, 2)), np.full((4, 2), 0.5)
    prior_1d = MixturePrior(1.0, np.zeros(1), 1.0, 2.0, np.eye(1))
    with pytest.raises(ValueError, match="prior is defined for d = 1 but X has d = 2 columns"):
        map_m_step(X, q, prior_1d)
    with pytest.raises(ValueError, match="prior is defined for d = 1 but X has d = 2"):
        log_posterior(X, np.array([0.5, 0.5]), np.zeros((2, 2)), np.stack([np.eye(2)] * 2), prior_1d)
    with pytest.raises(TypeError, match="prior must be a MixturePrior; got dict"):
        map_m_step(X, q, {"concentration": 1.0})
    with pytest.raises(TypeError, match="prior must be a MixturePrior"):
        log_prior(np.array([0.5, 0.5]), np.zeros((2, 1)), np.ones((2, 1, 1)), None)
    prior_2d = MixturePrior(1.0, np.zeros(2), 1.0, 2.0, np.eye(2))
    with pytest.raises(ValueError, match=r"responsibilities must be a 2-D array of shape \(n, k\)"):
        map_m_step(X, np.full(4, 1.0), prior_2d)
    with pytest.raises(ValueError, match=r"each row of responsibilities must sum to 1"):
        map_m_step(X, np.full((4, 2), 0.4), prior_2d)
    with pytest.raises(ValueError, match=r"means must have shape \(k, 1\)"):
        log_prior(np.array([0.5, 0.5]), np.zeros((2, 2)), np.ones((2, 1, 1)), prior_1d)
