"""The paper's one-dimensional toy regression."""

from __future__ import annotations

import numpy as np

from course_utils.bbb import _checks


def toy_regression_data(n: int, rng=None, *, low: float = 0.0, high: float = 0.5,
                        noise_std: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
    r"""The curve of Blundell et al. (2015, Section 5.2) with inputs uniform on [low, high].

    .. math:: y = x + 0.3\sin(2\pi(x + e)) + 0.3\sin(4\pi(x + e)) + e,\quad e\sim N(0, 0.02^2)

    Returns
    -------
    X : ndarray of shape (n, 1)
    y : ndarray of shape (n,)
    """
    n = _checks.as_count(n, "n")
    noise_std = _checks.as_positive(noise_std, "noise_std")
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a real number; got {value!r}")
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"low and high must be finite with low < high; got {low!r} and {high!r}")
    if not np.isfinite(float(high) - float(low)):
        raise ValueError(f"high - low must be a finite number; got {low!r} and {high!r}")
    rng = _checks.normalize_rng(rng)
    x = rng.uniform(low, high, size=n)
    e = rng.normal(scale=noise_std, size=n)
    y = x + 0.3 * np.sin(2 * np.pi * (x + e)) + 0.3 * np.sin(4 * np.pi * (x + e)) + e
    return x[:, np.newaxis], y
