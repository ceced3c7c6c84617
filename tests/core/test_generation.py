"""What a predict call may ask of a GAN's generator, and the inputs it makes: random points,
given points, an interpolation between two, a class of a conditional GAN; refusals in words."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from neuroyard_core.errors import CodedError
from neuroyard_core.generation import (
    generator_batch,
    generator_of,
    generator_preprocessing,
)

DIGITS = [str(digit) for digit in range(10)]
CONDITIONAL = generator_of(
    generator_preprocessing(latent_dim=4, class_names=DIGITS, pixel_range=(0.0, 1.0))
)
PLAIN = generator_of(generator_preprocessing(latent_dim=3, class_names=[], pixel_range=(0, 255)))


def batch(body: dict[str, Any], generator: Any = CONDITIONAL, limit: int = 8) -> Any:
    return generator_batch(body, generator=generator, limit=limit)


def refusal(body: dict[str, Any], generator: Any = CONDITIONAL, limit: int = 8) -> CodedError:
    with pytest.raises(CodedError) as caught:
        batch(body, generator, limit)
    assert caught.value.status == 400
    return caught.value


def test_only_a_generator_s_preprocessing_describes_a_generator() -> None:
    assert generator_of({"kind": "image", "image_size": [28, 28]}) is None
    assert generator_of({}) is None
    assert CONDITIONAL is not None and CONDITIONAL.classes == 10
    assert PLAIN is not None and PLAIN.pixel_range == (0.0, 255.0)


def test_a_count_draws_random_points_the_same_for_the_same_seed() -> None:
    first = batch({"count": 5, "seed": 3}, PLAIN)
    again = batch({"count": 5, "seed": 3}, PLAIN)

    assert first.inputs.shape == (5, 3) and first.inputs.dtype == np.float32
    np.testing.assert_array_equal(first.inputs, again.inputs)
    assert first.labels is None and not first.strip


def test_a_class_is_one_hot_after_the_latent_numbers_by_number_or_name() -> None:
    by_number = batch({"count": 2, "class": 7, "seed": 1})
    by_name = batch({"count": 2, "class": "7", "seed": 1})

    np.testing.assert_array_equal(by_number.inputs, by_name.inputs)
    assert by_number.inputs.shape == (2, 4 + 10)
    np.testing.assert_array_equal(by_number.inputs[:, 4:], np.eye(10)[[7, 7]])
    np.testing.assert_array_equal(by_number.inputs[:, :4], by_number.latent)


def test_without_a_class_a_conditional_generator_draws_random_classes() -> None:
    drawn = batch({"count": 8, "seed": 0})
    assert drawn.labels is not None and set(drawn.labels) <= set(range(10))
    np.testing.assert_array_equal(drawn.inputs[:, 4:].argmax(axis=1), drawn.labels)


def test_an_interpolation_runs_evenly_from_one_latent_point_to_the_other() -> None:
    ends = [[0.0, 0.0, 0.0, 0.0], [1.0, 2.0, 3.0, 4.0]]
    line = batch({"latent": ends, "interpolate": 5, "class": 2})

    assert line.strip and line.latent.shape == (5, 4)
    np.testing.assert_allclose(line.latent[0], ends[0])
    np.testing.assert_allclose(line.latent[-1], ends[1])
    np.testing.assert_allclose(line.latent[2], [0.5, 1.0, 1.5, 2.0])
    assert list(line.labels) == [2] * 5


def test_an_interpolation_without_points_runs_between_two_random_ones() -> None:
    line = batch({"interpolate": 4, "seed": 9}, PLAIN)
    assert line.latent.shape == (4, 3)
    steps = np.diff(line.latent, axis=0)
    np.testing.assert_allclose(steps, np.repeat(steps[:1], 3, axis=0), rtol=1e-5)


@pytest.mark.parametrize(
    ("body", "generator", "code", "words"),
    [
        ({"count": 9}, CONDITIONAL, "too_many_inputs", "at most 8"),
        ({"interpolate": 9}, CONDITIONAL, "too_many_inputs", "at most 8"),
        ({"count": 2, "class": 10}, CONDITIONAL, "class_out_of_range", "classes 0 to 9"),
        ({"count": 2, "class": -1}, CONDITIONAL, "class_out_of_range", "out of range"),
        ({"count": 2, "class": "cat"}, CONDITIONAL, "class_out_of_range", "'cat'"),
        ({"count": 2, "class": 1}, PLAIN, "class_not_conditional", "not a conditional GAN"),
        ({"latent": [[1.0, 2.0]]}, CONDITIONAL, "input_shape_mismatch", "latent[0]: has 2"),
        ({"latent": [[1e9] * 4]}, CONDITIONAL, "input_not_numeric", "within"),
        ({"latent": [[0.0] * 4], "interpolate": 3}, CONDITIONAL, "invalid_input", "two latent"),
        ({"count": 2, "latent": [[0.0] * 4]}, CONDITIONAL, "invalid_input", "not both"),
        ({}, CONDITIONAL, "invalid_input", "Say what to draw"),
        ({"count": "3"}, CONDITIONAL, "invalid_input", "count"),
        ({"count": 0}, CONDITIONAL, "invalid_input", "count"),
        ({"interpolate": 1}, CONDITIONAL, "invalid_input", "interpolate"),
    ],
)
def test_bad_requests_are_refused_with_a_stable_code_in_words(
    body: dict[str, Any], generator: Any, code: str, words: str
) -> None:
    error = refusal(body, generator)
    assert error.code == code and words in error.message, error.message
