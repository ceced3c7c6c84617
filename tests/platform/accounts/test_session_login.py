"""The web UI's session login: CSRF-checked, and the session then works on the API."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import mlp_spec

pytestmark = pytest.mark.django_db

PASSWORD = "lovelace-1815"  # the `user` fixture's


def browser() -> APIClient:
    """A client that, like a browser, is held to Django's CSRF checks."""
    return APIClient(enforce_csrf_checks=True)


def csrf_token(client: APIClient) -> str:
    response = client.get("/api/v1/auth/csrf/")
    assert response.status_code == 200
    assert response.cookies["csrftoken"].value
    return response.json()["csrf_token"]


def test_login_starts_a_session_the_api_accepts(user):  # noqa: ANN001
    client = browser()
    assert client.get("/api/v1/auth/me/").status_code == 401

    response = client.post(
        "/api/v1/auth/login/",
        {"username": "ada", "password": PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN=csrf_token(client),
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"id": user.id, "username": "ada", "is_staff": False}
    assert client.get("/api/v1/auth/me/").json()["username"] == "ada"
    assert client.get("/api/v1/jobs/").status_code == 200


def test_login_without_the_csrf_token_is_refused(user):  # noqa: ANN001
    client = browser()
    csrf_token(client)  # the cookie alone, as another site could make the browser send it

    response = client.post(
        "/api/v1/auth/login/", {"username": "ada", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert client.get("/api/v1/auth/me/").status_code == 401


def test_wrong_password_is_refused_without_a_session(user):  # noqa: ANN001
    client = browser()
    response = client.post(
        "/api/v1/auth/login/",
        {"username": "ada", "password": "wrong"},
        format="json",
        HTTP_X_CSRFTOKEN=csrf_token(client),
    )
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert client.get("/api/v1/auth/me/").status_code == 401


def logged_in(user) -> APIClient:  # noqa: ANN001
    client = browser()
    client.post(
        "/api/v1/auth/login/",
        {"username": user.username, "password": PASSWORD},
        format="json",
        HTTP_X_CSRFTOKEN=csrf_token(client),
    )
    return client


def test_writes_in_a_session_need_the_csrf_token(user):  # noqa: ANN001
    client = logged_in(user)
    spec = {"name": "mlp", "spec": mlp_spec()}

    refused = client.post("/api/v1/specs/", spec, format="json")

    assert refused.status_code == 403
    token = client.cookies["csrftoken"].value  # rotated by the login
    accepted = client.post("/api/v1/specs/", spec, format="json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content


def test_logout_ends_the_session(user):  # noqa: ANN001
    client = logged_in(user)
    token = client.cookies["csrftoken"].value

    assert client.post("/api/v1/auth/logout/").status_code == 403  # no token: stays logged in
    assert client.get("/api/v1/auth/me/").status_code == 200
    assert client.post("/api/v1/auth/logout/", HTTP_X_CSRFTOKEN=token).status_code == 204
    assert client.get("/api/v1/auth/me/").status_code == 401
    assert client.get("/api/v1/jobs/").status_code == 401
