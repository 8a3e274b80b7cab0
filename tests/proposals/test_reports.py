"""Social-conditions reports: submission, adoption, the bulletin, a leader's instruction, the duty records."""

from django.urls import reverse

from cppcc_portal.core import roles
from cppcc_portal.core.models import Notification
from members.models import DutyRecord
from proposals import services
from proposals.choices import ProposalState as S
from proposals.choices import ReportState as R
from tests.conftest import login
from tests.factories import UserFactory


def _submit(client, world):
    login(client, world.proposer.user)
    client.post(
        reverse("proposals:report_create"),
        {
            "title": "关于低收入人群生活状况的反映",
            "situation": "部分低保家庭冬季取暖费用负担重。",
            "analysis": "补贴标准偏低。",
            "suggestion": "建议提高取暖补贴。",
        },
    )
    from proposals.models import OpinionReport

    return OpinionReport.objects.get()


def test_a_report_goes_from_the_members_phone_to_the_bulletin_with_an_instruction(client, world):
    report = _submit(client, world)
    assert report.author_member == world.proposer and report.state == R.SUBMITTED
    services.report_edit(report=report, actor=world.staff, title="关于提高低保家庭取暖补贴的建议")
    services.report_adopt(report=report, actor=world.staff, level="city")
    issue = services.bulletin_create(actor=world.staff, year=report.year, title="民生专刊")
    services.bulletin_add_reports(bulletin=issue, actor=world.staff, reports=[report])
    services.bulletin_publish(bulletin=issue, actor=world.staff)
    services.instruction_record(
        report=report, actor=world.staff, leader_name="区长", level="district", text="请民政局研究落实。"
    )
    report.refresh_from_db()
    assert report.state == R.PUBLISHED and issue.number == 1
    kinds = set(DutyRecord.objects.filter(member=world.proposer).values_list("event_kind", flat=True))
    assert {"report_submitted", "report_adopted", "report_instructed"} <= kinds
    assert Notification.objects.filter(
        recipient=world.proposer.user, kind="proposals.report_instructed"
    ).exists()

    page = client.get(reverse("proposals:report_detail", args=[report.pk])).content.decode()
    assert "请民政局研究落实" in page
    printed = client.get(reverse("proposals:bulletin_detail", args=[issue.pk])).content.decode()
    assert "关于提高低保家庭取暖补贴的建议" in printed and "bulletin" in printed
    # The issue is signed by its committee: the name, or the office named for documents.
    assert "<span>中国人民政治协商会议北京市东城区委员会</span>" in printed
    issue.tenant.office_name = "政协北京市东城区委员会办公室"
    issue.tenant.save()
    printed = client.get(reverse("proposals:bulletin_detail", args=[issue.pk])).content.decode()
    assert "<span>政协北京市东城区委员会办公室</span>" in printed


def test_an_illegal_report_transition_is_refused(world):
    import pytest

    from cppcc_portal.core.errors import TransitionError

    report = services.report_submit(actor=world.proposer.user, title="t", situation="s")
    services.report_file(report=report, actor=world.staff)
    with pytest.raises(TransitionError):
        services.report_adopt(report=report, actor=world.staff, level="city")


def test_an_information_officer_submits_and_follows_only_their_reports(client, world):
    officer = UserFactory(username="officer", role=roles.INFO_OFFICER)
    login(client, officer)
    response = client.post(
        reverse("proposals:report_create"),
        {"title": "关于垃圾分类的反映", "situation": "小区分类桶不足。", "analysis": "", "suggestion": ""},
    )
    assert response.status_code == 302
    own = services.OpinionReport.objects.get(submitted_by=officer)
    assert own.author_kind == "info_officer"
    other = services.report_submit(actor=world.proposer.user, title="他人的信息", situation="s")
    assert client.get(reverse("proposals:report_detail", args=[other.pk])).status_code == 404
    assert [r["id"] for r in client.get("/api/v1/reports/").json()["results"]] == [own.pk]


def test_a_proposal_converted_to_a_report_keeps_the_link_and_a_report_can_become_a_proposal(world):
    proposal = world.reach(S.AWAITING_REVIEW)
    services.proposal_convert(proposal=proposal, actor=world.staff, kind="report")
    proposal.refresh_from_db()
    assert proposal.converted_report.converted_from_proposals.get() == proposal
    made = services.report_to_proposal(
        report=proposal.converted_report, actor=world.staff, category=world.category
    )
    assert made.source_report == proposal.converted_report and made.state == S.DRAFT


def test_acceptance_key_and_excellent_become_duty_records_within_the_quota(world):
    import pytest

    from cppcc_portal.core.errors import DomainError

    proposal = world.reach(S.ACCEPTED)
    services.proposal_set_key(proposal=proposal, actor=world.staff, is_key=True, leader="区政协主席")
    for _step in range(3):
        services.proposal_excellent_advance(proposal=proposal, actor=world.staff)
    proposal.refresh_from_db()
    assert proposal.excellent_state == "selected"
    lead = set(DutyRecord.objects.filter(member=world.proposer).values_list("event_kind", "role"))
    assert {("proposal_accepted", "lead"), ("proposal_key", "lead"), ("proposal_excellent", "lead")} <= lead
    signer = set(DutyRecord.objects.filter(member=world.cosigner).values_list("event_kind", "role"))
    assert ("proposal_accepted", "cosigner") in signer

    second = world.reach(S.ACCEPTED, title="第二件")
    services.proposal_excellent_advance(proposal=second, actor=world.staff)
    services.proposal_excellent_advance(proposal=second, actor=world.staff)
    with pytest.raises(DomainError) as refused:  # 5% of 2 accepted proposals rounds up to one place
        services.proposal_excellent_advance(proposal=second, actor=world.staff)
    assert refused.value.code == "quota_exceeded"


def test_invitation_assignment_and_reply_notify_the_people_concerned(world):
    proposal = world.reach(S.AWAITING_EVALUATION)
    assert Notification.objects.filter(
        recipient=world.cosigner.user, kind="proposals.cosign_invited"
    ).exists()
    assert Notification.objects.filter(recipient=world.unit_user, kind="proposals.assigned").exists()
    assert Notification.objects.filter(recipient=world.other_unit_user, kind="proposals.assigned").exists()
    for person in (world.proposer, world.cosigner):
        assert Notification.objects.filter(recipient=person.user, kind="proposals.reply_published").exists()
    assert proposal.first_replied_on is not None


def test_the_transition_signal_is_sent_on_commit(world, django_capture_on_commit_callbacks):
    from proposals.signals import proposal_transitioned

    seen = []

    def listener(sender, proposal, from_state, to_state, actor, **kwargs):
        seen.append((from_state, to_state, actor))

    proposal_transitioned.connect(listener)
    try:
        proposal = world.reach(S.AWAITING_REVIEW)
        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_accept(proposal=proposal, actor=world.staff)
    finally:
        proposal_transitioned.disconnect(listener)
    assert (S.AWAITING_REVIEW, S.ACCEPTED, world.staff) in seen


def test_the_nightly_sweep_closes_co_signing_after_the_deadline(world, time_machine):
    import datetime as dt

    from proposals.models import Cosignature
    from proposals.tasks import close_expired_cosigning

    proposal = world.reach(S.COSIGNING)
    assert close_expired_cosigning() == 0
    time_machine.move_to(dt.datetime.combine(proposal.cosign_deadline_on + dt.timedelta(days=1), dt.time(1)))
    assert close_expired_cosigning() == 1
    proposal.refresh_from_db()
    assert proposal.state == S.AWAITING_REVIEW
    assert Cosignature.objects.get(proposal=proposal).state == "expired"
