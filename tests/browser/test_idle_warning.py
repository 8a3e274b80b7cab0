"""The idle-timeout warning in real Chromium: it appears before the end, under the portal's CSP,
and "stay signed in" keeps the session."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser]


def test_the_idle_warning_appears_before_the_timeout_and_stay_signed_in_keeps_the_session(
    open_browser, member_user, settings
):
    settings.SESSION_IDLE_MINUTES = 1
    settings.SESSION_IDLE_WARNING_SECONDS = 57  # so the warning comes after three seconds
    visit = open_browser(user=member_user)
    visit.go(reverse("members:portal_home"))
    warning = visit.page.locator(".idle-warning")
    warning.wait_for(state="visible", timeout=10000)
    assert "秒后因长时间无操作而被退出登录" in warning.inner_text()
    with visit.page.expect_response(
        lambda r: r.url.endswith("/accounts/session/") and r.request.method == "POST"
    ):
        visit.page.get_by_role("button", name="保持登录").click()
    warning.wait_for(state="hidden", timeout=5000)
    visit.assert_clean()
