"""Argument checks shared by the public functions of :mod:`course_utils.bbb`.

Each raises ValueError or TypeError naming the argument, what was expected and what
came; the trusting kernels behind the public functions skip them.
"""

from __future__ import annotations

import numbers

import numpy as np

from course_utils._validation import as_count, as_data, as_float_array, as_generator, as_positive

__all__ = ["as_count", "as_float_array", "as_positive"]


def float_array(value, name: str) -> np.ndarray:
    """``value`` as a new float array (a copy, so the caller's array is never changed or frozen);
    complex numbers, strings and other objects raise an error naming ``name``."""
    return np.array(as_float_array(value, name), dtype=float)


def normalize_rng(rng) -> np.random.Generator:
    """``rng`` (None, a non-negative int seed or a Generator) as a Generator, else an error naming rng."""
    return as_generator(rng, "rng")


def check_finite(array: np.ndarray, name: str) -> np.ndarray:
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf values")
    return array


def check_network(network):
    from course_utils.bbb.network import Network

    if not isinstance(network, Network):
        raise TypeError(f"network must be a Network; got {type(network).__name__}")
    return network


def weight_stack(w, P: int, name: str) -> tuple[np.ndarray, bool]:
    """``w`` as (S, P) and whether it was a single vector (P,)."""
    array = float_array(w, name)
    single = array.ndim == 1
    if single:
        array = array[np.newaxis, :]
    if array.ndim != 2 or array.shape[1] != P or array.shape[0] < 1:
        raise ValueError(f"{name} must have shape ({P},) or (S, {P}); got shape {np.shape(w)}")
    return check_finite(array, name), single


def single_weights(w, P: int, name: str = "w") -> np.ndarray:
    array, single = weight_stack(w, P, name)
    if not single:
        raise ValueError(f"{name} must have shape ({P},); got shape {array.shape}")
    return array[0]


def inputs(network, X) -> np.ndarray:
    X = as_data(float_array(X, "X"))
    if X.shape[1] != network.layer_sizes[0]:
        raise ValueError(
            f"X must have {network.layer_sizes[0]} columns (the network's inputs); got shape {X.shape}"
        )
    return X


def targets(network, y, n: int) -> np.ndarray:
    """Regression targets (n,) as floats, or class labels (n,) as ints in 0..K-1."""
    if network.output == "regression":
        array = float_array(y, "y")
        if array.shape != (n,):
            raise ValueError(f"y must have shape ({n},), one target per row of X; got shape {np.shape(y)}")
        return check_finite(array, "y")
    return labels(y, network.n_outputs, n, "y")


def labels(y, n_classes: int, n: int | None = None, name: str = "labels") -> np.ndarray:
    """Class labels as an int array (n,) with values in 0..n_classes-1."""
    array = float_array(y, name)
    if array.ndim != 1 or (n is not None and array.shape[0] != n):
        expected = f"({n},), one label per row of X" if n is not None else "(n,)"
        raise ValueError(f"{name} must have shape {expected}; got shape {np.shape(y)}")
    check_finite(array, name)
    bad = (array != np.round(array)) | (array < 0) | (array > n_classes - 1)
    if np.any(bad):
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name} must hold class labels, integers 0..{n_classes - 1}; got {array[first]:g} "
                         f"at index {first}")
    return array.astype(np.intp)


def variational(network, mu, rho) -> tuple[np.ndarray, np.ndarray]:
    P = network.n_params
    mu, rho = float_array(mu, "mu"), float_array(rho, "rho")
    for name, array in (("mu", mu), ("rho", rho)):
        if array.shape != (P,):
            raise ValueError(f"{name} must have shape ({P},), one entry per network parameter; "
                             f"got shape {array.shape}")
        check_finite(array, name)
    return mu, rho


def likelihood_scale(network, noise_std):
    """``noise_std`` checked for a regression network; must be None for a softmax network."""
    if network.output == "regression":
        if noise_std is None:
            raise TypeError("noise_std must be given for a regression network (the standard deviation of "
                            "its Gaussian likelihood); got None")
        return as_positive(noise_std, "noise_std")
    if noise_std is not None:
        raise ValueError(f"noise_std must be None for a softmax network (its likelihood is categorical); "
                         f"got {noise_std!r}")
    return None


def callback(value):
    if value is not None and not callable(value):
        raise TypeError(f"callback must be callable or None; got {type(value).__name__}")
    return value


def fraction(value, name: str = "fraction") -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ValueError(f"{name} must lie in [0, 1]; got {value!r}")
    return float(value)
