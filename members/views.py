"""The member portal: invitations, trainings, check-in, duty records, score and duty file.

Views are thin: they find the object through a scoped selector (404 when the user may not see
it), call one service, and render or redirect.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cppcc_portal.core import roles
from cppcc_portal.core.caching import Fragment, earliest, reader_html
from cppcc_portal.core.errors import DomainError, PermissionDeniedError
from cppcc_portal.core.url_templates import pk_url_template
from members import filters, selectors, services
from members.choices import Attendance, EnrolmentState
from members.forms import ATTENDANCE_MARKS, CheckInForm, DutyRecordForm, LeaveForm, OutcomeForm, RejectForm
from members.models import Activity, DutyRecord, Member, Participation, Term
from members.workflows import participation_actions


def member_required(view):
    """Only people with a member record use the portal; units and others get 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        member = selectors.member_for_user(request.user)
        if member is None:
            raise PermissionDenied
        request.member = member
        return view(request, *args, **kwargs)

    return wrapper


def _year(request) -> int:
    params, _valid = filters.RankingParams.page_values(request)
    return params.get("year") or timezone.localdate().year


def _fail(request, exc: DomainError):
    if isinstance(exc, PermissionDeniedError):
        raise PermissionDenied(exc.message)
    messages.error(request, exc.message)


def _plan_items(year: int):
    from workplan.models import Item

    return Item.objects.filter(plan__year=year).order_by("number")


@member_required
def portal_home(request):
    """The member's home: kept as rendered HTML per reader until a write it shows or its `until`."""
    content = reader_html(selectors.READER_PAGES, request, lambda: _portal_home(request))
    return render(request, "members/portal_home.html", {"content": content})


def _portal_home(request) -> Fragment:
    member = request.member
    now = timezone.now()
    today = timezone.localdate()
    year = today.year
    upcoming = list(selectors.portal_upcoming(member=member, now=now)[:20])
    for participation in upcoming:
        participation.actions = participation_actions(participation, request.user)
    trainings = list(selectors.open_trainings(member=member, now=now)[:10])
    _row_urls([p.activity for p in upcoming] + trainings)
    standing = selectors.member_standing(member=member, year=year)
    html = render_to_string(
        "members/_portal_home.html",
        {
            "member": member,
            "upcoming": upcoming,
            "trainings": trainings,
            "leads_a_body": selectors.is_body_leader(request.user),
            "score": standing.score,
            "warnings": standing.warnings,
            "pending": standing.pending,
            "year": year,
            "now": now,
        },
        request=request,
    )
    # What the clock alone changes: an activity that starts (its answers go, its check-in form
    # comes) or ends (it leaves the list, the next one comes in), a training's enrolment deadline
    # (it leaves the list), and the new year (the score is the year's).
    next_year = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    until = earliest(
        *(p.activity.starts_at for p in upcoming if p.activity.starts_at > now),
        *(p.activity.ends_at for p in upcoming),
        *(activity.enrolment_deadline for activity in trainings),
        next_year,
    )
    return Fragment(str(html), until)


# The links and buttons of an activity's row on the portal home: activity.urls.<key>.
ROW_URLS = {
    "detail": "members:activity_detail",
    "accept": "members:activity_accept",
    "leave": "members:activity_leave",
    "check_in": "members:activity_check_in",
    "enrol": "members:activity_enrol",
    "enrol_cancel": "members:activity_enrol_cancel",
}


def _row_urls(activities) -> None:
    """Each row's URLs formatted from templates resolved once per process (no {% url %} per row)."""
    templates = {key: pk_url_template(name) for key, name in ROW_URLS.items()}
    for activity in activities:
        activity.urls = {key: template.format(activity.pk) for key, template in templates.items()}


def _visible_activity(request, pk) -> Activity:
    activity = selectors.activity_list(user=request.user).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


@member_required
def activity_detail(request, pk):
    activity = _visible_activity(request, pk)
    participation = Participation.objects.filter(activity=activity, member=request.member).first()
    if participation is not None:
        participation.activity = activity
    seats_taken = activity.participations.filter(enrolment=EnrolmentState.ENROLLED).count()
    now = timezone.now()
    return render(
        request,
        "members/activity_detail.html",
        {
            "activity": activity,
            "participation": participation,
            "participation_actions": participation_actions(participation, request.user),
            "seats_taken": seats_taken,
            "can_manage": selectors.can_manage_activity(request.user, activity),
            "check_in_open": bool(activity.check_in_code)
            and activity.starts_at - services.CHECK_IN_OPENS_BEFORE <= now <= activity.ends_at,
            "enrolment_open": activity.capacity is not None
            and activity.enrolment_deadline is not None
            and now <= activity.enrolment_deadline,
            "leave_form": LeaveForm(),
            "check_in_form": CheckInForm(),
            "items": activity.items.all(),
            "attachments": activity.attachments.all(),
        },
    )


def _participation_action(request, pk, call):
    activity = _visible_activity(request, pk)
    try:
        call(activity)
    except DomainError as exc:
        _fail(request, exc)
    if request.POST.get("next") == "home":
        return redirect("members:portal_home")
    return redirect("members:activity_detail", pk=activity.pk)


@require_POST
@member_required
def activity_accept(request, pk):
    def call(activity):
        participation = Participation.objects.filter(activity=activity, member=request.member).first()
        if participation is None:
            raise PermissionDeniedError(_("You are not invited to this activity."))
        services.participation_accept(participation=participation, actor=request.user)
        messages.success(request, _("You have accepted the invitation."))

    return _participation_action(request, pk, call)


@require_POST
@member_required
def activity_leave(request, pk):
    def call(activity):
        participation = Participation.objects.filter(activity=activity, member=request.member).first()
        if participation is None:
            raise PermissionDeniedError(_("You are not invited to this activity."))
        services.participation_request_leave(
            participation=participation, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("Your leave request has been sent."))

    return _participation_action(request, pk, call)


@require_POST
@member_required
def activity_enrol(request, pk):
    def call(activity):
        participation = services.enrol(activity=activity, actor=request.user)
        if participation.enrolment == EnrolmentState.ENROLLED:
            messages.success(request, _("You are enrolled."))
        else:
            messages.warning(
                request,
                _("The class is full: you are number %(n)s on the waiting list.")
                % {"n": participation.waitlist_position},
            )

    return _participation_action(request, pk, call)


@require_POST
@member_required
def activity_enrol_cancel(request, pk):
    def call(activity):
        services.enrolment_cancel(activity=activity, actor=request.user)
        messages.success(request, _("Your enrolment is cancelled."))

    return _participation_action(request, pk, call)


@require_POST
@member_required
def activity_check_in(request, pk):
    def call(activity):
        services.check_in(activity=activity, actor=request.user, code=request.POST.get("code", ""))
        messages.success(request, _("You are checked in."))

    return _participation_action(request, pk, call)


# --- body leaders and staff: attendance ---------------------------------------------------------


@login_required
def led_activities(request):
    """The activities of the bodies a member leads (all activities for staff)."""
    if selectors.member_for_user(request.user) is None and not roles.is_staff_user(request.user):
        raise PermissionDenied
    year = _year(request)
    activities = (
        selectors.activities_managed_by(request.user)
        .filter(starts_at__year=year)
        .annotate(
            n_invited=Count("participations"),
            n_present=Count("participations", filter=Q(participations__attendance=Attendance.PRESENT)),
        )
        .order_by("-starts_at")
    )
    return render(request, "members/led_activities.html", {"activities": activities, "year": year})


@login_required
def activity_attendance(request, pk):
    """Record attendance of one activity in bulk: present, on leave, absent (谁组织谁记录)."""
    activity = get_object_or_404(Activity, pk=pk)
    visible = (
        roles.is_staff_user(request.user) or selectors.activity_list(user=request.user).filter(pk=pk).exists()
    )
    if not visible:
        raise Http404
    if not selectors.can_manage_activity(request.user, activity):
        raise PermissionDenied
    participations = selectors.participations_for_activity(user=request.user, activity=activity)
    if request.method == "POST":
        marks = {}
        own = selectors.member_for_user(request.user)
        for p in participations:
            if own is not None and p.member_id == own.pk and not roles.is_staff_user(request.user):
                continue
            value = request.POST.get(f"att-{p.member_id}", "")
            if value in Attendance.values and value != Attendance.UNRECORDED:
                marks[p.member_id] = value
        try:
            changed = services.attendance_record(activity=activity, actor=request.user, marks=marks)
            messages.success(request, _("%(n)s attendance entries saved.") % {"n": changed})
            return redirect("members:activity_attendance", pk=activity.pk)
        except DomainError as exc:
            _fail(request, exc)
    return render(
        request,
        "members/activity_attendance.html",
        {
            "activity": activity,
            "participations": participations,
            "marks": ATTENDANCE_MARKS,
            "outcome_form": OutcomeForm(initial={"report": activity.outcome_report}),
            "own_member_id": None
            if roles.is_staff_user(request.user)
            else getattr(selectors.member_for_user(request.user), "pk", None),
            "attachments": activity.attachments.all(),
        },
    )


@require_POST
@login_required
def activity_outcome(request, pk):
    """The organiser writes the outcome report of an activity and attaches its files."""
    activity = get_object_or_404(Activity, pk=pk)
    if not selectors.can_manage_activity(request.user, activity):
        raise PermissionDenied
    form = OutcomeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.activity_report_outcome(
                activity=activity,
                actor=request.user,
                report=form.cleaned_data["report"],
                files=form.cleaned_data["files"],
            )
            messages.success(request, _("The outcome report is saved."))
        except DomainError as exc:
            _fail(request, exc)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("members:activity_attendance", pk=activity.pk)


# --- duty records -------------------------------------------------------------------------------


@member_required
def records(request):
    member = request.member
    year = _year(request)
    form = DutyRecordForm(items=_plan_items(year))
    if request.method == "POST":
        form = DutyRecordForm(request.POST, request.FILES, items=_plan_items(year))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.duty_record_submit(
                    member=member,
                    actor=request.user,
                    event_kind=data["event_kind"],
                    occurred_on=data["occurred_on"],
                    title=data["title"],
                    description=data["description"],
                    item=data["item"],
                    files=data["files"],
                )
                messages.success(request, _("Your duty record was sent for verification."))
                return redirect("members:records")
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    mine = (
        DutyRecord.objects.filter(member=member, year=year)
        .select_related("item")
        .prefetch_related("evidence")
        .order_by("-occurred_on", "-id")
    )
    to_review = selectors.duty_records_to_review(user=request.user).select_related("member")[:50]
    return render(
        request,
        "members/records.html",
        {"form": form, "records": mine, "to_review": to_review, "year": year, "reject_form": RejectForm()},
    )


@login_required
def record_detail(request, pk):
    record = get_object_or_404(selectors.duty_record_list(user=request.user), pk=pk)
    return render(
        request,
        "members/record_detail.html",
        {
            "record": record,
            "events": record.events.select_related("actor"),
            "actions": services.allowed_actions(record, request.user),
            "reject_form": RejectForm(),
        },
    )


def _review(request, pk, call):
    record = get_object_or_404(selectors.duty_record_list(user=request.user), pk=pk)
    try:
        call(record)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("members:record_detail", pk=record.pk)


@require_POST
@login_required
def record_verify(request, pk):
    def call(record):
        services.duty_record_verify(record=record, actor=request.user)
        messages.success(request, _("The record is verified."))

    return _review(request, pk, call)


@require_POST
@login_required
def record_reject(request, pk):
    def call(record):
        services.duty_record_reject(record=record, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The record is rejected."))

    return _review(request, pk, call)


# --- score and duty file ------------------------------------------------------------------------


@member_required
def score(request):
    year = _year(request)
    standing = selectors.member_standing(member=request.member, year=year)
    return render(
        request,
        "members/score.html",
        {
            "score": standing.score,
            "warnings": standing.warnings,
            "minimums": selectors.yearly_minimums(year),
            "year": year,
            "years": range(timezone.localdate().year, request.member.term.starts_on.year - 1, -1),
        },
    )


@member_required
def duty_file(request):
    """履职档案: a printable page of one member's record over their term."""
    member = request.member
    return render(request, "members/duty_file.html", duty_file_context(member))


def duty_file_context(member: Member, term: Term | None = None) -> dict:
    return selectors.member_duty_file(member=member, term=term)


@member_required
def directory(request):
    """Colleagues' public fields; contact details and birth dates stay with the office."""
    params, valid = filters.DirectoryParams.page_values(request)
    q = (params.get("q") or "").strip()
    members = selectors.member_list(user=request.user).only(
        "member_number",
        "name",
        "sector__name",
        "party__name",
        "party__short_name",
        "work_unit",
        "job_title",
        "term__number",
    )
    if q:
        members = members.filter(Q(name__contains=q) | Q(work_unit__contains=q))
    return render(
        request, "members/directory.html", {"members": members[:200], "q": q}, status=200 if valid else 400
    )


# --- the office and leaders: rankings and any member's duty file ------------------------------------


def _readers_only(request):
    if not roles.can_read_everything(request.user):
        raise PermissionDenied


@login_required
def ranking(request):
    """Scores of the year ranked, overall or within a sector or committee, and who is below minimums."""
    _readers_only(request)
    from members.models import Sector, SpecialCommittee

    params, valid = filters.RankingParams.page_values(request)
    year = params.get("year") or timezone.localdate().year
    sector, committee = params.get("sector"), params.get("committee")
    rows = selectors.score_ranking(year=year, sector=sector, committee=committee)[:500]
    return render(
        request,
        "members/ranking.html",
        {
            "year": year,
            "rows": rows,
            "sector": sector,
            "committee": committee,
            "sectors": Sector.objects.all(),
            "committees": SpecialCommittee.objects.all(),
            "below": selectors.members_below_minimums(year=year),
        },
        status=200 if valid else 400,
    )


@login_required
def member_duty_file(request, pk):
    """Any member's printable duty file, for the office and leaders."""
    _readers_only(request)
    member = get_object_or_404(Member.objects.select_related("term", "sector", "party"), pk=pk)
    return render(request, "members/duty_file.html", duty_file_context(member))


# --- files: served through the same scoping as the records they belong to -----------------------------


@login_required
def evidence_download(request, pk, evidence_id):
    """An evidence file of a duty record the user may see (404 otherwise)."""
    record = get_object_or_404(selectors.duty_record_list(user=request.user), pk=pk)
    evidence = get_object_or_404(record.evidence.all(), pk=evidence_id)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name)


@login_required
def attachment_download(request, pk, attachment_id):
    """A file of an activity's outcome report, for those who may see the activity."""
    activity = get_object_or_404(selectors.activity_list(user=request.user), pk=pk)
    attachment = get_object_or_404(activity.attachments.all(), pk=attachment_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)
