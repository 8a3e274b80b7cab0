"""A consultation topic from collection to the review a year later, and the steps it refuses."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations import selectors, services
from consultations.choices import Adoption, FeedbackState, OutcomeState, ProposalState, TopicState
from consultations.models import ConsultationTopic, ImplementationFeedback, Outcome, TopicProposal
from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from cppcc_portal.core.models import AuditEvent, Notification
from members.choices import DutyEventKind
from members.models import DutyRecord, ScoringRule
from members.services import scoring_rules_ensure_defaults
from tests.consultations.factories import OutcomeFactory, PlanFactory, TopicFactory, WindowFactory
from tests.factories import ActivityFactory, HandlingUnitFactory, MemberFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def test_adopting_the_plan_adopts_its_draft_topics_and_writes_their_timeline(adopted_topic):
    assert adopted_topic.state == TopicState.ADOPTED
    assert adopted_topic.plan.adopted_on == dt.date(2017, 2, 20)
    summaries = [e.summary for e in selectors.topic_timeline(topic=adopted_topic)]
    assert any("十四届常委会第三次会议" in s for s in summaries)


def test_a_plan_cannot_be_adopted_twice(adopted_topic, staff_user):
    with pytest.raises(DomainError):
        services.plan_adopt(plan=adopted_topic.plan, actor=staff_user)


def test_a_member_proposes_a_topic_in_the_window_and_the_adopted_topic_shows_its_origin(
    member_user, member, staff_user
):
    window = WindowFactory()
    proposal = services.topic_propose(
        window=window,
        title="老旧小区加装电梯",
        reason="居民呼声强烈",
        proposer_kind="member",
        actor=member_user,
        today=dt.date(2017, 1, 10),
    )
    assert proposal.member == member
    plan = PlanFactory()
    topic = services.proposal_accept(
        proposal=proposal, form="sector", lead_body="社会法制委员会", plan=plan, actor=staff_user
    )
    assert topic.source == "members"
    assert list(topic.origins.all()) == [proposal]
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED
    assert "张委员" in selectors.topic_timeline(topic=topic).first().summary


def test_a_topic_proposed_after_the_window_is_refused_and_nothing_is_written(member_user):
    window = WindowFactory()
    with pytest.raises(DomainError) as refused:
        services.topic_propose(
            window=window,
            title="晚到的议题",
            reason="理由",
            proposer_kind="member",
            actor=member_user,
            today=dt.date(2017, 1, 26),
        )
    assert refused.value.code == "window_closed"
    assert "2017-01-25" in refused.value.message
    assert not TopicProposal.objects.exists()


def test_a_member_cannot_propose_in_the_name_of_a_department(member_user):
    with pytest.raises(PermissionDeniedError):
        services.topic_propose(
            window=WindowFactory(),
            title="议题",
            reason="理由",
            proposer_kind="unit",
            actor=member_user,
            today=dt.date(2017, 1, 10),
        )


def test_a_unit_proposes_for_its_own_department(unit_user, unit):
    proposal = services.topic_propose(
        window=WindowFactory(),
        title="停车服务管理",
        reason="停车难",
        proposer_kind="unit",
        actor=unit_user,
        today=dt.date(2017, 1, 10),
    )
    assert proposal.unit == unit
    assert proposal.origin == "a government department：区民政局" or "区民政局" in proposal.origin


def test_staff_merge_a_proposal_into_a_topic_and_decline_another_with_a_reason(member_user, staff_user):
    window = WindowFactory()
    topic = TopicFactory(title="中心城区人口调控")
    first = services.topic_propose(
        window=window,
        title="人口疏解",
        reason="核心区人口密度高",
        proposer_kind="member",
        actor=member_user,
        today=dt.date(2017, 1, 10),
    )
    second = services.topic_propose(
        window=window,
        title="无关议题",
        reason="理由",
        proposer_kind="member",
        actor=member_user,
        today=dt.date(2017, 1, 11),
    )
    services.proposal_merge(proposal=first, topic=topic, note="与人口调控合并", actor=staff_user)
    with pytest.raises(DomainError):
        services.proposal_decline(proposal=second, note=" ", actor=staff_user)
    services.proposal_decline(proposal=second, note="不属于协商范围", actor=staff_user)
    assert list(topic.origins.all()) == [first]
    with pytest.raises(TransitionError):
        services.proposal_merge(proposal=first, topic=topic, actor=staff_user)


def test_only_the_office_screens_proposals(member_user, other_member_user):
    proposal = services.topic_propose(
        window=WindowFactory(),
        title="议题",
        reason="理由",
        proposer_kind="member",
        actor=member_user,
        today=dt.date(2017, 1, 10),
    )
    with pytest.raises(PermissionDeniedError):
        services.proposal_decline(proposal=proposal, note="不", actor=other_member_user)


def test_preparation_plan_group_activity_report_with_files_and_tasks(adopted_topic, staff_user, member):
    scoring_rules_ensure_defaults(2017)
    services.working_plan_save(
        topic=adopted_topic, text="一、调研安排……", approved_on=dt.date(2017, 3, 1), actor=staff_user
    )
    leader = MemberFactory(name="赵组长")
    group = services.research_group_save(
        topic=adopted_topic, name="疏解调研组", leader=leader, members=[member], actor=staff_user
    )
    activity = ActivityFactory(kind="inspection", title="视察动物园批发市场疏解")
    services.research_activity_link(group=group, activity=activity, actor=staff_user)
    with pytest.raises(DomainError):
        services.research_activity_link(
            group=group, activity=ActivityFactory(kind="training"), actor=staff_user
        )
    report = services.research_report_file(
        group=group,
        title="关于非首都功能疏解的调研报告",
        text="调研发现……",
        files=[SimpleUploadedFile("报告.pdf", PDF, content_type="application/pdf")],
        filed_on=dt.date(2017, 4, 1),
        actor=staff_user,
    )
    assert report.files.count() == 1
    records = DutyRecord.objects.filter(event_kind=DutyEventKind.RESEARCH_REPORT)
    assert {(r.member.name, r.points) for r in records} == {("赵组长", 10), ("张委员", 5)}
    task = services.task_add(
        topic=adopted_topic,
        description="起草建议案",
        due_on=dt.date(2017, 5, 1),
        assignee=member,
        actor=staff_user,
    )
    assert Notification.objects.filter(recipient=member.user, kind="consultations.task_assigned").exists()
    services.task_done(task=task, actor=member.user)
    kinds = [e.action for e in selectors.topic_timeline(topic=adopted_topic)]
    assert {"working_plan", "research_group", "research_activity", "research_report", "task_done"} <= set(
        kinds
    )


def test_a_report_file_of_a_forbidden_type_is_refused_and_nothing_is_written(adopted_topic, staff_user):
    group = services.research_group_save(
        topic=adopted_topic, name="组", leader=MemberFactory(), actor=staff_user
    )
    with pytest.raises(DomainError):
        services.research_report_file(
            group=group,
            title="报告",
            text="正文",
            files=[SimpleUploadedFile("x.exe", b"MZ..")],
            actor=staff_user,
        )
    assert not group.reports.exists()


def test_another_member_cannot_close_someone_elses_task(adopted_topic, staff_user, member, other_member_user):
    task = services.task_add(
        topic=adopted_topic,
        description="写发言稿",
        due_on=dt.date(2017, 5, 1),
        assignee=member,
        actor=staff_user,
    )
    with pytest.raises(PermissionDeniedError):
        services.task_done(task=task, actor=other_member_user)


def test_an_outcome_without_recommendations_cannot_be_submitted(adopted_topic, staff_user):
    outcome = services.outcome_create(topic=adopted_topic, kind="report", title="协商报告", actor=staff_user)
    with pytest.raises(DomainError) as refused:
        services.outcome_review(outcome=outcome, actor=staff_user)
    assert refused.value.code == "no_recommendations"
    outcome.refresh_from_db()
    assert outcome.state == OutcomeState.DRAFT
    with pytest.raises(TransitionError):
        services.outcome_submit(outcome=outcome, document_number="1号", submitted_to="区委", actor=staff_user)


def test_submission_needs_a_document_number(adopted_topic, staff_user):
    outcome = services.outcome_create(
        topic=adopted_topic, kind="report", title="协商报告", recommendations=["建议一"], actor=staff_user
    )
    services.outcome_review(outcome=outcome, actor=staff_user)
    with pytest.raises(DomainError):
        services.outcome_submit(outcome=outcome, document_number=" ", submitted_to="区委", actor=staff_user)
    assert Outcome.objects.get(pk=outcome.pk).state == OutcomeState.REVIEWED


def test_instruction_adoption_feedback_and_the_review_a_year_later(
    submitted_outcome, staff_user, unit, unit_user
):
    scoring_rules_ensure_defaults(2017)
    topic = submitted_outcome.topic
    leader = MemberFactory(name="钱组长")
    services.research_group_save(topic=topic, name="调研组", leader=leader, actor=staff_user)
    services.instruction_record(
        outcome=submitted_outcome,
        leader_name="区委书记",
        level="district_party",
        text="请区发改委研究落实",
        given_on=dt.date(2017, 7, 3),
        actor=staff_user,
    )
    first, second = submitted_outcome.recommendations.all()
    services.adoption_record(
        recommendation=first, adoption=Adoption.ADOPTED, decided_on=dt.date(2017, 7, 10), actor=staff_user
    )
    with pytest.raises(DomainError):
        services.adoption_record(recommendation=second, adoption=Adoption.NOT_ADOPTED, actor=staff_user)
    services.adoption_record(
        recommendation=second, adoption=Adoption.NOT_ADOPTED, reason="已有专项规划", actor=staff_user
    )
    assert DutyRecord.objects.get(member=leader, event_kind=DutyEventKind.CONSULTATION_ADOPTED).points == 10
    with pytest.raises(DomainError):
        services.feedback_request(
            recommendation=second, units=[unit], due_on=dt.date(2017, 10, 1), actor=staff_user
        )
    [feedback] = services.feedback_request(
        recommendation=first, units=[unit], due_on=dt.date(2017, 10, 1), actor=staff_user
    )
    assert Notification.objects.filter(recipient=unit_user, kind="consultations.feedback_requested").exists()
    services.feedback_answer(feedback=feedback, text="已完成3个市场疏解", actor=unit_user)
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.ANSWERED and feedback.answered_by == unit_user
    with pytest.raises(DomainError):
        services.feedback_answer(feedback=feedback, text="再答一次", actor=unit_user)
    services.follow_up_record(
        outcome=submitted_outcome,
        findings="疏解任务基本完成",
        reviewed_on=dt.date(2018, 6, 20),
        actor=staff_user,
    )
    topic.refresh_from_db()
    assert topic.state == TopicState.CONCLUDED
    actions = [e.action for e in selectors.topic_timeline(topic=topic)]
    # Oldest first by the date each step happened: the steps this test dates (2017–2018) in their
    # order; the steps it leaves undated are stamped today and come last.
    assert actions[0] == "adopted"
    assert actions.index("held") < actions.index("instruction") < actions.index("follow_up")
    assert {"outcome_submitted", "feedback_requested", "feedback"} <= set(actions)
    assert AuditEvent.objects.filter(action="consultations.feedback_answered").exists()


def test_feedback_cannot_be_asked_of_a_department_not_concerned(submitted_outcome, staff_user, other_unit):
    first = submitted_outcome.recommendations.first()
    services.adoption_record(recommendation=first, adoption=Adoption.ADOPTED, actor=staff_user)
    with pytest.raises(DomainError) as refused:
        services.feedback_request(
            recommendation=first, units=[other_unit], due_on=dt.date(2017, 10, 1), actor=staff_user
        )
    assert refused.value.code == "unit_not_concerned"
    assert "区教委" in refused.value.message
    assert not ImplementationFeedback.objects.exists()


def test_feedback_by_a_unit_not_concerned_is_refused_and_nothing_is_written(
    submitted_outcome, staff_user, unit, other_unit, other_unit_user
):
    first = submitted_outcome.recommendations.first()
    services.adoption_record(recommendation=first, adoption=Adoption.ADOPTED, actor=staff_user)
    [feedback] = services.feedback_request(
        recommendation=first, units=[unit], due_on=dt.date(2017, 10, 1), actor=staff_user
    )
    with pytest.raises(PermissionDeniedError):
        services.feedback_answer(feedback=feedback, text="我们来答", actor=other_unit_user)
    with pytest.raises(DomainError) as refused:
        services.feedback_answer_for_unit(
            recommendation=first, unit=other_unit, text="我们来答", actor=other_unit_user
        )
    assert refused.value.code == "unit_not_concerned"
    feedback.refresh_from_db()
    assert feedback.state == FeedbackState.REQUESTED and feedback.text == ""


def test_instructions_wait_for_the_submission(staff_user):
    outcome = OutcomeFactory()
    with pytest.raises(TransitionError):
        services.instruction_record(
            outcome=outcome,
            leader_name="区长",
            level="district_government",
            text="阅",
            given_on=dt.date(2017, 7, 1),
            actor=staff_user,
        )


def test_a_topic_cannot_be_held_before_it_is_adopted(staff_user):
    topic = TopicFactory()
    with pytest.raises(TransitionError) as refused:
        services.topic_record_held(topic=topic, held_on=dt.date(2017, 6, 1), actor=staff_user)
    assert "draft" in refused.value.message or "草稿" in refused.value.message
    assert ConsultationTopic.objects.get(pk=topic.pk).held_on is None


def test_members_post_and_reply_in_an_open_discussion_and_staff_hide_with_a_reason(
    adopted_topic, staff_user, member_user, other_member_user, member
):
    ScoringRule.objects.create(year=2017, event_kind=DutyEventKind.CONSULTATION, role="participant", points=3)
    discussion = services.discussion_open(
        topic=adopted_topic, prompt="如何疏解？", closes_on=dt.date(2017, 5, 31), actor=staff_user
    )
    post = services.post_add(
        discussion=discussion, text="建议先疏解批发市场", actor=member_user, today=dt.date(2017, 5, 1)
    )
    reply = services.post_add(
        discussion=discussion, text="同意", parent=post, actor=other_member_user, today=dt.date(2017, 5, 2)
    )
    services.post_add(discussion=discussion, text="补充一点", actor=member_user, today=dt.date(2017, 5, 3))
    assert DutyRecord.objects.filter(member=member, event_kind=DutyEventKind.CONSULTATION).count() == 1
    with pytest.raises(DomainError):
        services.post_hide(post=reply, reason="", actor=staff_user)
    with pytest.raises(PermissionDeniedError):
        services.post_hide(post=reply, reason="无关", actor=member_user)
    services.post_hide(post=reply, reason="与议题无关", actor=staff_user)
    threads = selectors.discussion_posts(discussion=discussion, user=member_user)
    assert [p.text for p in threads] == ["建议先疏解批发市场", "补充一点"]
    assert threads[0].thread == []
    assert (
        selectors.discussion_posts(discussion=discussion, user=other_member_user)[0].thread[0].hidden_reason
        == "与议题无关"
    )


def test_a_post_in_a_closed_discussion_is_refused_and_nothing_is_written(
    adopted_topic, staff_user, member_user
):
    discussion = services.discussion_open(
        topic=adopted_topic, prompt="？", closes_on=dt.date(2017, 5, 31), actor=staff_user
    )
    with pytest.raises(DomainError) as refused:
        services.post_add(discussion=discussion, text="晚了", actor=member_user, today=dt.date(2017, 6, 1))
    assert refused.value.code == "discussion_closed"
    assert not discussion.posts.exists()


def test_units_cannot_post_in_a_discussion(adopted_topic, staff_user, unit_user):
    discussion = services.discussion_open(
        topic=adopted_topic, prompt="？", closes_on=dt.date(2030, 5, 31), actor=staff_user
    )
    with pytest.raises(PermissionDeniedError):
        services.post_add(discussion=discussion, text="单位意见", actor=unit_user)


def test_dashboard_figures_count_held_against_planned_and_the_outcomes(submitted_outcome, staff_user, unit):
    TopicFactory(title="未通过的草稿")
    first = submitted_outcome.recommendations.first()
    services.instruction_record(
        outcome=submitted_outcome,
        leader_name="区长",
        level="district_government",
        text="同意",
        given_on=dt.date(2017, 7, 1),
        actor=staff_user,
    )
    services.adoption_record(
        recommendation=first, adoption=Adoption.PARTLY, reason="分步实施", actor=staff_user
    )
    services.feedback_request(
        recommendation=first, units=[unit], due_on=dt.date(2017, 9, 1), actor=staff_user
    )
    figures = selectors.dashboard_figures(year=2017, on=dt.date(2017, 9, 5))
    assert figures["topics"] == {"planned": 1, "held": 1, "concluded": 0}
    assert figures["outcomes"] == {"submitted": 1, "adopted": 1, "instructed": 1}
    assert figures["recommendations"]["partly"] == 1
    assert figures["feedback"]["overdue"] == 1
    assert selectors.dashboard_figures(year=2017, on=dt.date(2017, 9, 1))["feedback"]["overdue"] == 0
    assert (
        list(selectors.dashboard_drilldown(year=2017, figure="feedback_overdue", on=dt.date(2017, 9, 5)))[
            0
        ].unit
        == unit
    )
    assert list(selectors.dashboard_drilldown(year=2017, figure="held")) == [submitted_outcome.topic]


def test_members_see_only_adopted_topics_and_units_only_those_concerning_them(
    adopted_topic, member_user, unit_user, other_unit_user
):
    draft = TopicFactory(title="草稿议题")
    assert list(selectors.topic_list(user=member_user)) == [adopted_topic]
    assert list(selectors.topic_list(user=unit_user)) == [adopted_topic]
    assert list(selectors.topic_list(user=other_unit_user)) == []
    assert draft not in selectors.topic_list(user=member_user)


def test_a_unit_sees_only_its_own_feedback(submitted_outcome, staff_user, unit, unit_user, other_unit_user):
    first = submitted_outcome.recommendations.first()
    services.adoption_record(recommendation=first, adoption=Adoption.ADOPTED, actor=staff_user)
    services.feedback_request(
        recommendation=first, units=[unit], due_on=dt.date(2017, 10, 1), actor=staff_user
    )
    assert selectors.unit_feedback_list(user=unit_user).count() == 1
    assert selectors.unit_feedback_list(user=other_unit_user).count() == 0
    assert HandlingUnitFactory(name="区发改委") not in submitted_outcome.topic.units.all()
