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
from django.utils import timezone
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

from cppcc_portal.core import tokens, two_factor
from cppcc_portal.core.api_fields import ModelFieldsMixin
from cppcc_portal.core.errors import DomainError, NotFoundError, PermissionDeniedError

# One stable code per HTTP error, whatever raised it (DRF, Django or our services).
STATUS_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
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
    if isinstance(exc, NotFoundError):
        extra = {"field": exc.field} if exc.field else {}
        return Response(_body(exc.code, exc.message, **extra), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DomainError):
        # A rule about one field of the body is bad input (400); a rule about the object's current
        # state (a workflow step, a deadline, a duplicate) refuses a well-formed request (409).
        extra = {"field": exc.field} if exc.field else {}
        answer = status.HTTP_409_CONFLICT if exc.conflict else status.HTTP_400_BAD_REQUEST
        return Response(_body(exc.code, exc.message, **extra), status=answer)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(_body("invalid", detail), status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        if _only_missing_objects(exc.get_codes()):
            # Every complaint is "no such object": the body is well formed but names an object
            # that does not exist or that this user may not see, like an id in the path.
            response.status_code = status.HTTP_404_NOT_FOUND
            response.data = _body("not_found", response.data)
            return response
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


MISSING_OBJECT_CODES = {"does_not_exist"}


def _only_missing_objects(codes) -> bool:
    """Whether a serializer's error codes (nested dicts and lists) are all 'no such object'."""
    if isinstance(codes, dict):
        return bool(codes) and all(_only_missing_objects(value) for value in codes.values())
    if isinstance(codes, list):
        return bool(codes) and all(_only_missing_objects(value) for value in codes)
    return codes in MISSING_OBJECT_CODES


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


class PortalModelSerializer(ModelFieldsMixin, serializers.ModelSerializer):
    """A ModelSerializer with strict JSON types (see api_fields) whose read-only choice fields
    still say they may be blank.

    DRF drops `allow_blank` from read-only fields, so the schema would promise one of the choices
    where the row holds '' (a proposal not converted, a report not adopted)."""

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        blank_choice = bool(kwargs.get("allow_blank")) and "choices" in kwargs
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank_choice and kwargs.get("read_only"):
            kwargs["allow_blank"] = True
        return kwargs


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
    "400": "Invalid input: a field breaks a rule (code 'invalid' with field messages, or a rule's code and field)",
    "401": "Not authenticated",
    "403": "Authenticated but not allowed",
    "404": "No such object (in the path, or named by an id in the body or a query), or not visible to this user",
    "405": "Method not allowed",
    "429": "Too many requests",
}
# Only requests that change something can conflict with the state of what they change, or send an
# Idempotency-Key (core/idempotency.py).
CONFLICT_DESCRIPTION = (
    "The request is well formed but the object's current state refuses it (a workflow step that is "
    "not allowed now, a passed deadline, something already done, a date outside the terms on record, "
    "a check-in code no longer valid); the code names the rule. Also "
    "for an Idempotency-Key still running (idempotency_in_progress) or used for a different "
    "request (idempotency_key_reused)"
)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# gunicorn answers a request line over its limit (4094 bytes) itself, as HTML, before Django.
URI_TOO_LONG = {"description": "Request-URI too long (answered by the web server, not as JSON)"}


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
                        "again; 409 while the first still runs or if the key named another request."
                    ),
                )
            )
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        pattern = getattr(field, "schema_pattern", None)
        if pattern and isinstance(schema, dict):
            schema["pattern"] = pattern
        if (
            isinstance(field, serializers.FileField)
            and not field.read_only
            and not field.allow_empty_file
            and isinstance(schema, dict)
        ):
            # DRF refuses an empty upload ("The submitted file is empty"): the schema says so.
            schema["minLength"] = 1
        return schema

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if not body:
            return body
        # A body given as a raw schema (a condition between fields) is always required.
        request = self.get_request_serializer()
        if isinstance(request, dict) and all(isinstance(v, dict) for v in request.values()):
            body["required"] = True
        return body

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response" or not self.path.startswith("/api/v1/"):
            return responses
        for code, description in ERROR_DESCRIPTIONS.items():
            if code in responses:
                continue
            body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            body["description"] = description
            responses[code] = body
        responses.setdefault("414", URI_TOO_LONG)
        if self.method in WRITE_METHODS and "409" not in responses:
            body = self._get_response_for_code(ErrorSerializer, "409", direction=direction)
            body["description"] = CONFLICT_DESCRIPTION
            responses["409"] = body
        return responses


def _blank_alternative_any_of(node) -> None:
    """drf-spectacular writes a text that may be blank as oneOf [the rules, a string of length 0];
    '' can pass both (the rules allow it too), which oneOf forbids: anyOf says what is meant."""
    if isinstance(node, dict):
        alternatives = node.get("oneOf")
        if isinstance(alternatives, list) and {"type": "string", "maxLength": 0} in alternatives:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _blank_alternative_any_of(value)
    elif isinstance(node, list):
        for value in node:
            _blank_alternative_any_of(value)


def portal_schema_hook(result, generator, request, public):
    """drf-spectacular hook: blank-or-rules texts as anyOf, and every query parameter sent as one
    `name=value` (explode off).

    No API parameter takes a list or an object; with `explode: false` a client (or a fuzzer)
    that sends one anyway writes `name=a,b`, which the parameter's own parsing refuses, instead
    of `a=…&b=…`, which would silently drop the parameter."""
    _blank_alternative_any_of(result.get("components", {}))
    _blank_alternative_any_of(result.get("paths", {}))
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "query":
                    parameter["style"] = "form"
                    parameter["explode"] = False
    return result


class InvalidCredentials(exceptions.AuthenticationFailed):
    """Wrong username or password: 401, like any other failed authentication."""

    default_code = "invalid_credentials"
    default_detail = _lazy("Unable to log in with the username and password given.")


class TwoFactorRequired(exceptions.AuthenticationFailed):
    """The account signs in with a second factor: the token exchange needs its current code too."""

    default_code = "two_factor_required"
    default_detail = _lazy(
        "This account signs in with two-factor login: send otp_code, the code your app shows."
    )


class TokenThrottle(ScopedRateThrottle):
    scope_attr = "throttle_scope"


class ObtainTokenView(APIView):
    """Exchange a username and password for the user's API token (created on first use)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]
    throttle_scope = "token"
    serializer_class = AuthTokenSerializer

    def get_authenticate_header(self, request):
        # The challenge makes a failed exchange a 401 (DRF turns a header-less one into a 403).
        return "Token"

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
        user = serializer.validated_data["user"]
        # The token would otherwise be a way round two-factor login (core.two_factor).
        if two_factor.pending_step(user) is not None and not two_factor.verify_for_api(
            user, str(request.data.get("otp_code", ""))
        ):
            raise TwoFactorRequired()
        token = tokens.token_issue(user=user)
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
        # This try counted as a failure too, so the lock runs a full cool-off from now.
        "locked_until": timezone.localtime(timezone.now() + cool_off) if cool_off else None,
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
