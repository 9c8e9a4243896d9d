"""The shared input checks of course_utils._validation (issue 16)."""

import warnings

import numpy as np
import pytest

from course_utils import em_bound
from course_utils._validation import as_float_array, as_generator


@pytest.mark.parametrize("rng", [None, 0, 7, np.int64(3), np.random.default_rng(1)])
def test_as_generator_accepts_none_seeds_and_generators(rng):
    assert isinstance(as_generator(rng), np.random.Generator)


def test_as_generator_returns_a_given_generator_itself():
    generator = np.random.default_rng(5)
    assert as_generator(generator) is generator
    np.testing.assert_array_equal(as_generator(4).random(3), np.random.default_rng(4).random(3))


@pytest.mark.parametrize(
    "rng, error, got",
    [
        ("abc", TypeError, "'abc' of type str"),
        (2.5, TypeError, "2.5 of type float"),
        (-1, ValueError, "negative integer -1"),
        (object(), TypeError, "of type object"),
        (True, TypeError, "True of type bool"),
        (np.random.RandomState(0), TypeError, "of type RandomState"),
    ],
)
def test_as_generator_names_rng_what_it_accepts_and_what_came(rng, error, got):
    with pytest.raises(error) as raised:
        as_generator(rng, "rng")
    message = str(raised.value)
    assert message.startswith("rng must be None, a non-negative integer seed or a numpy.random.Generator")
    assert got in message


@pytest.mark.parametrize(
    "value, error, part",
    [
        ([1.0 + 2.0j, 3.0], TypeError, "complex numbers"),
        (np.array([1.0, 2.0j], dtype=object), TypeError, "complex numbers"),
        ([["1.5", "abc"]], TypeError, "strings"),
        (np.array([["1"], ["2"]], dtype=object), TypeError, "a string element '1'"),
        (np.array([[1.0], [b"2"]], dtype=object), TypeError, "a string element b'2'"),
        ([[1.0, None]], TypeError, "an element None"),
        ([[1.0, object()]], TypeError, "of type object"),
        ([[1.0, 2.0], [3.0]], ValueError, "rectangular"),
        ([10**400], ValueError, "too large for a float"),
        (np.array([np.longdouble("1e400")]), ValueError, "too large for a float"),
        (np.array(["2020-01-01"], dtype="datetime64[D]"), TypeError, "dtype datetime64"),
    ],
)
def test_as_float_array_names_the_argument_and_never_warns(value, error, part):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(error) as raised:
            as_float_array(value, "X")
    message = str(raised.value)
    assert message.startswith("X ")
    assert part in message
    assert "could not convert" not in message


def test_as_float_array_converts_real_input_and_leaves_it_alone():
    original = np.arange(6.0).reshape(2, 3)
    assert as_float_array(original, "X") is original  # no copy: callers must not write into it
    assert original.flags.writeable
    np.testing.assert_array_equal(as_float_array([[1, 2], [3, 4]], "X"), [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(as_float_array([True, False], "X"), [1.0, 0.0])
    assert as_float_array(np.float32(2.5), "X").dtype == np.float64


def test_mixture_prior_neither_freezes_nor_keeps_the_callers_arrays():
    mean, scale = np.zeros(2), np.eye(2)
    prior = em_bound.MixturePrior(1.0, mean, 1.0, 3.0, scale)
    assert mean.flags.writeable and scale.flags.writeable
    mean[0] = 5.0  # the caller may go on using its arrays
    scale[0, 0] = 9.0
    assert prior.mean[0] == 0.0 and prior.scale[0, 0] == 1.0
    assert not prior.mean.flags.writeable and not prior.scale.flags.writeable
