"""fgsm(): the fast gradient sign method fools a small digits classifier at a modest epsilon."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from neuroyard_worker.engine.adversarial import AdversarialRequest, fgsm
from neuroyard_worker.engine.errors import EngineError
from tests.worker.engine.image_networks import digits_images, trained_digits_classifier

TRAIN_SAMPLES = 1400


@pytest.fixture(scope="module")
def classifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fgsm") / "digits.keras"
    return trained_digits_classifier(path, train_samples=TRAIN_SAMPLES)


@pytest.fixture(scope="module")
def test_digits() -> tuple[np.ndarray, np.ndarray]:
    x, y = digits_images()
    return x[TRAIN_SAMPLES : TRAIN_SAMPLES + 200], y[TRAIN_SAMPLES : TRAIN_SAMPLES + 200]


def test_a_modest_epsilon_flips_most_correct_predictions(
    classifier: Path, test_digits: tuple[np.ndarray, np.ndarray]
) -> None:
    x, y = test_digits

    result = fgsm(
        AdversarialRequest(model_path=classifier, inputs=x, labels=y, epsilons=(0.02, 0.15))
    )

    correct = result.predictions == y
    assert correct.mean() > 0.9
    small, modest = result.attacks
    assert small.fooled[correct].mean() < modest.fooled[correct].mean()
    # 0.15 on inputs in [0, 1]: 8x8 digits have few pixels to spread a perturbation over
    assert modest.fooled[correct].mean() > 0.5
    assert result.traces == 1


def test_perturbed_inputs_move_by_epsilon_and_stay_in_range(
    classifier: Path, test_digits: tuple[np.ndarray, np.ndarray]
) -> None:
    x, y = test_digits

    result = fgsm(AdversarialRequest(model_path=classifier, inputs=x[:20], epsilons=(0.1,)))

    (attack,) = result.attacks
    assert set(np.unique(result.perturbation)) <= {-1.0, 0.0, 1.0}
    assert np.abs(attack.inputs - x[:20]).max() <= 0.1 + 1e-6
    assert attack.inputs.min() >= 0.0 and attack.inputs.max() <= 1.0
    # Without labels the model's own predictions are attacked.
    np.testing.assert_array_equal(result.labels, result.predictions)


def test_top_five_before_and_after_are_ranked_probabilities(
    classifier: Path, test_digits: tuple[np.ndarray, np.ndarray]
) -> None:
    x, y = test_digits

    result = fgsm(AdversarialRequest(model_path=classifier, inputs=x[:3], epsilons=(0.3,)))

    for ranking in (*result.top, *result.attacks[0].top):
        assert len(ranking) == 5
        probabilities = [score.probability for score in ranking]
        assert probabilities == sorted(probabilities, reverse=True)
        assert sum(probabilities) <= 1.0 + 1e-5
    assert [r[0].label for r in result.top] == list(result.predictions)


def test_inputs_of_another_shape_are_refused(classifier: Path) -> None:
    with pytest.raises(EngineError) as error:
        fgsm(AdversarialRequest(model_path=classifier, inputs=np.zeros((1, 64), np.float32)))

    assert error.value.code == "data_invalid"


def test_labels_the_model_does_not_have_are_refused(
    classifier: Path, test_digits: tuple[np.ndarray, np.ndarray]
) -> None:
    x, _ = test_digits

    with pytest.raises(EngineError) as error:
        fgsm(AdversarialRequest(model_path=classifier, inputs=x[:1], labels=np.array([10])))

    assert error.value.code == "data_invalid"


def test_a_picture_is_attacked_at_the_models_input_size(classifier: Path) -> None:
    picture = np.zeros((40, 40, 3), np.float32)
    picture[8:32, 16:24] = 255.0  # a thick bar: something like a 1

    result = fgsm(AdversarialRequest(model_path=classifier, picture=picture, epsilons=(0.2,)))

    assert result.attacks[0].inputs.shape == (1, 8, 8, 1)
    assert len(result.top) == 1
