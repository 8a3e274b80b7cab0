"""Every legal transition of the proposal table works through the service; illegal ones are refused."""

import pytest

from cppcc_portal.core.errors import TransitionError
from proposals import services
from proposals.choices import ProposalState as S
from proposals.models import ProposalYearSettings
from proposals.services import PROPOSAL_TRANSITIONS


def _no_review(p):
    ProposalYearSettings.objects.filter(year=p.year).update(review_required=False)


# (from, to) → (how to reach `from`, what to do). Each entry is one arrow of DOMAIN.md's workflow.
def perform(world, source, target):
    w = world
    if (source, target) == (S.DRAFT, S.COSIGNING):
        p = w.draft()
        services.cosigners_invite(proposal=p, actor=w.proposer.user, members=[w.cosigner])
        return services.proposal_submit(proposal=p, actor=w.proposer.user)
    if (source, target) == (S.DRAFT, S.AWAITING_REVIEW):
        return services.proposal_submit(proposal=w.draft(), actor=w.proposer.user)
    if (source, target) == (S.COSIGNING, S.AWAITING_REVIEW):
        return services.proposal_close_cosigning(proposal=w.reach(S.COSIGNING), actor=w.proposer.user)
    if (source, target) == (S.COSIGNING, S.WITHDRAWN):
        return services.proposal_withdraw(proposal=w.reach(S.COSIGNING), actor=w.proposer.user)
    if (source, target) == (S.AWAITING_REVIEW, S.WITHDRAWN):
        return services.proposal_withdraw(proposal=w.reach(S.AWAITING_REVIEW), actor=w.proposer.user)
    if (source, target) == (S.AWAITING_REVIEW, S.ACCEPTED):
        return services.proposal_accept(proposal=w.reach(S.AWAITING_REVIEW), actor=w.staff)
    if (source, target) == (S.AWAITING_REVIEW, S.REJECTED):
        return services.proposal_reject(
            proposal=w.reach(S.AWAITING_REVIEW), actor=w.staff, reason="不属于提案范围"
        )
    if (source, target) == (S.AWAITING_REVIEW, S.CONVERTED):
        return services.proposal_convert(proposal=w.reach(S.AWAITING_REVIEW), actor=w.staff, kind="report")
    if (source, target) == (S.AWAITING_REVIEW, S.MERGED):
        into = w.reach(S.ACCEPTED, title="关于胡同停车综合治理的建议")
        return services.proposal_merge(proposal=w.reach(S.AWAITING_REVIEW), into=into, actor=w.staff)
    if (source, target) == (S.ACCEPTED, S.ASSIGNED):
        return services.proposal_assign(proposal=w.reach(S.ACCEPTED), actor=w.staff, lead_unit=w.unit)
    if (source, target) == (S.ASSIGNED, S.RETURNED):
        return services.proposal_return(
            proposal=w.reach(S.ASSIGNED), actor=w.unit_user, unit=w.unit, reason="应由区交通支队办理"
        )
    if (source, target) == (S.RETURNED, S.ASSIGNED):
        return services.proposal_assign(proposal=w.reach(S.RETURNED), actor=w.staff, lead_unit=w.other_unit)
    if (source, target) == (S.ASSIGNED, S.HANDLING):
        return services.proposal_start_handling(proposal=w.reach(S.ASSIGNED), actor=w.unit_user)
    if (source, target) == (S.HANDLING, S.REPLY_DRAFTED):
        p = w.reach(S.HANDLING)
        w.write_reply(p)
        return p
    if (source, target) == (S.REPLY_DRAFTED, S.COUNTERSIGNING):
        return services.reply_send(proposal=w.reach(S.REPLY_DRAFTED), actor=w.unit_user)
    if (source, target) == (S.REPLY_DRAFTED, S.UNDER_REVIEW):
        return services.reply_send(proposal=w.reach(S.REPLY_DRAFTED, assisting=False), actor=w.unit_user)
    if (source, target) == (S.REPLY_DRAFTED, S.AWAITING_EVALUATION):
        p = w.reach(S.REPLY_DRAFTED, assisting=False)
        _no_review(p)
        return services.reply_send(proposal=p, actor=w.unit_user)
    if (source, target) == (S.COUNTERSIGNING, S.UNDER_REVIEW):
        p = w.reach(S.COUNTERSIGNING)
        services.reply_countersign(proposal=p, actor=w.other_unit_user, unit=w.other_unit)
        return p
    if (source, target) == (S.COUNTERSIGNING, S.AWAITING_EVALUATION):
        p = w.reach(S.COUNTERSIGNING)
        _no_review(p)
        services.reply_countersign(proposal=p, actor=w.other_unit_user, unit=w.other_unit)
        return p
    if (source, target) == (S.COUNTERSIGNING, S.REPLY_DRAFTED):
        return services.reply_refuse_countersign(
            proposal=w.reach(S.COUNTERSIGNING),
            actor=w.other_unit_user,
            unit=w.other_unit,
            note="请补充经费安排",
        )
    if (source, target) == (S.UNDER_REVIEW, S.AWAITING_EVALUATION):
        return services.reply_review(proposal=w.reach(S.UNDER_REVIEW), actor=w.staff, category="B")
    if (source, target) == (S.UNDER_REVIEW, S.REPLY_DRAFTED):
        return services.reply_send_back(
            proposal=w.reach(S.UNDER_REVIEW), actor=w.staff, note="请写明完成时限"
        )
    if (source, target) == (S.AWAITING_EVALUATION, S.HANDLING):
        p = w.reach(S.AWAITING_EVALUATION)
        services.feedback_rate(
            proposal=p, actor=w.proposer.user, rating="unsatisfied", comment="未解决实际问题"
        )
        return p
    if (source, target) == (S.AWAITING_EVALUATION, S.CLOSED):
        return services.proposal_close(
            proposal=w.reach(S.AWAITING_EVALUATION), actor=w.staff, note="委员长期出差"
        )
    raise AssertionError(f"no test path for {source} → {target}")


@pytest.mark.parametrize(("source", "target"), list(PROPOSAL_TRANSITIONS), ids=lambda s: str(s))
def test_every_legal_transition_moves_the_proposal_and_writes_a_timeline_row(world, source, target):
    proposal = perform(world, source, target)
    proposal.refresh_from_db()
    assert proposal.state == target
    assert proposal.events.filter(from_state=source, to_state=target).exists()


def test_the_last_rating_closes_the_proposal(world):
    assert world.reach(S.CLOSED).events.filter(action="close").exists()


@pytest.mark.parametrize(
    ("state", "call"),
    [
        (S.DRAFT, lambda w, p: services.proposal_accept(proposal=p, actor=w.staff)),
        (S.DRAFT, lambda w, p: services.proposal_assign(proposal=p, actor=w.staff, lead_unit=w.unit)),
        (S.AWAITING_REVIEW, lambda w, p: services.proposal_submit(proposal=p, actor=w.proposer.user)),
        (S.ACCEPTED, lambda w, p: services.proposal_withdraw(proposal=p, actor=w.proposer.user)),
        (S.ACCEPTED, lambda w, p: services.proposal_close(proposal=p, actor=w.staff, note="x")),
        (
            S.HANDLING,
            lambda w, p: services.proposal_return(proposal=p, actor=w.unit_user, unit=w.unit, reason="x"),
        ),
        (S.HANDLING, lambda w, p: services.reply_review(proposal=p, actor=w.staff)),
        (S.CLOSED, lambda w, p: services.proposal_accept(proposal=p, actor=w.staff)),
    ],
)
def test_an_illegal_transition_is_refused_naming_both_states(world, state, call):
    proposal = world.reach(state)
    events_before = proposal.events.count()
    with pytest.raises(TransitionError) as refused:
        call(world, proposal)
    proposal.refresh_from_db()
    assert proposal.state == state
    assert proposal.events.count() == events_before
    assert str(S(state).label) in str(refused.value.message) or "“" in refused.value.message


def test_the_refusal_message_names_the_current_and_requested_state_in_chinese(world):
    from django.utils import translation

    proposal = world.reach(S.DRAFT)
    with translation.override("zh-hans"), pytest.raises(TransitionError) as refused:
        services.proposal_accept(proposal=proposal, actor=world.staff)
    assert "草稿" in refused.value.message
    assert "已立案" in refused.value.message


def test_rejection_needs_a_reason(world):
    from cppcc_portal.core.errors import DomainError

    proposal = world.reach(S.AWAITING_REVIEW)
    with pytest.raises(DomainError):
        services.proposal_reject(proposal=proposal, actor=world.staff, reason="  ")
    proposal.refresh_from_db()
    assert proposal.state == S.AWAITING_REVIEW
