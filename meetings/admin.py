"""The office prepares meetings in the admin; sessions, calling, votes and check-in go through the
services (the console page runs the meeting itself)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cppcc_portal.core.admin_actions import run_on_each
from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.scoped_forms import (
    scoped_formfield,
)
from meetings import services
from meetings.choices import HalfDay
from meetings.models import (
    DiscussionGroup,
    DocumentVersion,
    GroupAssignment,
    Meeting,
    MeetingDocument,
    MeetingSession,
    ProcedureRule,
    Resolution,
    Speech,
)
from members.models import Member


@admin.register(ProcedureRule)
class ProcedureRuleAdmin(admin.ModelAdmin):
    list_display = (
        "kind",
        "quorum_basis",
        "quorum_numerator",
        "quorum_denominator",
        "quorum_strict",
        "adoption_basis",
        "adoption_numerator",
        "adoption_denominator",
        "adoption_strict",
    )


class SessionInline(admin.TabularInline):
    """Sessions are shown here; they are added with the form below (each owns an activity)."""

    model = MeetingSession
    extra = 0
    fields = ("order", "date", "half_day", "place", "status")
    readonly_fields = ("date", "half_day", "status")
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class MeetingForm(forms.ModelForm):
    new_session_date = forms.DateField(
        label=_("add a session on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    new_session_half_day = forms.ChoiceField(
        label=_("half-day"), choices=[("", "—"), *HalfDay.choices], required=False
    )
    new_session_place = forms.CharField(label=_("place"), max_length=200, required=False)

    class Meta:
        formfield_callback = scoped_formfield
        model = Meeting
        fields = (
            "title",
            "kind",
            "body",
            "committee",
            "named_members",
            "number",
            "description",
            "items",
            "registration_deadline",
            "speech_deadline",
        )


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    form = MeetingForm
    list_display = ("title", "kind", "body", "status", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    readonly_fields = ("status", "documents_published_at", "created_by")
    filter_horizontal = ("named_members", "items")
    inlines = [SessionInline]
    actions = ["call_members"]

    def save_model(self, request, obj, form, change):
        services.meeting_save(meeting=obj, actor=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        data = form.cleaned_data
        if data.get("new_session_date") and data.get("new_session_half_day"):
            try:
                services.session_add(
                    meeting=form.instance,
                    date=data["new_session_date"],
                    half_day=data["new_session_half_day"],
                    place=data.get("new_session_place") or "",
                    actor=request.user,
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)

    @admin.action(description=_("Call the members of the selected meetings"))
    def call_members(self, request, queryset):
        run_on_each(
            self,
            request,
            queryset,
            lambda meeting: services.meeting_call(meeting=meeting, actor=request.user),
            lambda n: ngettext("%d member called.", "%d members called.", n) % n,
            counts=True,
        )


@admin.register(MeetingSession)
class MeetingSessionAdmin(admin.ModelAdmin):
    list_display = ("meeting", "date", "half_day", "place", "status")
    list_filter = ("status",)
    list_select_related = ("meeting",)
    readonly_fields = (
        "meeting",
        "activity",
        "status",
        "opened_at",
        "closed_at",
        "current_item",
        "current_speech",
    )
    fields = ("meeting", "activity", "order", "place", "status", "minutes", "opened_at", "closed_at")

    def has_add_permission(self, request):
        return False


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    fields = ("number", "original_name", "note", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DocumentForm(forms.ModelForm):
    upload = forms.FileField(label=_("upload a new version"), required=False)
    upload_note = forms.CharField(label=_("what changed"), max_length=300, required=False)

    class Meta:
        formfield_callback = scoped_formfield
        model = MeetingDocument
        fields = ("meeting", "title", "kind", "order")


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(admin.ModelAdmin):
    form = DocumentForm
    list_display = ("title", "meeting", "kind", "order")
    list_select_related = ("meeting",)
    inlines = [DocumentVersionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        upload = form.cleaned_data.get("upload")
        if upload:
            try:
                services.document_add_version(
                    document=form.instance,
                    actor=request.user,
                    upload=upload,
                    note=form.cleaned_data.get("upload_note") or "",
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)


class GroupAssignmentInline(admin.TabularInline):
    model = GroupAssignment
    extra = 0
    raw_id_fields = ("member",)
    fields = ("member",)
    readonly_fields = ("member",)

    def has_add_permission(self, request, obj=None):
        return False


class DiscussionGroupForm(forms.ModelForm):
    add_members = forms.CharField(
        label=_("add members (member numbers, separated by spaces or commas)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        formfield_callback = scoped_formfield
        model = DiscussionGroup
        fields = ("meeting", "name", "place", "convenor")


@admin.register(DiscussionGroup)
class DiscussionGroupAdmin(admin.ModelAdmin):
    form = DiscussionGroupForm
    list_display = ("name", "meeting", "place", "convenor")
    list_select_related = ("meeting", "convenor")
    raw_id_fields = ("convenor",)
    inlines = [GroupAssignmentInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        numbers = form.cleaned_data.get("add_members", "").replace(",", " ").replace("，", " ").split()
        found = {m.member_number: m for m in Member.objects.filter(member_number__in=numbers)}
        for number in numbers:
            member = found.get(number)
            try:
                if member is None:
                    raise DomainError(_("Unknown member number %(number)s.") % {"number": number})
                services.group_assign(group=form.instance, member=member, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{number}: {exc.message}", messages.ERROR)


@admin.register(Speech)
class SpeechAdmin(admin.ModelAdmin):
    list_display = ("title", "member", "meeting", "state", "session", "speaking_order")
    list_filter = ("state",)
    list_select_related = ("member", "meeting", "session")
    readonly_fields = ("meeting", "member", "state", "session", "speaking_order", "decided_by")

    def has_add_permission(self, request):
        return False


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ("title", "meeting", "adopted_on")
    list_select_related = ("meeting",)
    readonly_fields = ("motion",)
