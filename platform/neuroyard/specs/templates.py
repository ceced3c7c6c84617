"""The classic networks people start from: JSON files in network_templates/, one per template.

Pure data plus a loader: the web process serves them, and the tests train every one of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from neuroyard.core.errors import NotFound

TEMPLATES_DIR = Path(__file__).with_name("network_templates")


@dataclass(frozen=True)
class NetworkTemplate:
    key: str
    name: str
    explanation: str  # one paragraph for a person learning what the network does
    example_key: str | None  # the built-in dataset it trains on, if there is one
    spec: dict[str, Any]
    params: dict[str, Any]  # suggested params of its job
    kind: str = "train"  # the job kind the template is for (gan: the spec is the generator)


@cache
def template_list() -> tuple[NetworkTemplate, ...]:
    """Every template, in the order of their file names."""
    return tuple(
        NetworkTemplate(**json.loads(path.read_text()))
        for path in sorted(TEMPLATES_DIR.glob("*.json"))
    )


def template_get(*, key: str) -> NetworkTemplate:
    for template in template_list():
        if template.key == key:
            return template
    raise NotFound("Template")
