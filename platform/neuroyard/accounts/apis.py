"""Sign-in endpoints: API tokens for scripts, a CSRF-checked session login for the web UI."""

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from neuroyard.accounts.tokens import token_issue
from neuroyard.core.errors import DomainError


def _authenticated_user(request: Request, data: serializers.Serializer) -> Any:
    data.is_valid(raise_exception=True)
    user = authenticate(request=request._request, **data.validated_data)
    if user is None:
        raise DomainError("invalid_credentials", "The username or password is wrong.", status=401)
    return user


class TokenApi(APIView):
    """Trade a username and password for the API token scripts send as `Authorization: Token`."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    class Input(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=1024, style={"input_type": "password"})

    class Output(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=Input, responses=Output)
    def post(self, request: Request) -> Response:
        user = _authenticated_user(request, self.Input(data=request.data))
        return Response({"token": token_issue(user=user).key})


class MeApi(APIView):
    class Output(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        is_staff = serializers.BooleanField()

    @extend_schema(responses=Output)
    def get(self, request: Request) -> Response:
        return Response(self.Output(request.user).data)


class CsrfApi(APIView):
    """Sets the `csrftoken` cookie; the UI echoes it in `X-CSRFToken` on every write."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    class Output(serializers.Serializer):
        csrf_token = serializers.CharField()

    @extend_schema(responses=Output)
    @method_decorator(ensure_csrf_cookie)
    def get(self, request: Request) -> Response:
        return Response({"csrf_token": get_token(request._request)})


class LoginApi(APIView):
    """Session login for the web UI. CSRF-checked even though nobody is logged in yet, so another
    site cannot log a visitor's browser into an account of its choosing."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(request=TokenApi.Input, responses=MeApi.Output)
    def post(self, request: Request) -> Response:
        try:
            SessionAuthentication().enforce_csrf(request._request)
        except exceptions.PermissionDenied as exc:
            raise DomainError(
                "csrf_failed",
                f"{exc.detail} Reload the page and try again.",
                status=status.HTTP_403_FORBIDDEN,
            ) from None
        user = _authenticated_user(request, TokenApi.Input(data=request.data))
        login(request._request, user)  # also rotates the CSRF token
        return Response(MeApi.Output(user).data)


class LogoutApi(APIView):
    """Ends the session, or deletes the token the request came with. Session users must send
    the CSRF token; logging out twice is fine."""

    permission_classes = [AllowAny]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, Token):
            request.auth.delete()
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
