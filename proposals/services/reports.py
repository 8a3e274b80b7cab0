"""Social-conditions reports (社情民意): submission, editing, adoption, the bulletin, instructions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core import roles
from cppcc_portal.core.audit import diff, record_event, snapshot
from cppcc_portal.core.errors import DomainError, PermissionDeniedError, TransitionError
from cppcc_portal.core.notifications.services import notify
from members.selectors import member_for_user
from proposals.choices import (
    AdoptionLevel,
    BulletinState,
    ReportAuthorKind,
)
from proposals.models import (
    BulletinIssue,
    Instruction,
    OpinionReport,
    Proposal,
    ProposalCounter,
    ReportEvent,
)
from proposals.services._base import (
    REPORT_WORKFLOW,
    R,
    _duty,
    _link,
    _state_label,
    _today,
    _write_transition,
    year_settings,
)
from proposals.services.drafting import proposal_create
from proposals.signals import report_transitioned


def _report_event(
    report: OpinionReport, *, actor, action: str, from_state: str, to_state: str, note: str = ""
):
    _write_transition(
        ReportEvent,
        report,
        owner="report",
        label="report",
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )


def check_report_transition(report: OpinionReport, to_state: str, action: str) -> None:
    """Raise TransitionError unless the report table allows the move."""
    REPORT_WORKFLOW.check(report, action, to_state)


def _move_report(report: OpinionReport, to_state: str, *, actor, action: str, note: str = "", fields=()):
    from_state = REPORT_WORKFLOW.move(report, action, actor=actor, to_state=to_state, note=note)
    report.save(update_fields=["state", *fields])
    _report_event(report, actor=actor, action=action, from_state=from_state, to_state=to_state, note=note)
    acting = actor if getattr(actor, "is_authenticated", False) else None
    transaction.on_commit(
        lambda: report_transitioned.send(
            sender=OpinionReport, report=report, from_state=from_state, to_state=to_state, actor=acting
        )
    )
    return report


def _locked_report(report: OpinionReport) -> OpinionReport:
    fresh = OpinionReport.objects.select_for_update().get(pk=report.pk)
    report.__dict__.update(
        {f.attname: getattr(fresh, f.attname) for f in OpinionReport._meta.concrete_fields}
    )
    return report


def _check_report_text(report: OpinionReport) -> None:
    limit = year_settings(report.year).report_length_limit
    if report.text_length > limit:
        raise DomainError(
            _("The report is %(length)s characters long; the limit is %(limit)s (one matter per report).")
            % {"length": report.text_length, "limit": limit},
            code="too_long",
            field="situation",
        )


@transaction.atomic
def report_submit(
    *,
    actor,
    title: str,
    situation: str,
    analysis: str = "",
    suggestion: str = "",
    author_kind: str | None = None,
    author_member=None,
    party=None,
    sector=None,
    year: int | None = None,
    items: Iterable = (),
) -> OpinionReport:
    """报送: a member, a body (through the office) or an information officer submits one matter."""
    me = member_for_user(actor)
    is_staff = roles.is_staff_user(actor)
    is_officer = roles.has_role(actor, roles.INFO_OFFICER)
    if author_kind is None:
        author_kind = ReportAuthorKind.MEMBER if me is not None else ReportAuthorKind.INFO_OFFICER
    if author_kind == ReportAuthorKind.MEMBER:
        author_member = author_member if is_staff and author_member is not None else me
        if author_member is None:
            raise PermissionDeniedError(
                _("Only members, information officers and the office submit reports.")
            )
    elif author_kind == ReportAuthorKind.INFO_OFFICER:
        if not (is_officer or is_staff):
            raise PermissionDeniedError(_("Only information officers submit as an information officer."))
    elif not is_staff and not is_officer:
        raise PermissionDeniedError(_("Reports of a party group or a sector are entered by the office."))
    report = OpinionReport(
        year=year or _today().year,
        title=(title or "").strip(),
        situation=situation or "",
        analysis=analysis or "",
        suggestion=suggestion or "",
        author_kind=author_kind,
        author_member=author_member if author_kind == ReportAuthorKind.MEMBER else None,
        party=party if author_kind == ReportAuthorKind.PARTY else None,
        sector=sector if author_kind == ReportAuthorKind.SECTOR else None,
        submitted_by=actor,
    )
    if author_kind == ReportAuthorKind.PARTY and party is None:
        raise DomainError(_("Name the party group."), code="body_required", field="party")
    if author_kind == ReportAuthorKind.SECTOR and sector is None:
        raise DomainError(_("Name the sector."), code="body_required", field="sector")
    report.full_clean()
    _check_report_text(report)
    report.save()
    if items:
        report.items.set(items)
    _report_event(report, actor=actor, action="submit", from_state=R.SUBMITTED, to_state=R.SUBMITTED)
    if report.author_member is not None:
        from members.choices import DutyEventKind, DutyRole

        _duty(
            member=report.author_member,
            event_kind=DutyEventKind.REPORT_SUBMITTED,
            role=DutyRole.LEAD,
            occurred_on=timezone.localdate(report.submitted_at),
            title=_("Social-conditions report: %(title)s") % {"title": report.title},
            source=report,
            actor=actor,
            year=report.year,
        )
    return report


REPORT_EDITABLE = ("title", "situation", "analysis", "suggestion", "editor_note")


@transaction.atomic
def report_edit(*, report: OpinionReport, actor, **changes) -> OpinionReport:
    """编辑: the office edits a report's text (the first edit starts editing)."""
    roles.require_staff(actor)
    _locked_report(report)
    if report.state not in (R.SUBMITTED, R.EDITING):
        raise TransitionError(
            _("A report cannot go from “%(current)s” to “%(requested)s”.")
            % {"current": _state_label(report.state, R), "requested": _state_label(R.EDITING, R)}
        )
    for name, value in changes.items():
        if name not in REPORT_EDITABLE:
            raise DomainError(_("Unknown field %(name)s.") % {"name": name}, code="invalid", field=name)
        setattr(report, name, value)
    report.full_clean()
    _check_report_text(report)
    report.save(update_fields=list(changes) or None)
    if report.state == R.SUBMITTED:
        _move_report(report, R.EDITING, actor=actor, action="start_editing")
    return report


@transaction.atomic
def report_adopt(*, report: OpinionReport, actor, level: str, note: str = "") -> OpinionReport:
    """采用: the office adopts a report at a level; the author earns a verified duty record."""
    roles.require_staff(actor)
    _locked_report(report)
    if level not in AdoptionLevel.values:
        raise DomainError(_("Choose the level that adopted the report."), code="invalid", field="level")
    check_report_transition(report, R.ADOPTED, "adopt")
    report.adoption_level = level
    report.adopted_on = _today()
    _move_report(
        report,
        R.ADOPTED,
        actor=actor,
        action="adopt",
        note=note or AdoptionLevel(level).label,
        fields=["adoption_level", "adopted_on"],
    )
    if report.author_member is not None:
        from members.choices import DutyEventKind, DutyRole

        _duty(
            member=report.author_member,
            event_kind=DutyEventKind.REPORT_ADOPTED,
            role=DutyRole.LEAD,
            occurred_on=report.adopted_on,
            title=_("Report adopted (%(level)s): %(title)s")
            % {"level": AdoptionLevel(level).label, "title": report.title},
            source=report,
            actor=actor,
            year=report.year,
        )
    return report


@transaction.atomic
def report_file(*, report: OpinionReport, actor, note: str = "") -> OpinionReport:
    """存档: the office files a report without adopting it."""
    roles.require_staff(actor)
    _locked_report(report)
    return _move_report(report, R.FILED, actor=actor, action="file", note=note)


@transaction.atomic
def bulletin_create(*, actor, year: int, title: str = "", editor: str = "") -> BulletinIssue:
    """Open the next issue of 《社情民意》 for a year (numbers run on without gaps)."""
    roles.require_staff(actor)
    ProposalCounter.objects.get_or_create(year=year)
    # The year's counter row (of the committee in hand: each has its own issue 1) serialises numbering too.
    ProposalCounter.objects.select_for_update().get(year=year)
    last = (
        BulletinIssue.objects.filter(year=year).order_by("-number").values_list("number", flat=True).first()
    )
    issue = BulletinIssue(year=year, number=(last or 0) + 1, title=title, editor=editor)
    issue.full_clean()
    issue.save()
    record_event(actor=actor, action="bulletin.create", obj=issue)
    return issue


@transaction.atomic
def bulletin_update(*, bulletin: BulletinIssue, actor, title: str, editor: str) -> BulletinIssue:
    """Change an issue's title or editor (its number, year and state belong to the workflow)."""
    roles.require_staff(actor)
    bulletin = BulletinIssue.objects.select_for_update().get(pk=bulletin.pk)
    before = snapshot(bulletin, ["title", "editor"])
    bulletin.title, bulletin.editor = title or "", editor or ""
    bulletin.full_clean()
    changes = diff(before, snapshot(bulletin, ["title", "editor"]))
    if changes:
        bulletin.save(update_fields=["title", "editor"])
        record_event(actor=actor, action="bulletin.update", obj=bulletin, changes=changes)
    return bulletin


@transaction.atomic
def bulletin_add_reports(
    *, bulletin: BulletinIssue, actor, reports: Iterable[OpinionReport]
) -> BulletinIssue:
    """Put adopted reports into an issue being edited."""
    roles.require_staff(actor)
    if bulletin.state != BulletinState.DRAFT:
        raise DomainError(_("This issue is already published."), code="bulletin_published")
    for report in reports:
        _locked_report(report)
        if report.state != R.ADOPTED:
            raise DomainError(
                _("Only adopted reports go into the bulletin; “%(title)s” is “%(state)s”.")
                % {"title": report.title, "state": _state_label(report.state, R)},
                code="not_adopted",
            )
        report.bulletin = bulletin
        report.save(update_fields=["bulletin"])
        _report_event(
            report,
            actor=actor,
            action="add_to_bulletin",
            from_state=report.state,
            to_state=report.state,
            note=str(bulletin),
        )
    return bulletin


@transaction.atomic
def bulletin_publish(*, bulletin: BulletinIssue, actor) -> BulletinIssue:
    """刊发: publish an issue; its reports become published and their authors are told."""
    roles.require_staff(actor)
    bulletin = BulletinIssue.objects.select_for_update().get(pk=bulletin.pk)
    if bulletin.state != BulletinState.DRAFT:
        raise DomainError(_("This issue is already published."), code="bulletin_published")
    reports = list(bulletin.reports.select_related("author_member__user"))
    if not reports:
        raise DomainError(_("An issue needs at least one report."), code="bulletin_empty")
    bulletin.state = BulletinState.PUBLISHED
    bulletin.published_on = _today()
    bulletin.save(update_fields=["state", "published_on"])
    record_event(actor=actor, action="bulletin.publish", obj=bulletin)
    for report in reports:
        _move_report(report, R.PUBLISHED, actor=actor, action="publish", note=str(bulletin))
        if report.author_member is not None and report.author_member.user_id:
            notify(
                recipient=report.author_member.user,
                kind="proposals.report_published",
                dedupe_key=f"proposals.report_published:{report.pk}",
                title=_("Your report “%(title)s” appears in %(issue)s")
                % {"title": report.title, "issue": bulletin},
                link=_link("proposals:report_detail", report.pk),
                about=report,
            )
    return bulletin


@transaction.atomic
def instruction_record(
    *,
    report: OpinionReport,
    actor,
    leader_name: str,
    level: str,
    text: str,
    instructed_on: dt.date | None = None,
) -> Instruction:
    """批示: record a leader's instruction on an adopted report and tell its author."""
    roles.require_staff(actor)
    _locked_report(report)
    if report.state not in (R.ADOPTED, R.PUBLISHED):
        raise DomainError(_("Instructions are recorded on adopted reports."), code="not_adopted")
    instruction = Instruction(
        report=report,
        leader_name=(leader_name or "").strip(),
        level=level,
        text=(text or "").strip(),
        instructed_on=instructed_on or _today(),
        recorded_by=actor,
    )
    instruction.full_clean()
    instruction.save()
    _report_event(
        report,
        actor=actor,
        action="instruction",
        from_state=report.state,
        to_state=report.state,
        note=f"{instruction.leader_name}: {instruction.text}",
    )
    author = report.author_member
    if author is not None:
        from members.choices import DutyEventKind, DutyRole

        _duty(
            member=author,
            event_kind=DutyEventKind.REPORT_INSTRUCTED,
            role=DutyRole.LEAD,
            occurred_on=instruction.instructed_on,
            title=_("Leader's instruction on: %(title)s") % {"title": report.title},
            source=report,
            actor=actor,
            year=report.year,
        )
        if author.user_id:
            notify(
                recipient=author.user,
                kind="proposals.report_instructed",
                dedupe_key=f"proposals.report_instructed:{instruction.pk}",
                title=_("%(leader)s gave an instruction on your report “%(title)s”")
                % {"leader": instruction.leader_name, "title": report.title},
                body=instruction.text,
                link=_link("proposals:report_detail", report.pk),
                about=report,
            )
    return instruction


@transaction.atomic
def report_to_proposal(*, report: OpinionReport, actor, category) -> Proposal:
    """A report becomes a draft proposal of its author, keeping the link both ways."""
    roles.require_staff(actor)
    if report.author_member is None:
        raise DomainError(_("Only a member's report can become their proposal."), code="no_member_author")
    proposal = proposal_create(
        actor=actor,
        submitter=report.author_member,
        title=report.title,
        reason="\n\n".join(p for p in (report.situation, report.analysis) if p),
        suggestions=report.suggestion or report.situation,
        category=category,
        year=report.year,
    )
    proposal.source_report = report
    proposal.save(update_fields=["source_report"])
    _report_event(
        report,
        actor=actor,
        action="to_proposal",
        from_state=report.state,
        to_state=report.state,
        note=_("Became a draft proposal."),
    )
    return proposal
