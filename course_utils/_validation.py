"""Checks shared by the public functions of the math modules.

Each check raises ValueError or TypeError with a message that names the argument, what
was expected and what was given. Internal helpers trust their callers and skip them.

Two rules hold for every check here: an array the caller passed in is never written to
or frozen (a converted array may be the caller's own object, so code that works in place
must copy first), and numpy's own conversion errors never reach the caller.
"""

from __future__ import annotations

import numbers

import numpy as np

_REAL_KINDS = "biuf"  # bool, signed and unsigned integers, floats


def describe(value) -> str:
    """A short description of ``value`` for an error message: its repr (cut at 60
    characters) and its type."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} of type {type(value).__name__}"


def as_generator(rng, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` as a :class:`numpy.random.Generator`.

    Accepted: ``None`` (fresh entropy from the operating system), a non-negative integer
    seed, or a Generator (returned as it is, so that its state advances). Anything else
    raises TypeError (a float, a string, another object) or ValueError (a negative seed)
    naming ``name``.
    """
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng)
    expected = f"{name} must be None, a non-negative integer seed or a numpy.random.Generator"
    if isinstance(rng, bool) or not isinstance(rng, numbers.Integral):
        raise TypeError(f"{expected}; got {describe(rng)}")
    if rng < 0:
        raise ValueError(f"{expected}; got the negative integer {int(rng)}")
    return np.random.default_rng(int(rng))


def as_float_array(value, name: str, expected: str = "an array of real numbers") -> np.ndarray:
    """Return ``value`` as a float64 ndarray, or raise an error that names ``name``.

    Booleans, integers and floats are converted (a float64 array comes back as the same
    object, not a copy: never write into the result). Complex numbers raise TypeError
    rather than losing their imaginary part; strings, None and other objects raise
    TypeError saying what was ``expected``; nested sequences of unequal lengths raise
    ValueError. No shape or finiteness check is made here.
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):  # ragged nested sequences, objects numpy refuses
        raise ValueError(
            f"{name} must be {expected} with a rectangular shape; got {describe(value)}, whose "
            "rows have unequal lengths or cannot form an array"
        ) from None
    kind = array.dtype.kind
    if kind in _REAL_KINDS:
        with np.errstate(over="ignore"):  # a long double beyond the float range: reported below
            converted = array.astype(float, copy=False)
        if array.dtype.itemsize > 8 and kind == "f" and np.any(np.isinf(converted) & np.isfinite(array)):
            raise ValueError(f"{name} has an element too large for a float: {describe(array[np.isinf(converted) & np.isfinite(array)][0])}")
        return converted
    if kind == "c" or (kind == "O" and any(_is_complex(item) for item in array.flat)):
        raise TypeError(
            f"{name} must be {expected}; got complex numbers (dtype {array.dtype}): pass the "
            "real part (.real) or the modulus (abs) explicitly"
        )
    if kind == "O":
        for item in array.flat:
            if isinstance(item, (str, bytes)):  # float("1") would accept it
                raise TypeError(f"{name} must be {expected}; got a string element {item!r}")
            try:
                float(item)
            except (TypeError, ValueError):
                raise TypeError(f"{name} must be {expected}; got an element {describe(item)}") from None
            except OverflowError:
                raise ValueError(f"{name} has an element too large for a float: {describe(item)}") from None
        return array.astype(float)
    if kind in "US":
        example = array.flat[0] if array.size else ""
        raise TypeError(f"{name} must be {expected}; got strings (dtype {array.dtype}, e.g. {str(example)!r})")
    raise TypeError(f"{name} must be {expected}; got an array of dtype {array.dtype}")


def _is_complex(item) -> bool:
    return isinstance(item, (numbers.Complex, np.complexfloating)) and not isinstance(item, numbers.Real)


def as_data(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a finite float array of shape (n, d) with n >= 1 and d >= 1."""
    array = as_float_array(X, name)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (n, d); got shape {array.shape}")
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise ValueError(f"{name} must have at least one row and one column; got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf values; remove or impute them first")
    return array


def as_sample(x, name: str = "x") -> np.ndarray:
    """Return ``x`` as a finite 1-D float array with at least one entry."""
    array = as_float_array(x, name)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of shape (n,); got shape {array.shape}")
    if array.size < 1:
        raise ValueError(f"{name} must contain at least one value; got an empty array")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf values; remove or impute them first")
    return array


def as_count(value, name: str, *, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an int in [minimum, maximum] (rejecting floats and bools)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} of type {type(value).__name__}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum}; got {value}")
    return value


def as_real(value, name: str, *, minimum: float | None = None, strict: bool = False) -> float:
    """Return ``value`` as a finite float, optionally >= ``minimum`` (> if ``strict``).

    Booleans, complex numbers, strings and arrays raise TypeError; NaN, inf, an integer
    too large for a float and a value below the minimum raise ValueError.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {describe(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = np.inf
    bound = "" if minimum is None else f" {'>' if strict else '>='} {minimum:g}"
    if not np.isfinite(number) or (minimum is not None and (number < minimum or (strict and number == minimum))):
        raise ValueError(f"{name} must be a finite number{bound}; got {describe(value)}")
    return number


def as_positive(value, name: str) -> float:
    """Return ``value`` as a finite float > 0."""
    return as_real(value, name, minimum=0.0, strict=True)


def as_means(means, d: int, name: str = "means") -> np.ndarray:
    """Return ``means`` as a finite float array of shape (k, d); a (d,) vector becomes (1, d)."""
    array = as_float_array(means, name)
    if array.ndim == 1:
        array = array[np.newaxis, :]
    if array.ndim != 2 or array.shape[1] != d or array.shape[0] < 1:
        raise ValueError(f"{name} must have shape (k, {d}); got shape {np.shape(means)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf values")
    return array


def as_covariances(covariances, k: int, d: int, name: str = "covariances") -> np.ndarray:
    """Return ``covariances`` as an array of shape (k, d, d); a (d, d) matrix becomes (1, d, d).

    Symmetry and positive definiteness are checked by :func:`cholesky_factors`.
    """
    array = as_float_array(covariances, name)
    if array.ndim == 2:
        array = array[np.newaxis, :, :]
    if array.shape != (k, d, d):
        raise ValueError(f"{name} must have shape ({k}, {d}, {d}); got shape {np.shape(covariances)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf values")
    return array


def cholesky_factors(covariances: np.ndarray, name: str = "covariances") -> np.ndarray:
    """Lower Cholesky factors of a stack (k, d, d) of symmetric positive definite matrices."""
    for index, covariance in enumerate(covariances):
        scale = max(np.max(np.abs(covariance)), np.finfo(float).tiny)
        if np.max(np.abs(covariance - covariance.T)) > 1e-10 * scale:
            raise ValueError(f"{name}[{index}] is not symmetric")
    try:
        return np.linalg.cholesky(covariances)
    except np.linalg.LinAlgError:
        bad = [i for i, c in enumerate(covariances) if np.any(np.linalg.eigvalsh(c) <= 0)]
        where = f"{name}[{bad[0]}]" if bad else name
        raise ValueError(
            f"{where} is not positive definite (an eigenvalue is <= 0); a component may have "
            "collapsed onto too few points: add reg_covar to its diagonal"
        ) from None


def as_weights(weights, name: str = "weights") -> np.ndarray:
    """Return mixing weights as a float vector (k,) that is non-negative and sums to one."""
    array = as_float_array(weights, name)
    if array.ndim != 1 or array.size < 1:
        raise ValueError(f"{name} must be a 1-D array of shape (k,); got shape {np.shape(weights)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf values")
    if np.any(array < 0):
        raise ValueError(f"{name} must be non-negative; got minimum {array.min():.6g}")
    if abs(array.sum() - 1.0) > 1e-8:
        raise ValueError(f"{name} must sum to 1; they sum to {array.sum():.10g}")
    return array


def as_rows_on_simplex(q, n: int, k: int, name: str) -> np.ndarray:
    """Return an (n, k) array of non-negative rows that each sum to one."""
    array = as_float_array(q, name)
    if array.shape != (n, k):
        raise ValueError(f"{name} must have shape ({n}, {k}); got shape {np.shape(q)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf values")
    if np.any(array < 0):
        raise ValueError(f"{name} must be non-negative; got minimum {array.min():.6g}")
    row_sums = array.sum(axis=1)
    worst = int(np.argmax(np.abs(row_sums - 1.0)))
    if abs(row_sums[worst] - 1.0) > 1e-8:
        raise ValueError(f"each row of {name} must sum to 1; row {worst} sums to {row_sums[worst]:.10g}")
    return array


def as_responsibilities(responsibilities, n: int, name: str = "responsibilities") -> np.ndarray:
    """Return an (n, k) array of responsibilities: non-negative rows that each sum to one."""
    array = as_float_array(responsibilities, name)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array of shape (n, k); got shape {array.shape}")
    return as_rows_on_simplex(array, n, array.shape[1], name)
