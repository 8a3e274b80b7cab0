"""A request sent twice creates one thing: API `Idempotency-Key` headers and one-time form tokens.

API: a POST/PUT/PATCH/DELETE with `Idempotency-Key: <key>` (at most 200 characters) is run once per
user and key; the same key again gets the first response replayed (header `Idempotent-Replayed:
true`), a key reused for a different request is a 409 (`idempotency_key_reused`), and one whose
first request is still running is a 409 (`idempotency_in_progress`). Both are the portal's rule for
a well-formed request that the server's current state refuses (the key is already bound), as for
any workflow conflict; the IETF draft's 422 would tell a client its request was malformed, which
it is not. Server errors are not kept, so a retry after a 500 runs again. Keys are kept for
KEEP_HOURS. A key whose request never finished (its process was killed: a web instance lost in the
middle of a burst) is given back after IDEMPOTENCY_IN_PROGRESS_SECONDS, longer than any request may
run (gunicorn's --timeout), so the client's retry runs instead of being refused for a day. If the
killed request had committed its change, the retry runs it again: the writes behind the keys the
clients retry in a burst (check-in, ballot) are idempotent themselves.

Pages: a creating form carries `{% once_token %}`; a second submission of the same token (a double
click, a reload) waits for the first to finish and is sent to its result instead of running again.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import timedelta

from django import template
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from cppcc_portal.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
FORM_FIELD = "_once"
MAX_KEY_LENGTH = 200
KEEP_HOURS = 24
# How long a repeated form submission waits for the first one before it is told to look later.
FORM_WAIT_SECONDS = 10
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def once_token_field() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FORM_FIELD, uuid.uuid4().hex)


register = template.Library()
register.simple_tag(once_token_field, name="once_token")


def _api_user(request):
    if request.user.is_authenticated:
        return request.user
    from rest_framework.request import Request

    from cppcc_portal.core.tokens import ExpiringTokenAuthentication

    try:
        found = ExpiringTokenAuthentication().authenticate(Request(request))
    except Exception:  # noqa: BLE001 - a bad token: the view answers 401 itself
        return None
    return found[0] if found else None


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if not request.content_type.startswith("multipart/"):
        digest.update(request.body)
    return digest.hexdigest()


def _error(code: str, detail: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in UNSAFE:
            return self.get_response(request)
        api = request.path.startswith("/api/")
        if api:
            key = request.headers.get(HEADER, "")
            user = _api_user(request) if key else None
        else:
            key = request.POST.get(FORM_FIELD, "") if request.method == "POST" else ""
            user = request.user if key and request.user.is_authenticated else None
        if not key or user is None:
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return _error("invalid", _("The Idempotency-Key header is longer than 200 characters."), 400)
        key = ("api:" if api else "form:") + key
        fingerprint = _fingerprint(request)
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint)
        except IntegrityError:
            return self._repeat(request, user, key, fingerprint, api)
        IdempotencyKey.objects.filter(
            user=user, created_at__lt=timezone.now() - timedelta(hours=KEEP_HOURS)
        ).delete()
        try:
            response = self.get_response(request)
        except BaseException:
            record.delete()
            raise
        self._keep(record, response, api)
        return response

    def _keep(self, record: IdempotencyKey, response, api: bool) -> None:
        if api and response.status_code < 500 and not response.streaming:
            record.status_code = response.status_code
            record.content_type = response.get("Content-Type", "")[:100]
            record.body = response.content.decode("utf-8", errors="replace")
            record.location = response.get("Location", "")[:500]
            record.save(update_fields=["status_code", "content_type", "body", "location"])
        elif not api and 300 <= response.status_code < 400:
            record.status_code = response.status_code
            record.location = response.get("Location", "")[:500]
            record.save(update_fields=["status_code", "location"])
        else:
            # A form shown again with its errors, or a server error: the same request may run again.
            record.delete()

    def _repeat(self, request, user, key: str, fingerprint: str, api: bool):
        record = IdempotencyKey.objects.filter(user=user, key=key).first()
        stale = timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_IN_PROGRESS_SECONDS)
        if record is not None and record.status_code is None and record.created_at < stale:
            # The first request's process died before it finished: give the key back, once (two
            # retries at the same moment: one deletes it, the other finds it taken again).
            if IdempotencyKey.objects.filter(pk=record.pk, status_code__isnull=True).delete()[0]:
                return self(request)
            record = IdempotencyKey.objects.filter(user=user, key=key).first()
        if not api:
            deadline = time.monotonic() + FORM_WAIT_SECONDS
            while record is not None and record.status_code is None and time.monotonic() < deadline:
                time.sleep(0.1)
                record = IdempotencyKey.objects.filter(pk=record.pk).first()
            if record is not None and record.status_code is not None:
                messages.info(request, _("This form had already been sent; here is what it did."))
                return redirect(record.location or request.path)
            messages.info(request, _("This form is being sent already; please check in a moment."))
            return redirect(request.path)
        if record is None:  # the first request failed and gave its key back meanwhile
            return _error(
                "idempotency_in_progress", _("A request with this Idempotency-Key is running."), 409
            )
        if record.fingerprint != fingerprint:
            return _error(
                "idempotency_key_reused",
                _("This Idempotency-Key was used for a different request."),
                409,
            )
        if record.status_code is None:
            return _error(
                "idempotency_in_progress", _("A request with this Idempotency-Key is running."), 409
            )
        response = HttpResponse(record.body, status=record.status_code, content_type=record.content_type)
        if record.location:
            response["Location"] = record.location
        response["Idempotent-Replayed"] = "true"
        return response
