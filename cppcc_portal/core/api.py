"""API conventions shared by every app: domain errors become 400 JSON with a stable code."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cppcc_portal.core.errors import DomainError, PermissionDeniedError


def exception_handler(exc, context):
    if isinstance(exc, PermissionDeniedError):
        return Response({"code": exc.code, "detail": exc.message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response({"code": "invalid", "detail": detail}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        code = getattr(exc, "default_code", "error")
        if "detail" in response.data:
            response.data = {
                "code": getattr(response.data["detail"], "code", code),
                "detail": response.data["detail"],
            }
        else:
            response.data = {"code": "invalid", "detail": response.data}
    return response
