"""API tokens: DRF's Token rows (`Authorization: Token ...`), valid for
NEUROYARD_TOKEN_TTL_SECONDS after they are issued, deleted on logout and when the password changes.

Nothing else reads or writes Token rows; the event stream and the body-size middleware ask
`token_user` too, so every way in honours the same expiry.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def token_expired(token: Token) -> bool:
    ttl = timedelta(seconds=settings.NEUROYARD_TOKEN_TTL_SECONDS)
    return token.created + ttl <= timezone.now()


def token_issue(*, user: Any) -> Token:
    """The user's token, a new one when there is none or it has expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and not token_expired(token):
        return token
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def tokens_revoke(*, user: Any) -> None:
    Token.objects.filter(user=user).delete()


def token_user(key: str) -> Any | None:
    """The active user a token key belongs to, or None (unknown, expired, inactive user)."""
    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or token_expired(token) or not token.user.is_active:
        return None
    return token.user


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(
                "The token has expired; ask for a new one at /api/v1/auth/token/."
            )
        return user, token


def revoke_tokens_when_the_password_changes(
    sender: type, instance: Any, raw: bool = False, **kwargs: Any
) -> None:
    """A pre_save receiver: a password changes through the admin, `changepassword`, the API or
    any `set_password` + `save`, and a signal is the one place all of them pass."""
    update_fields = kwargs.get("update_fields")
    if (
        raw
        or instance.pk is None
        or (update_fields is not None and "password" not in update_fields)
    ):
        return
    stored = get_user_model().objects.filter(pk=instance.pk).values_list("password", flat=True)
    if stored.first() not in (None, instance.password):
        tokens_revoke(user=instance)
