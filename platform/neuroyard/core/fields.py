"""Serializer fields shared by the APIs."""

from __future__ import annotations

import json
from typing import Any

from rest_framework import serializers


class JsonOrStringField(serializers.JSONField):
    """A JSON value that may also come as a string holding it (a multipart form field, or a
    JSON body that quoted it); the string is decoded, or refused with `invalid_message`."""

    def __init__(self, *, invalid_message: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.invalid_message = invalid_message

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise serializers.ValidationError(self.invalid_message) from None
