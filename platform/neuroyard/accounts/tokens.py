"""API tokens: DRF's Token rows (`Authorization: Token ...`), valid for
NEUROYARD_TOKEN_TTL_SECONDS after they are issued, deleted on logout and when the password changes.

Nothing else reads or writes Token rows; the event stream and the body-size middleware ask
`token_user` too, so every way in honours the same expiry.

A token's row and its user are remembered in Redis for TOKEN_CACHE_SECONDS (JSON, under a hash
of the key; never the password hash), so that a script polling a job costs one Redis read
rather than a database query (issue 13). Every web process shares the entry, and it goes the
moment the token is deleted (logout, password change, expiry, the user deleted) or the user is
saved (made inactive, made staff or not), so nothing is honoured that the database has
withdrawn. Only a bulk `QuerySet.update()` of users, which sends no signal, waits out the
entry's lifetime. Without Redis every request reads the database, as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime, timedelta
from typing import Any

import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from neuroyard.core.redis_clients import redis_client
from neuroyard.core.selectors import loaded

log = logging.getLogger(__name__)

TOKEN_CACHE_SECONDS = 60
# what a request needs of its user; anything else loads from the database when it is read
_USER_FIELDS = ("id", "username", "is_active", "is_staff", "is_superuser")


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


def _redis() -> redis.Redis:
    return redis_client(socket_timeout=1)


def _cache_key(key: str) -> str:
    return "neuroyard:token:" + hashlib.sha256(key.encode()).hexdigest()


def _remembered(key: str) -> Token | None:
    try:
        cached = _redis().get(_cache_key(key))
    except redis.RedisError:
        return None
    if cached is None:
        return None
    entry = json.loads(cached)
    user = loaded(get_user_model(), entry["user"])
    created = datetime.fromisoformat(entry["created"])
    token = loaded(Token, {"key": key, "user_id": user.pk, "created": created})
    token.user = user
    return token


def _remember(token: Token) -> None:
    entry = {
        "created": token.created.isoformat(),
        "user": {name: getattr(token.user, name) for name in _USER_FIELDS},
    }
    try:
        _redis().set(_cache_key(token.key), json.dumps(entry), ex=TOKEN_CACHE_SECONDS)
    except redis.RedisError:
        log.warning("could not remember a token in Redis; tokens are read from the database")


def forget_token(key: str) -> None:
    try:
        _redis().delete(_cache_key(key))
    except redis.RedisError:  # the entry expires by itself; say so, as it is honoured till then
        log.error("could not forget a deleted token in Redis (for %ss)", TOKEN_CACHE_SECONDS)


def token_get(key: str) -> Token | None:
    """The token with this key and its user, from Redis or the database; None if unknown."""
    token = _remembered(key)
    if token is None:
        token = Token.objects.select_related("user").filter(key=key).first()
        if token is not None:
            _remember(token)
    return token


def token_user(key: str) -> Any | None:
    """The active user a token key belongs to, or None (unknown, expired, inactive user)."""
    token = token_get(key)
    if token is None or token_expired(token) or not token.user.is_active:
        return None
    return token.user


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        # DRF's checks and messages, on the cached lookup
        token = token_get(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(
                "The token has expired; ask for a new one at /api/v1/auth/token/."
            )
        return token.user, token


def forget_deleted_token(sender: type, instance: Token, **kwargs: Any) -> None:
    """A post_delete receiver for Token: logout, password change, expiry, a deleted user."""
    forget_token(instance.key)


def forget_tokens_of_saved_user(
    sender: type, instance: Any, raw: bool = False, **kwargs: Any
) -> None:
    """A post_save receiver for the user model: whatever changed, the next request reads it."""
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return  # a login's stamp changes nothing a token request reads
    for key in Token.objects.filter(user_id=instance.pk).values_list("key", flat=True):
        forget_token(key)


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
