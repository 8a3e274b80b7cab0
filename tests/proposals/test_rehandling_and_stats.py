"""不满意 reopens handling and the second reply is reviewed again; the analysis figures on a known year."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cppcc_portal.core.models import Notification
from proposals import selectors, services
from proposals.choices import ProposalState as S

TZ = ZoneInfo("Asia/Shanghai")


def test_unsatisfied_reopens_handling_with_the_comment_and_the_second_reply_is_reviewed_again(world):
    proposal = world.reach(S.AWAITING_EVALUATION)
    services.feedback_rate(
        proposal=proposal, actor=world.cosigner.user, rating="unsatisfied", comment="停车位仍未增加"
    )
    proposal.refresh_from_db()
    assert proposal.state == S.HANDLING
    assert proposal.handling_round == 2
    assert "停车位仍未增加" in proposal.events.get(action="rehandle").note
    assert Notification.objects.filter(recipient=world.unit_user, kind="proposals.rehandle").exists()

    world.write_reply(proposal, category="B")
    services.reply_send(proposal=proposal, actor=world.unit_user)
    proposal.refresh_from_db()
    assert proposal.state == S.COUNTERSIGNING
    services.reply_countersign(proposal=proposal, actor=world.other_unit_user, unit=world.other_unit)
    proposal.refresh_from_db()
    assert proposal.state == S.UNDER_REVIEW
    services.reply_review(proposal=proposal, actor=world.staff)
    proposal.refresh_from_db()
    assert proposal.state == S.AWAITING_EVALUATION
    assert proposal.replies.count() == 2

    # The first round's ratings do not count for the second reply: both rate again.
    services.feedback_rate(proposal=proposal, actor=world.proposer.user, rating="satisfied")
    proposal.refresh_from_db()
    assert proposal.state == S.AWAITING_EVALUATION
    services.feedback_rate(proposal=proposal, actor=world.cosigner.user, rating="basically")
    proposal.refresh_from_db()
    assert proposal.state == S.CLOSED


def test_unsatisfied_needs_a_comment(world):
    from cppcc_portal.core.errors import DomainError

    proposal = world.reach(S.AWAITING_EVALUATION)
    with pytest.raises(DomainError):
        services.feedback_rate(proposal=proposal, actor=world.proposer.user, rating="unsatisfied", comment="")
    proposal.refresh_from_db()
    assert proposal.state == S.AWAITING_EVALUATION and not proposal.feedback.exists()


def test_an_extension_is_limited_to_six_months_and_needs_a_reason(world):
    from cppcc_portal.core.errors import DomainError

    proposal = world.reach(S.ASSIGNED)
    assignment = proposal.assignments.get(role="lead")
    with pytest.raises(DomainError):
        services.assignment_extend(
            proposal=proposal,
            actor=world.staff,
            new_due_on=assignment.reply_due_on + dt.timedelta(days=30),
            reason="",
        )
    too_late = services.add_months(assignment.assigned_on, 6) + dt.timedelta(days=1)
    with pytest.raises(DomainError):
        services.assignment_extend(
            proposal=proposal, actor=world.staff, new_due_on=too_late, reason="需跨年度预算"
        )
    later = services.add_months(assignment.assigned_on, 6)
    services.assignment_extend(proposal=proposal, actor=world.staff, new_due_on=later, reason="需跨年度预算")
    assignment.refresh_from_db()
    assert assignment.reply_due_on == later and assignment.original_due_on < later


def _at(time_machine, *args):
    time_machine.move_to(dt.datetime(*args, 10, 0, tzinfo=TZ), tick=False)


def test_the_statistics_of_a_known_year_give_the_known_rates(world, time_machine):
    w = world
    _at(time_machine, 2017, 3, 1)
    p1 = w.reach(S.ASSIGNED, assisting=False, title="关于停车服务管理的建议")
    p2 = w.reach(S.ASSIGNED, assisting=False, title="关于居家养老的建议")
    p3 = w.reach(S.ASSIGNED, assisting=False, title="关于胡同修缮整治的建议")
    rejected = w.reach(S.AWAITING_REVIEW, title="关于个人住房问题")
    services.proposal_reject(proposal=rejected, actor=w.staff, reason="个人诉求")

    _at(time_machine, 2017, 4, 1)  # p1 replied on time (due 2017-06-01), category A
    w.write_reply(p1, category="A")
    services.reply_send(proposal=p1, actor=w.unit_user)
    services.reply_review(proposal=p1, actor=w.staff)
    services.feedback_rate(proposal=p1, actor=w.proposer.user, rating="satisfied")
    services.feedback_rate(proposal=p1, actor=w.cosigner.user, rating="basically")

    _at(time_machine, 2017, 5, 1)
    p4 = w.reach(S.ASSIGNED, assisting=False, title="关于垃圾分类的建议")  # due 2017-08-01

    _at(time_machine, 2017, 6, 20)  # p2 replied late, rated unsatisfied, answered again (B)
    w.write_reply(p2, category="C")
    services.reply_send(proposal=p2, actor=w.unit_user)
    services.reply_review(proposal=p2, actor=w.staff)
    services.feedback_rate(proposal=p2, actor=w.cosigner.user, rating="unsatisfied", comment="没有时间表")
    w.write_reply(p2, category="B")
    services.reply_send(proposal=p2, actor=w.unit_user)
    services.reply_review(proposal=p2, actor=w.staff)
    services.feedback_rate(proposal=p2, actor=w.proposer.user, rating="satisfied")
    services.feedback_rate(proposal=p2, actor=w.cosigner.user, rating="satisfied")

    stats = selectors.proposal_stats(year=2017, today=dt.date(2017, 7, 1))
    assert stats["submitted"] == 5
    assert stats["accepted"] == 4
    assert stats["replied"] == 2 and stats["replied_on_time"] == 1
    # on time: p1 of (p1, p2 replied; p3 due passed unreplied); p4 is not yet due.
    assert stats["on_time_rate"] == 33.3
    # ratings: satisfied, basically, unsatisfied, satisfied, satisfied → 4 of 5 positive.
    assert stats["ratings"]["total"] == 5
    assert stats["satisfaction_rate"] == 80.0
    # latest published replies: p1 A, p2 B → one of two solved.
    assert stats["solved_rate"] == 50.0
    assert [row["title"] for row in stats["overdue"]] == [p3.title]
    assert stats["overdue"][0]["days_overdue"] == 30
    assert {r["state"]: r["count"] for r in stats["by_state"]}[S.REJECTED] == 1
    assert stats["by_unit"] == [{"name": "区民政局", "lead": 4, "assisting": 0, "replied": 2, "overdue": 1}]
    assert stats["by_category"] == [{"name": "城市建设管理", "count": 5}]
    assert p4.pk not in [row["id"] for row in stats["overdue"]]


def test_the_statistics_page_and_workbook_show_the_figures(client, world, time_machine):
    from io import BytesIO

    from django.urls import reverse
    from openpyxl import load_workbook

    from tests.conftest import login

    _at(time_machine, 2017, 3, 1)
    world.reach(S.CLOSED)
    login(client, world.staff)
    page = client.get(reverse("proposals:stats"), {"year": 2017}).content.decode()
    assert "100.0%" in page
    response = client.get(reverse("proposals:stats_export"), {"year": 2017})
    book = load_workbook(BytesIO(response.content))
    values = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert "100.0%" in values.values()


def test_report_statistics_count_states_and_levels(world, time_machine):
    _at(time_machine, 2017, 3, 1)
    staff = world.staff
    reports = [
        services.report_submit(
            actor=world.proposer.user, title=f"社情{i}", situation="情况", suggestion="建议"
        )
        for i in range(4)
    ]
    services.report_adopt(report=reports[0], actor=staff, level="city")
    services.report_adopt(report=reports[1], actor=staff, level="district")
    services.report_file(report=reports[2], actor=staff)
    stats = selectors.report_stats(year=2017)
    assert stats["total"] == 4 and stats["adopted"] == 2 and stats["adoption_rate"] == 50.0
    assert {r["level"]: r["count"] for r in stats["by_level"]} == {
        "district": 1,
        "city": 1,
        "province": 0,
        "national": 0,
    }
