"""Every non-trivial read of proposals and reports, scoped to the user in the query."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from cppcc_portal.core import roles
from cppcc_portal.core.committees import in_hand_id
from members.selectors import member_for_user, unit_ids_for
from proposals.choices import (
    ACCEPTED_STATES,
    HANDLING_STATES,
    AdoptionLevel,
    AssignmentRole,
    BulletinState,
    CosignState,
    ExcellentState,
    ProposalState,
    ReplyCategory,
    ReportState,
    Satisfaction,
)
from proposals.models import (
    Assignment,
    BulletinIssue,
    Cosignature,
    Feedback,
    Forwarding,
    Instruction,
    OpinionReport,
    Proposal,
    ProposalEvent,
    Reply,
    ReportEvent,
)
from proposals.services import raters


def _member_id(user) -> int | None:
    member = member_for_user(user)
    return member.pk if member is not None else None


# ---------------------------------------------------------------- proposals for people


def proposal_list(*, user) -> QuerySet[Proposal]:
    """The proposals a user may read: staff and leaders all; a member those they made or were invited to."""
    qs = Proposal.objects.select_related("category", "submitter", "party", "sector", "committee")
    if roles.can_read_everything(user):
        return qs
    member_id = _member_id(user)
    if member_id is None:
        return qs.none()
    signed = Cosignature.objects.filter(member_id=member_id).values("proposal_id")
    return qs.filter(Q(submitter_id=member_id) | Q(pk__in=signed))


def proposal_get(*, user, pk: int) -> Proposal:
    """One proposal the user may read, or 404 (a guessed id of someone else's proposal)."""
    proposal = proposal_list(user=user).filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


def member_proposal_rows(*, user) -> QuerySet[Proposal]:
    """The member portal list: their proposals with the co-signature state and current lead unit."""
    member_id = _member_id(user)
    lead = Assignment.objects.filter(
        proposal=OuterRef("pk"), is_current=True, role=AssignmentRole.LEAD
    ).select_related("unit")
    return (
        proposal_list(user=user)
        .annotate(
            my_cosign_state=Subquery(
                Cosignature.objects.filter(proposal=OuterRef("pk"), member_id=member_id).values("state")[:1]
            ),
            lead_unit_name=Subquery(lead.values("unit__name")[:1]),
            reply_due_on=Subquery(lead.values("reply_due_on")[:1]),
        )
        .order_by("-year", "-created_at")
    )


def proposal_events(*, proposal: Proposal) -> QuerySet[ProposalEvent]:
    """The proposal's timeline, oldest first."""
    return proposal.events.select_related("actor")


def proposal_detail_context(*, proposal: Proposal, user) -> dict:
    """What the detail pages show, read in a fixed number of queries."""
    member_id = _member_id(user)
    cosignatures = list(proposal.cosignatures.select_related("member"))
    assignments = list(proposal.assignments.select_related("unit").order_by("-is_current", "role", "pk"))
    replies = list(
        proposal.replies.select_related("unit").prefetch_related(
            "attachments",
            Prefetch("feedback", queryset=Feedback.objects.select_related("member", "recorded_by")),
        )
    )
    published = [r for r in replies if r.published_at]
    attachments = [a for a in proposal.attachments.all() if a.reply_id is None]
    current = next((r for r in replies if r.round == proposal.handling_round), None)
    return {
        "cosignatures": cosignatures,
        "assignments": assignments,
        "current_assignments": [a for a in assignments if a.is_current],
        "replies": replies,
        "published_replies": published,
        "current_reply": current,
        "attachments": attachments,
        "events": list(proposal_events(proposal=proposal)),
        "my_cosignature": next((c for c in cosignatures if c.member_id == member_id), None),
        "is_submitter": member_id == proposal.submitter_id,
        "handling_states": [str(s) for s in HANDLING_STATES],
        "may_rate": may_rate(proposal=proposal, user=user),
    }


def pending_invitations(*, user) -> QuerySet[Cosignature]:
    """Invitations to co-sign the member has not answered, while co-signing is open."""
    member_id = _member_id(user)
    return Cosignature.objects.filter(
        member_id=member_id, state=CosignState.INVITED, proposal__state=ProposalState.COSIGNING
    ).select_related("proposal", "proposal__submitter")


def rateable_by(member_id: int) -> QuerySet[Proposal]:
    """May rate (评价), the one rule: a proposal awaiting evaluation whose lead proposer or accepted
    co-signer the member is, and whose current reply they have not rated yet."""
    rated = Feedback.objects.filter(
        proposal=OuterRef("pk"), member_id=member_id, reply__round=OuterRef("handling_round")
    )
    signed = Cosignature.objects.filter(member_id=member_id, state=CosignState.ACCEPTED).values("proposal_id")
    return (
        Proposal.objects.filter(state=ProposalState.AWAITING_EVALUATION)
        .filter(Q(submitter_id=member_id) | Q(pk__in=signed))
        .exclude(Exists(rated))
    )


def may_rate(*, proposal: Proposal, user) -> bool:
    if proposal.state != ProposalState.AWAITING_EVALUATION:
        return False
    member_id = _member_id(user)
    return member_id is not None and rateable_by(member_id).filter(pk=proposal.pk).exists()


def awaiting_my_rating(*, user) -> QuerySet[Proposal]:
    """Proposals whose reply the member must still rate."""
    member_id = _member_id(user)
    return Proposal.objects.none() if member_id is None else rateable_by(member_id)


def proposal_raters(*, proposal: Proposal) -> list:
    """Who rates the published reply (the lead proposer and accepted co-signers)."""
    return raters(proposal)


# ---------------------------------------------------------------- handling units


def _my_current_assignments(user) -> QuerySet[Assignment]:
    # The user's unit ids as values, read once per request (no join through the accounts table,
    # so no DISTINCT): with a known unit the planner walks the (unit, assigned_on) index in order
    # and stops after a page, however long the unit's history.
    # Per committee in hand: one account may answer for a unit of the city and one of a district.
    here = in_hand_id()
    known = getattr(user, "_workspace_unit_ids", None)
    if known is None or known[0] != here:
        known = user._workspace_unit_ids = (here, unit_ids_for(user))
    return Assignment.objects.filter(is_current=True, unit_id__in=known[1])


def _workspace_rows(qs: QuerySet[Assignment]) -> QuerySet:
    """The columns the workspace lists, as plain rows (no model instances: a page is read-only)."""
    return qs.values(
        "proposal_id",
        "role",
        "reply_due_on",
        "assigned_on",
        unit_name=F("unit__name"),
        number=F("proposal__number"),
        title=F("proposal__title"),
        is_key=F("proposal__is_key"),
        state=F("proposal__state"),
    )


def unit_assignment_list(*, user) -> QuerySet:
    """The unit workspace's open work: current assignments (lead or assisting) whose proposal is
    still being handled, soonest due first."""
    return _workspace_rows(
        _my_current_assignments(user).filter(proposal__state__in=HANDLING_STATES)
    ).order_by("reply_due_on", "proposal_id")


def unit_assignment_history(*, user) -> QuerySet:
    """The unit workspace's history: current assignments whose handling is over (replied, rated,
    closed), latest assignment first. Grows with the years, so the page shows it paginated."""
    return _workspace_rows(
        _my_current_assignments(user).exclude(proposal__state__in=HANDLING_STATES)
    ).order_by("-assigned_on", "-proposal_id")


def unit_workspace_counts(*, user, today: dt.date | None = None) -> dict[str, int]:
    """How many assignments are open, overdue and finished."""
    today = today or timezone.localdate()
    # The proposals being handled come from the state index as one hashed list, not by joining
    # the unit's ten years of assignments to every proposal.
    handling = Q(proposal_id__in=Proposal.objects.filter(state__in=HANDLING_STATES).values("pk"))
    counts = _my_current_assignments(user).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=handling),
        overdue=Count("pk", filter=reply_overdue_q(today, handling=handling)),
    )
    return {"open": counts["open"], "overdue": counts["overdue"], "history": counts["total"] - counts["open"]}


def unit_proposal_list(*, user) -> QuerySet[Proposal]:
    """Proposals currently assigned to one of the user's units."""
    assigned = Assignment.objects.filter(is_current=True, unit__accounts=user).values("proposal_id")
    return Proposal.objects.filter(pk__in=assigned).select_related("category", "submitter")


def unit_proposal_get(*, user, pk: int) -> Proposal:
    """A proposal assigned to the user's unit, or 404 (another unit's proposal stays invisible)."""
    proposal = unit_proposal_list(user=user).filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


def unit_assignments_for(*, user, proposal: Proposal) -> list[Assignment]:
    """The user's units' current assignments on one proposal (lead and/or assisting)."""
    return list(
        proposal.assignments.filter(is_current=True, unit__accounts=user).select_related("unit").distinct()
    )


def open_assignments() -> QuerySet[Assignment]:
    """Current assignments whose reply is still owed (for reminders: reply_due_on, return_deadline_on)."""
    return Assignment.objects.filter(is_current=True, proposal__state__in=HANDLING_STATES).select_related(
        "proposal", "unit"
    )


def reply_overdue_q(today: dt.date, *, handling: Q | None = None) -> Q:
    """Reply overdue (答复超期), the one definition, on Assignment rows: a current assignment whose
    reply due date has passed (the due day itself is still in time) while its proposal is being
    handled. `handling` may state "being handled" in another form (the unit workspace reads it from
    the state index). `is_reply_overdue` says the same of one loaded row; `overdue_proposals` lists
    the proposals whose lead assignment it holds for."""
    being_handled = handling if handling is not None else Q(proposal__state__in=HANDLING_STATES)
    return Q(is_current=True, reply_due_on__lt=today) & being_handled


def is_reply_overdue(*, reply_due_on: dt.date | None, state: str, today: dt.date) -> bool:
    """`reply_overdue_q` for one loaded current assignment."""
    return bool(reply_due_on and reply_due_on < today and state in HANDLING_STATES)


def overdue_proposals(*, year: int | None = None, today: dt.date | None = None) -> QuerySet[Proposal]:
    """超期: proposals whose lead assignment's reply is overdue (`reply_overdue_q`, from the proposal's side)."""
    today = today or timezone.localdate()
    qs = Proposal.objects.filter(
        state__in=HANDLING_STATES,
        assignments__is_current=True,
        assignments__role=AssignmentRole.LEAD,
        assignments__reply_due_on__lt=today,
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs.annotate(
        reply_due_on=F("assignments__reply_due_on"), lead_unit_name=F("assignments__unit__name")
    )


def cosigning_open(*, today: dt.date | None = None) -> QuerySet[Proposal]:
    """Proposals whose co-signing is open, with its stored deadline (cosign_deadline_on)."""
    return Proposal.objects.filter(state=ProposalState.COSIGNING).select_related("submitter")


# ---------------------------------------------------------------- statistics for the analysis meeting


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _counts(qs, key) -> list[dict]:
    return [
        {"name": row["name"] or "—", "count": row["count"]}
        for row in qs.annotate(name=key)
        .values("name")
        .annotate(count=Count("pk", distinct=True))
        .order_by("-count", "name")
    ]


def proposal_stats(*, year: int, today: dt.date | None = None) -> dict:
    """The analysis meeting's figures for a year: counts by state, category, sector, party and unit,
    按期办复率, 满意率, 问题解决率 (share of A), and the overdue list. Aggregate queries only.

    On-time rate: among accepted proposals whose reply is in or whose due date has passed, the share
    first replied on or before the (possibly extended) due date. Satisfaction rate: share of all
    ratings given that are 满意 or 基本满意. Solved rate: share of replied proposals whose latest
    published reply is category A.
    """
    today = today or timezone.localdate()
    year_qs = Proposal.objects.filter(year=year)
    states = {row["state"]: row["count"] for row in year_qs.values("state").annotate(count=Count("pk"))}
    by_state = [
        {"state": value, "label": str(label), "count": states.get(value, 0)}
        for value, label in ProposalState.choices
    ]
    submitted_qs = submitted_proposals(year=year)
    accepted_qs = year_qs.filter(state__in=ACCEPTED_STATES)

    assignments = Assignment.objects
    lead = assignments.filter(proposal__year=year, is_current=True, role=AssignmentRole.LEAD)
    timing = lead.aggregate(
        replied=Count("pk", filter=Q(proposal__first_replied_on__isnull=False)),
        on_time=Count("pk", filter=Q(proposal__first_replied_on__lte=F("reply_due_on"))),
        due_passed_unreplied=Count(
            "pk", filter=Q(proposal__first_replied_on__isnull=True, reply_due_on__lt=today)
        ),
    )
    owed = timing["replied"] + timing["due_passed_unreplied"]

    ratings = Feedback.objects.filter(proposal__year=year).aggregate(
        total=Count("pk"),
        satisfied=Count("pk", filter=Q(rating=Satisfaction.SATISFIED)),
        basically=Count("pk", filter=Q(rating=Satisfaction.BASICALLY)),
        unsatisfied=Count("pk", filter=Q(rating=Satisfaction.UNSATISFIED)),
    )

    latest_category = Subquery(
        Reply.objects.filter(proposal=OuterRef("pk"), published_at__isnull=False)
        .order_by("-round")
        .values("category")[:1]
    )
    categories = {
        row["latest"]: row["count"]
        for row in year_qs.filter(first_replied_on__isnull=False)
        .annotate(latest=latest_category)
        .values("latest")
        .annotate(count=Count("pk"))
    }
    replied_total = sum(categories.values())

    by_unit = [
        {
            "name": row["unit__name"],
            "lead": row["lead"],
            "assisting": row["assisting"],
            "replied": row["replied"],
            "overdue": row["overdue"],
        }
        for row in assignments.filter(proposal__year=year, is_current=True)
        .values("unit__name")
        .annotate(
            lead=Count("pk", filter=Q(role=AssignmentRole.LEAD)),
            assisting=Count("pk", filter=Q(role=AssignmentRole.ASSISTING)),
            replied=Count("pk", filter=Q(role=AssignmentRole.LEAD, proposal__first_replied_on__isnull=False)),
            overdue=Count("pk", filter=Q(role=AssignmentRole.LEAD) & reply_overdue_q(today)),
        )
        .order_by("-lead", "unit__name")
    ]
    overdue = [
        {
            "id": p.pk,
            "number": p.number,
            "title": p.title,
            "unit": p.lead_unit_name,
            "reply_due_on": p.reply_due_on,
            "days_overdue": (today - p.reply_due_on).days,
        }
        for p in overdue_proposals(year=year, today=today).order_by("reply_due_on", "number_seq")
    ]
    flags = year_qs.aggregate(
        key=Count("pk", filter=Q(is_key=True)),
        excellent=Count("pk", filter=Q(excellent_state=ExcellentState.SELECTED)),
        nominated=Count("pk", filter=~Q(excellent_state=ExcellentState.NONE)),
    )
    return {
        "year": year,
        "total": sum(states.values()),
        "submitted": submitted_qs.count(),
        "accepted": accepted_qs.count(),
        "by_state": by_state,
        "by_category": _counts(submitted_qs, F("category__name")),
        "by_sector": _counts(submitted_qs, Coalesce("sector__name", "submitter__sector__name")),
        "by_party": _counts(submitted_qs, Coalesce("party__name", "submitter__party__name")),
        "by_unit": by_unit,
        "replied": timing["replied"],
        "replied_on_time": timing["on_time"],
        "on_time_rate": _rate(timing["on_time"], owed),
        "ratings": ratings,
        "satisfaction_rate": _rate(ratings["satisfied"] + ratings["basically"], ratings["total"]),
        "reply_categories": {c: categories.get(c, 0) for c in ReplyCategory.values},
        "solved_rate": _rate(categories.get(ReplyCategory.A, 0), replied_total),
        "key": flags["key"],
        "excellent": flags["excellent"],
        "nominated": flags["nominated"],
        "overdue": overdue,
    }


# ---------------------------------------------------------------- reports and bulletins


def report_list(*, user) -> QuerySet[OpinionReport]:
    """Reports a user may read: staff and leaders all; others the ones they wrote or submitted."""
    qs = OpinionReport.objects.select_related("author_member", "party", "sector", "bulletin", "submitted_by")
    if roles.can_read_everything(user):
        return qs
    member_id = _member_id(user)
    mine = Q(submitted_by=user)
    if member_id is not None:
        mine |= Q(author_member_id=member_id)
    return qs.filter(mine)


def report_get(*, user, pk: int) -> OpinionReport:
    """One report the user may read, or 404."""
    report = report_list(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def report_events(*, report: OpinionReport) -> QuerySet[ReportEvent]:
    return report.events.select_related("actor")


def report_instructions(*, report: OpinionReport) -> QuerySet[Instruction]:
    return report.instructions.all()


def bulletin_list(*, user) -> QuerySet[BulletinIssue]:
    """Issues of 《社情民意》: staff and leaders see all; others the published ones."""
    qs = BulletinIssue.objects.annotate(report_count=Count("reports"))
    if roles.can_read_everything(user):
        return qs
    return qs.filter(state=BulletinState.PUBLISHED)


def bulletin_get(*, user, pk: int) -> BulletinIssue:
    issue = bulletin_list(user=user).select_related("tenant").filter(pk=pk).first()
    if issue is None:
        raise Http404
    return issue


def bulletin_reports(*, bulletin: BulletinIssue) -> QuerySet[OpinionReport]:
    return bulletin.reports.select_related("author_member", "party", "sector").order_by("pk")


def report_stats(*, year: int) -> dict:
    """Reports of a year by state and adoption level, with adoption and instruction counts."""
    qs = reports_of_year(year=year)
    states = {row["state"]: row["count"] for row in qs.values("state").annotate(count=Count("pk"))}
    levels = {
        row["adoption_level"]: row["count"]
        for row in qs.exclude(adoption_level="").values("adoption_level").annotate(count=Count("pk"))
    }
    total = sum(states.values())
    adopted = states.get(ReportState.ADOPTED, 0) + states.get(ReportState.PUBLISHED, 0)
    return {
        "year": year,
        "total": total,
        "by_state": [
            {"state": value, "label": str(label), "count": states.get(value, 0)}
            for value, label in ReportState.choices
        ],
        "by_level": [
            {"level": value, "label": str(label), "count": levels.get(value, 0)}
            for value, label in AdoptionLevel.choices
        ],
        "adopted": adopted,
        "adoption_rate": _rate(adopted, total),
        "instructed": Instruction.objects.filter(report__year=year).values("report").distinct().count(),
        "bulletins": BulletinIssue.objects.filter(year=year, state=BulletinState.PUBLISHED).count(),
    }


def proposal_list_for_api(*, user) -> QuerySet[Proposal]:
    """The API's scope: what the member pages show plus what the unit workspace shows, for this user."""
    if roles.can_read_everything(user):
        return proposal_list(user=user)
    member_id = _member_id(user)
    scope = Q(pk__in=Assignment.objects.filter(is_current=True, unit__accounts=user).values("proposal_id"))
    if member_id is not None:
        signed = Cosignature.objects.filter(member_id=member_id).values("proposal_id")
        scope |= Q(submitter_id=member_id) | Q(pk__in=signed)
    return Proposal.objects.select_related("category", "submitter", "party", "sector", "committee").filter(
        scope
    )


def reply_list(*, user) -> QuerySet[Reply]:
    """Replies: staff and leaders all; units those of proposals assigned to them; members published ones."""
    qs = Reply.objects.select_related("unit", "proposal")
    if roles.can_read_everything(user):
        return qs
    unit_scope = Q(proposal__assignments__is_current=True, proposal__assignments__unit__accounts=user)
    member_scope = Q(proposal__in=proposal_list(user=user).values("pk"), published_at__isnull=False)
    return qs.filter(unit_scope | member_scope).distinct()


# --- for the leaders' dashboard -------------------------------------------------------------------


def submitted_proposals(*, year: int) -> QuerySet[Proposal]:
    """The proposals a year counts (what "提案" means on every page): every state but draft, since a
    draft has not reached the committee yet."""
    return Proposal.objects.filter(year=year).exclude(state=ProposalState.DRAFT)


def proposal_item_links(*, year: int) -> QuerySet:
    """One row per link between a submitted proposal of the year and a plan item it serves:
    item_id, work_id (the proposal) and heading (its title), for the annual work summary."""
    return (
        Proposal.items.through.objects.filter(proposal__year=year)
        .exclude(proposal__state=ProposalState.DRAFT)
        .values("item_id", work_id=F("proposal_id"), heading=F("proposal__title"))
        .order_by()
    )


def report_item_links(*, year: int) -> QuerySet:
    """One row per link between a report of the year (every report counts) and a plan item."""
    return (
        OpinionReport.items.through.objects.filter(opinionreport__year=year)
        .values("item_id", work_id=F("opinionreport_id"), heading=F("opinionreport__title"))
        .order_by()
    )


def _years(model) -> set[int]:
    """Years with a row of `model`: first and last from the year index, then one EXISTS probe per
    year between them, in one query (a DISTINCT would read the whole index)."""
    span = model.objects.aggregate(first=Min("year"), last=Max("year"))
    if span["first"] is None:
        return set()
    probes = {
        f"y{year}": Exists(model.objects.filter(year=year)) for year in range(span["first"], span["last"] + 1)
    }
    found = model.objects.order_by().annotate(**probes).values(*probes)[0]
    return {int(key[1:]) for key, present in found.items() if present}


def proposal_years() -> set[int]:
    """The years with a proposal (a draft too: someone works on that year) or a report."""
    return _years(Proposal) | _years(OpinionReport)


def stats_source_models() -> tuple[type, ...]:
    """The models `proposal_stats` and `report_stats` count: a write to one changes those figures
    (a rating, `Feedback`, changes the satisfaction rate)."""
    return (Proposal, Assignment, Reply, Feedback, OpinionReport, Instruction, BulletinIssue)


def reports_of_year(*, year: int) -> QuerySet[OpinionReport]:
    """The reports a year counts (what "社情民意信息" means on every page): every state."""
    return OpinionReport.objects.filter(year=year)


# ---------------------------------------------------------------- between levels (across committees)
#
# The only reads of proposals that cross committees: a forwarding joins a row of one committee to a
# row of another, and each side's office reads the other's state through it. Every such read goes
# through `forwardings_across_committees`, so that a committee guard (a scoped manager) has one
# place to let it through (core.committees).


def forwardings_across_committees() -> QuerySet[Forwarding]:
    """Every forwarding with both ends' rows and committees joined, whichever committee is in hand."""
    return Forwarding.objects.select_related(
        "source_committee",
        "target_committee",
        "source_proposal",
        "target_proposal",
        "source_report",
        "target_report",
        "forwarded_by",
    )


def forwarding_for_office(*, user, committee, pk: int) -> Forwarding:
    """A forwarding the office of ``committee`` may read: one it sent or received; anyone else, 404."""
    if not roles.is_staff_user(user):
        raise Http404("no such forwarding")
    found = (
        forwardings_across_committees()
        .filter(Q(source_committee=committee) | Q(target_committee=committee), pk=pk)
        .first()
    )
    if found is None:
        raise Http404("no such forwarding")
    return found


def forwardings_of(obj) -> dict[str, Forwarding | None]:
    """A proposal's or report's forwardings: ``sent`` (where it went, and the state it has there)
    and ``received`` (where it came from), in one query."""
    field = "proposal" if isinstance(obj, Proposal) else "report"
    rows = forwardings_across_committees().filter(
        Q(**{f"source_{field}_id": obj.pk}) | Q(**{f"target_{field}_id": obj.pk})
    )
    found: dict[str, Forwarding | None] = {"sent": None, "received": None}
    for row in rows:
        found["sent" if getattr(row, f"source_{field}_id") == obj.pk else "received"] = row
    return found
