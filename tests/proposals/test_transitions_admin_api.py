"""The same transitions through the admin actions (office), the unit pages and the API."""

import pytest
from django.urls import reverse

from proposals import services
from proposals.choices import ProposalState as S
from proposals.services import PROPOSAL_TRANSITIONS
from tests.conftest import login

CHANGELIST = "admin:proposals_proposal_changelist"


def _admin_action(client, world, proposal, action, **fields):
    login(client, world.staff)
    data = {"action": action, "_selected_action": [proposal.pk], "index": 0, **fields}
    return client.post(reverse(CHANGELIST), data, follow=True)


# The office's arrows, each as (from, to, how the proposal is reached, admin action, extra form fields).
ADMIN_CASES = [
    (S.DRAFT, S.AWAITING_REVIEW, {}, "submit", {}),
    (S.COSIGNING, S.AWAITING_REVIEW, {}, "close_cosigning", {}),
    (S.COSIGNING, S.WITHDRAWN, {}, "withdraw", {"note": "委员申请撤回"}),
    (S.AWAITING_REVIEW, S.WITHDRAWN, {}, "withdraw", {}),
    (S.AWAITING_REVIEW, S.ACCEPTED, {}, "accept", {}),
    (S.AWAITING_REVIEW, S.REJECTED, {}, "reject", {"note": "属于个人诉求"}),
    (S.AWAITING_REVIEW, S.CONVERTED, {}, "convert", {"conversion": "opinion"}),
    (S.ACCEPTED, S.ASSIGNED, {}, "assign", {"lead_unit": "unit"}),
    (S.RETURNED, S.ASSIGNED, {}, "assign", {"lead_unit": "other_unit"}),
    (S.UNDER_REVIEW, S.AWAITING_EVALUATION, {}, "approve_reply", {"category": "B"}),
    (S.UNDER_REVIEW, S.REPLY_DRAFTED, {}, "send_back_reply", {"note": "请补充时间表"}),
    (S.AWAITING_EVALUATION, S.CLOSED, {}, "close", {"note": "委员出国，办公室决定办结"}),
]


@pytest.mark.parametrize(("source", "target", "_reach", "action", "fields"), ADMIN_CASES)
def test_the_office_moves_a_proposal_with_an_admin_action(
    client, world, source, target, _reach, action, fields
):
    proposal = world.reach(source)
    fields = {k: getattr(world, v).pk if v in ("unit", "other_unit") else v for k, v in fields.items()}
    response = _admin_action(client, world, proposal, action, **fields)
    assert response.status_code == 200
    proposal.refresh_from_db()
    assert proposal.state == target


def test_the_office_merges_through_the_admin_by_number(client, world):
    into = world.reach(S.ACCEPTED, title="关于停车综合治理的建议")
    proposal = world.reach(S.AWAITING_REVIEW)
    _admin_action(client, world, proposal, "merge", merge_into=into.number)
    proposal.refresh_from_db()
    assert proposal.state == S.MERGED and proposal.merged_into == into


def test_the_office_records_ratings_for_offline_members_and_unsatisfied_reopens(client, world):
    proposal = world.reach(S.AWAITING_EVALUATION)
    _admin_action(
        client,
        world,
        proposal,
        "record_rating",
        member_number=world.proposer.member_number,
        rating="unsatisfied",
        note="电话反馈：未落实",
    )
    proposal.refresh_from_db()
    assert proposal.state == S.HANDLING
    assert proposal.feedback.get().recorded_by == world.staff


def test_an_illegal_admin_action_shows_the_refusal_and_changes_nothing(client, world):
    proposal = world.reach(S.DRAFT)
    response = _admin_action(client, world, proposal, "accept")
    proposal.refresh_from_db()
    assert proposal.state == S.DRAFT
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_a_rejection_without_a_reason_is_refused_in_the_admin(client, world):
    proposal = world.reach(S.AWAITING_REVIEW)
    _admin_action(client, world, proposal, "reject", note="")
    proposal.refresh_from_db()
    assert proposal.state == S.AWAITING_REVIEW


# ---------------------------------------------------------------- unit pages


def test_a_unit_returns_starts_replies_sends_and_countersigns_from_its_workspace(client, world):
    returned = world.reach(S.ASSIGNED)
    login(client, world.unit_user)
    client.post(reverse("proposals_units:return", args=[returned.pk]), {"reason": "应由区城管委办理"})
    returned.refresh_from_db()
    assert returned.state == S.RETURNED

    p = world.reach(S.ASSIGNED, title="关于居家养老服务驿站的建议")
    client.post(reverse("proposals_units:start", args=[p.pk]))
    p.refresh_from_db()
    assert p.state == S.HANDLING
    client.post(
        reverse("proposals_units:reply", args=[p.pk]),
        {
            "category": "A",
            "document_number": "东民函〔2017〕3号",
            "contact_person": "刘科长",
            "contact_phone": "64000001",
            "body": "已落实。",
        },
    )
    p.refresh_from_db()
    assert p.state == S.REPLY_DRAFTED
    client.post(reverse("proposals_units:send", args=[p.pk]))
    p.refresh_from_db()
    assert p.state == S.COUNTERSIGNING

    login(client, world.other_unit_user)
    client.post(
        reverse("proposals_units:countersign", args=[p.pk]), {"answer": "refuse", "note": "请补充经费来源"}
    )
    p.refresh_from_db()
    assert p.state == S.REPLY_DRAFTED
    login(client, world.unit_user)
    client.post(reverse("proposals_units:send", args=[p.pk]))
    login(client, world.other_unit_user)
    client.post(reverse("proposals_units:countersign", args=[p.pk]), {"answer": "sign", "note": "同意"})
    p.refresh_from_db()
    assert p.state == S.UNDER_REVIEW


def test_a_return_after_the_window_is_refused(client, world, time_machine):
    import datetime as dt

    proposal = world.reach(S.ASSIGNED)
    time_machine.move_to(dt.datetime.now() + dt.timedelta(days=11))
    login(client, world.unit_user)
    response = client.post(
        reverse("proposals_units:return", args=[proposal.pk]), {"reason": "不属于我局"}, follow=True
    )
    proposal.refresh_from_db()
    assert proposal.state == S.ASSIGNED
    assert "只能" in response.content.decode() or "until" in response.content.decode()


# ---------------------------------------------------------------- API


def _api(client, user, proposal, action, data=None):
    login(client, user)
    return client.post(
        f"/api/v1/proposals/{proposal.pk}/{action}/", data or {}, content_type="application/json"
    )


def api_perform(client, w, source, target):
    """Each arrow through POST /api/v1/proposals/{id}/<action>/ by the user who may take it."""
    staff, proposer, unit_user, other = w.staff, w.proposer.user, w.unit_user, w.other_unit_user
    pair = (source, target)
    if pair == (S.DRAFT, S.COSIGNING):
        p = w.draft()
        _api(client, proposer, p, "invite", {"members": [w.cosigner.pk]})
        return p, _api(client, proposer, p, "submit")
    if pair == (S.DRAFT, S.AWAITING_REVIEW):
        p = w.draft()
        return p, _api(client, proposer, p, "submit")
    simple = {
        (S.COSIGNING, S.AWAITING_REVIEW): (proposer, "close-cosigning", {}),
        (S.COSIGNING, S.WITHDRAWN): (proposer, "withdraw", {}),
        (S.AWAITING_REVIEW, S.WITHDRAWN): (proposer, "withdraw", {}),
        (S.AWAITING_REVIEW, S.ACCEPTED): (staff, "accept", {}),
        (S.AWAITING_REVIEW, S.REJECTED): (staff, "reject", {"note": "不属于提案范围"}),
        (S.AWAITING_REVIEW, S.CONVERTED): (staff, "convert", {"kind": "report"}),
        (S.ACCEPTED, S.ASSIGNED): (staff, "assign", {"lead_unit": w.unit.pk}),
        (S.RETURNED, S.ASSIGNED): (staff, "assign", {"lead_unit": w.other_unit.pk}),
        (S.ASSIGNED, S.RETURNED): (unit_user, "return", {"note": "不属于我局职责"}),
        (S.ASSIGNED, S.HANDLING): (unit_user, "start-handling", {}),
        (S.REPLY_DRAFTED, S.COUNTERSIGNING): (unit_user, "send-reply", {}),
        (S.COUNTERSIGNING, S.UNDER_REVIEW): (other, "countersign", {}),
        (S.COUNTERSIGNING, S.REPLY_DRAFTED): (other, "countersign", {"refuse": True, "note": "请修改"}),
        (S.UNDER_REVIEW, S.AWAITING_EVALUATION): (staff, "review", {"category": "C"}),
        (S.UNDER_REVIEW, S.REPLY_DRAFTED): (staff, "send-back", {"note": "请补充"}),
        (S.AWAITING_EVALUATION, S.HANDLING): (
            proposer,
            "rate",
            {"rating": "unsatisfied", "comment": "未解决"},
        ),
        (S.AWAITING_EVALUATION, S.CLOSED): (staff, "close", {"note": "办公室决定办结"}),
    }
    if pair in simple:
        user, action, data = simple[pair]
        p = w.reach(source)
        return p, _api(client, user, p, action, data)
    if pair == (S.AWAITING_REVIEW, S.MERGED):
        into = w.reach(S.ACCEPTED, title="关于停车综合治理的建议")
        p = w.reach(S.AWAITING_REVIEW)
        return p, _api(client, staff, p, "merge", {"into": into.pk})
    if pair == (S.HANDLING, S.REPLY_DRAFTED):
        p = w.reach(S.HANDLING)
        data = {
            "category": "B",
            "document_number": "东民函〔2017〕9号",
            "contact_person": "王科长",
            "contact_phone": "64000000",
            "body": "正在推进。",
        }
        return p, _api(client, unit_user, p, "reply", data)
    if pair == (S.REPLY_DRAFTED, S.UNDER_REVIEW):
        p = w.reach(S.REPLY_DRAFTED, assisting=False)
        return p, _api(client, unit_user, p, "send-reply")
    if pair == (S.REPLY_DRAFTED, S.AWAITING_EVALUATION):
        p = w.reach(S.REPLY_DRAFTED, assisting=False)
        services.year_settings(p.year).__class__.objects.filter(year=p.year).update(review_required=False)
        return p, _api(client, unit_user, p, "send-reply")
    if pair == (S.COUNTERSIGNING, S.AWAITING_EVALUATION):
        p = w.reach(S.COUNTERSIGNING)
        services.year_settings(p.year).__class__.objects.filter(year=p.year).update(review_required=False)
        return p, _api(client, other, p, "countersign")
    raise AssertionError(f"no API path for {pair}")


@pytest.mark.parametrize(("source", "target"), list(PROPOSAL_TRANSITIONS), ids=lambda s: str(s))
def test_every_legal_transition_works_through_the_api(client, world, source, target):
    proposal, response = api_perform(client, world, source, target)
    assert response.status_code in (200, 201), response.content
    proposal.refresh_from_db()
    assert proposal.state == target


def test_an_illegal_transition_through_the_api_is_a_409_with_a_code(client, world):
    proposal = world.reach(S.DRAFT)
    response = _api(client, world.staff, proposal, "assign", {"lead_unit": world.unit.pk})
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    proposal.refresh_from_db()
    assert proposal.state == S.DRAFT


def test_a_member_cannot_accept_their_own_proposal_through_the_api(client, world):
    proposal = world.reach(S.AWAITING_REVIEW)
    response = _api(client, world.proposer.user, proposal, "accept")
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == S.AWAITING_REVIEW
