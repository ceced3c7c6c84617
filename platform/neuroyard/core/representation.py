"""One object's representation by an output serializer whose fields are built once a process.

DRF builds a serializer's fields anew for every instance it is given; for a ModelSerializer of
some twenty fields that is more work than reading the row (a fifth of a job's detail request in
issue 13's profile). The fields depend only on the class, so one instance per class serves every
object: reading a representation changes nothing in it, and threads may share it. For output
serializers without context; pages (many=True) already build their fields once per page.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from rest_framework.serializers import BaseSerializer


@cache
def _shared(serializer_class: type[BaseSerializer]) -> BaseSerializer:
    return serializer_class()


def represent(serializer_class: type[BaseSerializer], instance: Any) -> dict[str, Any]:
    """What `serializer_class(instance).data` gives."""
    return _shared(serializer_class).to_representation(instance)  # type: ignore[no-any-return]
