"""Bayes by Backprop for classification (course_utils.bbb): softmax likelihood, gradients,
the local reparameterization trick, predictions, metrics, pruning and the linear ground truth."""

import numpy as np
import pytest
from scipy.special import softmax as scipy_softmax
from scipy.stats import norm

from course_utils import bbb
from course_utils.bbb import GaussianPrior, Network, ScaleMixturePrior

PRIORS = [GaussianPrior(0.7), ScaleMixturePrior(0.3, 1.0, 0.05)]
NETWORKS = [((3, 4), "relu"), ((3, 5, 4), "tanh"), ((3, 4, 5, 3), "relu")]


def classification_problem(seed, sizes=(3, 5, 4), activation="tanh", n=8, n_samples=2):
    rng = np.random.default_rng(seed)
    network = Network(sizes, activation, "softmax")
    P = network.n_params
    return {
        "network": network,
        "mu": rng.normal(size=P),
        "rho": rng.normal(-1.0, 1.0, size=P),
        "eps": rng.normal(size=(n_samples, P)),
        "zeta": rng.normal(size=(n_samples, n, network.n_units)),
        "X": rng.normal(size=(n, sizes[0])),
        "y": rng.integers(0, sizes[-1], size=n),
    }


def relative_error(analytic, numeric):
    return np.linalg.norm(analytic - numeric) / max(np.linalg.norm(numeric), 1e-12)


# --- the softmax and the categorical likelihood -------------------------------------------


def test_log_softmax_matches_scipy_and_survives_huge_logits():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, 6)) * 5
    np.testing.assert_allclose(bbb.softmax(logits), scipy_softmax(logits, axis=-1), rtol=1e-13)
    huge = np.array([[1000.0, 0.0, -1000.0]])
    log_p = bbb.log_softmax(huge)
    assert np.all(np.isfinite(log_p))
    np.testing.assert_allclose(log_p, [[0.0, -1000.0, -2000.0]], atol=1e-12)


def test_log_likelihood_is_the_sum_of_log_probabilities_of_the_labels():
    p = classification_problem(0, n_samples=1)
    w = p["mu"] + bbb.softplus(p["rho"]) * p["eps"][0]
    result = bbb.loss_and_gradients(p["network"], p["mu"], p["rho"], p["eps"], p["X"], p["y"], PRIORS[0])
    probabilities = scipy_softmax(bbb.forward(p["network"], w, p["X"]), axis=1)
    expected = sum(np.log(probabilities[i, label]) for i, label in enumerate(p["y"]))
    assert result.log_likelihood == pytest.approx(expected, rel=1e-12)
    assert result.log_prior == pytest.approx(np.sum(norm.logpdf(w, 0, 0.7)), rel=1e-12)


def test_forward_of_a_softmax_network_gives_logits_per_class():
    network = Network((3, 4, 5), "relu", "softmax")
    rng = np.random.default_rng(1)
    w, X = rng.normal(size=(2, network.n_params)), rng.normal(size=(6, 3))
    logits = bbb.forward(network, w, X)
    assert logits.shape == (2, 6, 5)
    np.testing.assert_array_equal(bbb.forward(network, w[1], X), logits[1])
    layers = network.unpack(w[1:])
    hidden = np.maximum(X @ layers[0][0][0] + layers[0][1][0], 0.0)
    np.testing.assert_allclose(logits[1], hidden @ layers[1][0][0] + layers[1][1][0], rtol=1e-12)


# --- hand-written gradients against finite differences --------------------------------------


@pytest.mark.parametrize("prior", PRIORS, ids=["gaussian", "scale_mixture"])
@pytest.mark.parametrize("sizes, activation", NETWORKS)
@pytest.mark.parametrize("local", [False, True], ids=["weights", "local"])
def test_classification_gradients_match_central_differences(sizes, activation, prior, local):
    p = classification_problem(3, sizes, activation)

    def run(mu, rho):
        if local:
            return bbb.local_loss_and_gradients(p["network"], mu, rho, p["eps"], p["zeta"], p["X"], p["y"], prior,
                                                kl_weight=0.3)
        return bbb.loss_and_gradients(p["network"], mu, rho, p["eps"], p["X"], p["y"], prior, kl_weight=0.3)

    result = run(p["mu"], p["rho"])
    assert relative_error(result.grad_mu, bbb.central_differences(lambda m: run(m, p["rho"]).loss, p["mu"])) < 1e-6
    assert relative_error(result.grad_rho, bbb.central_differences(lambda r: run(p["mu"], r).loss, p["rho"])) < 1e-6


@pytest.mark.parametrize("sizes", [(2, 1), (2, 4, 1), (2, 3, 4, 1)])
@pytest.mark.parametrize("term", bbb.TERMS)
def test_local_regression_gradients_match_central_differences_term_by_term(sizes, term):
    rng = np.random.default_rng(4)
    network = Network(sizes, "relu")
    P = network.n_params
    mu, rho = rng.normal(size=P), rng.normal(-1.5, 0.5, size=P)
    eps, zeta = rng.normal(size=(3, P)), rng.normal(size=(3, 7, network.n_units))
    X, y = rng.normal(size=(7, 2)), rng.normal(size=7)

    def run(m, r):
        return bbb.local_loss_and_gradients(network, m, r, eps, zeta, X, y, PRIORS[1], 0.4, terms=term)

    result = run(mu, rho)
    assert relative_error(result.grad_rho, bbb.central_differences(lambda r: run(mu, r).loss, rho)) < 1e-6
    numeric_mu = bbb.central_differences(lambda m: run(m, rho).loss, mu)
    if term == "variational":
        assert np.all(result.grad_mu == 0.0) and np.max(np.abs(numeric_mu)) < 1e-7
    else:
        assert relative_error(result.grad_mu, numeric_mu) < 1e-6


def test_local_likelihood_draws_each_pre_activation_from_its_exact_gaussian():
    # One linear layer: the local output for data point i is N(x_i . mu_W + mu_b, x_i^2 . sigma_W^2 + sigma_b^2).
    rng = np.random.default_rng(5)
    network = Network((3, 1))
    mu, rho = rng.normal(size=4), rng.normal(-1, 0.3, size=4)
    sigma = bbb.softplus(rho)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=5)
    zeta = rng.normal(size=(1, 5, 1))
    result = bbb.local_loss_and_gradients(network, mu, rho, np.zeros(4), zeta, X, y, PRIORS[0], 0.5,
                                          terms="likelihood")
    outputs = X @ mu[:3] + mu[3] + np.sqrt(X**2 @ sigma[:3] ** 2 + sigma[3] ** 2) * zeta[0, :, 0]
    assert result.log_likelihood == pytest.approx(np.sum(norm.logpdf(y, outputs, 0.5)), rel=1e-12)


def test_local_and_weight_sampling_estimate_the_same_expected_loss():
    p = classification_problem(6, (3, 6, 4), "tanh", n=10)
    network, S = p["network"], 4000
    rng = np.random.default_rng(0)
    eps = rng.normal(size=(S, network.n_params))
    zeta = rng.normal(size=(S, 10, network.n_units))
    args = (p["X"], p["y"], PRIORS[0])
    plain = bbb.loss_and_gradients(network, p["mu"], p["rho"], eps, *args, terms="likelihood")
    local = bbb.local_loss_and_gradients(network, p["mu"], p["rho"], eps, zeta, *args, terms="likelihood")
    # Both are unbiased for E_q[-ln p(D | w)]; 4000 draws put them within a few per cent.
    assert local.loss == pytest.approx(plain.loss, rel=0.05)
    np.testing.assert_allclose(local.grad_mu, plain.grad_mu, atol=0.1 * np.abs(plain.grad_mu).max())


def test_map_classification_gradient_matches_central_differences():
    p = classification_problem(7, (3, 4, 5, 3), "relu")
    loss, gradient = bbb.map_loss_and_gradient(p["network"], p["mu"], p["X"], p["y"], PRIORS[1])
    numeric = bbb.central_differences(
        lambda w: bbb.map_loss_and_gradient(p["network"], w, p["X"], p["y"], PRIORS[1])[0], p["mu"])
    assert relative_error(gradient, numeric) < 1e-6
    log_p = bbb.log_softmax(bbb.forward(p["network"], p["mu"], p["X"]))
    expected = -log_p[np.arange(8), p["y"]].sum() - np.sum(PRIORS[1].log_density(p["mu"]))
    assert loss == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("scheme", ["uniform", "geometric"])
def test_classification_minibatch_losses_add_up_to_the_full_loss(scheme):
    p = classification_problem(8, n=20)
    full = bbb.loss_and_gradients(p["network"], p["mu"], p["rho"], p["eps"], p["X"], p["y"], PRIORS[1])
    batches = np.array_split(np.arange(20), 5)
    parts = [bbb.loss_and_gradients(p["network"], p["mu"], p["rho"], p["eps"], p["X"][b], p["y"][b], PRIORS[1],
                                    kl_weight=weight) for b, weight in zip(batches, bbb.kl_weights(5, scheme))]
    assert sum(part.loss for part in parts) == pytest.approx(full.loss, rel=1e-12)
    np.testing.assert_allclose(sum(part.grad_rho for part in parts), full.grad_rho, rtol=1e-10, atol=1e-12)
    # Not reweighting (the full complexity cost in every minibatch) counts the KL five times.
    unweighted = [bbb.loss_and_gradients(p["network"], p["mu"], p["rho"], p["eps"], p["X"][b], p["y"][b],
                                         PRIORS[1]) for b in batches]
    assert sum(part.loss for part in unweighted) != pytest.approx(full.loss, rel=1e-3)


# --- the gradient variance -----------------------------------------------------------------


def test_local_reparameterization_lowers_the_gradient_variance():
    rng = np.random.default_rng(9)
    network = Network((5, 20, 3), "relu", "softmax")
    mu, rho = network.initial_means(0), np.full(network.n_params, -2.0)
    X, y = rng.normal(size=(64, 5)), rng.integers(0, 3, size=64)
    settings = {"n_draws": 60, "rng": 1, "terms": "likelihood"}
    plain = bbb.gradient_variance(network, mu, rho, X, y, PRIORS[0], **settings)
    local = bbb.gradient_variance(network, mu, rho, X, y, PRIORS[0], local_reparameterization=True, **settings)
    assert plain.variance_mu.shape == (network.n_params,) and plain.seconds > 0
    assert local.total < plain.total / 2


def test_gradient_variance_is_the_spread_of_repeated_estimates():
    p = classification_problem(10)
    measured = bbb.gradient_variance(p["network"], p["mu"], p["rho"], p["X"], p["y"], PRIORS[0], n_samples=2,
                                     n_draws=5, rng=3)
    rng = np.random.default_rng(3)
    draws = [bbb.loss_and_gradients(p["network"], p["mu"], p["rho"], rng.standard_normal((2, p["mu"].size)),
                                    p["X"], p["y"], PRIORS[0]) for _ in range(5)]
    np.testing.assert_allclose(measured.variance_mu, np.var([d.grad_mu for d in draws], axis=0, ddof=1), rtol=1e-12)
    np.testing.assert_allclose(measured.variance_rho, np.var([d.grad_rho for d in draws], axis=0, ddof=1), rtol=1e-12)


# --- training -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def blobs():
    # Three well separated classes in 2-D: any sensible classifier gets them right.
    rng = np.random.default_rng(11)
    centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
    y = np.repeat(np.arange(3), 40)
    X = centres[y] + 0.5 * rng.normal(size=(120, 2))
    return X, y


@pytest.mark.parametrize("local", [False, True])
def test_bayes_by_backprop_learns_separable_classes(blobs, local):
    X, y = blobs
    network = Network((2, 8, 3), "relu", "softmax")
    fit = bbb.fit(network, X, y, GaussianPrior(1.0), n_epochs=60, n_batches=4, kl_scheme="geometric",
                  learning_rate=0.03, local_reparameterization=local, rng=0)
    assert fit.noise_std is None and np.all(np.isfinite(fit.elbo))
    assert fit.elbo[-10:].mean() > fit.elbo[:10].mean()
    predictive = bbb.predict_classes(network, fit.mu, fit.rho, X, n_samples=50, rng=0)
    assert bbb.error_rate(predictive, y) < 0.05
    np.testing.assert_allclose(predictive.probabilities.sum(axis=1), 1.0, rtol=1e-12)


def test_map_minibatches_learn_separable_classes_and_one_batch_is_full_batch(blobs):
    X, y = blobs
    network = Network((2, 8, 3), "relu", "softmax")
    fit = bbb.fit_map(network, X, y, GaussianPrior(1.0), n_epochs=60, n_batches=4, learning_rate=0.03, rng=0)
    assert bbb.error_rate(bbb.class_predictive(network, fit.weights, X), y) < 0.05
    one = bbb.fit_map(network, X, y, GaussianPrior(1.0), n_epochs=3, rng=0)
    full_loss, _ = bbb.map_loss_and_gradient(network, network.initial_means(0), X, y, GaussianPrior(1.0))
    assert one.loss[0] == pytest.approx(full_loss, rel=1e-12)


# --- predictions and metrics --------------------------------------------------------------


def test_class_predictive_averages_the_softmax_of_each_weight_sample():
    p = classification_problem(12)
    rng = np.random.default_rng(2)
    w = bbb.sample_weights(p["mu"], p["rho"], 60, rng=rng)
    predictive = bbb.class_predictive(p["network"], w, p["X"])
    expected = np.mean([scipy_softmax(bbb.forward(p["network"], ws, p["X"]), axis=1) for ws in w], axis=0)
    np.testing.assert_allclose(predictive.probabilities, expected, rtol=1e-12)
    again = bbb.predict_classes(p["network"], p["mu"], p["rho"], p["X"], n_samples=60, rng=2)
    np.testing.assert_allclose(again.log_probabilities, predictive.log_probabilities, rtol=1e-12)
    entropy = -np.sum(expected * np.log(expected), axis=1)
    np.testing.assert_allclose(predictive.entropy, entropy, rtol=1e-10)
    np.testing.assert_array_equal(predictive.labels, np.argmax(expected, axis=1))


def test_metrics_match_plain_loops():
    rng = np.random.default_rng(13)
    probabilities = rng.dirichlet(np.full(4, 0.5), size=200)
    labels = rng.integers(0, 4, size=200)
    assert bbb.error_rate(probabilities, labels) == pytest.approx(
        np.mean([np.argmax(row) != label for row, label in zip(probabilities, labels)]))
    assert bbb.negative_log_likelihood(probabilities, labels) == pytest.approx(
        -np.mean([np.log(row[label]) for row, label in zip(probabilities, labels)]), rel=1e-12)
    result = bbb.calibration(probabilities, labels, n_bins=5)
    ece = 0.0
    for b in range(5):
        low, high = b / 5, (b + 1) / 5
        members = [i for i, row in enumerate(probabilities) if low <= row.max() < high or (b == 4 and row.max() == 1)]
        assert result.counts[b] == len(members)
        if members:
            confidence = np.mean([probabilities[i].max() for i in members])
            accuracy = np.mean([np.argmax(probabilities[i]) == labels[i] for i in members])
            assert result.confidence[b] == pytest.approx(confidence) and result.accuracy[b] == pytest.approx(accuracy)
            ece += len(members) / 200 * abs(accuracy - confidence)
    assert result.ece == pytest.approx(ece, rel=1e-12)
    scores = bbb.evaluate(probabilities, labels, n_bins=5)
    assert scores.ece == result.ece and scores.entropy == pytest.approx(np.mean(bbb.predictive_entropy(probabilities)))


def test_entropy_is_zero_for_certainty_and_log_k_for_the_uniform_prediction():
    probabilities = np.array([[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(bbb.predictive_entropy(probabilities), [0.0, np.log(3)], atol=1e-15)
    result = bbb.calibration(probabilities, [0, 2], n_bins=4)
    assert result.counts.tolist() == [0, 1, 0, 1] and np.isnan(result.accuracy[0])
    assert result.ece == pytest.approx(0.5 * 0 + 0.5 * (1 / 3))


def test_a_perfectly_calibrated_predictor_has_a_small_ece():
    rng = np.random.default_rng(14)
    probabilities = rng.dirichlet(np.ones(3), size=20000)
    labels = np.argmax(rng.uniform(size=(20000, 1)) < np.cumsum(probabilities, axis=1), axis=1)
    assert bbb.calibration(probabilities, labels).ece < 0.02
    overconfident = np.eye(3)[np.argmax(probabilities, axis=1)] * 0.97 + 0.01
    assert bbb.calibration(overconfident, labels).ece > 0.2


# --- pruning (issue 16: stable ranking) ------------------------------------------------------


def test_signal_to_noise_survives_an_underflowing_sigma():
    mu = np.array([0.0, 2.9, 1.0])
    rho = np.array([-800.0, float(bbb.inverse_softplus(1.0)), -800.0])
    log_ratio = bbb.signal_to_noise(mu, rho, log=True)
    assert log_ratio[0] == -np.inf and log_ratio[1] == pytest.approx(np.log(2.9)) and log_ratio[2] == 800.0
    assert not np.any(np.isnan(log_ratio))
    with pytest.raises(ValueError, match="exceeds the largest float at index 2.*log=True"):
        bbb.signal_to_noise(mu, rho)
    ratio = bbb.signal_to_noise(mu[:2], rho[:2])
    np.testing.assert_allclose(ratio, [0.0, 2.9])
    pruned, keep = bbb.prune(mu, rho, 1 / 3)
    np.testing.assert_array_equal(keep, [False, True, True])
    np.testing.assert_array_equal(pruned, [0.0, 2.9, 1.0])


def test_signal_to_noise_matches_the_direct_ratio_where_that_is_exact():
    rng = np.random.default_rng(15)
    mu, rho = rng.normal(size=50), rng.normal(-2.0, 3.0, size=50)
    np.testing.assert_allclose(bbb.signal_to_noise(mu, rho), np.abs(mu) / bbb.softplus(rho), rtol=1e-12)


def test_magnitude_pruning_removes_the_smallest_weights():
    w = np.array([0.3, -2.0, 0.01, -0.2, 5.0])
    pruned, keep = bbb.prune_by_magnitude(w, 0.4)
    np.testing.assert_array_equal(keep, [True, True, False, False, True])
    np.testing.assert_array_equal(pruned, [0.3, -2.0, 0.0, 0.0, 5.0])


def test_pruning_curve_matches_pruning_by_hand(blobs):
    X, y = blobs
    network = Network((2, 6, 3), "relu", "softmax")
    rng = np.random.default_rng(18)
    mu, rho, w = rng.normal(size=network.n_params), rng.normal(-1, 1, network.n_params), rng.normal(size=network.n_params)
    fractions = [0.0, 0.3, 0.9, 1.0]
    by_snr = bbb.pruning_curve(network, X, y, fractions, mu=mu, rho=rho)
    by_size = bbb.pruning_curve(network, X, y, fractions, w=w)
    for index, fraction in enumerate(fractions):
        expected = bbb.error_rate(bbb.class_predictive(network, bbb.prune(mu, rho, fraction)[0], X), y)
        assert by_snr[index] == expected
        expected = bbb.error_rate(bbb.class_predictive(network, bbb.prune_by_magnitude(w, fraction)[0], X), y)
        assert by_size[index] == expected
    assert by_size[-1] == pytest.approx(2 / 3)  # all weights gone: one class for everything
    with pytest.raises(TypeError, match="either mu and rho .* or w"):
        bbb.pruning_curve(network, X, y, fractions, mu=mu)
    with pytest.raises(ValueError, match=r"fractions must be a 1-D array of shares in \[0, 1\]"):
        bbb.pruning_curve(network, X, y, [0.5, 1.5], w=w)


# --- the ground truth: a linear network ------------------------------------------------------


@pytest.fixture(scope="module")
def linear_problem():
    rng = np.random.default_rng(16)
    x1 = rng.normal(size=25)
    X = np.column_stack([x1, x1 + 0.3 * rng.normal(size=25)])
    y = X @ [1.0, -0.5] + 0.3 + 0.5 * rng.normal(size=25)
    return X, y


def test_mean_field_optimum_is_a_stationary_point_of_the_elbo(linear_problem):
    X, y = linear_problem
    optimum = bbb.mean_field_optimum(X, y, 1.0, 0.5)
    np.testing.assert_allclose(optimum.precision @ optimum.covariance, np.eye(3), atol=1e-10)
    np.testing.assert_allclose(optimum.mean_field_std, 1 / np.sqrt(np.diag(optimum.precision)))
    assert np.all(optimum.mean_field_std < optimum.exact_std)
    assert optimum.elbo < optimum.log_evidence
    # Exact ELBO: maximal at the optimum in every direction.
    for j in range(3):
        for step in (-1e-3, 1e-3):
            for mu, sigma in ((optimum.mean + step * np.eye(3)[j], optimum.mean_field_std),
                              (optimum.mean, optimum.mean_field_std * (1 + step * np.eye(3)[j]))):
                assert bbb.linear_elbo(mu, sigma, X, y, 1.0, 0.5) < optimum.elbo
    # The Monte Carlo gradient of Bayes by Backprop averages to zero there.
    network = Network((2, 1))
    rho = bbb.inverse_softplus(optimum.mean_field_std)
    eps = np.random.default_rng(0).standard_normal((20000, 3))
    result = bbb.loss_and_gradients(network, optimum.mean, rho, eps, X, y, GaussianPrior(1.0), 0.5)
    assert np.max(np.abs(result.grad_mu)) < 0.5 and np.max(np.abs(result.grad_rho)) < 0.05
    assert -result.loss == pytest.approx(optimum.elbo, abs=0.05)


def test_linear_predictive_std_matches_sampled_networks(linear_problem):
    X, y = linear_problem
    optimum = bbb.mean_field_optimum(X, y, 1.0, 0.5)
    grid = np.column_stack([np.linspace(-3, 3, 7), np.linspace(-2, 4, 7)])
    exact = bbb.linear_predictive_std(grid, optimum.covariance, 0.5)
    factorized = bbb.linear_predictive_std(grid, optimum.mean_field_std, 0.5)
    rng = np.random.default_rng(3)
    w = rng.multivariate_normal(optimum.mean, optimum.covariance, size=40000)
    sampled = np.sqrt(np.var(bbb.forward(Network((2, 1)), w, grid), axis=0) + 0.25)
    np.testing.assert_allclose(exact, sampled, rtol=0.02)
    design = np.column_stack([grid, np.ones(7)])
    np.testing.assert_allclose(factorized, np.sqrt(design**2 @ optimum.mean_field_std**2 + 0.25), rtol=1e-12)
    # Too narrow where the data leave the correlated parameters free, too wide where they pin them.
    assert np.any(factorized < 0.9 * exact) and np.any(factorized > 1.05 * exact)
    with pytest.raises(ValueError, match=r"spread must have shape \(3, 3\) \(a covariance\) or \(3,\)"):
        bbb.linear_predictive_std(grid, np.ones(2), 0.5)


def test_linear_elbo_matches_the_monte_carlo_estimate(linear_problem):
    X, y = linear_problem
    mu, sigma = np.array([0.5, 0.1, 0.2]), np.array([0.2, 0.3, 0.1])
    eps = np.random.default_rng(1).standard_normal((50000, 3))
    estimate = -bbb.loss_and_gradients(Network((2, 1)), mu, bbb.inverse_softplus(sigma), eps, X, y,
                                       GaussianPrior(1.0), 0.5).loss
    assert estimate == pytest.approx(bbb.linear_elbo(mu, sigma, X, y, 1.0, 0.5), abs=0.1)


def test_training_reaches_the_mean_field_optimum_within_monte_carlo_error(linear_problem):
    X, y = linear_problem
    optimum = bbb.mean_field_optimum(X, y, 1.0, 0.5)
    fits = [bbb.fit(Network((2, 1)), X, y, GaussianPrior(1.0), 0.5, n_epochs=1500, n_samples=4, learning_rate=0.01,
                    initial_sigma=0.1, rng=seed) for seed in range(4)]
    comparison = bbb.compare_with_optimum(fits, optimum, X, y)
    assert np.all(np.abs(comparison.z_mu) < 4) and np.all(np.abs(comparison.z_sigma) < 4)
    assert np.all(comparison.elbo_gap >= 0) and np.all(comparison.elbo_gap < 0.3)  # nats
    # ... while the optimum itself is more than 0.5 nats of KL from the exact posterior,
    assert optimum.log_evidence - optimum.elbo > 0.5
    # and the trained standard deviations are the factorized ones, well below the exact ones.
    np.testing.assert_allclose(comparison.sigma_mean, optimum.mean_field_std, rtol=0.1)
    assert np.all(comparison.sigma_mean[:2] < 0.5 * optimum.exact_std[:2])
    # A q that stopped short is detected: the means of an untrained run are far off.
    stopped = [bbb.fit(Network((2, 1)), X, y, GaussianPrior(1.0), 0.5, n_epochs=20, rng=seed) for seed in range(3)]
    assert np.max(np.abs(bbb.compare_with_optimum(stopped, optimum, X, y).z_mu)) > 4
    with pytest.raises(TypeError, match="fits must be a sequence of at least two BBBFit"):
        bbb.compare_with_optimum(fits[:1], optimum, X, y)


# --- bad input ------------------------------------------------------------------------------


def _loss(**changes):
    p = classification_problem(0)
    args = {"network": p["network"], "mu": p["mu"], "rho": p["rho"], "eps": p["eps"], "X": p["X"], "y": p["y"],
            "prior": PRIORS[0]}
    args.update(changes)
    return bbb.loss_and_gradients(**args)


@pytest.mark.parametrize(
    "changes, error, message",
    [
        ({"y": [0, 1, 2, 3, 4, 0, 1, 2]}, ValueError, r"y must hold class labels, integers 0..3; got 4 at index 4"),
        ({"y": [0, 1, 2, 3, 0.5, 0, 1, 2]}, ValueError, r"y must hold class labels, integers 0..3; got 0.5"),
        ({"y": [0, 1, 2, 3, -1, 0, 1, 2]}, ValueError, r"y must hold class labels"),
        ({"y": [0, 1, 2]}, ValueError, r"y must have shape \(8,\), one label per row of X"),
        ({"y": ["a"] * 8}, TypeError, r"y must be an array of real numbers"),
        ({"noise_std": 0.3}, ValueError, r"noise_std must be None for a softmax network"),
        ({"X": np.ones((8, 3)) * 1j}, TypeError, r"X must be an array of real numbers; got complex numbers"),
        ({"mu": np.array(["1"] * 39)}, TypeError, r"mu must be an array of real numbers"),
    ],
)
def test_bad_classification_arguments_are_named(changes, error, message):
    with pytest.raises(error, match=message):
        _loss(**changes)


def test_bad_metric_and_prediction_arguments_are_named():
    p = classification_problem(1)
    probabilities = np.full((3, 4), 0.25)
    with pytest.raises(ValueError, match=r"labels must hold class labels, integers 0..3; got 9"):
        bbb.error_rate(probabilities, [0, 9, 1])
    with pytest.raises(ValueError, match=r"labels must have shape \(3,\)"):
        bbb.calibration(probabilities, [0, 1])
    with pytest.raises(ValueError, match=r"each row of predictive must sum to 1"):
        bbb.negative_log_likelihood(np.full((3, 4), 0.3), [0, 1, 2])
    with pytest.raises(ValueError, match=r"probability 0 to the label of input 0"):
        bbb.negative_log_likelihood(np.array([[0.0, 1.0]]), [0])
    with pytest.raises(ValueError, match=r"network must be a softmax network"):
        bbb.predict_classes(Network((3, 2, 1)), np.zeros(11), np.zeros(11), p["X"])
    with pytest.raises(TypeError, match=r"rng must be None, a non-negative integer seed"):
        bbb.predict_classes(p["network"], p["mu"], p["rho"], p["X"], rng="abc")
    with pytest.raises(ValueError, match=r"rng must be None, a non-negative integer seed"):
        bbb.predict_classes(p["network"], p["mu"], p["rho"], p["X"], rng=-1)
    with pytest.raises(TypeError, match=r"rng must be"):
        bbb.fit(p["network"], p["X"], p["y"], PRIORS[0], n_epochs=1, rng=2.5)
    with pytest.raises(ValueError, match=r"zeta must have shape \(2, 8, 9\)"):
        bbb.local_loss_and_gradients(p["network"], p["mu"], p["rho"], p["eps"], np.zeros((2, 8, 3)), p["X"], p["y"],
                                     PRIORS[0])
    with pytest.raises(TypeError, match=r"noise_std must be given for a regression network"):
        bbb.fit(Network((3, 2, 1)), p["X"], np.zeros(8), PRIORS[0], n_epochs=1)
    with pytest.raises(ValueError, match=r"n_draws must be at least 2"):
        bbb.gradient_variance(p["network"], p["mu"], p["rho"], p["X"], p["y"], PRIORS[0], n_draws=1)


def test_inputs_are_neither_changed_nor_frozen():
    p = classification_problem(2)
    arrays = {name: p[name] for name in ("mu", "rho", "eps", "X", "y")}
    copies = {name: array.copy() for name, array in arrays.items()}
    bbb.loss_and_gradients(p["network"], p["mu"], p["rho"], p["eps"], p["X"], p["y"], PRIORS[1])
    bbb.prune(p["mu"], p["rho"], 0.5)
    bbb.predict_classes(p["network"], p["mu"], p["rho"], p["X"], n_samples=3, rng=0)
    for name, array in arrays.items():
        np.testing.assert_array_equal(array, copies[name])
        assert array.flags.writeable


def test_overflowing_inputs_give_a_clear_error_not_nan():
    network = Network((1, 4, 1), "relu")
    mu, rho = np.ones(network.n_params), np.full(network.n_params, -5.0)
    with pytest.raises(ValueError, match="overflowed.*rescale X and y"):
        bbb.loss_and_gradients(network, mu, rho, np.zeros(network.n_params), [[1e200]], [0.0], PRIORS[0], 1.0)
    with pytest.raises(ValueError, match="overflowed.*rescale X"):
        bbb.forward(network, mu * 1e300, [[1e300]])
    with pytest.raises(ValueError, match="overflowed.*rescale X"):
        bbb.predict(network, mu * 1e300, rho, [[1e300]], 1.0, n_samples=2)
    softmax_network = Network((1, 4, 3), "relu", "softmax")
    with pytest.raises(ValueError, match="overflowed.*rescale X"):
        bbb.class_predictive(softmax_network, np.full(softmax_network.n_params, 1e300), [[1e300]])
    # Large but representable logits are fine: the log-softmax never exponentiates them.
    predictive = bbb.class_predictive(softmax_network, np.full(softmax_network.n_params, 1e100), [[1e100]])
    assert np.all(np.isfinite(predictive.log_probabilities))


def test_bias_mask_marks_the_biases_of_every_layer():
    network = Network((2, 3, 4, 1))
    mask = network.is_bias()
    assert mask.sum() == 3 + 4 + 1 and mask.shape == (network.n_params,)
    w = np.arange(network.n_params, dtype=float)[np.newaxis, :]
    biases = np.concatenate([b[0] for _, b in network.unpack(w)])
    np.testing.assert_array_equal(w[0][mask], biases)


# --- issue 16: every public function names the argument it cannot use ------------------------


def _public_calls(bad, argument):
    """Calls of public bbb functions with ``bad`` in place of ``argument``."""
    p = classification_problem(0)
    net, mu, rho, X, y = p["network"], p["mu"], p["rho"], p["X"], p["y"]
    regression = Network((3, 2, 1))
    values = {"mu": mu, "rho": rho, "X": X, "y": y, "w": mu, "eps": p["eps"]}
    values[argument] = bad
    v = values
    return {
        "loss_and_gradients": lambda: bbb.loss_and_gradients(net, v["mu"], v["rho"], v["eps"], v["X"], v["y"],
                                                             PRIORS[0]),
        "map_loss_and_gradient": lambda: bbb.map_loss_and_gradient(net, v["w"], v["X"], v["y"], PRIORS[0]),
        "forward": lambda: bbb.forward(net, v["w"], v["X"]),
        "predict_classes": lambda: bbb.predict_classes(net, v["mu"], v["rho"], v["X"], n_samples=2),
        "predict": lambda: bbb.predict(regression, np.zeros(11), np.zeros(11), v["X"], 0.1),
        "prune": lambda: bbb.prune(v["mu"], v["rho"], 0.5),
        "signal_to_noise": lambda: bbb.signal_to_noise(v["mu"], v["rho"]),
        "prune_by_magnitude": lambda: bbb.prune_by_magnitude(v["w"], 0.5),
        "sample_weights": lambda: bbb.sample_weights(v["mu"], v["rho"], 2),
        "softplus": lambda: bbb.softplus(v["rho"]),
        "prior": lambda: PRIORS[1].log_density(v["w"]),
        "fit": lambda: bbb.fit(net, v["X"], v["y"], PRIORS[0], n_epochs=1),
    }


@pytest.mark.parametrize("argument", ["mu", "rho", "X", "y", "w", "eps"])
@pytest.mark.parametrize("bad, fragment", [
    (lambda a: np.asarray(a) * (1 + 1j), "complex"),
    (lambda a: np.asarray(a).astype(str), "strings"),
    (lambda a: np.asarray(a, dtype=object) if np.ndim(a) == 0 else np.array([None] * len(a), dtype=object), "element"),
], ids=["complex", "strings", "none"])
def test_unreadable_arrays_raise_a_type_error_naming_the_argument(argument, bad, fragment):
    p = classification_problem(0)
    original = {"mu": p["mu"], "rho": p["rho"], "X": p["X"], "y": p["y"], "w": p["mu"], "eps": p["eps"]}[argument]
    tried = 0
    for name, call in _public_calls(bad(original), argument).items():
        try:
            call()
        except TypeError as error:
            assert argument in str(error) and fragment in str(error), (name, str(error))
            tried += 1
        # Calls that do not take this argument run normally.
    assert tried >= 1


@pytest.mark.parametrize("rng, error", [("abc", TypeError), (2.5, TypeError), (-1, ValueError), (object(), TypeError)])
def test_bad_rng_is_named_everywhere(rng, error):
    p = classification_problem(0)
    calls = [
        lambda: bbb.fit(p["network"], p["X"], p["y"], PRIORS[0], n_epochs=1, rng=rng),
        lambda: bbb.fit_map(p["network"], p["X"], p["y"], PRIORS[0], n_epochs=1, rng=rng),
        lambda: bbb.predict_classes(p["network"], p["mu"], p["rho"], p["X"], rng=rng),
        lambda: bbb.sample_weights(p["mu"], p["rho"], 3, rng=rng),
        lambda: bbb.gradient_variance(p["network"], p["mu"], p["rho"], p["X"], p["y"], PRIORS[0], rng=rng),
        lambda: bbb.toy_regression_data(5, rng),
        lambda: p["network"].initial_means(rng),
    ]
    for call in calls:
        with pytest.raises(error, match=r"rng must be None, a non-negative integer seed or a numpy.random.Generator"):
            call()


def test_huge_but_finite_inputs_to_the_helpers_raise_by_name():
    with pytest.raises(ValueError, match="posterior precision overflow"):
        bbb.mean_field_optimum(np.full((4, 2), 1e300), np.zeros(4), 1.0, 0.5)
    with pytest.raises(ValueError, match="predictive variance overflows"):
        bbb.linear_predictive_std(np.full((3, 2), 1e300), np.ones(3), 0.5)
    p = classification_problem(3)
    with pytest.raises(ValueError, match="gradient or its variance overflowed"):
        bbb.gradient_variance(p["network"], p["mu"] * 1e300, p["rho"], p["X"] * 1e300, p["y"], PRIORS[0], n_draws=2,
                              rng=0)
    with pytest.raises(ValueError, match="rho contains NaN"):
        bbb.softplus(np.array([0.0, np.nan]))
    assert bbb.softplus(np.array([-np.inf, np.inf])).tolist() == [0.0, np.inf]
