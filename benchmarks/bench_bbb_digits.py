"""Lesson 07's digit classifiers: training time, test scores and scores on unusual inputs.

Usage (from the repository root, threadpoolctl installed)::

    python benchmarks/bench_bbb_digits.py [--hidden 50] [--epochs 100] [--batches 10] [--standard]

Trains the MAP network and Bayes by Backprop (by default with the local reparameterization
trick; ``--standard`` samples whole weight vectors) on the course's digit split with BLAS
limited to one thread, as lesson 07 does, and prints for each: the wall-clock and CPU time
of training (CPU time is the better guide to a quiet machine when the cores are shared),
test error, test negative log-likelihood, expected calibration error, mean predictive
entropy on test digits and on rotated, inverted and noise images, test error after pruning
(signal-to-noise for Bayes by Backprop, magnitude for MAP), and the variance of the
gradient estimate with and without the local reparameterization trick on one minibatch.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

from course_utils import bbb, data

FRACTIONS = (0.0, 0.5, 0.75, 0.9, 0.95)


def timed(function, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=50)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--standard", action="store_true", help="no local reparameterization")
    args = parser.parse_args()
    threadpool_limits(limits=1)

    split = data.load_digits_split()
    X_train, X_test = split.X_train / data.MAX_PIXEL, split.X_test / data.MAX_PIXEL
    network = bbb.Network((64, args.hidden, 10), "relu", "softmax")
    prior = bbb.GaussianPrior(1.0)
    settings = {"n_epochs": args.epochs, "n_batches": args.batches, "learning_rate": 0.01, "rng": 1}
    map_fit, map_wall, map_cpu = timed(bbb.fit_map, network, X_train, split.y_train, prior, **settings)
    fit, bbb_wall, bbb_cpu = timed(bbb.fit, network, X_train, split.y_train, prior,
                                   local_reparameterization=not args.standard, **settings)
    print(f"Network {network.layer_sizes}, P = {network.n_params}, {args.epochs} epochs of {args.batches} "
          f"minibatches, local reparameterization {not args.standard}")
    print(f"training time: MAP {map_wall:.2f} s wall / {map_cpu:.2f} s CPU; "
          f"Bayes by Backprop {bbb_wall:.2f} s wall / {bbb_cpu:.2f} s CPU")

    inputs = {"test": X_test}
    inputs.update({kind: data.unusual_digits(split.X_test, kind, rng=0) / data.MAX_PIXEL
                   for kind in data.UNUSUAL_KINDS})
    models = {
        "MAP": lambda X: bbb.class_predictive(network, map_fit.weights, X),
        "BBB": lambda X: bbb.predict_classes(network, fit.mu, fit.rho, X, n_samples=100, rng=0),
    }
    print(f"{'model':<5} {'error %':>8} {'NLL':>7} {'ECE %':>6}   mean predictive entropy (nats; ln 10 = 2.30)")
    for name, predict in models.items():
        scores = bbb.evaluate(predict(X_test), split.y_test)
        entropies = "  ".join(f"{kind} {np.mean(predict(X).entropy):.2f}" for kind, X in inputs.items())
        print(f"{name:<5} {100 * scores.error:8.1f} {scores.nll:7.3f} {100 * scores.ece:6.1f}   {entropies}")

    print("test error (%) after removing a share of the weights:")
    for fraction in FRACTIONS:
        pruned_bbb = bbb.prune(fit.mu, fit.rho, fraction)[0]
        pruned_map = bbb.prune_by_magnitude(map_fit.weights, fraction)[0]
        error_bbb = bbb.error_rate(bbb.class_predictive(network, pruned_bbb, X_test), split.y_test)
        error_map = bbb.error_rate(bbb.class_predictive(network, pruned_map, X_test), split.y_test)
        print(f"  {fraction:4.0%} removed: BBB by signal-to-noise {100 * error_bbb:5.1f}, "
              f"MAP by magnitude {100 * error_map:5.1f}")

    batch = slice(0, X_train.shape[0] // args.batches)
    common = {"n_draws": 100, "kl_weight": 1.0 / args.batches, "rng": 2}
    plain = bbb.gradient_variance(network, fit.mu, fit.rho, X_train[batch], split.y_train[batch], prior, **common)
    local = bbb.gradient_variance(network, fit.mu, fit.rho, X_train[batch], split.y_train[batch], prior,
                                  local_reparameterization=True, **common)
    print(f"gradient variance on one minibatch at the trained q: weight sampling {plain.total:.4g} "
          f"({1e3 * plain.seconds:.2f} ms per estimate), local {local.total:.4g} ({1e3 * local.seconds:.2f} ms); "
          f"ratio {plain.total / local.total:.1f}")


if __name__ == "__main__":
    main()
