"""Labels as they stream in: class numbers or float targets, decided once all are seen.

Class names are the distinct labels sorted (numbers by value), as scikit-learn's LabelEncoder
and Keras' folder order have them; while streaming, each label gets a provisional number in
order of first appearance, renumbered at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuroyard_core.errors import CodedError

MAX_CLASSES = 10_000
# Whole-number labels with more distinct values than this are taken as regression targets
# unless the uploader says classification.
MAX_AUTO_CLASSES = 1_000


@dataclass(frozen=True)
class Resolved:
    task: str
    class_names: list[str]
    renumber: np.ndarray | None  # provisional class number -> final one; None: keep as is


def invalid_labels(message: str) -> CodedError:
    return CodedError("dataset_bad_labels", message)


class Labels:
    """Encodes raw label chunks; `resolve` then says what the labels are.

    `class_names` given: labels are already class numbers 0..len-1 (image folders, NPZ with
    `class_names`). `hint` is the task the labels' type suggests ("classification" for integer
    or string arrays, "regression" for floats), or None when only values can tell (CSV).
    """

    def __init__(self, *, task: str, class_names: list[str] | None = None, hint: str | None = None):
        self.task = task
        self.fixed_names = class_names
        self.hint = hint
        self.index: dict[object, int] = {}
        self.numeric = True
        self.integral = True
        self.codable = True  # one label per sample, not too many distinct ones
        self.target_shape: tuple[int, ...] | None = None

    def encode(self, raw: np.ndarray) -> dict[str, np.ndarray]:
        """{"code": int32 provisional class numbers, "float": float32 targets}, each present
        while the labels can still be read that way."""
        if self.fixed_names is not None:
            return {"code": self._checked_class_numbers(raw)}
        out: dict[str, np.ndarray] = {}
        values = self._as_numbers(raw)
        if values is not None:
            if self.target_shape is None:
                self.target_shape = values.shape[1:]
            if not np.isfinite(values).all():
                raise CodedError("dataset_nonfinite", "The labels contain NaN or infinity.")
            self.integral = self.integral and bool(np.all(np.floor(values) == values))
            out["float"] = values.astype(np.float32)
        if self.codable and raw.ndim == 1:
            # Text labels are told apart as written: "1" and "1.0" are two names.
            keys = raw if raw.dtype.kind in "biuf" else np.char.strip(raw.astype(str))
            out["code"] = self._provisional_codes(keys)
        else:
            self.codable = False
        if not out:
            raise invalid_labels("The labels are neither numbers nor one class name per sample.")
        return out

    def _checked_class_numbers(self, raw: np.ndarray) -> np.ndarray:
        assert self.fixed_names is not None
        if raw.ndim != 1 or raw.dtype.kind not in "biuf":
            raise invalid_labels("With 'class_names' given, 'y' must hold one class number each.")
        if raw.size and (raw.min() < 0 or raw.max() >= len(self.fixed_names)):
            raise invalid_labels(
                f"Labels must be class numbers 0 to {len(self.fixed_names) - 1}, one per name in "
                f"'class_names'; found {raw.min()} to {raw.max()}."
            )
        if raw.dtype.kind == "f" and not np.all(np.floor(raw) == raw):
            raise invalid_labels("Class numbers must be whole numbers.")
        return raw.astype(np.int32)

    def _as_numbers(self, raw: np.ndarray) -> np.ndarray | None:
        if not self.numeric:
            return None
        if raw.dtype.kind in "biuf":
            return raw.astype(np.float64)
        try:
            return np.char.strip(raw.astype(str)).astype(np.float64)
        except ValueError:
            self.numeric = False
            return None

    def _provisional_codes(self, keys: np.ndarray) -> np.ndarray:
        distinct, inverse = np.unique(keys, return_inverse=True)
        numbers = np.empty(len(distinct), np.int32)
        for i, key in enumerate(distinct.tolist()):
            numbers[i] = self.index.setdefault(key, len(self.index))
        if len(self.index) > MAX_CLASSES:
            self.codable = False
            self.index.clear()
        return numbers[inverse.reshape(-1)]

    def resolve(self) -> Resolved:
        task = self._task()
        if task == "regression":
            return Resolved(task=task, class_names=[], renumber=None)
        if self.fixed_names is not None:
            return Resolved(task=task, class_names=list(self.fixed_names), renumber=None)
        keys = sorted(self.index, key=self._order)
        renumber = np.empty(len(keys), np.int32)
        for final, key in enumerate(keys):
            renumber[self.index[key]] = final
        return Resolved(task=task, class_names=[_name(k) for k in keys], renumber=renumber)

    def _order(self, key: object) -> tuple[float, str]:
        return (float(str(key)) if self.numeric else 0.0, str(key))

    def _task(self) -> str:
        classes_possible = self.fixed_names is not None or (
            self.codable and (not self.numeric or self.integral or self.task == "classification")
        )
        if self.task == "classification":
            if not classes_possible or (self.numeric and not self.integral):
                raise invalid_labels(
                    "Classification labels must be one whole number or name per sample"
                    + ("; found fractional values." if self.numeric else ".")
                )
            return "classification"
        if self.task == "regression":
            if self.fixed_names is not None or not self.numeric:
                raise invalid_labels("Regression targets must be numbers.")
            return "regression"
        if self.fixed_names is not None or not self.numeric:
            if not self.codable:
                raise invalid_labels(f"More than {MAX_CLASSES} distinct class names.")
            return "classification"
        if self.hint is not None:
            return self.hint
        auto_classes = self.codable and self.integral and len(self.index) <= MAX_AUTO_CLASSES
        return "classification" if auto_classes else "regression"


def _name(key: object) -> str:
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)
