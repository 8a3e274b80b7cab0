"""A standing-committee meeting in real Chromium: QR check-in from a phone, the door screen counting
without a reload, and staff opening and closing a vote that a member casts from the phone."""

import re

import pytest
from playwright.sync_api import expect

from meetings.models import AgendaItem, Motion
from members.models import Participation
from tests.browser.conftest import PHONE
from tests.meetings.conftest import check_in_all, open_session, sc_meeting, sc_session, standing  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_member_checks_in_by_scanning_the_door_screen_with_a_phone(
    open_browser,
    open_session,  # noqa: F811
    sc_meeting,  # noqa: F811
    staff_user,
    member,
    member_user,
):
    screen = open_browser(user=staff_user)
    screen.go(f"/meetings/{sc_meeting.pk}/checkin/screen/")
    qr = screen.page.locator("[data-live-qr]")
    assert qr.locator("svg").count() == 1
    assert screen.page.inner_text("[data-live=present]") == "0"
    # What the phone's camera reads: the URL the QR code encodes.
    url = qr.get_attribute("data-checkin-url")
    assert re.search(r"/meetings/sessions/\d+/checkin/\?w=\d+&c=\w+$", url)

    phone = open_browser(user=member_user, viewport=PHONE)
    phone.page.goto(url)
    with phone.page.expect_navigation():
        phone.page.click(".mt-checkin button[type=submit]")
    assert phone.page.locator("#checked-in").count() == 1
    assert Participation.objects.get(activity=open_session.activity, member=member).attendance == "present"
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The door screen counts the member by itself (its script polls; the page is not reloaded).
    screen.page.evaluate("window.__same_page = true")
    expect(screen.page.locator("[data-live=present]")).to_have_text("1", timeout=15000)
    assert screen.page.evaluate("window.__same_page") is True

    # A second scan of the same code changes nothing and says so.
    phone.page.goto(url)
    with phone.page.expect_navigation():
        phone.page.click(".mt-checkin button[type=submit]")
    assert "无需重复签到" in phone.page.content()
    screen.assert_clean()
    phone.assert_clean()


def test_staff_open_and_close_a_vote_and_the_projector_shows_the_result(
    open_browser,
    open_session,  # noqa: F811
    sc_meeting,  # noqa: F811
    staff_user,
    standing,  # noqa: F811
    member_user,
):
    from meetings import services

    item = AgendaItem.objects.get(session=open_session)
    motion = services.motion_create(agenda_item=item, title="关于通过2017年工作要点的决议", actor=staff_user)
    check_in_all(open_session, standing, staff_user)

    console = open_browser(user=staff_user)
    console.go(f"/meetings/{sc_meeting.pk}/")
    with console.page.expect_navigation():
        console.page.click("button[name=open-vote]")
    console.page.wait_for_selector("button[name=close-vote]")

    projector = open_browser(user=staff_user)
    projector.go(f"/meetings/{sc_meeting.pk}/screen/")
    assert "关于通过2017年工作要点的决议" in projector.page.inner_text("[data-live='vote.title']")

    phone = open_browser(user=member_user, viewport=PHONE)
    phone.go("/portal/meetings/")
    with phone.page.expect_navigation():
        phone.page.click(f"#vote-{motion.pk} button[value=for]")
    phone.page.wait_for_selector(f"#vote-{motion.pk} .tag.ok")
    for m in standing[1:3]:
        services.ballot_cast(motion=motion, actor=m.user, choice="for")
    expect(projector.page.locator("[data-live='vote.voted']")).to_have_text("3", timeout=15000)

    with console.page.expect_navigation():
        console.page.click("button[name=close-vote]")
    motion.refresh_from_db()
    assert (motion.state, motion.votes_for, motion.adopted) == ("closed", 3, True)
    expect(projector.page.locator("[data-live='result.text']")).to_have_text("通过", timeout=15000)
    assert Motion.objects.get(pk=motion.pk).ballots.count() == 3
    for visit in (console, projector, phone):
        visit.assert_clean()
