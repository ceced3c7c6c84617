"""Text CSVs: a text column and a label; texts become sequences of word numbers."""

import pytest

from tests.conftest import text_upload
from tests.platform.datasets.uploads import ingested

pytestmark = pytest.mark.django_db

REVIEWS = (
    "review,sentiment\n"
    '"A great film, I loved it!",pos\n'
    "Awful. Simply awful,neg\n"
    "loved the music,pos\n"
    "boring and awful,neg\n"
)


def test_text_becomes_sequences_with_the_vocabulary_recorded(api):  # noqa: ANN001
    dataset = ingested(
        api,
        text_upload("reviews.csv", REVIEWS),
        format="text_csv",
        text_column="review",
        label_column="sentiment",
        sequence_length=5,
    )

    assert dataset["status"] == "ready", dataset["error"]
    stats = dataset["stats"]
    assert stats["input_shape"] == [5]
    assert stats["dtype"] == "int32"
    assert stats["class_names"] == ["neg", "pos"]
    preprocessing = stats["preprocessing"]
    assert preprocessing["kind"] == "text"
    assert preprocessing["sequence_length"] == 5
    assert preprocessing["vocabulary_size"] == 2 + 12  # padding, out-of-vocabulary, 12 words
    assert "vocabulary" not in preprocessing  # kept with the dataset for inference, not listed


def test_text_preview_shows_the_texts(api):  # noqa: ANN001
    dataset = ingested(
        api, text_upload("reviews.csv", REVIEWS), format="text_csv", text_column="review",
        label_column="sentiment",
    )  # fmt: skip

    preview = api.get(f"/api/v1/datasets/{dataset['id']}/preview/").json()

    assert preview["columns"] == ["review", "sentiment"]
    assert preview["rows"][0] == ["A great film, I loved it!", "pos"]
