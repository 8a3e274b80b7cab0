"""The recommendation workflow end to end, and the steps it refuses."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from cppcc_portal.core.models import AuditEvent, Notification
from members.choices import ActivityKind
from supervision import services
from supervision.choices import ItemStatus, RecommendationState, ReviewVerdict
from supervision.models import RecommendationEvent
from supervision.signals import recommendation_transitioned
from tests.factories import ActivityFactory, MemberFactory
from tests.factories import ItemFactory as PlanItemFactory
from tests.supervision.factories import GroupFactory, ItemFactory, RecommendationFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=False)

S = RecommendationState


@pytest.fixture
def topic(staff_user):
    item = PlanItemFactory(number=9, title="加强民主监督")
    topic = TopicFactory(title="居家养老", item=item)
    return services.topic_approve(topic=topic, approved_on=dt.date(2017, 2, 20), actor=staff_user)


@pytest.fixture
def group(topic, member, unit):
    group = GroupFactory(
        name="社会管理综合治理民主监督小组", leader=MemberFactory(name="赵组长"), topics=[topic]
    )
    group.members.add(member)
    group.units.add(unit)
    return group


@time_machine.travel(dt.datetime(2017, 4, 1, 10, tzinfo=dt.UTC), tick=False)
def test_a_recommendation_goes_from_topic_to_closed_with_a_timeline(
    staff_user, unit_user, unit, group, topic, django_capture_on_commit_callbacks
):
    inspection = ActivityFactory(kind=ActivityKind.INSPECTION, title="视察养老驿站")
    services.group_activity_link(group=group, activity=inspection, topic=topic, actor=staff_user)

    rec = services.recommendation_create(
        group=group,
        topic=topic,
        unit=unit,
        title="关于居家养老服务的监督意见",
        text="建议增加养老驿站。",
        due_on=dt.date(2017, 5, 1),
        actor=staff_user,
    )
    assert rec.state == S.DRAFT
    seen = []
    recommendation_transitioned.connect(
        lambda **kw: seen.append(kw["to_state"]), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.recommendation_send(recommendation=rec, actor=staff_user)
            services.recommendation_answer(recommendation=rec, answer="已部署整改。", actor=unit_user)
            item = services.rectification_item_add(
                recommendation=rec,
                description="新建养老驿站5处",
                owner="民政局养老科",
                due_on=dt.date(2017, 9, 1),
                actor=unit_user,
            )
            services.recommendation_start_rectification(recommendation=rec, actor=unit_user)
            services.rectification_progress_report(item=item, percent=60, note="已建成3处", actor=unit_user)
            services.recommendation_request_review(recommendation=rec, actor=unit_user)
            services.recommendation_review(
                recommendation=rec,
                verdict=ReviewVerdict.NOT_RECTIFIED,
                note="尚有2处未建成",
                actor=staff_user,
            )
            services.rectification_progress_report(
                item=item, percent=100, note="5处全部建成", actor=unit_user
            )
            services.recommendation_request_review(recommendation=rec, actor=unit_user)
            services.recommendation_review(
                recommendation=rec, verdict=ReviewVerdict.RECTIFIED, actor=staff_user
            )
    finally:
        recommendation_transitioned.disconnect(dispatch_uid="t")

    rec.refresh_from_db()
    item.refresh_from_db()
    assert rec.state == S.CLOSED
    assert rec.sent_on == rec.answered_on == rec.closed_on == dt.date(2017, 4, 1)
    assert item.status == ItemStatus.DONE
    steps = list(RecommendationEvent.objects.filter(recommendation=rec).values_list("from_state", "to_state"))
    assert steps == [
        (S.DRAFT, S.SENT),
        (S.SENT, S.ANSWERED),
        (S.ANSWERED, S.RECTIFYING),
        (S.RECTIFYING, S.UNDER_REVIEW),
        (S.UNDER_REVIEW, S.RETURNED),
        (S.RETURNED, S.UNDER_REVIEW),
        (S.UNDER_REVIEW, S.CLOSED),
    ]
    assert seen == [to for _frm, to in steps]
    assert rec.reviews.count() == 2
    assert AuditEvent.objects.filter(
        action="supervision.recommendation_closed", object_id=str(rec.pk)
    ).exists()


def test_sending_credits_the_group_with_supervision_duty_records(staff_user, group, topic, unit, member):
    from members.models import DutyRecord

    rec = services.recommendation_create(
        group=group,
        topic=topic,
        unit=unit,
        title="关于居家养老的意见",
        text="建议",
        due_on=dt.date(2017, 5, 1),
        actor=staff_user,
    )
    assert not DutyRecord.objects.filter(event_kind="supervision").exists()
    services.recommendation_send(recommendation=rec, actor=staff_user)
    records = DutyRecord.objects.filter(event_kind="supervision")
    assert set(records.values_list("member__name", "role")) == {("赵组长", "lead"), ("张委员", "participant")}
    assert records.first().item == topic.item


def test_sending_tells_the_units_accounts_and_the_answer_tells_the_office(staff_user, unit_user):
    rec = RecommendationFactory(unit=unit_user.handling_units.get(), created_by=staff_user)
    services.recommendation_send(recommendation=rec, actor=staff_user)
    sent = Notification.objects.get(kind="supervision.recommendation_sent")
    assert sent.recipient == unit_user
    assert f"/units/supervision/{rec.pk}/" == sent.link

    services.recommendation_answer(recommendation=rec, answer="收到，正在落实。", actor=unit_user)
    answered = Notification.objects.get(kind="supervision.recommendation_answered")
    assert answered.recipient == staff_user


@pytest.mark.parametrize(
    ("state", "call"),
    [
        (S.DRAFT, lambda r, u, s: services.recommendation_answer(recommendation=r, answer="答复", actor=s)),
        (S.SENT, lambda r, u, s: services.recommendation_start_rectification(recommendation=r, actor=s)),
        (S.ANSWERED, lambda r, u, s: services.recommendation_request_review(recommendation=r, actor=s)),
        (
            S.RECTIFYING,
            lambda r, u, s: services.recommendation_review(
                recommendation=r, verdict=ReviewVerdict.RECTIFIED, actor=s
            ),
        ),
        (S.CLOSED, lambda r, u, s: services.recommendation_send(recommendation=r, actor=s)),
    ],
)
def test_steps_out_of_order_are_refused_naming_both_states(staff_user, unit_user, state, call):
    rec = RecommendationFactory(state=state, unit=unit_user.handling_units.get())
    ItemFactory(recommendation=rec)
    with pytest.raises(TransitionError) as refused:
        call(rec, unit_user, staff_user)
    assert str(S(state).label) in refused.value.message
    rec.refresh_from_db()
    assert rec.state == state
    assert not RecommendationEvent.objects.filter(recommendation=rec).exists()


def test_a_unit_cannot_send_or_close_and_cannot_answer_for_another_unit(unit_user, other_unit_user):
    rec = RecommendationFactory(unit=unit_user.handling_units.get())
    with pytest.raises(PermissionDeniedError):
        services.recommendation_send(recommendation=rec, actor=unit_user)
    rec.state = S.SENT
    rec.save()
    with pytest.raises(PermissionDeniedError):
        services.recommendation_answer(recommendation=rec, answer="答复", actor=other_unit_user)
    rec.refresh_from_db()
    assert rec.state == S.SENT and rec.answer == ""


def test_closing_is_refused_while_an_item_is_open(staff_user):
    rec = RecommendationFactory(state=S.UNDER_REVIEW)
    ItemFactory(recommendation=rec, status=ItemStatus.DONE, percent=100)
    ItemFactory(recommendation=rec, description="拆除违建", status=ItemStatus.IN_PROGRESS, percent=40)
    with pytest.raises(DomainError) as refused:
        services.recommendation_review(recommendation=rec, verdict=ReviewVerdict.RECTIFIED, actor=staff_user)
    assert "拆除违建" in refused.value.message
    rec.refresh_from_db()
    assert rec.state == S.UNDER_REVIEW
    assert rec.reviews.count() == 0


def test_an_item_accepted_as_not_feasible_with_a_reason_lets_it_close(staff_user):
    rec = RecommendationFactory(state=S.UNDER_REVIEW)
    item = ItemFactory(recommendation=rec)
    with pytest.raises(DomainError):
        services.rectification_item_accept_not_feasible(item=item, reason="  ", actor=staff_user)
    services.rectification_item_accept_not_feasible(
        item=item, reason="规划调整，用地已取消", actor=staff_user
    )
    services.recommendation_review(recommendation=rec, verdict=ReviewVerdict.RECTIFIED, actor=staff_user)
    rec.refresh_from_db()
    assert rec.state == S.CLOSED


def test_returning_for_more_rectification_needs_a_reason(staff_user):
    rec = RecommendationFactory(state=S.UNDER_REVIEW)
    with pytest.raises(DomainError):
        services.recommendation_review(
            recommendation=rec, verdict=ReviewVerdict.NOT_RECTIFIED, actor=staff_user
        )
    rec.refresh_from_db()
    assert rec.state == S.UNDER_REVIEW


def test_rectification_cannot_start_without_items(unit_user):
    rec = RecommendationFactory(state=S.ANSWERED, unit=unit_user.handling_units.get())
    with pytest.raises(DomainError):
        services.recommendation_start_rectification(recommendation=rec, actor=unit_user)


def test_only_inspections_hearings_and_surveys_count_as_supervision_activities(staff_user, group):
    training = ActivityFactory(kind=ActivityKind.TRAINING)
    with pytest.raises(DomainError):
        services.group_activity_link(group=group, activity=training, actor=staff_user)
    assert not group.group_activities.exists()


def test_a_supervisor_is_recommended_appointed_files_reports_and_ends(staff_user, member):
    appointment = services.appointment_recommend(
        member=member, post="party_conduct", organisation="区纪委", actor=staff_user
    )
    with pytest.raises(DomainError):
        services.supervisor_report_file(
            appointment=appointment, title="季度报告", text="……", actor=member.user
        )
    services.appointment_appoint(
        appointment=appointment,
        term_start=dt.date(2017, 3, 1),
        term_end=dt.date(2021, 12, 31),
        actor=staff_user,
    )
    report = services.supervisor_report_file(
        appointment=appointment, title="第一季度监督情况", text="参加明察暗访2次。", actor=member.user
    )
    assert report.filed_on == timezone.localdate()
    services.appointment_end(appointment=appointment, actor=staff_user)
    appointment.refresh_from_db()
    assert appointment.status == "ended"
    with pytest.raises(TransitionError):
        services.appointment_end(appointment=appointment, actor=staff_user)
