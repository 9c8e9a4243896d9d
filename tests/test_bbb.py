"""Bayes by Backprop of lesson 07 (course_utils.bbb): gradients, priors, stability, training."""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from scipy.stats import norm

from course_utils import bbb
from course_utils.bbb import GaussianPrior, Network, ScaleMixturePrior

PRIORS = [GaussianPrior(0.7), ScaleMixturePrior(0.3, 1.0, 0.05)]
ARCHITECTURES = [(2, 5, 1), (2, 4, 3, 1)]


def problem(seed, sizes=(2, 5, 1), activation="tanh", n=9, n_samples=3):
    rng = np.random.default_rng(seed)
    network = Network(sizes, activation)
    P = network.n_params
    return {
        "network": network,
        "mu": rng.normal(size=P),
        "rho": rng.normal(-1.0, 1.0, size=P),
        "eps": rng.normal(size=(n_samples, P)),
        "X": rng.normal(size=(n, sizes[0])),
        "y": rng.normal(size=n),
    }


def central_differences(function, x, h=1e-6):
    gradient = np.empty_like(x)
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = h
        gradient[j] = (function(x + step) - function(x - step)) / (2 * h)
    return gradient


def assert_relative_close(analytic, numeric, tolerance=1e-5):
    error = np.linalg.norm(analytic - numeric) / max(np.linalg.norm(numeric), 1e-12)
    assert error < tolerance, f"relative error {error:.2e}"


# --- the network -----------------------------------------------------------------------


@pytest.mark.parametrize("activation", bbb.ACTIVATIONS)
@pytest.mark.parametrize("sizes", ARCHITECTURES)
def test_forward_matches_a_plain_loop_over_samples_and_points(sizes, activation):
    rng = np.random.default_rng(1)
    network = Network(sizes, activation)
    w = rng.normal(size=(3, network.n_params))
    X = rng.normal(size=(6, sizes[0]))
    phi = np.tanh if activation == "tanh" else (lambda z: max(z, 0.0))
    expected = np.empty((3, 6))
    for s in range(3):
        # Unpack by hand, layer by layer: weights row-major (inputs, outputs), then the bias.
        layers, start = [], 0
        for a, b in itertools.pairwise(sizes):
            W = w[s, start : start + a * b].reshape(a, b)
            bias = w[s, start + a * b : start + a * b + b]
            layers.append((W, bias))
            start += a * b + b
        assert start == network.n_params
        for i in range(6):
            h = X[i]
            for index, (W, bias) in enumerate(layers):
                z = [sum(h[r] * W[r, c] for r in range(W.shape[0])) + bias[c] for c in range(W.shape[1])]
                h = np.array(z if index == len(layers) - 1 else [phi(v) for v in z])
            expected[s, i] = h[0]
    np.testing.assert_allclose(bbb.forward(network, w, X), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(bbb.forward(network, w[1], X), expected[1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("sizes", ARCHITECTURES)
def test_output_is_linear_in_the_last_hidden_features(sizes):
    rng = np.random.default_rng(2)
    network = Network(sizes, "relu")
    w = rng.normal(size=network.n_params)
    X = rng.normal(size=(7, sizes[0]))
    features = bbb.hidden_features(network, w, X)
    assert features.shape == (7, sizes[-2])
    W_last, b_last = w[-sizes[-2] - 1 : -1], w[-1]
    np.testing.assert_allclose(features @ W_last + b_last, bbb.forward(network, w, X), rtol=1e-12, atol=1e-12)
    assert np.all(features >= 0)


def test_parameter_count():
    assert Network((1, 16, 1)).n_params == 16 + 16 + 16 + 1
    assert Network((3, 4, 5, 1)).n_params == 3 * 4 + 4 + 4 * 5 + 5 + 5 + 1


# --- gradients -------------------------------------------------------------------------


@pytest.mark.parametrize("prior", PRIORS, ids=["gaussian", "scale_mixture"])
@pytest.mark.parametrize("activation", bbb.ACTIVATIONS)
@pytest.mark.parametrize("sizes", ARCHITECTURES)
@pytest.mark.parametrize("seed", range(3))
def test_gradients_match_central_differences(seed, sizes, activation, prior):
    p = problem(seed, sizes, activation)
    args = {"X": p["X"], "y": p["y"], "prior": prior, "noise_std": 0.3, "kl_weight": 0.4}
    result = bbb.loss_and_gradients(p["network"], p["mu"], p["rho"], p["eps"], **args)

    def loss_of_mu(mu):
        return bbb.loss_and_gradients(p["network"], mu, p["rho"], p["eps"], **args).loss

    def loss_of_rho(rho):
        return bbb.loss_and_gradients(p["network"], p["mu"], rho, p["eps"], **args).loss

    assert_relative_close(result.grad_mu, central_differences(loss_of_mu, p["mu"]))
    assert_relative_close(result.grad_rho, central_differences(loss_of_rho, p["rho"]))


@pytest.mark.parametrize("term", bbb.TERMS)
def test_each_term_alone_matches_central_differences(term):
    p = problem(5, (2, 4, 3, 1), "relu")
    args = {"X": p["X"], "y": p["y"], "prior": PRIORS[1], "noise_std": 0.5, "terms": (term,)}
    result = bbb.loss_and_gradients(p["network"], p["mu"], p["rho"], p["eps"], **args)
    numeric_rho = central_differences(
        lambda rho: bbb.loss_and_gradients(p["network"], p["mu"], rho, p["eps"], **args).loss, p["rho"]
    )
    numeric_mu = central_differences(
        lambda mu: bbb.loss_and_gradients(p["network"], mu, p["rho"], p["eps"], **args).loss, p["mu"]
    )
    assert_relative_close(result.grad_rho, numeric_rho)
    if term != "variational":
        assert_relative_close(result.grad_mu, numeric_mu)
    else:
        # ln q(mu + sigma eps | mu, sigma) does not depend on mu at all.
        np.testing.assert_array_equal(result.grad_mu, 0.0)
        assert np.max(np.abs(numeric_mu)) < 1e-7


def test_log_q_term_alone_gives_zero_mu_gradient_and_matches_scipy():
    p = problem(2)
    result = bbb.loss_and_gradients(p["network"], p["mu"], p["rho"], p["eps"], p["X"], p["y"],
                                    PRIORS[0], 1.0, terms="variational")
    sigma = np.log1p(np.exp(p["rho"]))
    w = p["mu"] + sigma * p["eps"]
    expected = np.mean(np.sum(norm.logpdf(w, p["mu"], sigma), axis=1))
    assert result.loss == pytest.approx(expected, rel=1e-12)
    assert result.log_q == pytest.approx(expected, rel=1e-12)
    np.testing.assert_array_equal(result.grad_mu, np.zeros_like(p["mu"]))
    # d/drho [-ln sigma - eps^2 / 2] = -sigmoid(rho) / softplus(rho)
    np.testing.assert_allclose(result.grad_rho, -1.0 / (1.0 + np.exp(-p["rho"])) / sigma, rtol=1e-12)


def test_terms_match_scipy_log_densities():
    p = problem(3, n_samples=1)
    prior = PRIORS[1]
    result = bbb.loss_and_gradients(p["network"], p["mu"], p["rho"], p["eps"], p["X"], p["y"], prior, 0.4)
    w = p["mu"] + np.log1p(np.exp(p["rho"])) * p["eps"][0]
    mixture = prior.pi * norm.pdf(w, 0, prior.sigma1) + (1 - prior.pi) * norm.pdf(w, 0, prior.sigma2)
    assert result.log_prior == pytest.approx(np.sum(np.log(mixture)), rel=1e-12)
    outputs = bbb.forward(p["network"], w, p["X"])
    assert result.log_likelihood == pytest.approx(np.sum(norm.logpdf(p["y"], outputs, 0.4)), rel=1e-12)
    assert result.loss == pytest.approx(result.log_q - result.log_prior - result.log_likelihood, rel=1e-12)


@pytest.mark.parametrize("prior", PRIORS, ids=["gaussian", "scale_mixture"])
def test_prior_gradients_match_central_differences(prior):
    w = np.linspace(-3, 3, 41)
    numeric = (prior.log_density(w + 1e-6) - prior.log_density(w - 1e-6)) / 2e-6
    np.testing.assert_allclose(prior.grad_log_density(w), numeric, rtol=1e-6, atol=1e-6)


def test_map_gradient_matches_central_differences():
    p = problem(4, (2, 4, 3, 1), "tanh")
    w = p["mu"]
    loss, gradient = bbb.map_loss_and_gradient(p["network"], w, p["X"], p["y"], PRIORS[0], 0.3)
    numeric = central_differences(
        lambda v: bbb.map_loss_and_gradient(p["network"], v, p["X"], p["y"], PRIORS[0], 0.3)[0], w
    )
    assert_relative_close(gradient, numeric)
    outputs = bbb.forward(p["network"], w, p["X"])
    expected = -np.sum(norm.logpdf(p["y"], outputs, 0.3)) - np.sum(norm.logpdf(w, 0, 0.7))
    assert loss == pytest.approx(expected, rel=1e-12)


# --- numerical stability ---------------------------------------------------------------


def test_softplus_is_stable_at_both_ends():
    rho = np.array([-800.0, -50.0, 0.0, 50.0, 800.0])
    sigma = bbb.softplus(rho)
    assert np.all(np.isfinite(sigma))
    assert sigma[1] == pytest.approx(np.exp(-50.0), rel=1e-12)
    assert sigma[2] == pytest.approx(np.log(2.0), rel=1e-15)
    assert sigma[3] == pytest.approx(50.0, rel=1e-15)
    assert sigma[4] == 800.0
    np.testing.assert_allclose(bbb.softplus(bbb.inverse_softplus([1e-8, 0.5, 3.0, 700.0])),
                               [1e-8, 0.5, 3.0, 700.0], rtol=1e-12)


@pytest.mark.parametrize("prior", PRIORS + [ScaleMixturePrior(0.5, 1.0, np.exp(-8.0))],
                         ids=["gaussian", "scale_mixture", "paper_mixture"])
def test_nothing_overflows_for_extreme_rho_and_weights(prior):
    rng = np.random.default_rng(0)
    network = Network((1, 6, 4, 1), "relu")
    P = network.n_params
    rho = np.linspace(-50.0, 50.0, P)
    for mu_scale in (0.0, 1.0, 50.0):
        mu = mu_scale * rng.choice([-1.0, 1.0], size=P)
        eps = rng.normal(size=(2, P))
        eps[0] = 0.0  # w = mu exactly, so |w| reaches 50
        result = bbb.loss_and_gradients(network, mu, rho, eps, rng.normal(size=(5, 1)), rng.normal(size=5),
                                        prior, 0.1)
        values = [result.loss, result.log_q, result.log_prior, result.log_likelihood]
        assert np.all(np.isfinite(values))
        assert np.all(np.isfinite(result.grad_mu)) and np.all(np.isfinite(result.grad_rho))
    w = np.array([-50.0, -1e-3, 0.0, 7.0, 50.0])
    assert np.all(np.isfinite(prior.log_density(w))) and np.all(np.isfinite(prior.grad_log_density(w)))


def test_mixture_far_from_zero_equals_its_broad_component():
    prior = ScaleMixturePrior(0.25, 1.0, np.exp(-6.0))
    # At w = 50 the narrow component's density is exp(-1e8)-small: only the broad one counts.
    expected = np.log(0.25) + norm.logpdf(50.0, 0.0, 1.0)
    assert prior.log_density(np.array([50.0]))[0] == pytest.approx(expected, rel=1e-14)
    assert prior.grad_log_density(np.array([50.0]))[0] == pytest.approx(-50.0, rel=1e-14)


# --- minibatches -----------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["uniform", "geometric"])
@pytest.mark.parametrize("M", [1, 2, 7, 60, 1100, 5000])
def test_kl_weights_sum_to_one(scheme, M):
    weights = bbb.kl_weights(M, scheme)
    assert weights.shape == (M,) and np.all(np.isfinite(weights)) and np.all(weights >= 0)
    assert weights.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("M", [1, 2, 5, 30, 70])
def test_geometric_weights_match_exact_rational_values(M):
    expected = [float(Fraction(2 ** (M - i), 2**M - 1)) for i in range(1, M + 1)]
    np.testing.assert_allclose(bbb.kl_weights(M, "geometric"), expected, rtol=1e-14)
    np.testing.assert_array_equal(bbb.kl_weights(M, "uniform"), np.full(M, 1.0 / M))


@pytest.mark.parametrize("scheme", ["uniform", "geometric"])
@pytest.mark.parametrize("seed", range(4))
def test_minibatch_losses_add_up_to_the_full_batch_loss(seed, scheme):
    p = problem(seed, (2, 4, 3, 1), "tanh", n=23)
    prior = PRIORS[seed % 2]
    M = 1 + seed + 2 * (scheme == "geometric")
    full = bbb.loss_and_gradients(p["network"], p["mu"], p["rho"], p["eps"], p["X"], p["y"], prior, 0.3)
    batches = np.array_split(np.random.default_rng(seed).permutation(23), M)
    parts = [
        bbb.loss_and_gradients(p["network"], p["mu"], p["rho"], p["eps"], p["X"][b], p["y"][b], prior, 0.3,
                               kl_weight=weight)
        for b, weight in zip(batches, bbb.kl_weights(M, scheme))
    ]
    assert sum(part.loss for part in parts) == pytest.approx(full.loss, rel=1e-12)
    np.testing.assert_allclose(sum(part.grad_mu for part in parts), full.grad_mu, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(sum(part.grad_rho for part in parts), full.grad_rho, rtol=1e-10, atol=1e-12)


# --- Adam and training -----------------------------------------------------------------


def test_adam_matches_a_hand_written_reference_and_its_first_step_is_the_learning_rate():
    rng = np.random.default_rng(0)
    gradients = rng.normal(size=(5, 4))
    optimizer = bbb.Adam(learning_rate=0.1, beta1=0.8, beta2=0.99, epsilon=1e-8)
    first = optimizer.step(gradients[0])
    np.testing.assert_allclose(first, 0.1 * np.sign(gradients[0]), rtol=1e-6)
    m, v = (1 - 0.8) * gradients[0], (1 - 0.99) * gradients[0] ** 2
    for t, g in enumerate(gradients[1:], start=2):
        m = 0.8 * m + 0.2 * g
        v = 0.99 * v + 0.01 * g * g
        expected = 0.1 * (m / (1 - 0.8**t)) / (np.sqrt(v / (1 - 0.99**t)) + 1e-8)
        np.testing.assert_allclose(optimizer.step(g), expected, rtol=1e-12)


def test_adam_minimizes_a_quadratic():
    x, optimizer = np.array([3.0, -2.0]), bbb.Adam(learning_rate=0.05)
    for _ in range(2000):
        x = x - optimizer.step(2 * (x - np.array([1.0, 0.5])))
    np.testing.assert_allclose(x, [1.0, 0.5], atol=1e-3)


@pytest.fixture(scope="module")
def toy():
    return bbb.toy_regression_data(24, rng=3)


def test_fixed_seed_reproduces_the_trained_parameters_exactly(toy):
    X, y = toy
    network = Network((1, 8, 1), "relu")
    args = {"n_epochs": 40, "n_batches": 3, "n_samples": 2, "kl_scheme": "geometric"}
    first = bbb.fit(network, X, y, GaussianPrior(1.0), 0.1, rng=11, **args)
    second = bbb.fit(network, X, y, GaussianPrior(1.0), 0.1, rng=np.random.default_rng(11), **args)
    np.testing.assert_array_equal(first.mu, second.mu)
    np.testing.assert_array_equal(first.rho, second.rho)
    np.testing.assert_array_equal(first.elbo, second.elbo)
    other = bbb.fit(network, X, y, GaussianPrior(1.0), 0.1, rng=12, **args)
    assert not np.array_equal(first.mu, other.mu)


def test_training_raises_the_elbo_and_calls_back_every_epoch(toy):
    X, y = toy
    seen = []
    result = bbb.fit(Network((1, 8, 1), "tanh"), X, y, ScaleMixturePrior(), 0.1, n_epochs=300,
                     n_samples=2, learning_rate=0.02, rng=0, callback=lambda epoch, elbo: seen.append(elbo))
    assert result.elbo.shape == (300,) and np.all(np.isfinite(result.elbo))
    assert np.mean(result.elbo[-50:]) > np.mean(result.elbo[:50]) + 100
    np.testing.assert_array_equal(seen, result.elbo)
    np.testing.assert_array_equal(result.sigma, bbb.softplus(result.rho))


def test_map_training_lowers_the_loss(toy):
    X, y = toy
    result = bbb.fit_map(Network((1, 8, 1), "tanh"), X, y, GaussianPrior(1.0), 0.1, n_epochs=300, rng=0)
    assert result.loss[-1] < result.loss[0] - 100
    assert np.all(np.diff(result.loss[-100:]) < 1e-6)  # settled: no longer rising at the end


# --- prediction and pruning ------------------------------------------------------------


def test_prediction_with_vanishing_sigma_is_the_mean_network_plus_noise():
    p = problem(0)
    rho = np.full_like(p["mu"], -60.0)
    result = bbb.predict(p["network"], p["mu"], rho, p["X"], 0.2, n_samples=5, rng=0)
    expected = bbb.forward(p["network"], p["mu"], p["X"])
    np.testing.assert_allclose(result.mean, expected, rtol=1e-12)
    np.testing.assert_allclose(result.std, 0.2, rtol=1e-12)
    assert result.function_samples.shape == (5, p["X"].shape[0])


def test_prediction_std_is_the_sample_spread_plus_noise():
    p = problem(1)
    result = bbb.predict(p["network"], p["mu"], p["rho"], p["X"], 0.2, n_samples=50, rng=4)
    w = p["mu"] + bbb.softplus(p["rho"]) * np.random.default_rng(4).standard_normal((50, p["mu"].size))
    outputs = np.array([bbb.forward(p["network"], ws, p["X"]) for ws in w])
    np.testing.assert_allclose(result.mean, outputs.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(result.std, np.sqrt(np.var(outputs, axis=0, ddof=1) + 0.04), rtol=1e-12)


def test_pruning_removes_the_lowest_signal_to_noise_weights():
    mu = np.array([0.1, -2.0, 0.5, 3.0])
    rho = bbb.inverse_softplus(np.array([1.0, 1.0, 0.1, 10.0]))  # ratios 0.1, 2, 5, 0.3
    np.testing.assert_allclose(bbb.signal_to_noise(mu, rho), [0.1, 2.0, 5.0, 0.3])
    pruned, keep = bbb.prune(mu, rho, 0.5)
    np.testing.assert_array_equal(keep, [False, True, True, False])
    np.testing.assert_array_equal(pruned, [0.0, -2.0, 0.5, 0.0])
    assert bbb.prune(mu, rho, 0.0)[1].all() and not bbb.prune(mu, rho, 1.0)[1].any()


def test_toy_data_follow_the_paper_formula():
    X, y = bbb.toy_regression_data(50, rng=9, low=-1.0, high=2.0, noise_std=0.1)
    rng = np.random.default_rng(9)
    x, e = rng.uniform(-1.0, 2.0, 50), rng.normal(scale=0.1, size=50)
    np.testing.assert_allclose(X[:, 0], x)
    np.testing.assert_allclose(y, x + 0.3 * np.sin(2 * np.pi * (x + e)) + 0.3 * np.sin(4 * np.pi * (x + e)) + e)


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sizes, activation, error, message, output",
    [
        ((1,), "tanh", ValueError, r"at most two hidden layers", "regression"),
        ((1, 2, 3, 4, 1), "tanh", ValueError, r"at most two hidden layers", "regression"),
        ((1, 4, 1), "tanh", ValueError, r"output must be one of \('regression', 'softmax'\)", "logits"),
        ((1, 4, 1), "tanh", ValueError, r"number of classes K >= 2", "softmax"),
        ((1, 4, 2), "tanh", ValueError, r"must end with 1", "regression"),
        ((1, 0, 1), "tanh", ValueError, r"each entry of layer_sizes must be at least 1", "regression"),
        ((1, 2.5, 1), "tanh", TypeError, r"each entry of layer_sizes must be an integer", "regression"),
        ((1, 4, 1), "sigmoid", ValueError, r"activation must be one of \('tanh', 'relu'\)", "regression"),
    ],
)
def test_bad_networks_are_rejected(sizes, activation, error, message, output):
    with pytest.raises(error, match=message):
        Network(sizes, activation, output)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: GaussianPrior(0.0), ValueError, r"sigma must be a finite number > 0"),
        (lambda: ScaleMixturePrior(1.0), ValueError, r"pi must lie strictly between 0 and 1"),
        (lambda: ScaleMixturePrior("a"), TypeError, r"pi must be a real number"),
        (lambda: ScaleMixturePrior(0.5, -1.0), ValueError, r"sigma1 must be a finite number > 0"),
        (lambda: ScaleMixturePrior(0.5, 1.0, np.inf), ValueError, r"sigma2 must be a finite number > 0"),
        (lambda: bbb.Adam(beta1=1.0), ValueError, r"beta1 must lie in \[0, 1\)"),
        (lambda: bbb.Adam(learning_rate=-1.0), ValueError, r"learning_rate must be a finite number > 0"),
        (lambda: bbb.kl_weights(0), ValueError, r"n_batches must be at least 1"),
        (lambda: bbb.kl_weights(3, "linear"), ValueError, r"scheme must be one of \('uniform', 'geometric'\)"),
        (lambda: bbb.inverse_softplus([0.0]), ValueError, r"sigma must be finite and > 0"),
        (lambda: bbb.prune([1.0], [0.0], 1.5), ValueError, r"fraction must lie in \[0, 1\]"),
        (lambda: bbb.signal_to_noise([1.0, 2.0], [0.0]), ValueError, r"mu and rho must be 1-D arrays"),
        (lambda: bbb.toy_regression_data(5, low=1.0, high=0.0), ValueError, r"low < high"),
    ],
)
def test_bad_settings_are_rejected(make, error, message):
    with pytest.raises(error, match=message):
        make()


def _call(**changes):
    p = problem(0)
    args = {"network": p["network"], "mu": p["mu"], "rho": p["rho"], "eps": p["eps"], "X": p["X"], "y": p["y"],
                "prior": PRIORS[0], "noise_std": 0.3}
    args.update(changes)
    return bbb.loss_and_gradients(**args)


@pytest.mark.parametrize(
    "changes, error, message",
    [
        ({"network": "net"}, TypeError, r"network must be a Network; got str"),
        ({"mu": np.zeros(3)}, ValueError, r"mu must have shape \(21,\), one entry per network parameter"),
        ({"rho": np.full(21, np.nan)}, ValueError, r"rho contains NaN or inf"),
        ({"eps": np.zeros((2, 20))}, ValueError, r"eps must have shape \(21,\) or \(S, 21\); got shape \(2, 20\)"),
        ({"X": np.zeros((9, 3))}, ValueError, r"X must have 2 columns \(the network's inputs\)"),
        ({"X": np.zeros(9)}, ValueError, r"X must be a 2-D array"),
        ({"y": np.zeros((9, 1))}, ValueError, r"y must have shape \(9,\), one target per row of X"),
        ({"y": np.full(9, np.inf)}, ValueError, r"y contains NaN or inf"),
        ({"prior": "gaussian"}, TypeError, r"prior must be a GaussianPrior or a ScaleMixturePrior"),
        ({"noise_std": 0.0}, ValueError, r"noise_std must be a finite number > 0"),
        ({"kl_weight": -1.0}, ValueError, r"kl_weight must be a finite number >= 0"),
        ({"terms": ("entropy",)}, ValueError, r"terms must be a non-empty subset of"),
        ({"terms": ()}, ValueError, r"terms must be a non-empty subset of"),
    ],
)
def test_bad_loss_arguments_are_named(changes, error, message):
    with pytest.raises(error, match=message):
        _call(**changes)


@pytest.mark.parametrize(
    "changes, error, message",
    [
        ({"n_epochs": 0}, ValueError, r"n_epochs must be at least 1"),
        ({"n_batches": 25}, ValueError, r"n_batches must be at most 24"),
        ({"n_samples": 1.5}, TypeError, r"n_samples must be an integer"),
        ({"kl_scheme": "blundell"}, ValueError, r"scheme must be one of"),
        ({"initial_sigma": -0.1}, ValueError, r"initial_sigma must be a finite number > 0"),
        ({"callback": 3}, TypeError, r"callback must be callable or None"),
    ],
)
def test_bad_training_settings_are_named(toy, changes, error, message):
    X, y = toy
    with pytest.raises(error, match=message):
        bbb.fit(Network((1, 4, 1)), X, y, GaussianPrior(), 0.1, **changes)


def test_bad_prediction_and_map_arguments_are_named(toy):
    X, y = toy
    network = Network((1, 4, 1))
    mu, rho = np.zeros(network.n_params), np.zeros(network.n_params)
    with pytest.raises(ValueError, match=r"n_samples must be at least 2"):
        bbb.predict(network, mu, rho, X, 0.1, n_samples=1)
    with pytest.raises(ValueError, match=r"w must have shape \(13,\); got shape \(2, 13\)"):
        bbb.map_loss_and_gradient(network, np.zeros((2, 13)), X, y, GaussianPrior(), 0.1)
    with pytest.raises(TypeError, match=r"callback must be callable or None"):
        bbb.fit_map(network, X, y, GaussianPrior(), 0.1, callback="print")
    with pytest.raises(ValueError, match=r"w must have shape \(13,\) or \(S, 13\)"):
        bbb.forward(network, np.zeros(5), X)
    with pytest.raises(ValueError, match=r"w must have shape \(13,\); got shape \(3, 13\)"):
        bbb.hidden_features(network, np.zeros((3, 13)), X)


@pytest.mark.parametrize("kernel", [bbb._loss_and_gradients, bbb.log_softmax,
                                    bbb.CategoricalLikelihood.log_density_and_gradient,
                                    bbb.GaussianLikelihood.log_density_and_gradient])
def test_kernels_lesson_07_shows_fit_on_one_screen(kernel):
    # Lesson 07 displays these with show_source: docstring and code within 45 lines.
    import inspect

    assert len(inspect.getsource(kernel).splitlines()) <= 45
