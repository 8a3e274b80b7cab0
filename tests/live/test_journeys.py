"""The actors' journeys in real Chromium against the live stage, as on a fresh `make run`.

Unlike tests/browser (pytest's in-process live server inside the test database), here every page
comes from gunicorn with DEBUG off and the production settings (CSP, static files collected and
served by WhiteNoise, sessions in the database, the login throttle), every form commits for real,
and what one actor does is seen by the next one through the server only. The demo accounts sign in
through the login form with the stage's demo password; checks on the outcome go through the API
as the same person.
"""

from __future__ import annotations

import uuid

import pytest

from tests.browser.chromium import DESKTOP, PHONE, Visit

pytestmark = [pytest.mark.slow, pytest.mark.live, pytest.mark.browser]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def open_stage(browser, live_stage):
    """open_stage(role, viewport): a tab signed in as the demo account of that role."""
    contexts = []

    def _open(role: str, viewport=DESKTOP) -> Visit:
        context = browser.new_context(viewport=viewport, locale="zh-CN", base_url=live_stage.url)
        contexts.append(context)
        visit = Visit(context, live_stage.url)
        visit.go("/accounts/login/")
        visit.page.fill("input[name=username]", f"demo_{role}")
        visit.page.fill("input[name=password]", live_stage.password)
        with visit.page.expect_navigation():
            visit.page.press("input[name=password]", "Enter")
        assert "/accounts/login/" not in visit.page.url, visit.page.inner_text("body")[:500]
        return visit

    yield _open
    for context in contexts:
        context.close()


def test_a_member_logs_a_duty_record_on_a_phone_and_the_office_verifies_it_on_the_live_stage(
    open_stage, live_stage
):
    title = f"走访东华门社区居民 {uuid.uuid4().hex[:6]}"
    member = open_stage("member", viewport=PHONE)
    member.go("/portal/")
    member.go("/plan/2017/")
    assert member.page.locator("main").inner_text().strip()
    member.go("/portal/records/?year=2017")
    form = member.page.locator("form[enctype='multipart/form-data']")
    form.locator("input[name=occurred_on]").fill("2017-05-04")
    form.locator("input[name=title]").fill(title)
    form.locator("input[type=file]").set_input_files(
        [{"name": "evidence.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with member.page.expect_navigation():
        form.locator("button[type=submit]").click()
    member.go("/portal/records/?year=2017")
    assert title in member.page.content()
    assert member.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    member.assert_clean()

    mine = live_stage.api("member").get(
        f"{live_stage.url}/api/v1/members/duty-records/?year=2017&ordering=-id", timeout=30
    )
    record = next(row for row in mine.json()["results"] if row["title"] == title)
    assert record["status"] == "submitted"

    staff = open_stage("staff")
    staff.go(f"/portal/records/{record['id']}/")
    with staff.page.expect_navigation():
        staff.page.click(f"form[action='/portal/records/{record['id']}/verify/'] button")
    staff.assert_clean()
    again = live_stage.api("member").get(
        f"{live_stage.url}/api/v1/members/duty-records/{record['id']}/", timeout=30
    )
    assert again.json()["status"] == "verified"


def _unread_badge(visit) -> int:
    """The unread count the header shows (0 without a badge)."""
    badge = visit.page.locator("header .badge")
    return int(badge.inner_text()) if badge.count() else 0


def test_a_member_marks_a_notification_read_on_the_live_stage(open_stage, live_stage):
    # Outside a test transaction: the select_for_update of marking read needs its own (defect 10).
    api = live_stage.api("member")
    member = open_stage("member", viewport=PHONE)
    member.go("/portal/")
    # The count is kept per person between pages (inbox-badge): a notification written by another
    # process (the command below, as the worker would) must show on the next page all the same.
    before = _unread_badge(member)
    # One notification of its own, so that the journey does not depend on what ran on the stage before
    # it (the schema fuzz, on the same stage, may have marked the seeded ones read).
    live_stage.manage(
        "shell",
        "-c",
        "import uuid\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.db import transaction\n"
        "from cppcc_portal.core.notifications.services import notify\n"
        "with transaction.atomic():\n"
        "    notify(recipient=get_user_model().objects.get(username='demo_member'), kind='journey.test',\n"
        "           dedupe_key=f'journey:{uuid.uuid4()}', title='会议通知：请查收', link='/portal/')\n",
    )
    unread = [
        row
        for row in api.get(f"{live_stage.url}/api/v1/notifications/", timeout=30).json()["results"]
        if not row["read_at"]
    ]
    assert unread, "the demo member has unread notifications"
    member.go("/portal/notifications/")
    assert _unread_badge(member) == before + 1
    first = unread[0]
    with member.page.expect_navigation():
        member.page.click(f"form[action='/portal/notifications/{first['id']}/read/'] button")
    member.assert_clean()
    assert api.get(f"{live_stage.url}/api/v1/notifications/{first['id']}/", timeout=30).json()["read_at"]
    member.go("/portal/")
    assert _unread_badge(member) == before


def test_a_member_enrols_from_the_portal_home_kept_for_them_on_the_live_stage(open_stage, live_stage):
    """The portal home's content is kept per reader (core.caching.reader_key): a training the office
    opens in another process shows on the member's next view, and the enrol form of the kept page
    still posts (its CSRF token is the session's)."""
    member = open_stage("member", viewport=PHONE)
    member.go("/portal/")
    title = f"直播培训班 {uuid.uuid4().hex[:6]}"
    assert title not in member.page.content()
    live_stage.manage(
        "shell",
        "-c",
        "import datetime\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.utils import timezone\n"
        "from cppcc_portal.core import committees\n"
        "from members.models import Activity\n"
        "from members.services import activity_save\n"
        "starts = timezone.now() + datetime.timedelta(days=3)\n"
        "with committees.working_for(committees.default()):\n"
        f"    activity_save(activity=Activity(title={title!r}, kind='training', starts_at=starts,\n"
        "        ends_at=starts + datetime.timedelta(hours=2), capacity=30,\n"
        "        enrolment_deadline=starts - datetime.timedelta(days=1)),\n"
        "        actor=get_user_model().objects.get(username='demo_staff'))\n",
    )
    member.go("/portal/")
    trainings = member.page.locator("section.card", has=member.page.locator("h2", has_text="正在报名的培训"))
    entry = trainings.locator("li.mem-entry", has_text=title)
    assert entry.count() == 1, "a training opened in another process shows on the next view"
    with member.page.expect_navigation():
        entry.locator("button", has_text="报名").click()
    member.assert_clean()
    member.go("/portal/")
    entry = trainings.locator("li.mem-entry", has_text=title)
    assert "已报名" in entry.inner_text()
    assert "已报 1 / 30 名" in entry.inner_text()


def test_a_unit_opens_the_proposals_it_handles_on_the_live_stage(open_stage, live_stage):
    unit = open_stage("unit")
    unit.go("/units/")
    handled = live_stage.api("unit").get(f"{live_stage.url}/api/v1/proposals/", timeout=30).json()["results"]
    assert handled, "the demo unit handles proposals"
    assert handled[0]["title"] in unit.page.content()
    unit.go(f"/units/proposals/{handled[0]['id']}/")
    assert handled[0]["title"] in unit.page.content()
    unit.assert_clean()


def test_a_leader_takes_in_the_dashboard_at_a_glance_on_the_live_stage(open_stage):
    leader = open_stage("leader")
    leader.go("/dashboard/?year=2017")
    # Sections open on demand; the plan's shows its figures.
    leader.page.locator("#plan > summary").click()
    assert leader.page.locator("#plan").inner_text().strip()
    leader.go("/dashboard/summary/?year=2017")
    assert "2017" in leader.page.content()
    leader.assert_clean()


def test_a_member_is_offered_registration_only_until_the_deadline_the_office_sets_on_the_live_stage(
    open_stage, live_stage
):
    """The member's agenda is kept per reader (meetings.selectors.READER_PAGES): the office moving the
    registration deadline into the past, in another process, takes "确认参加" off the member's next
    view, while asking for leave stays offered until the session starts."""
    title = "区政协常委会会议（演示：下周召开）"
    member = open_stage("member", viewport=PHONE)
    member.go("/portal/meetings/")
    meeting = member.page.locator("section.card", has=member.page.locator("h2", has_text=title))
    assert meeting.locator("button", has_text="确认参加").count() == 1, "the demo member is called"
    live_stage.manage(
        "shell",
        "-c",
        "import datetime\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.utils import timezone\n"
        "from cppcc_portal.core import committees\n"
        "from meetings.models import Meeting\n"
        "from meetings.services import meeting_save\n"
        "with committees.working_for(committees.default()):\n"
        f"    meeting = Meeting.objects.get(title={title!r})\n"
        "    meeting.registration_deadline = timezone.now() - datetime.timedelta(minutes=1)\n"
        "    meeting_save(meeting=meeting, actor=get_user_model().objects.get(username='demo_staff'))\n",
    )
    member.go("/portal/meetings/")
    assert meeting.locator("button", has_text="确认参加").count() == 0
    assert meeting.locator("button", has_text="请假").count() == 1
    member.assert_clean()
