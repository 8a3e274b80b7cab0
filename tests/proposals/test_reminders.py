"""Proposal reminders: co-signers before the deadline, units before and after the reply is due, raters."""

import datetime as dt

import pytest
import time_machine

from cppcc_portal.core.models import Notification, NotificationState
from cppcc_portal.core.notifications import rules
from proposals import services
from proposals.choices import ProposalState as S
from proposals.reminders import COSIGN_KIND, RATE_KIND, REPLY_DUE_KIND, REPLY_OVERDUE_KIND

pytestmark = pytest.mark.django_db


def on(day: dt.date, hour: int = 9):
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour - 8, 5, tzinfo=dt.UTC), tick=False
    )


def rows(kind, **filters):
    return Notification.objects.filter(kind=kind, **filters)


def test_an_invited_cosigner_is_reminded_before_the_deadline_until_they_answer(
    world, django_capture_on_commit_callbacks
):
    with on(dt.date(2017, 3, 1)):
        proposal = world.reach(S.COSIGNING)
    deadline = proposal.cosign_deadline_on
    with on(deadline - dt.timedelta(days=3)):
        assert rules.run_rule("proposals.cosign_deadline") == 2  # 3 days before now, 1 day before later
        assert rules.run_rule("proposals.cosign_deadline") == 0
        assert rows(COSIGN_KIND, recipient=world.cosigner.user, state=NotificationState.PENDING).count() == 2
        with django_capture_on_commit_callbacks(execute=True):
            services.cosign_respond(proposal=proposal, actor=world.cosigner.user, accept=True)
    assert rows(COSIGN_KIND, state=NotificationState.PENDING).count() == 0


def test_the_unit_is_reminded_14_and_3_days_before_the_reply_is_due(world):
    with on(dt.date(2017, 3, 1)):
        proposal = world.reach(S.HANDLING)
    due = proposal.assignments.get(role="lead").reply_due_on
    with on(due - dt.timedelta(days=14)):
        rules.run_rule("proposals.reply_due")
        rules.run_rule("proposals.reply_due")
    lead = rows(REPLY_DUE_KIND, recipient=world.unit_user).order_by("due_at")
    assert [row.due_at.date() for row in lead] == [due - dt.timedelta(days=14), due - dt.timedelta(days=3)]
    assert rows(REPLY_DUE_KIND, recipient=world.other_unit_user).count() == 2


def test_an_overdue_reply_is_chased_weekly_to_the_unit_and_the_office(world):
    with on(dt.date(2017, 3, 1)):
        proposal = world.reach(S.HANDLING, assisting=False)
    due = proposal.assignments.get(role="lead").reply_due_on
    with on(due + dt.timedelta(days=1)):
        assert rules.run_rule("proposals.reply_due") == 2  # the unit's account and the office
    with on(due + dt.timedelta(days=4)):
        assert rules.run_rule("proposals.reply_due") == 0
    with on(due + dt.timedelta(days=8)):
        assert rules.run_rule("proposals.reply_due") == 2
    recipients = set(rows(REPLY_OVERDUE_KIND).values_list("recipient__username", flat=True))
    assert recipients == {world.unit_user.username, world.staff.username}
    assert rows(REPLY_OVERDUE_KIND).count() == 4


def test_a_reply_sent_in_time_stops_the_pending_reminders(world, django_capture_on_commit_callbacks):
    with on(dt.date(2017, 3, 1)):
        proposal = world.reach(S.HANDLING, assisting=False)
    due = proposal.assignments.get(role="lead").reply_due_on
    with on(due - dt.timedelta(days=14)):
        rules.run_rule("proposals.reply_due")
        with django_capture_on_commit_callbacks(execute=True):
            world.write_reply(proposal)
            services.reply_send(proposal=proposal, actor=world.unit_user)
    proposal.refresh_from_db()
    if proposal.state in (S.UNDER_REVIEW, S.COUNTERSIGNING, S.REPLY_DRAFTED):
        # Still held by the unit or the office: the deadline keeps running until the reply is published.
        assert rows(REPLY_DUE_KIND, state=NotificationState.PENDING).exists()
    with on(due - dt.timedelta(days=13)), django_capture_on_commit_callbacks(execute=True):
        services.reply_review(proposal=proposal, actor=world.staff)
    assert rows(REPLY_DUE_KIND, state=NotificationState.PENDING).count() == 0


def test_raters_who_did_not_rate_within_a_week_are_reminded_once(world):
    with on(dt.date(2017, 3, 1)):
        proposal = world.reach(S.AWAITING_EVALUATION)
        services.feedback_rate(proposal=proposal, actor=world.proposer.user, rating="satisfied")
    with on(dt.date(2017, 3, 5)):
        assert rules.run_rule("proposals.rate_reply") == 0
    with on(dt.date(2017, 3, 9)):
        assert rules.run_rule("proposals.rate_reply") == 1
        assert rules.run_rule("proposals.rate_reply") == 0
    assert rows(RATE_KIND).get().recipient == world.cosigner.user
