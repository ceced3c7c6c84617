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


def test_downloads_are_documented_as_the_media_types_they_are_served_as(schema: dict) -> None:
    from neuroyard.jobs.artifacts import ARTIFACT_MEDIA_TYPES

    artifact = schema["paths"]["/api/v1/artifacts/{artifact_id}/download/"]["get"]["responses"]
    model = schema["paths"]["/api/v1/models/{model_id}/download/"]["get"]["responses"]

    for status in ("200", "206"):
        assert list(artifact[status]["content"]) == list(ARTIFACT_MEDIA_TYPES)
        assert list(model[status]["content"]) == ["application/octet-stream", "application/zip"]
    assert "image/png" in ARTIFACT_MEDIA_TYPES and "text/csv" in ARTIFACT_MEDIA_TYPES
    assert "416" in artifact and "416" in model


def test_every_operation_that_reads_a_body_documents_415_and_no_other_does(schema: dict) -> None:
    with_body = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            reads_a_body = "requestBody" in operation
            assert ("415" in operation["responses"]) == reads_a_body, (method, path)
            with_body += [(method, path)] if reads_a_body else []
    assert ("post", "/api/v1/specs/validate/") in with_body
    assert ("patch", "/api/v1/datasets/uploads/{upload_id}/") in with_body


def test_a_body_of_a_media_type_the_operation_does_not_read_answers_415(api) -> None:  # noqa: ANN001
    response = api.post("/api/v1/specs/validate/", "<spec/>", content_type="application/xml")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_the_event_stream_is_in_the_schema(schema: dict) -> None:
    stream = schema["paths"]["/api/v1/jobs/{job_id}/events/"]["get"]
    assert list(stream["responses"]["200"]["content"]) == ["text/event-stream"]
