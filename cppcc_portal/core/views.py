"""Site-wide pages: the role-aware home, health probes, language choice, the 长辈版 switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cppcc_portal.core import committees, preferences, roles


@login_required
def home(request):
    """Send each person to where their work is; one seated in several committees first chooses one."""
    if (
        committees.SESSION_KEY not in request.session
        and not committees.in_address(request)
        and len(committees.for_user(request.user)) > 1
    ):
        return redirect("committee_choose")
    user_roles = roles.user_roles(request.user)
    if user_roles & set(roles.ADMINISTRATORS) and not user_roles & {roles.STAFF, roles.LEADER}:
        return redirect("admin:index")
    if roles.LEADER in user_roles or roles.STAFF in user_roles:
        return redirect("dashboard:home")
    if roles.UNIT in user_roles:
        return redirect("proposals_units:home")
    return redirect("members:portal_home")


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


def broker_reachable() -> tuple[bool, str]:
    # The project's Celery app is the current one (cppcc_portal/__init__.py creates it); core does
    # not import the composition root.
    from celery import current_app

    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return False, f"{type(exc).__name__}: {exc}"
    return True, ""


def database_reachable() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001
        return False, f"{type(exc).__name__}: {exc}"
    return True, ""


@never_cache
def readyz(request):
    checks = {"database": database_reachable(), "broker": broker_reachable()}
    failed = {name: error for name, (ok, error) in checks.items() if not ok}
    body = {
        "status": "ok" if not failed else "unavailable",
        "checks": {k: ok for k, (ok, _) in checks.items()},
    }
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)


@require_POST
def set_language(request):
    """Choose the interface language; a logged-in user keeps the choice across sessions."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if request.user.is_authenticated:
        preferences.preference_set_language(user=request.user, language=language, session=request.session)
    response = HttpResponseRedirect(_back(request))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


def _back(request) -> str:
    """The page the form was on (the `next` field), if it is one of the portal's."""
    target = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("home")
    return target


@require_POST
@login_required
def set_elder_mode(request):
    """Turn the 长辈版 on or off; the choice is the person's and follows them to every later login."""
    elder_mode = request.POST.get("elder_mode")
    if elder_mode not in ("on", "off"):
        return HttpResponseBadRequest(_("Choose on or off for the elder mode."))
    preferences.preference_set_elder_mode(
        user=request.user, elder_mode=elder_mode == "on", session=request.session
    )
    return HttpResponseRedirect(_back(request))


@login_required
def committee_choose(request):
    """Which committee to work in, for a person seated in more than one (the city and a district).

    A committee the person has no seat in is not found (404), never opened.
    """
    if request.method == "POST":
        chosen = committees.choose(request, request.POST.get("committee", ""))
        if chosen is None:
            raise Http404(_("No such committee."))
        # At an address naming a committee, go on at the chosen one's address.
        return redirect(
            committees.home_address(request, chosen) if committees.in_address(request) else "home"
        )
    return render(
        request,
        "core/committee_choose.html",
        {"choices": committees.for_user(request.user), "working_in": request.committee},
    )
