"""Each actor's main journey in real Chromium, on a phone or a desktop, with nothing from outside."""

import pytest

from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD
from tests.factories import ItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_member_logs_in_on_a_phone_and_reads_the_work_plan(open_browser, member_user):
    item = ItemFactory(title="加强理论学习")
    visit = open_browser(viewport=PHONE)
    visit.go("/accounts/login/")
    visit.page.fill("input[name=username]", "member")
    visit.page.fill("input[name=password]", PASSWORD)
    with visit.page.expect_navigation():
        visit.page.press("input[name=password]", "Enter")
    assert "/accounts/login/" not in visit.page.url
    visit.go(f"/plan/{item.section.plan.year}/")
    assert "加强理论学习" in visit.page.content()
    # Phone-sized: the page does not scroll sideways.
    assert visit.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    visit.assert_clean()


def test_api_docs_render_under_the_content_security_policy(open_browser, staff_user):
    visit = open_browser(user=staff_user)
    visit.go("/api/docs/")
    visit.page.wait_for_selector(".swagger-ui .info .title")
    assert "CPPCC portal API" in visit.page.inner_text(".swagger-ui .info .title")
    visit.page.wait_for_selector(".opblock-tag")
    visit.assert_clean()
