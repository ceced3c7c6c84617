"""The web UI's pages: index.html for client-side routes; the API and admin stay themselves."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

INDEX = "<!doctype html><title>Neuroyard</title><div id=root></div>"


@pytest.fixture
def built_ui(settings, tmp_path):  # noqa: ANN001, ANN201
    (tmp_path / "index.html").write_text(INDEX)
    settings.NEUROYARD_FRONTEND_DIST = tmp_path
    return tmp_path


@pytest.mark.parametrize("route", ["/", "/jobs", "/jobs/4b8e7a52-0000-4000-8000-000000000000"])
def test_client_routes_get_the_app_with_a_csrf_cookie(built_ui, route):  # noqa: ANN001
    response = Client().get(route)
    assert response.status_code == 200
    assert response.content.decode() == INDEX
    assert "no-cache" in response["Cache-Control"]
    assert response.cookies["csrftoken"].value


def test_api_admin_and_static_paths_are_not_the_app(built_ui):  # noqa: ANN001
    client = Client()
    assert client.get("/api/v1/nothing-here/").status_code == 404
    assert client.get("/api/v1/auth/me/").status_code == 401
    assert client.get("/admin/").status_code == 302  # to the admin's login
    assert client.get("/static/nothing.js").status_code == 404


def test_an_unbuilt_ui_says_how_to_build_it(settings, tmp_path):  # noqa: ANN001
    settings.NEUROYARD_FRONTEND_DIST = tmp_path / "missing"
    response = Client().get("/datasets")
    assert response.status_code == 503
    assert b"make run" in response.content
