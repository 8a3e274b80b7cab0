"""API conventions shared by every app.

Every error leaves the API as JSON `{"code": <stable code>, "detail": <message in the user's
language>}` (validation errors carry a dict of field messages as detail). The schema class adds
these error responses to every operation, so the published schema matches what the server says.
A user gets their token from `POST /api/v1/auth/token/` or the page `accounts/token/`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import defaults
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from cppcc_portal.core import tokens
from cppcc_portal.core.errors import DomainError, PermissionDeniedError

# One stable code per HTTP error, whatever raised it (DRF, Django or our services).
STATUS_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    415: "unsupported_media_type",
    429: "throttled",
}


def _body(code: str, detail, **extra) -> dict:
    body = {"code": code, "detail": detail}
    body.update(extra)
    return body


def exception_handler(exc, context):
    """Turn any exception an API view raises into `{"code", "detail"}` JSON with the right status."""
    if isinstance(exc, PermissionDeniedError):
        return Response(_body(exc.code, exc.message), status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainError):
        extra = {"field": exc.field} if exc.field else {}
        return Response(_body(exc.code, exc.message, **extra), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(_body("invalid", detail), status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _body("invalid", response.data)
        return response
    data = response.data
    detail = data.get("detail", data) if isinstance(data, dict) else data
    # DRF's error details carry its stable codes (not_found, permission_denied, not_authenticated,
    # authentication_failed, method_not_allowed, throttled, parse_error, ...).
    code = getattr(detail, "code", None) or STATUS_CODES.get(response.status_code, "error")
    extra = {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        extra["retry_after"] = int(exc.wait)
    response.data = _body(code, detail, **extra)
    return response


def not_found(request, exception=None):
    """404 for a URL nobody serves: JSON under /api/, the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(_body("not_found", _("Not found.")), status=404)
    return defaults.page_not_found(request, exception)


def permission_denied(request, exception=None):
    """403 from a plain Django view: JSON under /api/, the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            _body("permission_denied", _("You do not have permission to perform this action.")),
            status=403,
        )
    return defaults.permission_denied(request, exception)


def bad_request(request, exception=None):
    """400 from Django itself (a bad Host header, a malformed request): JSON under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse(_body("invalid", _("The request could not be understood.")), status=400)
    return defaults.bad_request(request, exception)


def server_error(request):
    """500: JSON under /api/; elsewhere the portal's static page (it must not need the database)."""
    if request.path.startswith("/api/"):
        return JsonResponse(_body("server_error", _("Something went wrong and was logged.")), status=500)
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    """A refused CSRF check (an expired form, cookies off): JSON under /api/, the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            _body("csrf_failed", _("The form expired or came from another site; reload the page.")),
            status=403,
        )
    return render(request, "403_csrf.html", status=403)


class ErrorSerializer(serializers.Serializer):
    """The body of every API error."""

    code = serializers.CharField(help_text="Stable machine-readable error code, e.g. not_found.")
    detail = serializers.JSONField(
        help_text="A message in the user's language, or for code 'invalid' an object of field messages."
    )
    field = serializers.CharField(required=False, help_text="The field a domain rule refers to.")
    retry_after = serializers.IntegerField(required=False, help_text="Seconds to wait after a 429.")


ERROR_DESCRIPTIONS = {
    "400": "Invalid input or a refused business rule",
    "401": "Not authenticated",
    "403": "Authenticated but not allowed",
    "404": "No such object, or not visible to this user",
    "405": "Method not allowed",
    "429": "Too many requests",
}
# Only a request that sends an Idempotency-Key header can get these.
IDEMPOTENCY_ERRORS = {
    "409": "A request with this Idempotency-Key is still running",
    "422": "This Idempotency-Key was used for a different request",
}


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's schema, plus the portal's documented error responses on every operation
    and the Idempotency-Key header on every writing one (core/idempotency.py)."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method in ("POST", "PUT", "PATCH", "DELETE") and self.path.startswith("/api/v1/"):
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    str,
                    OpenApiParameter.HEADER,
                    required=False,
                    description=(
                        "At most 200 characters. The same key from the same user gets the first "
                        "response replayed (header Idempotent-Replayed: true) instead of running "
                        "again; 409 while the first still runs, 422 if the key named another request."
                    ),
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response" or not self.path.startswith("/api/v1/"):
            return responses
        errors = dict(ERROR_DESCRIPTIONS)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors.update(IDEMPOTENCY_ERRORS)
        for code, description in errors.items():
            if code in responses:
                continue
            body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            body["description"] = description
            responses[code] = body
        return responses


class InvalidCredentials(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_credentials"
    default_detail = _lazy("Unable to log in with the username and password given.")


class TokenThrottle(ScopedRateThrottle):
    scope_attr = "throttle_scope"


class ObtainTokenView(APIView):
    """Exchange a username and password for the user's API token (created on first use)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]
    throttle_scope = "token"
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: inline_serializer(
                "TokenResponse",
                {
                    "token": serializers.CharField(help_text="Send as `Authorization: Token <token>`."),
                    "expires_at": serializers.DateTimeField(
                        help_text="After this the token is refused (401, code token_expired)."
                    ),
                },
            )
        },
        summary="Get your API token",
        tags=["auth"],
    )
    def post(self, request, *args, **kwargs):
        # authenticate() gets the plain Django request so django-axes counts API failures too.
        serializer = AuthTokenSerializer(data=request.data, context={"request": request._request})
        try:
            serializer.is_valid(raise_exception=True)
        except exceptions.ValidationError:
            # One message for every failure: the API does not tell which half was wrong.
            raise InvalidCredentials() from None
        token = tokens.token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key, "expires_at": tokens.token_expires_at(token)})


@login_required
def token_page(request):
    """The owner's API token (when it was made, when it expires); POST replaces or revokes it."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            tokens.tokens_revoke(user=request.user, actor=request.user, reason="revoked_by_owner")
            messages.success(
                request, _("Your API token was revoked; programs using it can no longer sign in.")
            )
        else:
            tokens.token_replace(user=request.user)
            messages.success(request, _("Your new API token is ready; the old one no longer works."))
        return redirect("api_token")
    token = Token.objects.filter(user=request.user).first()
    context = {
        "token": token,
        "expires_at": tokens.token_expires_at(token) if token else None,
        "expired": tokens.token_is_expired(token) if token else False,
        "days": settings.API_TOKEN_DAYS,
    }
    return render(request, "core/api_token.html", context)


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: JSON 429 for the API, the portal's page elsewhere."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else None
    if request.path.startswith("/api/"):
        response = JsonResponse(
            _body(
                "locked_out",
                _("Too many failed logins: try again in %(minutes)s minutes.") % {"minutes": minutes},
            ),
            status=429,
        )
        if cool_off:
            response["Retry-After"] = str(int(cool_off.total_seconds()))
        return response
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": minutes,
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
