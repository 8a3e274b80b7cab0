"""Each actor's main journey in real Chromium, on a phone or a desktop, with nothing from outside."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD
from tests.factories import ActivityFactory, ItemFactory

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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_member_on_a_phone_accepts_an_invitation_logs_a_duty_record_and_proposes_with_a_cosigner(
    open_browser, member, other_member
):
    from members.choices import InvitationState
    from members.models import DutyRecord
    from proposals.models import Proposal
    from tests.members.factories import ParticipationFactory
    from tests.proposals.factories import CategoryFactory

    CategoryFactory(name="城市建设管理")
    invitation = ParticipationFactory(member=member, activity=ActivityFactory(title="专题视察"))
    visit = open_browser(viewport=PHONE)
    visit.go("/accounts/login/")
    visit.page.fill("input[name=username]", "member")
    visit.page.fill("input[name=password]", PASSWORD)
    with visit.page.expect_navigation():
        visit.page.press("input[name=password]", "Enter")

    # The invitation: open the activity and say yes.
    visit.go(f"/portal/activities/{invitation.activity.pk}/")
    assert "专题视察" in visit.page.content()
    with visit.page.expect_navigation():
        visit.page.click(f"form[action='/portal/activities/{invitation.activity.pk}/accept/'] button")
    invitation.refresh_from_db()
    assert invitation.invitation == InvitationState.ACCEPTED

    # A duty record the office could not see, with its evidence file.
    visit.go("/portal/records/")
    form = visit.page.locator("form[enctype='multipart/form-data']")
    form.locator("input[name=occurred_on]").fill("2017-05-04")
    form.locator("input[name=title]").fill("走访东华门社区居民")
    form.locator("input[type=file]").set_input_files(
        [{"name": "evidence.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with visit.page.expect_navigation():
        form.locator("button[type=submit]").click()
    record = DutyRecord.objects.get(member=member, title="走访东华门社区居民")
    assert record.evidence.count() == 1

    # A proposal, a co-signer invited by member number, then submitted.
    visit.go("/portal/proposals/new/")
    visit.page.fill("input[name=title]", "关于缓解胡同停车难的建议")
    visit.page.select_option("select[name=category]", label="城市建设管理")
    visit.page.fill("textarea[name=reason]", "胡同停车位紧张，占道停车影响消防通道。")
    visit.page.fill("textarea[name=suggestions]", "建设立体停车设施，推行错时共享停车。")
    visit.page.locator("form.card input[type=file]").set_input_files(
        [{"name": "survey.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with visit.page.expect_navigation():
        visit.page.click("form.card button[type=submit]")
    proposal = Proposal.objects.get(title="关于缓解胡同停车难的建议")
    visit.page.fill("input[name=member_numbers]", other_member.member_number)
    with visit.page.expect_navigation():
        visit.page.click(f"form[action='/portal/proposals/{proposal.pk}/invite/'] button")
    with visit.page.expect_navigation():
        visit.page.click(f"form[action='/portal/proposals/{proposal.pk}/submit/'] button")
    proposal.refresh_from_db()
    assert proposal.state == "cosigning"
    assert proposal.cosignatures.filter(member=other_member).exists()
    assert visit.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    visit.assert_clean()


def log_in_as(visit, username):
    visit.go("/accounts/login/")
    visit.page.fill("input[name=username]", username)
    visit.page.fill("input[name=password]", PASSWORD)
    with visit.page.expect_navigation():
        visit.page.press("input[name=password]", "Enter")


def test_a_unit_answers_an_assigned_proposal_and_the_proposer_rates_the_answer(
    open_browser, member, other_member, staff_user, unit, unit_user, other_unit, other_unit_user
):
    from proposals import services
    from proposals.choices import ProposalState
    from tests.proposals.factories import CategoryFactory
    from tests.proposals.world import World

    world = World(
        proposer=member,
        cosigner=other_member,
        staff=staff_user,
        unit=unit,
        unit_user=unit_user,
        other_unit=other_unit,
        other_unit_user=other_unit_user,
        category=CategoryFactory(),
    )
    proposal = world.reach(ProposalState.ASSIGNED, assisting=False)

    unit_visit = open_browser()
    log_in_as(unit_visit, "unit")
    unit_visit.go("/units/")
    assert proposal.title in unit_visit.page.content()
    unit_visit.go(f"/units/proposals/{proposal.pk}/")
    with unit_visit.page.expect_navigation():
        unit_visit.page.click(f"form[action='/units/proposals/{proposal.pk}/start/'] button")
    unit_visit.go(f"/units/proposals/{proposal.pk}/reply/")
    form = unit_visit.page.locator("form.card")
    form.locator("select[name=category]").select_option("A")
    form.locator("input[name=document_number]").fill("东民函〔2017〕12号")
    form.locator("input[name=contact_person]").fill("王科长")
    form.locator("input[name=contact_phone]").fill("010-64000000")
    form.locator("textarea[name=body]").fill("已会同街道建设共享停车位。")
    form.locator("input[type=file]").set_input_files(
        [{"name": "reply.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    with unit_visit.page.expect_navigation():
        form.locator("button[type=submit]").click()
    unit_visit.go(f"/units/proposals/{proposal.pk}/")
    with unit_visit.page.expect_navigation():
        unit_visit.page.click(f"form[action='/units/proposals/{proposal.pk}/send/'] button")
    unit_visit.assert_clean()

    proposal.refresh_from_db()
    if proposal.state == ProposalState.UNDER_REVIEW:
        services.reply_review(proposal=proposal, actor=staff_user)  # the office's step, not this journey's
        proposal.refresh_from_db()
    assert proposal.state == ProposalState.AWAITING_EVALUATION

    member_visit = open_browser(viewport=PHONE)
    log_in_as(member_visit, "member")
    member_visit.go(f"/portal/proposals/{proposal.pk}/")
    assert "已会同街道建设共享停车位。" in member_visit.page.content()
    rating = member_visit.page.locator(f"form[action='/portal/proposals/{proposal.pk}/rate/']")
    rating.locator("input[name=rating][value=satisfied]").check()
    with member_visit.page.expect_navigation():
        rating.locator("button[type=submit]").click()
    assert proposal.feedback.filter(rating="satisfied").exists()
    member_visit.assert_clean()


def test_a_leader_opens_the_dashboard_and_drills_down_to_the_overdue_tasks(open_browser, leader_user):
    from tests.workplan.factories import TaskFactory

    item = ItemFactory(title="开展专题协商")
    TaskFactory(
        item=item, title="组织协商座谈会", start_date=dt.date(2017, 2, 1), due_date=dt.date(2017, 3, 1)
    )
    visit = open_browser()
    log_in_as(visit, "leader")
    visit.go(f"/dashboard/?year={item.section.plan.year}")
    # Sections open on demand: the leader opens the plan's.
    visit.page.locator("#plan > summary").click()
    overdue = visit.page.locator("a.tag.late").first
    assert overdue.inner_text().strip() == "1"
    with visit.page.expect_navigation():
        overdue.click()
    assert "/admin/workplan/task/" in visit.page.url
    assert "组织协商座谈会" in visit.page.content()
    visit.assert_clean()


def roster_workbook() -> bytes:
    from openpyxl import Workbook

    from tests.members.test_import import HEADERS, good_row

    book = Workbook()
    book.active.append(HEADERS)
    book.active.append(good_row("D2017001", "钱委员"))
    book.active.append(good_row("D2017002", "孙委员", phone="13900139000"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_staff_import_a_roster_workbook_and_record_attendance_in_the_admin(open_browser, staff_user):
    from members.models import Member, Participation
    from tests.factories import PartyFactory, SectorFactory, TermFactory
    from tests.members.factories import ParticipationFactory

    TermFactory(number=14)
    PartyFactory(name="中国民主同盟", short_name="民盟")
    SectorFactory(name="教育界")
    visit = open_browser()
    log_in_as(visit, "staff")

    visit.go("/admin/members/member/import/")
    xlsx = [
        o for o in visit.page.locator("select[name=format] option").all_inner_texts() if "xlsx" in o.lower()
    ]
    visit.page.select_option("select[name=format]", label=xlsx[0])
    visit.page.set_input_files(
        "input[name=import_file]",
        [{"name": "roster.xlsx", "mimeType": "application/octet-stream", "buffer": roster_workbook()}],
    )
    with visit.page.expect_navigation():
        visit.page.click("#content form input[type=submit], #content form button[type=submit]")
    assert "钱委员" in visit.page.content()  # the preview
    with visit.page.expect_navigation():
        visit.page.click("input[name=confirm], button[name=confirm]")
    assert set(Member.objects.values_list("name", flat=True)) >= {"钱委员", "孙委员"}

    member = Member.objects.get(name="钱委员")
    past = ActivityFactory(
        title="全体委员会议",
        starts_at=timezone.now() - dt.timedelta(days=1),
        ends_at=timezone.now() - dt.timedelta(days=1) + dt.timedelta(hours=2),
    )
    participation = ParticipationFactory(member=member, activity=past)
    visit.go("/admin/members/participation/")
    visit.page.check(f"input[name=_selected_action][value='{participation.pk}']")
    visit.page.select_option("select[name=action]", value="mark_present")
    with visit.page.expect_navigation():
        visit.page.click("button[name=index]")
    assert Participation.objects.get(pk=participation.pk).attendance == "present"
    visit.assert_clean()
