"""`make run`'s banner says where the admin's password is, and never prints one it was given."""

from __future__ import annotations

import pytest

from neuroyard.devstack import _login_hint


def test_a_given_password_is_named_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEUROYARD_ADMIN_PASSWORD", "a-Long-secret-4711")
    hint = _login_hint()
    assert "NEUROYARD_ADMIN_PASSWORD" in hint
    assert "a-Long-secret-4711" not in hint
    assert "printed" not in hint


def test_without_one_the_banner_points_at_the_generated_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NEUROYARD_ADMIN_PASSWORD", raising=False)
    assert "printed when the admin was created" in _login_hint()
