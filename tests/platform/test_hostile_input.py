"""What a stranger sends: every case answers 4xx with a stable code in the API's shape, stores
nothing and never a 500. (Bodies refused by size before they are read: core/test_body_limits.)"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from neuroyard.datasets.models import Dataset
from neuroyard.jobs.models import Job
from neuroyard.specs.models import ModelSpec
from tests.conftest import mlp_spec, text_upload
from tests.platform.registry.trained_models import registered_model
from tests.platform.specs.datasets import ready_dataset
from tests.platform.test_bad_input import assert_error, stored_files

pytestmark = pytest.mark.django_db

PASSWORD = "lovelace-1815"  # the `user` fixture's
CSV = "weight,height,label\n1,2,cat\n3,4,dog\n1,3,cat\n3,5,dog\n"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def assert_api_error(response, status: int, code: str) -> dict:  # noqa: ANN001
    body = assert_error(response, status, code)
    assert set(body) == {"code", "message", "details"}
    assert "Traceback" not in response.content.decode()
    return body


# --- JSON ------------------------------------------------------------------------------------


def test_json_nested_a_thousand_deep_is_refused_before_anyone_logs_in() -> None:
    body = '{"username": "ada", "password": ' + nested(1000) + "}"
    response = APIClient().generic(
        "POST", "/api/v1/auth/token/", body, content_type="application/json"
    )
    assert_api_error(response, 400, "malformed_request")


def test_json_nested_deeper_than_the_limit_is_refused_even_below_python_s_recursion_limit(
    api,  # noqa: ANN001
) -> None:
    body = json.dumps({"name": "deep", "spec": json.loads(nested(200))})
    response = api.generic("POST", "/api/v1/specs/", body, content_type="application/json")
    assert_api_error(response, 400, "malformed_request")
    assert ModelSpec.objects.count() == 0


def test_deep_json_in_a_form_field_is_refused(api) -> None:  # noqa: ANN001
    response = api.post(
        "/api/v1/jobs/", {"kind": "train", "params": nested(1000)}, format="multipart"
    )
    assert_api_error(response, 400, "invalid_input")
    assert Job.objects.count() == 0


# --- lengths ---------------------------------------------------------------------------------


def test_a_file_name_longer_than_a_dataset_name_is_refused(api) -> None:  # noqa: ANN001
    response = api.post(
        "/api/v1/datasets/", {"file": text_upload("d" * 250 + ".csv", CSV)}, format="multipart"
    )
    assert_api_error(response, 400, "invalid_input")
    assert Dataset.objects.count() == 0 and stored_files() == []


def test_a_long_suffix_is_an_unknown_format(api) -> None:  # noqa: ANN001
    response = api.post(
        "/api/v1/datasets/", {"file": text_upload("data." + "x" * 120, CSV)}, format="multipart"
    )
    assert_api_error(response, 400, "dataset_format_unsupported")
    assert Dataset.objects.count() == 0 and stored_files() == []


def test_a_long_suffix_with_a_declared_format_is_stored_under_a_short_name(api) -> None:  # noqa: ANN001
    upload = text_upload("data." + "x" * 120, CSV)
    response = api.post("/api/v1/datasets/", {"file": upload, "format": "csv"}, format="multipart")
    assert response.status_code == 202, response.content
    assert [path.name for path in stored_files()] == [f"{response.json()['id']}.csv"]


def test_a_model_file_name_longer_than_its_column_is_refused(api) -> None:  # noqa: ANN001
    upload = text_upload("m" * 250 + ".keras", "not a model")
    response = api.post("/api/v1/models/", {"file": upload}, format="multipart")
    assert_api_error(response, 400, "invalid_input")
    assert stored_files() == []


def test_a_very_long_username_is_refused_without_a_lookup() -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "u" * 5000, "password": "p"}, format="json"
    )
    assert_api_error(response, 400, "invalid_input")


# --- strict types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"epochs": "10"},
        {"epochs": True},
        {"epochs": 10.0},
        {"batch_size": "32"},
        {"validation_split": "0.1"},
        {"xla": 1},
        {"mixed_precision": "true"},
        {"trainable_layers": "2"},
    ],
)
def test_job_params_of_the_wrong_type_are_refused(api, params: dict) -> None:  # noqa: ANN001
    response = api.post("/api/v1/jobs/", {"kind": "train", "params": params}, format="json")
    body = assert_api_error(response, 400, "invalid_params")
    assert next(iter(params)) in body["message"]
    assert Job.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("predict", {"top_k": "5"}),
        ("deepdream", {"octaves": True}),
        ("style_transfer", {"steps": "100"}),
        ("visualize", {"kernels": "yes"}),
        ("adversarial", {"label": 1.0}),
    ],
)
def test_every_kind_s_params_are_strict(api, kind: str, params: dict) -> None:  # noqa: ANN001
    response = api.post("/api/v1/jobs/", {"kind": kind, "params": params}, format="json")
    assert_api_error(response, 400, "invalid_params")
    assert Job.objects.count() == 0


@pytest.mark.parametrize(
    "query",
    [
        "/api/v1/jobs/?status=AAA",
        "/api/v1/jobs/?kind=nope",
        "/api/v1/jobs/?cursor=null",
        "/api/v1/jobs/?limit=-1",
        "/api/v1/datasets/?cursor=1e3",
        "/api/v1/models/?limit=ten",
    ],
)
def test_query_parameters_are_strict(api, query: str) -> None:  # noqa: ANN001
    assert_api_error(api.get(query), 400, "invalid_input")


def test_good_query_parameters_still_work(api) -> None:  # noqa: ANN001
    response = api.get("/api/v1/jobs/?status=queued&kind=train&limit=5")
    assert response.status_code == 200
    assert response.json()["results"] == []


# --- every API error in the API's shape ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-thing/",
        "/api/v2/",
        "/api/v1/jobs/not-a-uuid/",
        "/api/v1/datasets/123/preview/",
        "/api/v1/models/%00/predict/",
    ],
)
def test_unknown_and_malformed_api_paths_answer_json_404(api, path: str) -> None:  # noqa: ANN001
    assert_api_error(api.get(path), 404, "not_found")


def test_an_unknown_host_is_refused_and_never_echoed(api) -> None:  # noqa: ANN001
    response = api.get("/api/v1/datasets/", HTTP_HOST="evil.example")
    assert_api_error(response, 400, "bad_request")
    assert b"evil.example" not in response.content


def test_an_error_on_our_side_is_json_without_a_traceback(api, monkeypatch) -> None:  # noqa: ANN001
    def broken(**kwargs: object) -> None:
        raise RuntimeError("secret detail")

    monkeypatch.setattr("neuroyard.datasets.apis.dataset_list", broken)
    api.raise_request_exception = False
    response = api.get("/api/v1/datasets/")
    assert_api_error(response, 500, "internal_error")
    assert b"secret detail" not in response.content


def test_debug_pages_are_off_by_default() -> None:
    from neuroyard.config import settings as project_settings

    assert project_settings.DEBUG is False
    assert "*" not in project_settings.ALLOWED_HOSTS


# --- logins ----------------------------------------------------------------------------------


def login(client: APIClient, path: str, password: str = "wrong-guess") -> object:
    fields = {"username": "ada", "password": password}
    if path == "/admin/login/":  # a form
        return client.post(path, fields)
    return client.post(path, fields, format="json")


def wrong(client: APIClient, path: str) -> object:
    return login(client, path)


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/auth/login/", "/admin/login/"])
def test_repeated_wrong_passwords_are_throttled_on_every_login_path(
    user,
    settings,
    path: str,  # noqa: ANN001
) -> None:
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert wrong(client, path).status_code in (200, 401)  # the admin form answers 200

    refused = wrong(client, path)

    body = assert_api_error(refused, 429, "throttled")
    assert int(refused["Retry-After"]) == body["details"]["retry_after_seconds"] > 0
    # the right password does not open a locked login either
    assert login(client, path, PASSWORD).status_code == 429
    assert not Token.objects.exists()


def test_another_username_from_the_same_address_is_not_locked_out(
    user, other_user, settings
) -> None:  # noqa: ANN001
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        wrong(client, "/api/v1/auth/token/")
    response = client.post(
        "/api/v1/auth/token/", {"username": "grace", "password": "hopper-1906"}, format="json"
    )
    assert response.status_code == 200, response.content


# --- tokens ----------------------------------------------------------------------------------


def token_for(client: APIClient, password: str = PASSWORD) -> str:
    response = client.post(
        "/api/v1/auth/token/", {"username": "ada", "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_a_token_works_until_it_expires(user, settings) -> None:  # noqa: ANN001
    client = APIClient()
    key = token_for(client)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/auth/me/").status_code == 200

    # its lifetime passes (the lifetime ends now rather than the clock moving on)
    token = Token.objects.get(key=key)
    settings.NEUROYARD_TOKEN_TTL_SECONDS = (timezone.now() - token.created).total_seconds()

    assert_api_error(client.get("/api/v1/auth/me/"), 401, "authentication_failed")
    assert not Token.objects.filter(key=key).exists()
    client.credentials()
    assert token_for(client) != key  # a new one is issued


def test_logout_revokes_the_token(user) -> None:  # noqa: ANN001
    client = APIClient()
    key = token_for(client)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    assert client.post("/api/v1/auth/logout/").status_code == 204

    assert_api_error(client.get("/api/v1/auth/me/"), 401, "authentication_failed")


def test_a_password_change_revokes_the_tokens(user) -> None:  # noqa: ANN001
    client = APIClient()
    key = token_for(client)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    user.set_password("a-new-password-1906")
    user.save()

    assert_api_error(client.get("/api/v1/auth/me/"), 401, "authentication_failed")


def test_saving_a_user_without_a_password_change_keeps_the_tokens(user) -> None:  # noqa: ANN001
    key = token_for(APIClient())
    user.first_name = "Ada"
    user.save()
    assert Token.objects.filter(key=key).exists()


def test_a_user_made_inactive_or_staff_is_seen_so_at_the_next_request(user) -> None:  # noqa: ANN001
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(client)}")
    assert client.get("/api/v1/auth/me/").json()["is_staff"] is False  # remembered now

    user.is_staff = True
    user.save()
    assert client.get("/api/v1/auth/me/").json()["is_staff"] is True

    user.is_active = False
    user.save()
    assert_api_error(client.get("/api/v1/auth/me/"), 401, "authentication_failed")


def test_a_known_token_is_not_read_from_the_database_again(user) -> None:  # noqa: ANN001
    client = APIClient()
    key = token_for(client)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.get("/api/v1/auth/me/")

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/auth/me/").json()["username"] == "ada"

    assert not [q for q in queries.captured_queries if "authtoken_token" in q["sql"]]


# --- ensure_admin ----------------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["x", "12345678901", "password123", "admin"])
def test_ensure_admin_refuses_a_weak_password_and_does_not_print_it(
    monkeypatch,
    capsys,
    weak: str,  # noqa: ANN001
) -> None:
    monkeypatch.setenv("NEUROYARD_ADMIN_PASSWORD", weak)

    with pytest.raises(CommandError, match="too weak") as refused:
        call_command("ensure_admin")

    assert weak not in str(refused.value)
    assert weak not in capsys.readouterr().out
    assert not get_user_model().objects.filter(username="admin").exists()


def test_ensure_admin_takes_a_strong_password_without_printing_it(monkeypatch, capsys) -> None:  # noqa: ANN001
    strong = "correct-horse-battery-staple-42"
    monkeypatch.setenv("NEUROYARD_ADMIN_PASSWORD", strong)

    call_command("ensure_admin")

    assert strong not in capsys.readouterr().out
    assert get_user_model().objects.get(username="admin").check_password(strong)


# --- the web UI ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/jobs/", "/admin/login/", "/api/docs/"])
def test_pages_carry_a_content_security_policy(path: str) -> None:
    response = APIClient().get(path)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


# --- work a small request asks for -----------------------------------------------------------


def test_a_network_whose_estimate_is_hundreds_of_gib_is_refused_at_submission(
    api,
    user,
    settings,  # noqa: ANN001
) -> None:
    settings.NEUROYARD_JOB_MEMORY_LIMIT_MB = 16 * 1024  # no worker registered: the limit decides
    dataset = ready_dataset(user, input_shape=[8], num_classes=10)
    huge = mlp_spec(inputs=8, hidden=1_000_000)  # Dense(1_000_000), at the largest batch size
    spec = api.post("/api/v1/specs/", {"name": "huge", "spec": huge}, format="json").json()["id"]
    response = api.post(
        "/api/v1/jobs/",
        {"kind": "train", "dataset": str(dataset.id), "spec": spec,
         "params": {"batch_size": 65536}},
        format="json",
    )  # fmt: skip
    body = assert_api_error(response, 400, "job_too_large")
    assert "needs about 488." in body["message"] and "at batch_size 65536" in body["message"]
    assert "16.0 GiB" in body["message"]
    assert Job.objects.count() == 0


def heavy_png(side: int) -> bytes:
    """A few kB that declare side x side pixels: cheap to send, costly to decode."""
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def test_many_decompression_heavy_pngs_to_predict_are_refused_before_any_is_decoded(
    api,
    user,
    tmp_path: Path,
    monkeypatch,  # noqa: ANN001
) -> None:
    (tmp_path / "m.keras").write_bytes(b"a model file")
    steps = {"kind": "image", "image_size": [8, 8], "color_mode": "rgb", "scale": 1 / 255}
    model = registered_model(user, tmp_path / "m.keras", input_shape=[8, 8, 3], preprocessing=steps)

    def decoded(*args: object, **kwargs: object) -> None:
        raise AssertionError("an image was decoded")

    monkeypatch.setattr("neuroyard.registry.prediction_inputs.open_image", decoded)
    png = heavy_png(6300)
    files = {f"image{i}": io.BytesIO(png) for i in range(16)}
    for i, handle in enumerate(files.values()):
        handle.name = f"{i}.png"

    response = api.post(f"/api/v1/models/{model.id}/predict/", files, format="multipart")

    body = assert_api_error(response, 413, "pixel_budget_exceeded")
    assert body["details"]["limit_pixels"] == 50_000_000


# --- names shown to people -------------------------------------------------------------------

SPOOFED = "invoice\u202egnp.exe"  # shows as "invoiceexe.png" where the override is honoured


@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
                                     "\u2067", "\u2068", "\u2069"])  # fmt: skip
def test_bidirectional_controls_are_removed_from_spec_names(api, control: str) -> None:  # noqa: ANN001
    response = api.post(
        "/api/v1/specs/", {"name": f"a{control}b", "spec": mlp_spec()}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "ab"


def test_bidirectional_controls_are_removed_from_dataset_names_given_or_from_the_file(
    api,  # noqa: ANN001
) -> None:
    named = api.post(
        "/api/v1/datasets/", {"file": text_upload("d.csv", CSV), "name": SPOOFED},
        format="multipart",
    )  # fmt: skip
    from_file = api.post(
        "/api/v1/datasets/", {"file": text_upload(f"{SPOOFED}.csv", CSV + "2,2,cat\n")},
        format="multipart",
    )  # fmt: skip
    assert named.status_code == from_file.status_code == 202, named.content
    assert named.json()["name"] == "invoicegnp.exe"
    assert "\u202e" not in from_file.json()["name"]


def test_right_to_left_letters_in_names_are_kept(api) -> None:  # noqa: ANN001
    response = api.post("/api/v1/specs/", {"name": "שלום", "spec": mlp_spec()}, format="json")
    assert response.json()["name"] == "שלום"
