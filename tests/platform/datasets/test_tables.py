"""CSV tables: numeric features and a label column chosen by name; classes or regression."""

import pytest

from tests.conftest import text_upload
from tests.platform.datasets.uploads import ingested

pytestmark = pytest.mark.django_db

PETS = "weight, height ,kind\n4.5,30,dog\n3.1,25,cat\n 5.0,35, dog\n2.9,24,cat\n\n6.1,40,dog\n"


def test_a_csv_with_class_names_becomes_a_classification_dataset(api):  # noqa: ANN001
    dataset = ingested(api, text_upload("pets.csv", PETS), label_column="kind")

    assert dataset["status"] == "ready", dataset["error"]
    assert dataset["task"] == "classification"
    stats = dataset["stats"]
    assert stats["input_shape"] == [2]
    assert stats["class_names"] == ["cat", "dog"]
    assert stats["class_counts"] == [2, 3]
    assert stats["value_range"] == [2.9, 40.0]
    assert stats["preprocessing"] == {
        "kind": "table", "columns": ["weight", "height"], "label_column": "kind",
    }  # fmt: skip


def test_a_table_previews_its_first_rows_under_its_column_names(api):  # noqa: ANN001
    dataset = ingested(api, text_upload("pets.csv", PETS), label_column="kind")

    preview = api.get(f"/api/v1/datasets/{dataset['id']}/preview/").json()

    assert preview["kind"] == "table"
    assert preview["columns"] == ["weight", "height", "kind"]
    assert preview["rows"][:2] == [[4.5, 30.0, "dog"], [3.1, 25.0, "cat"]]


def test_fractional_labels_make_a_regression_dataset(api):  # noqa: ANN001
    dataset = ingested(api, text_upload("sums.csv", "a,b,label\n1,2,3.5\n2,2,4.25\n0,1,1.0\n"))

    assert dataset["task"] == "regression"
    assert dataset["stats"]["target_range"] == [1.0, 4.25]
    assert dataset["stats"]["target_shape"] == []


def test_whole_number_labels_are_classes_sorted_by_value(api):  # noqa: ANN001
    rows = "".join(f"{i},{label}\n" for i, label in enumerate([10, 9, 10, 9, 2, 2]))

    dataset = ingested(api, text_upload("n.csv", "a,label\n" + rows))

    assert dataset["stats"]["class_names"] == ["2", "9", "10"]


def test_whole_numbers_can_be_declared_a_regression(api):  # noqa: ANN001
    rows = "".join(f"{i},{i * 3}\n" for i in range(6))

    dataset = ingested(api, text_upload("n.csv", "a,label\n" + rows), task="regression")

    assert dataset["task"] == "regression"
