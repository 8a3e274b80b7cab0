import pytest

from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from meetings import services
from meetings.models import AgendaItem, Ballot, Motion, ProcedureRule, Resolution, VoteReceipt
from tests.meetings.conftest import check_in_all, member_with_login


@pytest.fixture
def motion(open_session, staff_user):
    item = AgendaItem.objects.get(session=open_session)
    return services.motion_create(agenda_item=item, title="关于通过2017年工作要点的决议", actor=staff_user)


def vote(motion, members, choices):
    for m, choice in zip(members, choices, strict=True):
        services.ballot_cast(motion=motion, actor=m.user, choice=choice)


def test_three_of_five_for_adopts_a_motion_and_makes_a_resolution(motion, open_session, staff_user, standing):
    check_in_all(open_session, standing, staff_user)
    services.motion_open(motion=motion, actor=staff_user)
    vote(motion, standing, ["for", "for", "for", "against", "abstain"])
    closed = services.motion_close(motion=motion, actor=staff_user)
    assert (closed.votes_for, closed.votes_against, closed.votes_abstain, closed.basis_count) == (3, 1, 1, 5)
    assert closed.adopted is True
    assert Resolution.objects.get(motion=closed).title == motion.title


def test_more_for_than_against_is_not_enough_without_more_than_half_of_the_whole_body(
    motion, open_session, staff_user, standing
):
    # Two for, one against, two abstain: a majority of votes cast, but not of all five members.
    check_in_all(open_session, standing, staff_user)
    services.motion_open(motion=motion, actor=staff_user)
    vote(motion, standing, ["for", "for", "against", "abstain", "abstain"])
    assert services.motion_close(motion=motion, actor=staff_user).adopted is False
    assert not Resolution.objects.exists()


def test_members_who_stay_away_count_against_a_motion_under_the_default_rule(
    motion, open_session, staff_user, standing
):
    check_in_all(open_session, standing[:3], staff_user)
    services.motion_open(motion=motion, actor=staff_user)
    vote(motion, standing[:2], ["for", "for"])
    closed = services.motion_close(motion=motion, actor=staff_user)
    assert (closed.adopted, closed.not_voting) == (False, 1)


def test_a_tie_is_not_adopted_when_votes_cast_decide(motion, open_session, staff_user, standing):
    Motion.objects.filter(pk=motion.pk).update(adoption_basis="for_against")
    check_in_all(open_session, standing[:4], staff_user)
    services.motion_open(motion=motion, actor=staff_user)
    vote(motion, standing[:4], ["for", "for", "against", "against"])
    closed = services.motion_close(motion=motion, actor=staff_user)
    assert (closed.basis_count, closed.adopted) == (4, False)


def test_abstentions_are_left_out_or_counted_as_the_rule_says(open_session, staff_user, standing):
    item = AgendaItem.objects.get(session=open_session)
    check_in_all(open_session, standing, staff_user)
    results = {}
    for basis in ("for_against", "cast"):
        ProcedureRule.objects.filter(kind="standing_committee").update(adoption_basis=basis)
        motion = services.motion_create(agenda_item=item, title=basis, actor=staff_user)
        services.motion_open(motion=motion, actor=staff_user)
        vote(motion, standing, ["for", "for", "against", "abstain", "abstain"])
        results[basis] = services.motion_close(motion=motion, actor=staff_user).adopted
    # 2 for of 3 for-and-against passes; 2 of 5 cast does not.
    assert results == {"for_against": True, "cast": False}


def test_a_two_thirds_rule_at_least_is_met_exactly(open_session, staff_user, standing):
    ProcedureRule.objects.filter(kind="standing_committee").update(
        adoption_basis="present", adoption_numerator=2, adoption_denominator=3, adoption_strict=False
    )
    item = AgendaItem.objects.get(session=open_session)
    motion = services.motion_create(agenda_item=item, title="修改规则", actor=staff_user)
    check_in_all(open_session, standing[:3], staff_user)
    services.motion_open(motion=motion, actor=staff_user)
    vote(motion, standing[:3], ["for", "for", "against"])
    assert services.motion_close(motion=motion, actor=staff_user).adopted is True


def test_voting_twice_is_refused_and_the_first_vote_stands(
    motion, open_session, staff_user, member, member_user
):
    check_in_all(open_session, [member], staff_user)
    services.motion_open(motion=motion, actor=staff_user)
    services.ballot_cast(motion=motion, actor=member_user, choice="for")
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(motion=motion, actor=member_user, choice="against")
    assert exc.value.code == "already_voted"
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["for"]


def test_a_member_not_checked_in_cannot_vote(motion, open_session, staff_user, member_user):
    services.motion_open(motion=motion, actor=staff_user)
    with pytest.raises(PermissionDeniedError):
        services.ballot_cast(motion=motion, actor=member_user, choice="for")
    assert not Ballot.objects.exists()


def test_no_vote_before_opening_or_after_closing(motion, open_session, staff_user, member, member_user):
    check_in_all(open_session, [member], staff_user)
    with pytest.raises(DomainError) as exc:
        services.ballot_cast(motion=motion, actor=member_user, choice="for")
    assert exc.value.code == "vote_not_open"
    services.motion_open(motion=motion, actor=staff_user)
    services.motion_close(motion=motion, actor=staff_user)
    with pytest.raises(DomainError):
        services.ballot_cast(motion=motion, actor=member_user, choice="for")
    assert not Ballot.objects.exists()


def test_an_attendee_who_is_not_on_the_body_cannot_vote(sc_meeting, staff_user, motion, open_session):
    guest = member_with_login("guest2", name="列席2")
    services.meeting_call(meeting=sc_meeting, actor=staff_user, attendees=[guest])
    services.check_in_at_desk(session=open_session, member=guest, actor=staff_user)
    services.motion_open(motion=motion, actor=staff_user)
    with pytest.raises(PermissionDeniedError):
        services.ballot_cast(motion=motion, actor=guest.user, choice="for")


def test_a_secret_ballot_stores_no_voter_but_still_stops_a_second_vote(
    open_session, staff_user, member, member_user
):
    item = AgendaItem.objects.get(session=open_session)
    motion = services.motion_create(agenda_item=item, title="人事事项", actor=staff_user, secret=True)
    check_in_all(open_session, [member], staff_user)
    services.motion_open(motion=motion, actor=staff_user)
    services.ballot_cast(motion=motion, actor=member_user, choice="against")
    ballot = Ballot.objects.get(motion=motion)
    assert ballot.member_id is None
    assert not [f.name for f in Ballot._meta.get_fields() if f.name in ("created_at", "cast_at")]
    assert VoteReceipt.objects.filter(motion=motion, member=member).exists()
    with pytest.raises(DomainError):
        services.ballot_cast(motion=motion, actor=member_user, choice="for")
    from cppcc_portal.core.models import AuditEvent

    assert "反对" not in " ".join(AuditEvent.objects.values_list("note", flat=True))
    assert "against" not in " ".join(AuditEvent.objects.values_list("note", flat=True))


def test_only_the_office_opens_and_closes_votes(motion, open_session, member_user, staff_user):
    with pytest.raises(PermissionDeniedError):
        services.motion_open(motion=motion, actor=member_user)
    services.motion_open(motion=motion, actor=staff_user)
    with pytest.raises(PermissionDeniedError):
        services.motion_close(motion=motion, actor=member_user)


def test_a_session_with_an_open_vote_cannot_close(motion, open_session, staff_user):
    services.motion_open(motion=motion, actor=staff_user)
    with pytest.raises(DomainError) as exc:
        services.session_close(session=open_session, actor=staff_user)
    assert exc.value.code == "vote_open"


def test_the_database_refuses_a_second_receipt_even_past_the_service(motion, member):
    from django.db import IntegrityError, transaction

    VoteReceipt.objects.create(motion=motion, member=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteReceipt.objects.create(motion=motion, member=member)
