"""predictions.csv opens safely in a spreadsheet: label text that starts like a formula is
quoted (OWASP's CSV injection rule), numbers are written as they are."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from neuroyard_worker.engine.prediction_files import CsvRows, csv_cell


@pytest.mark.parametrize(
    "label",
    ['=HYPERLINK("http://evil.example")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx"],
)
def test_label_text_that_starts_like_a_formula_gets_a_leading_quote(label: str) -> None:
    assert csv_cell(label) == "'" + label


@pytest.mark.parametrize("value", ["-0.25", "+3", "-1e-05", 0.5, -3, "cat", "a=b"])
def test_numbers_and_plain_labels_are_written_as_they_are(value: object) -> None:
    assert csv_cell(value) == value


def test_predictions_csv_holds_the_quoted_labels(tmp_path: Path) -> None:
    rows = CsvRows(tmp_path / "predictions.csv", ["index", "predicted_label", "value"])
    rows.write([[0, "=1+1", "-0.5"], [1, "dog", "0.25"]])
    rows.close()

    with (tmp_path / "predictions.csv").open(newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["index", "predicted_label", "value"],
            ["0", "'=1+1", "-0.5"],
            ["1", "dog", "0.25"],
        ]
