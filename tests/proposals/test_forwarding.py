"""Between levels: a district forwards a proposal or a report to the city, the city sends one down.

The receiver gets a row of its own in its normal workflow, showing where it came from; the sender's
row keeps its state and shows what became of it. Refusals leave everything as it was.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from cppcc_portal.core import committees
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.models import AuditEvent
from members.models import DutyRecord
from proposals import selectors, services
from proposals.choices import ForwardDirection, ProposalState, ReportState
from proposals.models import Forwarding, OpinionReport, Proposal
from tests.conftest import login
from tests.factories import CommitteeFactory
from tests.levels import build_levels

pytestmark = pytest.mark.django_db


@pytest.fixture
def levels():
    return build_levels()


def forward_up(level, row, actor=None, **kwargs):
    with committees.working_for(level.committee):
        return services.proposal_forward(proposal=row, actor=actor or level.staff, **kwargs)


def label(state) -> str:
    with translation.override("zh-hans"):
        return str(ProposalState(state).label)


def test_a_districts_office_forwards_a_proposal_and_the_city_gets_its_own_row_awaiting_review(levels):
    a, city = levels.a, levels.city
    sent = a.proposal("关于西城胡同停车的建议")
    forwarding = forward_up(a, sent, note="涉及全市停车规划")

    received = forwarding.target_proposal
    assert forwarding.direction == ForwardDirection.UP
    assert (forwarding.source_committee, forwarding.target_committee) == (a.committee, city.committee)
    assert received.tenant == city.committee
    assert received.state == ProposalState.AWAITING_REVIEW
    assert (received.title, received.reason, received.submitter) == (sent.title, sent.reason, a.member)
    # The city files it under its own category, not the district's.
    assert received.category == city.category
    sent.refresh_from_db()
    assert sent.state == ProposalState.AWAITING_REVIEW
    # Each row's timeline is read in its own committee (events are scoped through their proposal).
    with committees.working_for(a.committee):
        assert [e.action for e in sent.events.all()][-1] == "forward"
    with committees.working_for(city.committee):
        assert "涉及全市停车规划" in received.events.get(action="receive").note
    assert AuditEvent.objects.filter(action="forwarding.up", object_id=str(forwarding.pk)).exists()

    # The city's office lists it; neither district's does.
    with committees.working_for(city.committee):
        assert received in selectors.proposal_list(user=city.staff)
    with committees.working_for(levels.b.committee):
        assert received not in selectors.proposal_list(user=levels.b.staff)
    with committees.working_for(a.committee):
        assert list(selectors.proposal_list(user=a.staff)) == [sent]


def test_the_district_sees_what_became_of_it_at_the_city(levels):
    a, city = levels.a, levels.city
    sent = a.proposal("关于西城老旧小区加装电梯的建议")
    forwarding = forward_up(a, sent)
    with committees.working_for(city.committee):
        services.proposal_accept(proposal=forwarding.target_proposal, actor=city.staff)

    seen = selectors.forwardings_of(sent)
    assert seen["received"] is None
    assert seen["sent"].target.state == ProposalState.ACCEPTED
    assert selectors.forwardings_of(forwarding.target_proposal)["received"].source == sent


def test_the_city_accepting_a_received_proposal_gives_the_districts_member_no_second_points(levels):
    a, city = levels.a, levels.city
    sent = a.proposal("关于西城背街小巷整治的建议")
    with committees.working_for(a.committee):
        services.proposal_accept(proposal=sent, actor=a.staff)
        before = DutyRecord.objects.filter(member=a.member).count()
    forwarding = forward_up(a, sent)
    with committees.working_for(city.committee):
        services.proposal_accept(proposal=forwarding.target_proposal, actor=city.staff)
    # The member's duty records are the district's (scoped through the member): none added there.
    with committees.working_for(a.committee):
        assert DutyRecord.objects.filter(member=a.member).count() == before == 1


def test_a_social_conditions_report_is_forwarded_up_the_same_way(levels):
    a, city = levels.a, levels.city
    report = a.report("西城区菜市场撤并引发居民买菜难")
    with committees.working_for(a.committee):
        forwarding = services.report_forward(report=report, actor=a.staff)
    received = forwarding.target_report
    assert received.tenant == city.committee
    assert received.state == ReportState.SUBMITTED
    assert received.author_member == a.member
    assert selectors.forwardings_of(report)["sent"].target == received
    with committees.working_for(a.committee):
        assert list(report.events.values_list("action", flat=True)) == ["submit", "forward"]


def test_the_city_forwards_a_proposal_down_to_a_district_for_handling(levels):
    a, city = levels.a, levels.city
    sent = city.proposal("关于全市中小学课后服务的建议")
    with committees.working_for(city.committee):
        forwarding = services.proposal_forward(proposal=sent, actor=city.staff, to=a.committee)
    received = forwarding.target_proposal
    assert forwarding.direction == ForwardDirection.DOWN
    assert received.tenant == a.committee
    assert received.state == ProposalState.AWAITING_REVIEW
    assert received.category == a.category
    with committees.working_for(a.committee):
        assert received in selectors.proposal_list(user=a.staff)


def _nothing_changed(count_before):
    assert (
        Proposal.objects.count(),
        OpinionReport.objects.count(),
        Forwarding.objects.count(),
    ) == count_before


def _counts():
    return Proposal.objects.count(), OpinionReport.objects.count(), Forwarding.objects.count()


def test_forwarding_twice_is_refused_and_changes_nothing(levels):
    a = levels.a
    sent = a.proposal("关于西城共享单车停放的建议")
    forward_up(a, sent)
    before = _counts()
    with pytest.raises(DomainError) as refused:
        forward_up(a, sent)
    assert refused.value.code == "already_forwarded"
    assert (
        "北京市东城区委员会" in refused.value.message or str(levels.city.committee) in refused.value.message
    )
    _nothing_changed(before)


def test_the_city_has_no_parent_to_forward_to(levels):
    city = levels.city
    sent = city.proposal("关于全市地铁换乘的建议")
    before = _counts()
    with committees.working_for(city.committee), pytest.raises(DomainError) as refused:
        services.proposal_forward(proposal=sent, actor=city.staff)
    assert refused.value.code == "no_parent"
    _nothing_changed(before)


def test_an_inactive_city_receives_nothing(levels):
    a = levels.a
    sent = a.proposal("关于西城垃圾分类的建议")
    city = levels.city.committee
    city.is_active = False
    committees.committee_save(actor=None, committee=city, changes={"is_active": [True, False]})
    before = _counts()
    with pytest.raises(DomainError) as refused:
        forward_up(a, sent)
    assert refused.value.code == "target_inactive"
    _nothing_changed(before)


def test_forwarding_down_to_a_committee_deleted_meanwhile_is_refused_with_a_message(levels):
    city = levels.city
    sent = city.proposal("关于全市养老服务的建议")
    gone = CommitteeFactory(slug="gone", short_name="已撤销区政协", name="已撤销的区政协")
    gone.delete()
    gone.pk = gone.pk or 999999
    before = _counts()
    with committees.working_for(city.committee), pytest.raises(DomainError) as refused:
        services.proposal_forward(proposal=sent, actor=city.staff, to=gone)
    assert refused.value.code == "target_gone"
    assert "已不存在" in refused.value.message
    _nothing_changed(before)


def test_a_district_cannot_send_a_matter_sideways_to_another_district(levels):
    a, b = levels.a, levels.b
    sent = a.proposal("关于西城与海淀交界道路的建议")
    before = _counts()
    with committees.working_for(a.committee), pytest.raises(DomainError) as refused:
        services.proposal_forward(proposal=sent, actor=a.staff, to=b.committee)
    assert refused.value.code == "not_a_child"
    _nothing_changed(before)


@pytest.mark.parametrize(
    ("who", "working_in"),
    [
        ("a.leader", "a"),
        ("a.member_user", "a"),
        ("b.staff", "b"),
        ("b.staff", "a"),  # staff of another committee, even with the district in hand
        ("city.staff", "city"),
        ("city.staff", "a"),
    ],
)
def test_only_the_office_of_the_sending_committee_may_forward(levels, who, working_in):
    holder, attribute = who.split(".")
    actor = getattr(getattr(levels, holder), attribute)
    sent = levels.a.proposal("关于西城街巷长制的建议")
    before = _counts()
    with committees.working_for(getattr(levels, working_in).committee), pytest.raises(PermissionDeniedError):
        services.proposal_forward(proposal=sent, actor=actor)
    _nothing_changed(before)


# --- the pages: the admin action and the forwarding page, per role and committee ----------------------


def _admin_action(client, user, rows, action="forward_up", **fields):
    login(client, user)
    data = {"action": action, "_selected_action": [r.pk for r in rows], "index": 0, **fields}
    response = client.post(reverse("admin:proposals_proposal_changelist"), data, follow=True)
    return [str(m) for m in response.context["messages"]]


def test_the_districts_office_forwards_from_the_admin_and_another_districts_office_cannot(client, levels):
    a, b = levels.a, levels.b
    sent = a.proposal("关于西城口袋公园的建议")
    # 海淀's office does not even list 西城's proposal: nothing of it is done.
    _admin_action(client, b.staff, [sent])
    assert not Forwarding.objects.exists()

    said = _admin_action(client, a.staff, [sent])
    assert Forwarding.objects.get().source_proposal == sent
    assert not any(message.startswith(str(sent)) for message in said)

    change = client.get(reverse("admin:proposals_proposal_change", args=[sent.pk])).content.decode()
    assert reverse("proposals:forwarding", args=[Forwarding.objects.get().pk]) in change


def test_forwarding_down_from_the_admin_to_a_committee_that_no_longer_exists_says_so(client, levels):
    city = levels.city
    sent = city.proposal("关于全市停车收费的建议")
    said = _admin_action(client, city.staff, [sent], action="forward_down", to_committee="987654")
    assert any("接收的政协组织已不存在" in m for m in said), said
    assert not Forwarding.objects.exists()


# Who opens the forwarding page of a proposal 西城 sent to the city: the offices of both ends.
PAGE_MATRIX = [
    ("a", "staff", 200),
    ("city", "staff", 200),
    ("b", "staff", 404),
    ("a", "leader", 403),
    ("city", "leader", 403),
    ("a", "member", 403),
    ("b", "member", 403),
]


@pytest.mark.parametrize(("committee", "role", "status"), PAGE_MATRIX)
def test_the_forwarding_page_per_role_and_committee(client, levels, committee, role, status):
    a = levels.a
    sent = a.proposal("关于西城社区食堂的建议")
    forwarding = forward_up(a, sent)
    login(client, getattr(levels, committee).people[role])
    response = client.get(reverse("proposals:forwarding", args=[forwarding.pk]))
    assert response.status_code == status


def test_both_offices_read_the_state_at_each_end_on_the_forwarding_page(client, levels):
    a, city = levels.a, levels.city
    sent = a.proposal("关于西城学校周边交通的建议")
    forwarding = forward_up(a, sent)
    with committees.working_for(city.committee):
        services.proposal_accept(proposal=forwarding.target_proposal, actor=city.staff)

    login(client, a.staff)
    page = client.get(reverse("proposals:forwarding", args=[forwarding.pk])).content.decode()
    target_row = page.split('id="forwarding-target"')[1].split("</tr>")[0]
    assert label(ProposalState.ACCEPTED) in target_row
    assert str(city.committee) in target_row

    login(client, city.staff)
    page = client.get(reverse("proposals:forwarding", args=[forwarding.pk])).content.decode()
    source_row = page.split('id="forwarding-source"')[1].split("</tr>")[0]
    assert str(a.committee) in source_row and label(ProposalState.AWAITING_REVIEW) in source_row
    assert reverse("admin:proposals_proposal_change", args=[forwarding.target_proposal.pk]) in page


def test_the_city_sends_a_report_down_and_an_adopted_report_stays_where_it_is(levels):
    a, city = levels.a, levels.city
    report = city.report("全市菜市场布局调整的社情民意")
    with committees.working_for(city.committee):
        forwarding = services.report_forward(report=report, actor=city.staff, to=a.committee)
    assert forwarding.direction == ForwardDirection.DOWN
    assert forwarding.target_report.tenant == a.committee

    adopted = city.report("全市公交线路调整的社情民意")
    before = _counts()
    with committees.working_for(city.committee):
        services.report_adopt(report=adopted, actor=city.staff, level="city")
        adopted.refresh_from_db()
        with pytest.raises(DomainError) as refused:
            services.report_forward(report=adopted, actor=city.staff, to=a.committee)
    assert refused.value.code == "not_forwardable"
    _nothing_changed(before)


def test_a_draft_proposal_is_not_forwarded(levels):
    a = levels.a
    with committees.working_for(a.committee):
        draft = services.proposal_create(
            actor=a.staff,
            submitter=a.member,
            title="关于西城夜间经济的建议（草稿）",
            reason="现状与问题。",
            suggestions="建议。",
            category=a.category,
            year=a.year,
        )
    before = _counts()
    with pytest.raises(DomainError) as refused:
        forward_up(a, draft)
    assert refused.value.code == "not_forwardable"
    _nothing_changed(before)


def test_a_proposal_the_district_sent_up_is_not_sent_back_down_to_it_as_a_new_matter(levels):
    a, city = levels.a, levels.city
    sent = a.proposal("关于西城背街小巷整治的建议")
    received = forward_up(a, sent).target_proposal
    before = _counts()
    with (
        translation.override("zh-hans"),
        committees.working_for(city.committee),
        pytest.raises(DomainError) as refused,
    ):
        services.proposal_forward(proposal=received, actor=city.staff, to=a.committee)
    assert refused.value.code == "forwarding_loop"
    assert "不能再转回" in refused.value.message and str(a.committee) in refused.value.message
    _nothing_changed(before)
    assert [e.action for e in received.events.all()] == ["receive"]
    # Another district may still be given it to handle.
    with committees.working_for(city.committee):
        onward = services.proposal_forward(proposal=received, actor=city.staff, to=levels.b.committee)
    assert onward.target_committee == levels.b.committee


def test_a_report_the_district_sent_up_is_not_sent_back_down_to_it(levels):
    a, city = levels.a, levels.city
    report = a.report("西城区早餐网点不足的社情民意")
    with committees.working_for(a.committee):
        received = services.report_forward(report=report, actor=a.staff).target_report
    before = _counts()
    with committees.working_for(city.committee), pytest.raises(DomainError) as refused:
        services.report_forward(report=received, actor=city.staff, to=a.committee)
    assert refused.value.code == "forwarding_loop"
    _nothing_changed(before)
