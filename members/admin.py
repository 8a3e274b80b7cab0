"""The office's admin for the roster, activities, attendance, duty records and scoring rules.

Every change that has a rule behind it goes through members.services: saving a member or an
activity, invitations, attendance, verification.
"""

from __future__ import annotations

import functools

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, F, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from cppcc_portal.core.admin_actions import run_on_each
from cppcc_portal.core.admin_import_export import PortalImportExportMixin
from cppcc_portal.core.admin_lists import LargeTableAdminMixin
from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.import_limits import LimitedImportForm
from cppcc_portal.core.scoped_forms import (
    ScopedModelMultipleChoiceField,
    scoped_formfield,
)
from members import services
from members.admin_imports import BackgroundImportMixin
from members.choices import Attendance, EnrolmentState, InvitationState, OrganiserKind
from members.models import (
    Activity,
    ActivityAttachment,
    CommitteeMembership,
    DutyEvidence,
    DutyRecord,
    DutyRecordEvent,
    HandlingUnit,
    Member,
    Participation,
    Party,
    ScoringRule,
    Sector,
    SpecialCommittee,
    StreetGroup,
    StreetGroupMembership,
    Term,
    YearlyMinimum,
)
from members.pagination import EstimatedCountPaginator
from members.resources import AttendanceResource, MemberResource
from members.validators import is_phone
from workplan.suggestions_admin import ItemSuggestionAdminMixin


class RuleImportMixin(BackgroundImportMixin):
    """Imports are all or nothing: a row with a validation error rolls every row back; a file
    beyond the size limits is refused before it is parsed; a large one runs in the background."""

    import_form_class = LimitedImportForm

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["number", "starts_on", "ends_on"]


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "order"]
    list_editable = ["order"]
    search_fields = ["name", "short_name"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "member_count"]
    list_editable = ["order"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("members"))

    @admin.display(description=_("members"), ordering="n")
    def member_count(self, obj):
        return obj.n


class CommitteeMembershipInline(admin.TabularInline):
    model = CommitteeMembership
    extra = 0
    autocomplete_fields = ["member"]


class StreetGroupMembershipInline(admin.TabularInline):
    model = StreetGroupMembership
    extra = 0
    autocomplete_fields = ["member"]


@admin.register(SpecialCommittee)
class SpecialCommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    search_fields = ["name"]
    inlines = [CommitteeMembershipInline]


@admin.register(StreetGroup)
class StreetGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "street"]
    search_fields = ["name", "street"]
    inlines = [StreetGroupMembershipInline]


class MemberCommitteeInline(admin.TabularInline):
    model = CommitteeMembership
    extra = 0
    fields = ["committee", "role"]


class MemberGroupInline(admin.TabularInline):
    model = StreetGroupMembership
    extra = 0
    fields = ["group", "role"]


class MemberAdminForm(forms.ModelForm):
    class Meta:
        formfield_callback = scoped_formfield
        model = Member
        fields = [
            "member_number",
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "party",
            "sector",
            "work_unit",
            "job_title",
            "phone",
            "email",
            "term",
            "is_standing_committee",
            "joined_on",
            "left_on",
            "status",
            "user",
        ]

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        if phone and not is_phone(phone):
            raise forms.ValidationError(_("Not a Chinese mobile or landline number."))
        return phone


@admin.register(Member)
class MemberAdmin(PortalImportExportMixin, RuleImportMixin, ImportExportModelAdmin):
    form = MemberAdminForm
    resource_classes = [MemberResource]
    list_display = [
        "member_number",
        "name",
        "gender",
        "party",
        "sector",
        "work_unit",
        "phone",
        "is_standing_committee",
        "term",
        "status",
    ]
    list_display_links = ["member_number", "name"]
    list_filter = [
        "status",
        "term",
        "sector",
        "party",
        "is_standing_committee",
        "committees",
        "street_groups",
    ]
    search_fields = ["name", "member_number", "work_unit"]
    list_select_related = ["party", "sector", "term"]
    show_full_result_count = False
    list_per_page = 50
    autocomplete_fields = ["user"]
    inlines = [MemberCommitteeInline, MemberGroupInline]
    fieldsets = [
        (None, {"fields": ["member_number", "name", "gender", "ethnicity", "birth_date", "party", "sector"]}),
        (_("Work and contact"), {"fields": ["work_unit", "job_title", "phone", "email"]}),
        (
            _("Term of office"),
            {"fields": ["term", "is_standing_committee", "joined_on", "left_on", "status", "user"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        services.member_save(member=obj, actor=request.user)


@admin.register(HandlingUnit)
class HandlingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact_person", "contact_phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["accounts"]


def _members_invited(total: int) -> str:
    return ngettext("%d member invited.", "%d members invited.", total) % total


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = [
        "member",
        "invitation",
        "enrolment",
        "waitlist_position",
        "attendance",
        "leave_reason",
        "checked_in_at",
    ]
    readonly_fields = ["invitation", "enrolment", "waitlist_position", "leave_reason", "checked_in_at"]
    autocomplete_fields = ["member"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


class ActivityAttachmentInline(admin.TabularInline):
    model = ActivityAttachment
    extra = 0
    fields = ["download", "size", "uploaded_at"]
    readonly_fields = ["download", "size", "uploaded_at"]

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("members:attachment_download", args=[obj.activity_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)

    def has_add_permission(self, request, obj=None):
        return False


class InviteBodiesForm(forms.Form):
    committees = ScopedModelMultipleChoiceField(
        SpecialCommittee, required=False, label=_("special committees")
    )
    sectors = forms.ModelMultipleChoiceField(Sector.objects.all(), required=False, label=_("sectors"))
    groups = ScopedModelMultipleChoiceField(StreetGroup, required=False, label=_("street groups"))


@admin.register(Activity)
class ActivityAdmin(ItemSuggestionAdminMixin, LargeTableAdminMixin, admin.ModelAdmin):
    item_suggestion_fields = ("title", "description", "outcome_report")
    list_display = [
        "title",
        "kind",
        "organiser_kind",
        "starts_at",
        "place",
        "status",
        "capacity",
        "invited",
        "present",
    ]
    list_filter = ["kind", "status", "organiser_kind", "organiser_committee", "organiser_group", "starts_at"]
    search_fields = ["title", "place"]
    date_hierarchy = "starts_at"
    list_select_related = ["organiser_committee", "organiser_group", "organiser_sector"]
    show_full_result_count = False
    filter_horizontal = ["items"]
    inlines = [ParticipationInline, ActivityAttachmentInline]
    actions = ["invite_bodies", "invite_organising_body"]
    readonly_fields = ["created_by", "created_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_invited=Count("participations"),
                n_present=Count("participations", filter=Q(participations__attendance=Attendance.PRESENT)),
            )
        )

    @admin.display(description=_("invited"), ordering="n_invited")
    def invited(self, obj):
        return obj.n_invited

    @admin.display(description=_("present"), ordering="n_present")
    def present(self, obj):
        return obj.n_present

    def save_model(self, request, obj, form, change):
        services.activity_save(activity=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Participation:
            return super().save_formset(request, form, formset, change)
        activity = form.instance
        # The rows are written by the services below, not by formset.save(); the admin's change
        # message still reads these lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        marks: dict[int, str] = {}
        new_members = []
        for inline_form in formset.forms:
            if not inline_form.has_changed() or inline_form in formset.deleted_forms:
                continue
            member = inline_form.cleaned_data.get("member")
            if member is None:
                continue
            if inline_form.instance.pk is None:
                new_members.append(member)
            attendance = inline_form.cleaned_data.get("attendance")
            if attendance and attendance != Attendance.UNRECORDED:
                marks[member.pk] = attendance
        try:
            for deleted in formset.deleted_forms:
                if deleted.instance.pk:
                    services.participation_remove(participation=deleted.instance, actor=request.user)
            if new_members:
                services.activity_invite(activity=activity, members=new_members, actor=request.user)
            if marks:
                services.attendance_record(activity=activity, actor=request.user, marks=marks)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description=_("Invite the organising body"))
    def invite_organising_body(self, request, queryset):
        def invite(activity) -> int:
            kwargs = {}
            if activity.organiser_kind == OrganiserKind.COMMITTEE and activity.organiser_committee_id:
                kwargs["committees"] = [activity.organiser_committee]
            elif activity.organiser_kind == OrganiserKind.STREET_GROUP and activity.organiser_group_id:
                kwargs["groups"] = [activity.organiser_group]
            elif activity.organiser_kind == OrganiserKind.SECTOR and activity.organiser_sector_id:
                kwargs["sectors"] = [activity.organiser_sector]
            else:
                return 0
            return len(services.activity_invite(activity=activity, actor=request.user, **kwargs))

        run_on_each(self, request, queryset, invite, _members_invited, counts=True)

    @admin.action(description=_("Invite committees, sectors or street groups…"))
    def invite_bodies(self, request, queryset):
        if "apply" in request.POST:
            form = InviteBodiesForm(request.POST)
            if form.is_valid():
                run_on_each(
                    self,
                    request,
                    queryset,
                    lambda a: len(
                        services.activity_invite(activity=a, actor=request.user, **form.cleaned_data)
                    ),
                    _members_invited,
                    counts=True,
                )
                return HttpResponseRedirect(request.get_full_path())
        else:
            form = InviteBodiesForm()
        return TemplateResponse(
            request,
            "admin/members/invite_bodies.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Invite bodies"),
                "form": form,
                "activities": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


def _mark(attendance: str):
    def action(modeladmin, request, queryset):
        by_activity: dict[int, dict[int, str]] = {}
        activities = {}
        for p in queryset.select_related("activity"):
            by_activity.setdefault(p.activity_id, {})[p.member_id] = attendance
            activities[p.activity_id] = p.activity
        changed = 0
        for activity_id, marks in by_activity.items():
            try:
                changed += services.attendance_record(
                    activity=activities[activity_id], actor=request.user, marks=marks
                )
            except DomainError as exc:
                modeladmin.message_user(request, f"{activities[activity_id]}: {exc.message}", messages.ERROR)
        modeladmin.message_user(
            request, ngettext("%d attendance recorded.", "%d attendances recorded.", changed) % changed
        )

    action.__name__ = f"mark_{attendance}"
    return action


def _related(obj, name: str, fetch):
    """A related value the attendance list's rows carry (list_related_values), else fetched."""
    value = getattr(obj, name, None)
    return fetch() if value is None else value


@functools.lru_cache(maxsize=512)
def _response_text(language: str, invitation: str, enrolment: str, waitlist_position: int | None) -> str:
    """The attendance list's "invitation and enrolment" text: a few dozen distinct values, each
    translated once per process and language rather than on every row of every page."""
    parts = [str(InvitationState(invitation).label)]
    if enrolment != EnrolmentState.NONE:
        text = str(EnrolmentState(enrolment).label)
        if waitlist_position:
            text = f"{text} {waitlist_position}"
        parts.append(text)
    return " · ".join(parts)


@admin.register(Participation)
class ParticipationAdmin(
    LargeTableAdminMixin, PortalImportExportMixin, RuleImportMixin, ImportExportModelAdmin
):
    resource_classes = [AttendanceResource]
    # Six columns: invitation, enrolment and waiting-list place share one, who recorded it is on
    # the row's own page; each column costs as much as a query on a page of fifty rows.
    list_display = [
        "activity_title",
        "member_name",
        "response",
        "attendance",
        "leave_reason",
        "checked_in_at",
    ]
    list_filter = [
        "attendance",
        "invitation",
        "enrolment",
        "activity__kind",
        "member__sector",
        "member__committees",
        "member__street_groups",
        # A date filter: the dashboard's drill-down links filter attendance by when the activity was.
        "activity__starts_at",
    ]
    search_fields = ["member__name", "member__member_number", "activity__title"]
    # What the rows show, nothing more: the activity's title and the member's name come with the
    # row (no activity or member object is built for each of fifty rows, so none is joined in).
    list_related_values = {"activity_title": F("activity__title"), "member_name": F("member__name")}
    list_columns = (
        "activity",
        "member",
        "invitation",
        "enrolment",
        "waitlist_position",
        "attendance",
        "leave_reason",
        "checked_in_at",
    )
    # A million rows: no full COUNT(*) (estimated above 10,000 rows), newest activities first
    # through the starts_at index, and pages of 50 so the page renders quickly.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    ordering = ["-activity__starts_at", "-id"]
    autocomplete_fields = ["member", "activity"]
    readonly_fields = [
        "invitation",
        "enrolment",
        "waitlist_position",
        "checked_in_at",
        "recorded_by",
        "recorded_at",
    ]
    actions = [
        admin.action(description=_("Mark as present"))(_mark(Attendance.PRESENT)),
        admin.action(description=_("Mark as on leave"))(_mark(Attendance.LEAVE)),
        admin.action(description=_("Mark as absent"))(_mark(Attendance.ABSENT)),
    ]

    @admin.display(description=_("activity"), ordering="activity__title")
    def activity_title(self, obj):
        return _related(obj, "activity_title", lambda: obj.activity.title)

    @admin.display(description=_("member"), ordering="member__name")
    def member_name(self, obj):
        return _related(obj, "member_name", lambda: obj.member.name)

    def object_label(self, obj) -> str:
        # Participation.__str__ ("activity · member"), from the row's own values.
        return f"{self.activity_title(obj)} · {self.member_name(obj)}"

    @admin.display(description=_("invitation and enrolment"), ordering="invitation")
    def response(self, obj):
        return _response_text(get_language(), obj.invitation, obj.enrolment, obj.waitlist_position)

    def save_model(self, request, obj, form, change):
        if not change:
            services.activity_invite(activity=obj.activity, members=[obj.member], actor=request.user)
        if obj.attendance != Attendance.UNRECORDED:
            services.attendance_record(
                activity=obj.activity,
                actor=request.user,
                marks={obj.member_id: obj.attendance},
                reasons={obj.member_id: obj.leave_reason},
            )


class DutyEvidenceInline(admin.TabularInline):
    model = DutyEvidence
    extra = 0
    fields = ["download", "size", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        url = reverse("members:evidence_download", args=[obj.record_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)

    def has_add_permission(self, request, obj=None):
        return False


class DutyRecordEventInline(admin.TabularInline):
    model = DutyRecordEvent
    extra = 0
    fields = ["created_at", "actor", "from_state", "to_state", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason for rejection"), max_length=300, widget=forms.Textarea)


@admin.register(DutyRecord)
class DutyRecordAdmin(LargeTableAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_on", "member", "event_kind", "role", "quantity", "title", "status", "points"]
    list_filter = [
        "status",
        "year",
        "event_kind",
        "role",
        "member__sector",
        "member__committees",
        "member__street_groups",
        "member__party",
    ]
    search_fields = ["member__name", "member__member_number", "title"]
    list_select_related = ["member", "item"]
    show_full_result_count = False
    date_hierarchy = "occurred_on"
    readonly_fields = [
        "status",
        "reject_reason",
        "verified_by",
        "verified_at",
        "points",
        "content_type",
        "object_id",
        "submitted_by",
        "created_at",
    ]
    autocomplete_fields = ["member"]
    inlines = [DutyEvidenceInline, DutyRecordEventInline]
    actions = ["verify", "reject"]

    def has_add_permission(self, request):
        # Records come from the portal (members) or from workflows, so they pass their rules.
        return False

    @admin.action(description=_("Verify the selected records"))
    def verify(self, request, queryset):
        run_on_each(
            self,
            request,
            queryset,
            lambda record: services.duty_record_verify(record=record, actor=request.user),
            lambda n: ngettext("%d record verified.", "%d records verified.", n) % n,
            workflow=services.DUTY_RECORD_WORKFLOW,
            action="verify",
        )

    @admin.action(description=_("Reject the selected records…"))
    def reject(self, request, queryset):
        if "apply" in request.POST:
            form = RejectForm(request.POST)
            if form.is_valid():
                run_on_each(
                    self,
                    request,
                    queryset,
                    lambda record: services.duty_record_reject(
                        record=record, actor=request.user, reason=form.cleaned_data["reason"]
                    ),
                    lambda n: ngettext("%d record rejected.", "%d records rejected.", n) % n,
                    workflow=services.DUTY_RECORD_WORKFLOW,
                    action="reject",
                )
                return HttpResponseRedirect(request.get_full_path())
        else:
            form = RejectForm()
        return TemplateResponse(
            request,
            "admin/members/reject_records.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Reject duty records"),
                "form": form,
                "records": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(ScoringRule)
class ScoringRuleAdmin(admin.ModelAdmin):
    list_display = ["year", "event_kind", "role", "points", "yearly_cap"]
    list_editable = ["points", "yearly_cap"]
    list_filter = ["year", "event_kind"]

    # Every change, from the form or the editable list, goes through the service that stores the
    # covered records' points again (members.scoring).
    def save_model(self, request, obj, form, change):
        services.scoring_rule_save(rule=obj, actor=request.user)

    def delete_model(self, request, obj):
        services.scoring_rule_delete(rule=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            services.scoring_rule_delete(rule=rule, actor=request.user)


@admin.register(YearlyMinimum)
class YearlyMinimumAdmin(admin.ModelAdmin):
    list_display = ["year", "metric", "minimum"]
    list_editable = ["minimum"]
    list_filter = ["year"]
