"""Reminder rules of proposals: co-signers, handling units (催办), proposers who have not rated the reply."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.notifications import rules
from cppcc_portal.core.notifications.kinds import register_kind
from proposals import services
from proposals.choices import HANDLING_STATES, CosignState, ProposalState
from proposals.models import Assignment, Cosignature, Feedback, Proposal
from proposals.signals import proposal_transitioned

# Kinds the proposal services send directly; registered here so people can choose them for e-mail.
register_kind("proposals.cosign_invited", _("Invitation to co-sign a proposal"))
register_kind("proposals.cosign_ended", _("Co-signing ended before you answered"))
register_kind("proposals.assigned", _("A proposal was assigned to your unit"))
register_kind("proposals.reply_published", _("The reply to your proposal was published"))
register_kind("proposals.rehandle", _("A proposal is sent back for handling again"))
register_kind("proposals.report_published", _("Your social-conditions report was published"))
register_kind("proposals.report_instructed", _("A leader gave an instruction on your report"))

COSIGN_KIND = "proposals.cosign_deadline"
REPLY_DUE_KIND = "proposals.reply_due"
REPLY_OVERDUE_KIND = "proposals.reply_overdue"
RATE_KIND = "proposals.rate_reply"
COSIGN_DAYS_BEFORE = (3, 1)
REPLY_DAYS_BEFORE = (14, 3)
RATE_AFTER = dt.timedelta(days=7)


def _date(day):
    return date_format(day, "DATE_FORMAT")


def _label(proposal: Proposal) -> str:
    return f"{proposal.number} {proposal.title}".strip()


@rules.register
class CosignDeadline(rules.Rule):
    """Invited co-signers are reminded 3 days and 1 day before the co-signing deadline."""

    name = "proposals.cosign_deadline"
    label = _("Co-signing deadline, to invited co-signers")
    kinds = {COSIGN_KIND: _("Co-signing invitation about to expire")}
    schedule = rules.Schedule(minute="0", hour="9")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        horizon = timezone.localtime(now).date() + dt.timedelta(days=max(COSIGN_DAYS_BEFORE))
        proposals = Proposal.objects.filter(
            state=ProposalState.COSIGNING, cosign_deadline_on__isnull=False, cosign_deadline_on__lte=horizon
        )
        for proposal in proposals:
            yield from self.plan_for(proposal, now)

    def plan_for(self, proposal: Proposal, now: dt.datetime) -> Iterator[rules.Reminder]:
        if proposal.state != ProposalState.COSIGNING or proposal.cosign_deadline_on is None:
            return
        deadline = proposal.cosign_deadline_on
        invited = Cosignature.objects.filter(
            proposal=proposal, state=CosignState.INVITED, member__user__isnull=False
        ).select_related("member__user__preference")
        link = rules.link_to("proposals:detail", proposal.pk, fallback="/portal/")
        for offset, when in rules.days_before(deadline, COSIGN_DAYS_BEFORE, now):
            for cosignature in invited:
                user = cosignature.member.user
                yield rules.Reminder(
                    recipient=user,
                    kind=COSIGN_KIND,
                    dedupe_key=f"{COSIGN_KIND}:{proposal.pk}:{user.pk}:{offset}d:{deadline:%Y%m%d}",
                    title=format_lazy(_("Co-sign by the deadline: {title}"), title=proposal.title),
                    body=lambda deadline=deadline: (
                        gettext(
                            "You were invited to co-sign this proposal; the invitation expires on %(date)s."
                        )
                        % {"date": _date(deadline)}
                    ),
                    link=link,
                    about=proposal,
                    due_at=when,
                )


def _current_assignments(proposal: Proposal | None = None):
    rows = Assignment.objects.filter(
        is_current=True, returned_on__isnull=True, proposal__state__in=HANDLING_STATES
    ).select_related("proposal", "unit")
    return rows.filter(proposal=proposal) if proposal is not None else rows


@rules.register
class ReplyDue(rules.Rule):
    """Units hear 14 and 3 days before a reply is due; once late, unit and office are chased weekly (催办)."""

    name = "proposals.reply_due"
    label = _("Reply deadlines of assigned proposals, to units and the office")
    kinds = {
        REPLY_DUE_KIND: _("A proposal reply is due soon"),
        REPLY_OVERDUE_KIND: _("A proposal reply is overdue (催办)"),
    }
    schedule = rules.Schedule(minute="0", hour="9")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        horizon = timezone.localtime(now).date() + dt.timedelta(days=max(REPLY_DAYS_BEFORE))
        assignments = (
            _current_assignments().filter(reply_due_on__lte=horizon).prefetch_related("unit__accounts")
        )
        office = rules.office_staff()
        for assignment in assignments:
            yield from self._for_assignment(assignment, now, office)

    def plan_for(self, proposal: Proposal, now: dt.datetime) -> Iterator[rules.Reminder]:
        office = rules.office_staff()
        for assignment in _current_assignments(proposal).prefetch_related("unit__accounts"):
            yield from self._for_assignment(assignment, now, office)

    def _for_assignment(
        self, assignment: Assignment, now: dt.datetime, office: list
    ) -> Iterator[rules.Reminder]:
        proposal, due = assignment.proposal, assignment.reply_due_on
        unit_users = [user for user in assignment.unit.accounts.all() if user.is_active]
        unit_link = rules.link_to("proposals_units:detail", proposal.pk, fallback="/units/")
        week = rules.overdue_week(due, now)
        if week is None:
            for offset, when in rules.days_before(due, REPLY_DAYS_BEFORE, now):
                for user in unit_users:
                    yield rules.Reminder(
                        recipient=user,
                        kind=REPLY_DUE_KIND,
                        dedupe_key=f"{REPLY_DUE_KIND}:{assignment.pk}:{user.pk}:{offset}d:{due:%Y%m%d}",
                        title=format_lazy(_("Reply due soon: {title}"), title=_label(proposal)),
                        body=lambda due=due: (
                            gettext("The reply to this proposal is due on %(date)s.") % {"date": _date(due)}
                        ),
                        link=unit_link,
                        about=proposal,
                        due_at=when,
                    )
            return
        # Lead units are chased, and the office with them; assisting units answer through the lead.
        recipients = unit_users + (office if assignment.role == "lead" else [])
        office_link = rules.link_to("admin:proposals_proposal_change", proposal.pk, fallback="/admin/")
        for user in recipients:
            yield rules.Reminder(
                recipient=user,
                kind=REPLY_OVERDUE_KIND,
                dedupe_key=f"{REPLY_OVERDUE_KIND}:{assignment.pk}:{user.pk}:w{week}:{due:%Y%m%d}",
                title=format_lazy(_("Overdue reply (催办): {title}"), title=_label(proposal)),
                body=lambda due=due, unit=assignment.unit: (
                    gettext(
                        "The reply of %(unit)s to this proposal was due on %(date)s and has not been given."
                    )
                    % {"unit": unit.name, "date": _date(due)}
                ),
                link=unit_link if user in unit_users else office_link,
                about=proposal,
                due_at=now,
            )


@rules.register
class RateTheReply(rules.Rule):
    """Proposers and co-signers who have not rated a published reply within 7 days are reminded once."""

    name = "proposals.rate_reply"
    label = _("Replies not rated within 7 days, to proposers")
    kinds = {RATE_KIND: _("A reply waits for your rating")}
    schedule = rules.Schedule(minute="0", hour="10")

    def plan(self, now: dt.datetime) -> Iterator[rules.Reminder]:
        proposals = Proposal.objects.filter(state=ProposalState.AWAITING_EVALUATION)
        for proposal in proposals:
            yield from self.plan_for(proposal, now)

    def plan_for(self, proposal: Proposal, now: dt.datetime) -> Iterator[rules.Reminder]:
        if proposal.state != ProposalState.AWAITING_EVALUATION:
            return
        reply = proposal.replies.filter(published_at__isnull=False).order_by("-published_at").first()
        if reply is None or reply.published_at > now - RATE_AFTER:
            return
        rated = set(Feedback.objects.filter(reply=reply).values_list("member_id", flat=True))
        link = rules.link_to("proposals:detail", proposal.pk, fallback="/portal/")
        for member in services.raters(proposal):
            if member.pk in rated or member.user_id is None:
                continue
            yield rules.Reminder(
                recipient=member.user,
                kind=RATE_KIND,
                dedupe_key=f"{RATE_KIND}:{reply.pk}:{member.user_id}",
                title=format_lazy(_("Please rate the reply to {title}"), title=_label(proposal)),
                body=_("The unit's reply was published a week ago; your rating closes the proposal."),
                link=link,
                about=proposal,
                due_at=now,
            )


PROPOSAL_RULES = {
    CosignDeadline.name: COSIGN_KIND,
    ReplyDue.name: "proposals.reply_",
    RateTheReply.name: RATE_KIND,
}


@receiver(proposal_transitioned, dispatch_uid="proposals.reminders.transitioned")
def _proposal_moved(sender, proposal: Proposal, **kwargs) -> None:
    """Any step of the workflow: reminders that no longer fit go, those that now fit are planned."""
    with transaction.atomic():
        for rule_name, kind_prefix in PROPOSAL_RULES.items():
            rules.replan(rule_name, proposal, kind_prefix=kind_prefix)
