"""Schemathesis against the real app, as a logged-in user: every operation of the OpenAPI schema
with valid and invalid data answers what the schema documents, and never a 500.

Bounded for `make test`; `make fuzz` runs it longer (NEUROYARD_FUZZ_EXAMPLES), and follows the
links Schemathesis infers between operations (NEUROYARD_FUZZ_STATEFUL: create a spec, then read,
validate and train on it...) for NEUROYARD_FUZZ_STATEFUL_SCENARIOS sequences."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.errors import SerializationNotPossible
from schemathesis.core.failures import FailureGroup

from neuroyard.config.wsgi import application

EXAMPLES = int(os.environ.get("NEUROYARD_FUZZ_EXAMPLES", "6"))
STATEFUL = os.environ.get("NEUROYARD_FUZZ_STATEFUL", "") == "1"
STATEFUL_SCENARIOS = int(os.environ.get("NEUROYARD_FUZZ_STATEFUL_SCENARIOS", "50"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# logging out and changing the password end the token every other request uses (tested in
# tests/platform/test_hostile_input.py)
REVOKE_THE_TOKEN = {"/api/v1/auth/logout/", "/api/v1/auth/password/"}


@pytest.fixture
def api_schema(db) -> Iterator[Any]:  # noqa: ANN001
    # as Django's test client does: the test's transaction outlives each request
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield _loaded_schema()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _loaded_schema() -> Any:
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES
    )
    return schema


@pytest.fixture
def token(user) -> str:  # noqa: ANN001
    return Token.objects.create(user=user).key


def test_every_operation_answers_as_documented_and_never_500(api_schema, token: str) -> None:  # noqa: ANN001
    failures: list[str] = []
    requests: dict[str, int] = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.path in REVOKE_THE_TOKEN:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # no invalid request exists for it; a tus PATCH body is raw bytes it cannot make
            with contextlib.suppress(Unsatisfiable, SerializationNotPossible):
                fuzz(operation, mode, token=token, failures=failures, requests=requests)
    print(f"schemathesis: {sum(requests.values())} requests over {len(requests)} operations")
    assert not failures, "\n\n".join(failures[:20]) + f"\n({len(failures)} failures)"


def fuzz(
    operation: Any,
    mode: GenerationMode,
    *,
    token: str,
    failures: list[str],
    requests: dict[str, int],
) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.generate],
    )
    def send(case: Any) -> None:
        requests[operation.label] = requests.get(operation.label, 0) + 1
        try:
            case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
        except FailureGroup as group:  # every check that failed, with the request
            failures.append(f"{operation.label} [{mode.value}]: {group}"[:1200])

    send()


@pytest.mark.skipif(not STATEFUL, reason="the longer run only: make fuzz")
def test_sequences_following_the_links_answer_as_documented_and_never_500(
    api_schema, token: str
) -> None:  # noqa: ANN001
    schema = api_schema.exclude(path=sorted(REVOKE_THE_TOKEN))
    workflow = schema.as_state_machine()
    links = schema.statistic.transitions.selected
    requests: dict[str, int] = {}
    statuses: dict[int, int] = {}

    class Scenarios(workflow):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Token {token}"}}

        def after_call(self, response: Any, case: Any) -> None:
            label = case.operation.label
            requests[label] = requests.get(label, 0) + 1
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    try:
        Scenarios.run(
            settings=settings(
                max_examples=STATEFUL_SCENARIOS,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
                stateful_step_count=10,
            )
        )
    finally:
        print(
            f"schemathesis stateful: {sum(requests.values())} requests over {len(requests)} "
            f"operations, {links} links, statuses {dict(sorted(statuses.items()))}"
        )
