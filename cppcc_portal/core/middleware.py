"""Site-wide middleware: Permissions-Policy header, per-user language, request context for audit rows."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from cppcc_portal.core.passwords import SESSION_FLAG as PASSWORD_FLAG
from cppcc_portal.core.request_context import (
    reset_current_ip,
    reset_current_user,
    set_current_ip,
    set_current_user,
)
from cppcc_portal.core.roles import is_administrator_only
from cppcc_portal.core.two_factor import ENROL
from cppcc_portal.core.two_factor import SESSION_FLAG as TWO_FACTOR_FLAG


class PermissionsPolicyMiddleware:
    """No camera, microphone or location for any page (the CSP itself is django-csp's, see settings)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class PortalLocaleMiddleware:
    """Chinese unless the person chose otherwise (language cookie), whatever the browser asks for.

    Django's LocaleMiddleware would follow Accept-Language, and an office PC with an English
    browser would then show the portal in English; the office asked for Chinese by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        patch_vary_headers(response, ("Cookie",))
        return response


class UserLanguageMiddleware:
    """Activate the language a logged-in user chose (LocaleMiddleware covers everyone else)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = request.session.get("portal_language")
            if language is None:
                from cppcc_portal.core.models import UserPreference

                # Once per session, with the 长辈版 choice (core.preferences; base.html's body class).
                pref = UserPreference.objects.filter(user=user).values_list("language", "elder_mode")
                language, elder_mode = next(iter(pref), (settings.LANGUAGE_CODE, False))
                request.session["portal_language"] = language
                request.session["portal_elder_mode"] = elder_mode
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
        if proxies and forwarded:
            ip = forwarded.split(",")[-proxies].strip()
        else:
            ip = request.META.get("REMOTE_ADDR")
        token = set_current_ip(ip)
        user_token = set_current_user(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            reset_current_user(user_token)
            reset_current_ip(token)


class AccessGatesMiddleware:
    """What a signed-in user may reach before anything else, three gates in this order (one
    middleware, not three: every request passes all of them):

    1. Two-factor login (core.two_factor): after the password, a user who owes a second factor sees
       only its pages. Enrolled users give a code; staff, leaders and administrators without a
       device set one up. What is owed is decided once at sign-in and kept in the session.
    2. A password change (core.passwords): a user who must set a new password (first sign-in, or
       too old) sees nothing else until then; decided at sign-in and kept in the session.
    3. 三员分立: the system administrator, security administrator and auditor reach the admin (where
       their permissions decide what they see) and their own account pages, never the business
       pages or the API, so none of them reads business data through a page that a role check
       would allow to any signed-in user (the work plan, the inbox …).
    """

    TWO_FACTOR_ALLOWED = (
        "/accounts/two-factor/",
        "/accounts/login/",
        "/accounts/logout/",
        "/static/",
        "/language/",
        "/favicon.ico",
        "/healthz",
        "/readyz",
    )
    PASSWORD_ALLOWED = ("/accounts/", "/static/", "/language/", "/favicon.ico", "/healthz", "/readyz")
    ADMINISTRATOR_ALLOWED = (
        "/admin/",
        "/accounts/",
        "/static/",
        "/language/",
        "/favicon.ico",
        "/healthz",
        "/readyz",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return (
            self._two_factor_owed(request)
            or self._password_change_owed(request)
            or self._administrator_scope(request)
            or self.get_response(request)
        )

    def _two_factor_owed(self, request):
        step = request.session.get(TWO_FACTOR_FLAG)
        if not step or request.path.startswith(self.TWO_FACTOR_ALLOWED):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "two_factor_required", "detail": _("Complete the two-factor login first.")},
                status=403,
            )
        page = "two_factor_setup" if step == ENROL else "two_factor_verify"
        return redirect_to_login(request.get_full_path(), reverse(page), "next")

    def _password_change_owed(self, request):
        if not request.session.get(PASSWORD_FLAG) or request.path.startswith(self.PASSWORD_ALLOWED):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "password_change_required", "detail": _("Change your password first.")},
                status=403,
            )
        messages.info(request, _("Please set a new password of your own before you go on."))
        return redirect_to_login(request.get_full_path(), reverse("password_change"), "next")

    def _administrator_scope(self, request):
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or request.path == "/"
            or request.path.startswith(self.ADMINISTRATOR_ALLOWED)
            or not is_administrator_only(user)
        ):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "permission_denied", "detail": _("Administrators do not use the API.")},
                status=403,
            )
        raise PermissionDenied


class ApiRepeatedQueryMiddleware:
    """Refuse an API request that gives a query parameter twice (`?page=1&page=2`).

    The schema documents every query parameter as one value; Django would silently keep the last
    one, so a caller could believe a filter applied that did not. No API parameter is a list yet:
    one that becomes a list is named in REPEATABLE_QUERY_PARAMETERS.
    """

    REPEATABLE_QUERY_PARAMETERS: frozenset[str] = frozenset()

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/v1/"):
            repeated = sorted(
                name
                for name, values in request.GET.lists()
                if len(values) > 1 and name not in self.REPEATABLE_QUERY_PARAMETERS
            )
            if repeated:
                message = _("Give this parameter once.")
                return JsonResponse(
                    {"code": "invalid", "detail": {name: [message] for name in repeated}}, status=400
                )
        return self.get_response(request)
