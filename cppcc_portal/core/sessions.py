"""Session control (等保 2.0 会话控制): an idle timeout with a warning before it, and one live session
per account.

- Idle: each request notes the time in the session; a request after SESSION_IDLE_MINUTES without
  one ends the session (deleted from the store, so its cookie is worth nothing afterwards) and sends
  the person to the login page saying why. The page script (static/core/js/idle_timeout.js) asks
  `session_status` how long is left and warns SESSION_IDLE_WARNING_SECONDS before the end.
- One live session: a sign-in deletes the account's previous session from the store and remembers
  a digest of its key; the old device's next request finds its session gone, and the digest tells
  the page to say that the account signed in elsewhere.
"""

from __future__ import annotations

import hashlib
import time
from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from cppcc_portal.core.audit import record_event
from cppcc_portal.core.models import AccountSession

LAST_SEEN = "last_seen"
# The time of the last request is written at most this often (each write is a session save).
TOUCH_EVERY = 60
# Requests that only ask (the warning script, health probes) do not count as activity.
PASSIVE_PATHS = ("/accounts/session/", "/static/", "/healthz", "/readyz", "/favicon.ico")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def idle_seconds() -> int:
    return settings.SESSION_IDLE_MINUTES * 60


def on_login(sender, request, user, **kwargs) -> None:
    """Start the idle clock, and end the account's other session if one is live."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_SEEN] = int(time.time())
    if not settings.SESSION_ONE_PER_ACCOUNT:
        return
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    with transaction.atomic():
        live, _created = AccountSession.objects.select_for_update().get_or_create(user=user)
        old = live.session_key
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        # A session that ended by itself (logout, timeout, this browser's own earlier login) is not news.
        if old and old != key and store.exists(old):
            store.delete(old)
            live.ended_key_digest, live.ended_at = _digest(old), timezone.now()
            record_event(
                actor=user, action="session.superseded", obj=user, note=_("signed in on another device")
            )
        live.session_key, live.started_at = key, timezone.now()
        live.save()


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(on_login, dispatch_uid="core.sessions.on_login")


def remaining(request) -> int:
    """Seconds until the session ends for want of a request."""
    last = request.session.get(LAST_SEEN)
    if last is None:
        return idle_seconds()
    return max(0, int(last) + idle_seconds() - int(time.time()))


def _to_login(request, message: str):
    messages.warning(request, message)
    if request.path == reverse("session_status"):
        # The warning script asked: it reloads the page, which then lands on the login page.
        return JsonResponse({"signed_in": False, "remaining": 0})
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "session_ended", "detail": message}, status=401)
    login = reverse("login")
    target = login if request.method != "GET" else f"{login}?{urlencode({'next': request.get_full_path()})}"
    return HttpResponseRedirect(target)


class SessionControlMiddleware:
    """Ends idle sessions and tells a device whose session a newer sign-in ended (see module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        passive = request.path.startswith(PASSIVE_PATHS)
        if user is not None and user.is_authenticated:
            if LAST_SEEN in request.session and remaining(request) <= 0:
                record_event(actor=user, action="session.idle_timeout", obj=user)
                minutes = settings.SESSION_IDLE_MINUTES
                logout(request)
                return _to_login(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity. Please sign in again.")
                    % {"minutes": minutes},
                )
            now = int(time.time())
            if not passive and now - request.session.get(LAST_SEEN, 0) >= TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        elif not passive:
            ended = self._ended_elsewhere(request)
            if ended is not None:
                response = _to_login(
                    request,
                    _(
                        "You were signed out because your account signed in on another device or browser "
                        "at %(time)s. If that was not you, change your password and tell the office."
                    )
                    % {"time": formats.date_format(timezone.localtime(ended), "Y-m-d H:i")},
                )
                # The dead cookie goes, so the login page after the redirect does not say it again.
                response.delete_cookie(settings.SESSION_COOKIE_NAME)
                return response
        return self.get_response(request)

    @staticmethod
    def _ended_elsewhere(request):
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not key or not settings.SESSION_ONE_PER_ACCOUNT or not request.session.is_empty():
            return None
        return (
            AccountSession.objects.filter(ended_key_digest=_digest(key))
            .values_list("ended_at", flat=True)
            .first()
        )


def session_status(request):
    """For the warning script: seconds left before the idle timeout; a POST counts as activity."""
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"signed_in": False, "remaining": 0})
    if request.method == "POST":
        request.session[LAST_SEEN] = int(time.time())
    return JsonResponse({"signed_in": True, "remaining": remaining(request)})
