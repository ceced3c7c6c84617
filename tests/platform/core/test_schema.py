"""The OpenAPI schema and its interactive docs: what API clients and the UI's types come from."""

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LISTS = {
    "/api/v1/datasets/": "PaginatedDatasetOutputList",
    "/api/v1/specs/": "PaginatedSpecOutputList",
    "/api/v1/jobs/": "PaginatedJobOutputList",
    "/api/v1/models/": "PaginatedTrainedModelOutputList",
}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:  # noqa: ANN001
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_generates_without_warnings(tmp_path) -> None:  # noqa: ANN001
    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_list_endpoints_are_documented_as_cursor_pages_with_limit(schema: dict) -> None:
    for path, page in LISTS.items():
        get = schema["paths"][path]["get"]
        assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{page}"
        }, path
        assert {p["name"] for p in get["parameters"]} >= {"limit", "cursor"}, path
        properties = schema["components"]["schemas"][page]["properties"]
        assert set(properties) == {"count", "count_exact", "next", "previous", "results"}


def test_job_and_dataset_statuses_have_stable_enum_names(schema: dict) -> None:
    enums = schema["components"]["schemas"]
    assert enums["JobStatusEnum"]["enum"] == [
        "queued",
        "running",
        "succeeded",
        "failed",
        "cancelled",
        "pruned",  # a sweep's trial stopped early
    ]
    assert enums["DatasetStatusEnum"]["enum"] == ["processing", "ready", "invalid"]


def test_interactive_docs_are_served_without_internet(api) -> None:  # noqa: ANN001
    page = api.get("/api/docs/").content.decode()

    assert "swagger-ui" in page
    assert "cdn." not in page and "unpkg" not in page
