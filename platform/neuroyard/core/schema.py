"""OpenAPI component names for the nested Input/Output serializers every API view declares.

drf-spectacular names a component after its class, so the many `Input` and `Output` classes
would collide into one; here `MeApi.Output` becomes `MeOutput`, which typed clients rely on.
"""

from typing import Any, Literal

from drf_spectacular.openapi import AutoSchema


class NeuroyardAutoSchema(AutoSchema):
    def get_serializer_name(
        self, serializer: Any, direction: Literal["request", "response"]
    ) -> str:
        cls = type(serializer)
        outer, _, inner = cls.__qualname__.rpartition(".")
        if not outer or "<locals>" in outer:
            return super().get_serializer_name(serializer, direction)
        return outer.split(".")[-1].removesuffix("Api") + inner
