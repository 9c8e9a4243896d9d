r"""Bayes by Backprop (Blundell et al. 2015) for small networks, in numpy (lesson 07).

The weights ``w`` of a fully connected network get a factorized Gaussian posterior
:math:`q(w\mid\mu,\rho) = \prod_j \mathcal N(w_j \mid \mu_j, \sigma_j^2)` with
:math:`\sigma = \operatorname{softplus}(\rho) = \ln(1 + e^\rho)`. Training minimizes the
variational free energy (minus the ELBO of lesson 05)

.. math:: F(\mu, \rho) = \mathrm E_q[\ln q(w) - \ln p(w) - \ln p(D\mid w)],

estimated with the reparameterization :math:`w = \mu + \sigma \odot \varepsilon`,
:math:`\varepsilon \sim \mathcal N(0, I)`, and every gradient is written by hand (lesson 07,
equations 7.6-7.8).

Shapes: inputs ``X`` are (n, d), targets ``y`` (n,) (real numbers, or class labels for a
softmax network), the flat parameter vectors ``mu``, ``rho`` and a weight vector ``w`` are
(P,), where ``P = network.n_params``; ``S`` Monte Carlo samples of the weights or of the
noise are stacked as (S, P).

The modules, in reading order:

``network``       the network, forward pass and backpropagation
``likelihoods``   Gaussian and categorical (softmax) likelihoods with their gradients
``posterior``     q: softplus, sampling weights
``priors``        Gaussian and scale-mixture priors
``objective``     the Monte Carlo free energy and its gradients; the MAP objective; KL weights
``local``         the local reparameterization trick and the gradient-variance measurement
``training``      Adam, ``fit`` (Bayes by Backprop) and ``fit_map``
``prediction``    predictive bands (regression) and class probabilities (classification)
``metrics``       test error, negative log-likelihood, calibration, predictive entropy
``pruning``       signal-to-noise and magnitude pruning
``ground_truth``  a linear network, where the optimal factorized Gaussian is known exactly
``toy``           the paper's toy regression data

Examples
--------
Lesson 07's digit classifiers (about 0.3 s and 1.7 s of CPU time to train)::

    from course_utils import bbb, data

    split = data.load_digits_split()
    X_train, X_test = split.X_train / data.MAX_PIXEL, split.X_test / data.MAX_PIXEL
    network = bbb.Network((64, 50, 10), "relu", output="softmax")
    settings = {"n_epochs": 100, "n_batches": 10, "learning_rate": 0.01, "rng": 1}
    map_fit = bbb.fit_map(network, X_train, split.y_train, bbb.GaussianPrior(1.0), **settings)
    fit = bbb.fit(network, X_train, split.y_train, bbb.GaussianPrior(1.0),
                  local_reparameterization=True, **settings)
    scores = bbb.evaluate(bbb.predict_classes(network, fit.mu, fit.rho, X_test, rng=0), split.y_test)
"""

from course_utils.bbb.ground_truth import (
    MeanFieldOptimum,
    OptimumComparison,
    compare_with_optimum,
    linear_elbo,
    linear_predictive_std,
    mean_field_optimum,
)
from course_utils.bbb.likelihoods import CategoricalLikelihood, GaussianLikelihood, log_softmax, softmax
from course_utils.bbb.local import GradientVariance, gradient_variance, local_loss_and_gradients
from course_utils.bbb.metrics import (
    Calibration,
    ClassificationScores,
    calibration,
    error_rate,
    evaluate,
    negative_log_likelihood,
    predictive_entropy,
)
from course_utils.bbb.network import ACTIVATIONS, OUTPUTS, Network, forward, hidden_features
from course_utils.bbb.objective import (
    KL_SCHEMES,
    TERMS,
    LossGradients,
    central_differences,
    kl_weights,
    loss_and_gradients,
    map_loss_and_gradient,
)

# Private, but lesson 07 shows its source: show_source(bbb._loss_and_gradients).
from course_utils.bbb.objective import _loss_and_gradients as _loss_and_gradients
from course_utils.bbb.posterior import inverse_softplus, sample_weights, softplus
from course_utils.bbb.prediction import (
    ClassPredictive,
    Predictive,
    class_predictive,
    predict,
    predict_classes,
)
from course_utils.bbb.priors import GaussianPrior, ScaleMixturePrior
from course_utils.bbb.pruning import prune, prune_by_magnitude, pruning_curve, signal_to_noise
from course_utils.bbb.toy import toy_regression_data
from course_utils.bbb.training import Adam, BBBFit, MAPFit, fit, fit_map

__all__ = [
    "ACTIVATIONS",
    "KL_SCHEMES",
    "OUTPUTS",
    "TERMS",
    "Adam",
    "BBBFit",
    "Calibration",
    "CategoricalLikelihood",
    "ClassPredictive",
    "ClassificationScores",
    "GaussianLikelihood",
    "GaussianPrior",
    "GradientVariance",
    "LossGradients",
    "MAPFit",
    "MeanFieldOptimum",
    "Network",
    "OptimumComparison",
    "Predictive",
    "ScaleMixturePrior",
    "calibration",
    "central_differences",
    "class_predictive",
    "compare_with_optimum",
    "error_rate",
    "evaluate",
    "fit",
    "fit_map",
    "forward",
    "gradient_variance",
    "hidden_features",
    "inverse_softplus",
    "kl_weights",
    "linear_elbo",
    "linear_predictive_std",
    "local_loss_and_gradients",
    "log_softmax",
    "loss_and_gradients",
    "map_loss_and_gradient",
    "mean_field_optimum",
    "negative_log_likelihood",
    "predict",
    "predict_classes",
    "predictive_entropy",
    "prune",
    "prune_by_magnitude",
    "pruning_curve",
    "sample_weights",
    "signal_to_noise",
    "softmax",
    "softplus",
    "toy_regression_data",
]
