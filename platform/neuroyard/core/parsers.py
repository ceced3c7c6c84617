"""JSON with a depth limit: a body nested thousands deep is a 400, not a RecursionError.

Python's decoder recurses once per level, and so do the serializers and validators after it;
both the request body parser and JSON carried in form fields (neuroyard.core.fields) go
through `json_loads_limited`.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from django.conf import settings
from rest_framework import renderers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.settings import api_settings
from rest_framework.utils.json import strict_constant


class JsonTooDeep(ValueError):
    pass


def json_depth_exceeds(value: Any, max_depth: int) -> bool:
    """Whether lists and objects nest deeper than max_depth (iteratively: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def json_loads_limited(text: str | bytes, *, strict: bool = True) -> Any:
    """json.loads, raising JsonTooDeep (a ValueError) past NEUROYARD_JSON_MAX_DEPTH levels."""
    max_depth = settings.NEUROYARD_JSON_MAX_DEPTH
    try:
        value = json.loads(text, parse_constant=strict_constant if strict else None)
    except RecursionError:
        raise JsonTooDeep(f"JSON nested deeper than {max_depth} levels") from None
    if json_depth_exceeds(value, max_depth):
        raise JsonTooDeep(f"JSON nested deeper than {max_depth} levels")
    return value


class DepthLimitedJSONParser(BaseParser):
    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            return json_loads_limited(text, strict=api_settings.STRICT_JSON)
        except ValueError as exc:  # JSONDecodeError, JsonTooDeep, UnicodeDecodeError
            raise ParseError(f"JSON parse error - {exc}") from None
