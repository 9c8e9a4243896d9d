"""The network: a small fully connected net, its forward pass and backpropagation.

All weights and biases live in one flat vector of length ``P = network.n_params``; ``S``
weight vectors are stacked as (S, P) and go through the network at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_utils.bbb import _checks

ACTIVATIONS = ("tanh", "relu")
OUTPUTS = ("regression", "softmax")


@dataclass(frozen=True)
class Network:
    """A fully connected network: inputs -> up to two hidden layers -> outputs.

    Parameters
    ----------
    layer_sizes : tuple of int
        ``(d, K)`` (no hidden layer: a linear model), ``(d, h1, K)`` or ``(d, h1, h2, K)``.
        ``K = 1`` for regression, ``K >= 2`` classes for a softmax network.
    activation : {"tanh", "relu"}
        Non-linearity of the hidden layers; the last layer is linear.
    output : {"regression", "softmax"}
        ``"regression"``: one real output, with a Gaussian likelihood. ``"softmax"``: the
        last layer gives the K logits whose softmax are the class probabilities, with a
        categorical likelihood (lesson 07, section on digits).

    Notes
    -----
    The flat vector holds the layers in order, each layer's weight matrix (row-major,
    shape ``(inputs, outputs)``) followed by its bias.
    """

    layer_sizes: tuple
    activation: str = "tanh"
    output: str = "regression"

    def __post_init__(self):
        sizes = self.layer_sizes
        if not isinstance(sizes, (tuple, list)) or len(sizes) not in (2, 3, 4):
            raise ValueError(
                "layer_sizes must be (d, K), (d, h1, K) or (d, h1, h2, K): at most two hidden layers; "
                f"got {sizes!r}"
            )
        checked = tuple(_checks.as_count(size, "each entry of layer_sizes") for size in sizes)
        if self.output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}; got {self.output!r}")
        if self.output == "regression" and checked[-1] != 1:
            raise ValueError(f"layer_sizes must end with 1 (one regression output); got {checked!r}")
        if self.output == "softmax" and checked[-1] < 2:
            raise ValueError(f"layer_sizes must end with the number of classes K >= 2 for a softmax "
                             f"network; got {checked!r}")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}; got {self.activation!r}")
        object.__setattr__(self, "layer_sizes", checked)

    @property
    def n_params(self) -> int:
        """Number of weights and biases, P."""
        return sum((a + 1) * b for a, b in zip(self.layer_sizes[:-1], self.layer_sizes[1:]))

    @property
    def n_outputs(self) -> int:
        """K: 1 for regression, the number of classes for a softmax network."""
        return self.layer_sizes[-1]

    @property
    def n_units(self) -> int:
        """Number of pre-activations per input (hidden units plus outputs), for local noise."""
        return sum(self.layer_sizes[1:])

    def unpack(self, w: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Views ``(W, b)`` per layer of a stack of weight vectors ``w`` of shape (S, P).

        ``W`` has shape (S, inputs, outputs) and ``b`` (S, outputs).
        """
        layers, start = [], 0
        for a, b in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            W = w[:, start : start + a * b].reshape(-1, a, b)
            start += a * b
            layers.append((W, w[:, start : start + b]))
            start += b
        return layers

    def is_bias(self) -> np.ndarray:
        """Boolean mask (P,): True for the biases, False for the weights."""
        mask = np.zeros(self.n_params, dtype=bool)
        for _, b in self.unpack(np.arange(self.n_params)[np.newaxis, :]):
            mask[b[0]] = True
        return mask

    def initial_means(self, rng=None) -> np.ndarray:
        """Random weights of shape (P,), N(0, 1/inputs) per layer (LeCun's scaling), zero biases."""
        rng = _checks.normalize_rng(rng)
        pieces = []
        for a, b in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            pieces.append(rng.normal(scale=1.0 / np.sqrt(a), size=a * b))
            pieces.append(np.zeros(b))
        return np.concatenate(pieces)


def _activate(z: np.ndarray, activation: str) -> tuple[np.ndarray, np.ndarray]:
    """The activation and its derivative, both with the shape of ``z``."""
    if activation == "tanh":
        a = np.tanh(z)
        return a, 1.0 - a * a
    positive = z > 0
    return np.where(positive, z, 0.0), positive.astype(float)


def _forward(network: Network, w: np.ndarray, X: np.ndarray):
    """Outputs (S, n, K) for weights (S, P), and the cache the backward pass needs."""
    layers = network.unpack(w)
    a = X  # (n, d), broadcast against the S weight matrices by matmul
    cache = []
    for index, (W, b) in enumerate(layers):
        z = np.matmul(a, W) + b[:, np.newaxis, :]
        if index < len(layers) - 1:
            a_next, slope = _activate(z, network.activation)
            cache.append((a, slope))
            a = a_next
        else:
            cache.append((a, None))
    return z, cache


def _backward(network: Network, w: np.ndarray, cache, d_output: np.ndarray) -> np.ndarray:
    """Gradient (S, P) of sum_n g(output_n) in w, given d_output = dg/d(output) of shape (S, n, K)."""
    layers = network.unpack(w)
    gradient = np.empty_like(w)
    grad_layers = network.unpack(gradient)
    delta = d_output
    for index in range(len(layers) - 1, -1, -1):
        a_in, _ = cache[index]
        grad_W, grad_b = grad_layers[index]
        a_t = a_in.T if a_in.ndim == 2 else np.swapaxes(a_in, 1, 2)
        grad_W[...] = np.matmul(a_t, delta)
        grad_b[...] = delta.sum(axis=1)
        if index > 0:
            W = layers[index][0]
            delta = np.matmul(delta, np.swapaxes(W, 1, 2)) * cache[index - 1][1]
    return gradient


def forward(network: Network, w, X) -> np.ndarray:
    """Network outputs for one weight vector or a stack of them.

    Parameters
    ----------
    network : Network
    w : array_like of shape (P,) or (S, P)
    X : array_like of shape (n, d)

    Returns
    -------
    outputs : ndarray
        Regression: shape (n,) for a single weight vector, else (S, n). Softmax network:
        the logits (inputs of the softmax), shape (n, K), else (S, n, K).
    """
    network = _checks.check_network(network)
    w, single = _checks.weight_stack(w, network.n_params, "w")
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported by name below
        outputs, _ = _forward(network, w, _checks.inputs(network, X))
    if not np.all(np.isfinite(outputs)):
        raise ValueError("the network's outputs overflowed: X or w are too large in magnitude for this network; "
                         "rescale X to values of order 1")
    if network.output == "regression":
        outputs = outputs[:, :, 0]
    return outputs[0] if single else outputs


def hidden_features(network: Network, w, X) -> np.ndarray:
    """Activations of the last hidden layer for one weight vector, shape (n, h_last).

    The output is ``features @ W_last + b_last``: a linear model on these features, which
    lesson 07 uses for a Laplace approximation of the last layer (lesson 06). A network
    without hidden layers returns ``X`` itself.

    Parameters
    ----------
    network : Network
    w : array_like of shape (P,)
    X : array_like of shape (n, d)
    """
    network = _checks.check_network(network)
    w = _checks.single_weights(w, network.n_params)
    _, cache = _forward(network, w[np.newaxis, :], _checks.inputs(network, X))
    features = cache[-1][0]
    return features[0] if features.ndim == 3 else features.copy()
