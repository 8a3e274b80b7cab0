"""The composition root's URL map: each app mounts its pages, unit pages and API here."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cppcc_portal.core import account_views, two_factor_views
from cppcc_portal.core import api as core_api
from cppcc_portal.core import history as core_history
from cppcc_portal.core import sessions as core_sessions
from cppcc_portal.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on every site; answer it rather than log a 404 on each page.
    path("favicon.ico", RedirectView.as_view(url=static("core/favicon.png"), permanent=True), name="favicon"),
    path("readyz", core_views.readyz, name="readyz"),
    path("language/", core_views.set_language, name="set_language"),
    path("elder-mode/", core_views.set_elder_mode, name="elder_mode"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", two_factor_views.verify, name="two_factor_verify"),
    path("accounts/session/", core_sessions.session_status, name="session_status"),
    path("accounts/token/", core_api.token_page, name="api_token"),
    path("accounts/committee/", core_views.committee_choose, name="committee_choose"),
    path("history/<str:app_label>/<str:model>/<str:pk>/", core_history.history, name="history"),
    path("admin/", admin.site.urls),
    path("plan/", include("workplan.urls")),
    path("portal/notifications/", include("cppcc_portal.core.notifications.urls")),
    path("portal/", include("members.urls")),
    path("portal/", include("meetings.portal_urls")),
    path("meetings/", include("meetings.urls")),
    path("portal/", include("proposals.urls")),
    path("portal/", include("supervision.urls")),
    path("portal/", include("consultations.urls")),
    path("units/", include("proposals.unit_urls")),
    path("units/", include("supervision.unit_urls")),
    path("units/", include("consultations.unit_urls")),
    path("dashboard/", include("cppcc_portal.dashboard.urls")),
    path("api/v1/auth/token/", core_api.ObtainTokenView.as_view(), name="api-token"),
    path("api/v1/", include("workplan.api.urls")),
    path("api/v1/", include("members.api.urls")),
    path("api/v1/", include("meetings.api.urls")),
    path("api/v1/", include("proposals.api.urls")),
    path("api/v1/", include("supervision.api.urls")),
    path("api/v1/", include("consultations.api.urls")),
    path("api/v1/", include("cppcc_portal.core.notifications.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script from a URL, so the page runs under `script-src 'self'`.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="core/swagger_ui.html"),
        name="api-docs",
    ),
]

# Errors outside DRF views: JSON under /api/, the portal's pages elsewhere.
handler404 = "cppcc_portal.core.api.not_found"
handler403 = "cppcc_portal.core.api.permission_denied"
handler400 = "cppcc_portal.core.api.bad_request"
handler500 = "cppcc_portal.core.api.server_error"
