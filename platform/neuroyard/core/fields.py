"""Serializer fields shared by the APIs."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from neuroyard.core.parsers import json_loads_limited


class JsonOrStringField(serializers.JSONField):
    """A JSON value that may also come as a string holding it (a multipart form field, or a
    JSON body that quoted it); the string is decoded, or refused with `invalid_message`."""

    def __init__(self, *, invalid_message: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.invalid_message = invalid_message

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            return super().to_internal_value(data)
        # decoded here, not by JSONField, so that deep nesting is a 400 (neuroyard.core.parsers)
        try:
            value = json_loads_limited(data, strict=False)
        except ValueError:
            raise serializers.ValidationError(self.invalid_message) from None
        if isinstance(value, str):  # a form field holding a JSON string that holds the value
            try:
                return json_loads_limited(value, strict=False)
            except ValueError:
                raise serializers.ValidationError(self.invalid_message) from None
        return value
