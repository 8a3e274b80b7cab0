"""The office runs both workflows from here: every action calls a service; refusals become messages."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from cppcc_portal.core import committees
from cppcc_portal.core.admin_actions import run_on_each
from cppcc_portal.core.admin_import_export import PortalImportExportMixin
from cppcc_portal.core.admin_lists import LargeTableAdminMixin
from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.models import Committee
from cppcc_portal.core.scoped_forms import (
    ScopedModelChoiceField,
    ScopedModelMultipleChoiceField,
    scoped_formfield,
)
from members.models import HandlingUnit, Member
from proposals import selectors, services
from proposals.choices import AdoptionLevel, ConversionKind, ReplyCategory, ReportState, Satisfaction
from proposals.models import (
    Assignment,
    BulletinIssue,
    Cosignature,
    Feedback,
    Instruction,
    OpinionReport,
    Proposal,
    ProposalAttachment,
    ProposalCategory,
    ProposalEvent,
    ProposalYearSettings,
    Reply,
    ReportEvent,
)
from proposals.resources import OpinionReportResource, ProposalResource
from proposals.similarity_admin import SimilarityAdminMixin
from workplan.suggestions_admin import ItemSuggestionAdminMixin

# Changelists over tables that grow every year: a page of rows, no COUNT(*) of the whole table
# (show_full_result_count), the shown foreign keys joined (list_select_related), and year choices
# read from the ends of the year index rather than a DISTINCT over every row.
BIG_LIST_PAGE = 50


class YearFilter(admin.SimpleListFilter):
    """Filter by year; the choices span the first to the last year in two index look-ups."""

    title = pgettext_lazy("proposals", "year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        ends = model_admin.get_queryset(request).order_by().aggregate(first=Min("year"), last=Max("year"))
        if ends["first"] is None:
            return []
        return [(str(year), str(year)) for year in range(ends["last"], ends["first"] - 1, -1)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(year=int(self.value()))
        return queryset


# Which inputs beside the action menu each action reads; static/js/admin_action_inputs.js shows
# only those of the chosen action (without JavaScript every input stays visible and still works).
ACTION_INPUTS = {
    "submit": ["note"],
    "close_cosigning": ["note"],
    "withdraw": ["note"],
    "accept": ["note"],
    "reject": ["note"],
    "convert": ["conversion", "note"],
    "merge": ["merge_into", "note"],
    "assign": ["lead_unit", "assisting_units", "note"],
    "extend": ["new_due_on", "note"],
    "approve_reply": ["category", "note"],
    "send_back_reply": ["note"],
    "record_rating": ["member_number", "rating", "note"],
    "close": ["note"],
    "mark_key": ["leader"],
    "unmark_key": [],
    "excellent_advance": ["note"],
    "forward_up": ["note"],
    "forward_down": ["to_committee", "note"],
}


def _committee_choices():
    """The committees a matter may be sent down to: those directly under the committee in hand."""
    return [("", "—"), *((c.pk, c.name) for c in committees.children(committees.current()))]


def _to_committee_field():
    # A text value shown as a menu, read by the action itself: a committee deleted since the page
    # was shown is then refused with the service's message, not dropped by the form.
    return forms.CharField(
        label=_("forward down to"), required=False, widget=forms.Select(choices=_committee_choices)
    )


class WorkflowActionForm(ActionForm):
    """The inputs the workflow actions need, beside the action menu; each shows for its actions only."""

    note = forms.CharField(label=_("note / reason"), required=False)
    lead_unit = ScopedModelChoiceField(
        label=_("lead unit"), rows=lambda: HandlingUnit.objects.filter(is_active=True), required=False
    )
    assisting_units = ScopedModelMultipleChoiceField(
        label=_("assisting units"), rows=lambda: HandlingUnit.objects.filter(is_active=True), required=False
    )
    new_due_on = forms.DateField(label=_("new reply due date"), required=False, help_text="YYYY-MM-DD")
    category = forms.ChoiceField(
        label=_("reply category"), choices=[("", "—"), *ReplyCategory.choices], required=False
    )
    merge_into = forms.CharField(label=_("merge into (number)"), required=False)
    # A blank first choice: converting is a decision, never a default.
    conversion = forms.ChoiceField(
        label=_("convert to"), choices=[("", "—"), *ConversionKind.choices], required=False
    )
    leader = forms.CharField(label=_("overseeing leader"), required=False)
    member_number = forms.CharField(label=_("member number (rating for)"), required=False)
    rating = forms.ChoiceField(label=_("rating"), choices=[("", "—"), *Satisfaction.choices], required=False)
    to_committee = _to_committee_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in ("action", "select_across"):
                continue
            field.widget.attrs["data-for-actions"] = " ".join(
                action for action, inputs in ACTION_INPUTS.items() if name in inputs
            )


def _run(modeladmin, request, queryset, call, done: str, workflow=None, step: str | None = None) -> None:
    """`run_on_each` with the proposals' “<action>: N done.” message; `call(obj, post)`; a step of
    the workflow's table is first put to the table for each row."""
    run_on_each(
        modeladmin,
        request,
        queryset,
        lambda obj: call(obj, request.POST),
        lambda count: gettext("%(action)s: %(count)s done.") % {"action": done, "count": count},
        workflow=workflow,
        action=step,
    )


def _action(name: str, label, call, workflow=None):
    """An admin action; when `name` is an action of `workflow`'s table, the table refuses rows first."""
    if workflow is None or name not in workflow.actions:
        workflow = None

    def action(modeladmin, request, queryset):
        _run(
            modeladmin,
            request,
            queryset,
            lambda obj, post: call(obj, post, request.user),
            str(label),
            workflow,
            name if workflow is not None else None,
        )

    action.__name__ = name
    action.short_description = label
    return action


def _units(post, key):
    ids = post.getlist(key) if hasattr(post, "getlist") else post.get(key, [])
    return list(HandlingUnit.objects.filter(pk__in=[i for i in ids if i]))


def _assign(p, post, user):
    lead = _units(post, "lead_unit")
    if not lead:
        raise DomainError(gettext("Choose the lead unit."), code="invalid", field="lead_unit")
    return services.proposal_assign(
        proposal=p,
        actor=user,
        lead_unit=lead[0],
        assisting_units=_units(post, "assisting_units"),
        note=post.get("note", ""),
    )


def _extend(p, post, user):
    form = forms.DateField(required=True)
    try:
        due = form.clean(post.get("new_due_on"))
    except ValidationError as exc:
        raise DomainError(gettext("Give the new reply due date (YYYY-MM-DD)."), code="invalid") from exc
    return services.assignment_extend(proposal=p, actor=user, new_due_on=due, reason=post.get("note", ""))


def _merge(p, post, user):
    into = Proposal.objects.filter(
        tenant_id=p.tenant_id, year=p.year, number=post.get("merge_into", "").strip()
    ).first()
    if into is None:
        raise DomainError(gettext("No accepted proposal of that year has that number."), code="invalid")
    return services.proposal_merge(proposal=p, into=into, actor=user, note=post.get("note", ""))


def _rate(p, post, user):
    member = Member.objects.filter(member_number=post.get("member_number", "").strip()).first()
    if member is None:
        raise DomainError(gettext("Give the member number of the member who rated."), code="invalid")
    return services.feedback_rate(
        proposal=p, actor=user, member=member, rating=post.get("rating", ""), comment=post.get("note", "")
    )


def _down_to(post) -> Committee:
    value = (post.get("to_committee") or "").strip()
    if not value:
        raise DomainError(gettext("Choose the committee to forward down to."), code="invalid")
    found = Committee.objects.filter(pk=value).first() if value.isdigit() else None
    if found is None:
        raise DomainError(
            gettext("The committee to forward to no longer exists; nothing was forwarded."),
            code="target_gone",
        )
    return found


def _forward_actions(forward, kind: str) -> list:
    """Forward up to the parent committee, or down to the chosen committee (proposals.services.forwarding)."""
    return [
        _action(
            "forward_up",
            _("Forward to the parent committee (the city)"),
            lambda obj, post, u: forward(**{kind: obj}, actor=u, note=post.get("note", "")),
        ),
        _action(
            "forward_down",
            _("Forward down to the chosen committee"),
            lambda obj, post, u: forward(
                **{kind: obj}, actor=u, to=_down_to(post), note=post.get("note", "")
            ),
        ),
    ]


def between_levels(obj) -> str:
    """The change page's account of a forwarded or received row, linking to the forwarding page."""
    if obj is None or obj.pk is None:
        return "—"
    found = selectors.forwardings_of(obj)
    lines = []
    if found["received"] is not None:
        row = found["received"]
        lines.append(
            format_html(
                '<a href="{}">{}</a>',
                reverse("proposals:forwarding", args=[row.pk]),
                gettext("Received from %(committee)s (their %(reference)s)")
                % {"committee": row.source_committee, "reference": row.source_reference},
            )
        )
    if found["sent"] is not None:
        row = found["sent"]
        lines.append(
            format_html(
                '<a href="{}">{}</a>',
                reverse("proposals:forwarding", args=[row.pk]),
                gettext("Forwarded to %(committee)s: now “%(state)s”")
                % {"committee": row.target_committee, "state": row.target.get_state_display()},
            )
        )
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) if lines else "—"


def _proposal_action(name: str, label, call):
    return _action(name, label, call, services.PROPOSAL_WORKFLOW)


def _report_action(name: str, label, call):
    return _action(name, label, call, services.REPORT_WORKFLOW)


PROPOSAL_ACTIONS = [
    _proposal_action(
        "submit",
        _("Submit (on the proposer's behalf)"),
        lambda p, post, u: services.proposal_submit(proposal=p, actor=u, note=post.get("note", "")),
    ),
    _proposal_action(
        "close_cosigning",
        _("Close co-signing"),
        lambda p, post, u: services.proposal_close_cosigning(proposal=p, actor=u, note=post.get("note", "")),
    ),
    _proposal_action(
        "withdraw",
        _("Withdraw"),
        lambda p, post, u: services.proposal_withdraw(proposal=p, actor=u, note=post.get("note", "")),
    ),
    _proposal_action(
        "accept",
        _("Accept and number"),
        lambda p, post, u: services.proposal_accept(proposal=p, actor=u, note=post.get("note", "")),
    ),
    _proposal_action(
        "reject",
        _("Reject (reason in the note)"),
        lambda p, post, u: services.proposal_reject(proposal=p, actor=u, reason=post.get("note", "")),
    ),
    _proposal_action(
        "convert",
        _("Convert (choose what to)"),
        lambda p, post, u: services.proposal_convert(
            proposal=p, actor=u, kind=post.get("conversion", ""), note=post.get("note", "")
        ),
    ),
    _proposal_action("merge", _("Merge into the proposal numbered"), _merge),
    _proposal_action("assign", _("Assign to units (reassign a returned one)"), _assign),
    _proposal_action("extend", _("Extend the reply deadline (reason in the note)"), _extend),
    _proposal_action(
        "approve_reply",
        _("Approve the reply and publish it (category may change)"),
        lambda p, post, u: services.reply_review(
            proposal=p, actor=u, category=post.get("category") or None, note=post.get("note", "")
        ),
    ),
    _proposal_action(
        "send_back_reply",
        _("Send the reply back to the unit (note)"),
        lambda p, post, u: services.reply_send_back(proposal=p, actor=u, note=post.get("note", "")),
    ),
    _proposal_action("record_rating", _("Record a rating for an offline member"), _rate),
    _proposal_action(
        "close",
        _("Close by office decision (note)"),
        lambda p, post, u: services.proposal_close(proposal=p, actor=u, note=post.get("note", "")),
    ),
    _proposal_action(
        "mark_key",
        _("Mark as key proposal (leader)"),
        lambda p, post, u: services.proposal_set_key(
            proposal=p, actor=u, is_key=True, leader=post.get("leader", "")
        ),
    ),
    _proposal_action(
        "unmark_key",
        _("Unmark key proposal"),
        lambda p, post, u: services.proposal_set_key(proposal=p, actor=u, is_key=False),
    ),
    _proposal_action(
        "excellent_advance",
        _("Excellent proposal: nominate / shortlist / select"),
        lambda p, post, u: services.proposal_excellent_advance(
            proposal=p, actor=u, note=post.get("note", "")
        ),
    ),
    *_forward_actions(services.proposal_forward, "proposal"),
]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CosignatureInline(ReadOnlyInline):
    model = Cosignature
    fields = ("member", "state", "invited_at", "responded_at")
    readonly_fields = fields


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    fields = (
        "unit",
        "role",
        "is_current",
        "assigned_on",
        "return_deadline_on",
        "reply_due_on",
        "extension_reason",
        "returned_on",
        "return_reason",
    )
    readonly_fields = fields


class ReplyInline(ReadOnlyInline):
    model = Reply
    fields = (
        "round",
        "unit",
        "category",
        "category_by_unit",
        "document_number",
        "contact_person",
        "contact_phone",
        "body",
        "submitted_at",
        "published_at",
    )
    readonly_fields = fields


class FeedbackInline(ReadOnlyInline):
    model = Feedback
    fields = ("reply", "member", "rating", "comment", "recorded_by", "created_at")
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = ProposalAttachment
    fields = ("original_name", "reply", "content_type", "size", "uploaded_at")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = ProposalEvent
    fields = ("created_at", "actor", "action", "from_state", "to_state", "note")
    readonly_fields = fields


class ProposalAdminForm(forms.ModelForm):
    """Checks the year's length limit before the service is called, so the error sits on the form."""

    class Meta:
        formfield_callback = scoped_formfield
        model = Proposal
        fields = [
            "year",
            "title",
            "category",
            "proposer_kind",
            "submitter",
            "party",
            "sector",
            "committee",
            "reason",
            "suggestions",
            "items",
        ]

    def clean(self):
        data = super().clean()
        year = data.get("year")
        if year:
            limit = services.year_settings(year).length_limit
            length = len(data.get("reason") or "") + len(data.get("suggestions") or "")
            if length > limit:
                self.add_error(
                    "reason",
                    gettext(
                        "The reason and suggestions are %(length)s characters long; the limit is %(limit)s."
                    )
                    % {"length": length, "limit": limit},
                )
        kind = data.get("proposer_kind")
        body = {"party": "party", "sector": "sector", "committee": "committee"}.get(kind)
        if body and not data.get(body):
            self.add_error(body, gettext("A collective proposal names the body that makes it."))
        return data


class ReportAdminForm(forms.ModelForm):
    """Refuses edits the report workflow would refuse, so the error sits on the form."""

    class Meta:
        formfield_callback = scoped_formfield
        model = OpinionReport
        fields = [
            "year",
            "title",
            "author_kind",
            "author_member",
            "party",
            "sector",
            "situation",
            "analysis",
            "suggestion",
            "editor_note",
            "items",
        ]

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.state not in (ReportState.SUBMITTED, ReportState.EDITING):
            raise ValidationError(gettext("Only a submitted report or one being edited can be changed."))
        year = data.get("year") or self.instance.year
        if year:
            limit = services.year_settings(year).report_length_limit
            length = sum(len(data.get(f) or "") for f in ("situation", "analysis", "suggestion"))
            if length > limit:
                self.add_error(
                    "situation",
                    gettext(
                        "The report is %(length)s characters long; the limit is %(limit)s (one matter per report)."
                    )
                    % {"length": length, "limit": limit},
                )
        kind = data.get("author_kind")
        needed = {"member": "author_member", "party": "party", "sector": "sector"}.get(kind)
        if not self.instance.pk and needed and not data.get(needed):
            self.add_error(needed, gettext("This field is required."))
        return data


@admin.register(Proposal)
class ProposalAdmin(
    SimilarityAdminMixin,
    ItemSuggestionAdminMixin,
    LargeTableAdminMixin,
    PortalImportExportMixin,
    ExportMixin,
    admin.ModelAdmin,
):
    item_suggestion_fields = ("title", "reason", "suggestions")
    form = ProposalAdminForm
    resource_classes = [ProposalResource]
    action_form = WorkflowActionForm
    actions = PROPOSAL_ACTIONS

    class Media:
        js = ["js/admin_action_inputs.js"]

    list_display = (
        "number",
        "title",
        "submitter",
        "category",
        "state",
        "is_key",
        "excellent_state",
        "year",
    )
    list_filter = (YearFilter, "state", "category", "proposer_kind", "is_key", "excellent_state")
    search_fields = ("number", "title", "submitter__name", "submitter__member_number")
    raw_id_fields = ("submitter",)
    filter_horizontal = ("items",)
    readonly_fields = (
        "state",
        "number",
        "number_seq",
        "submitted_at",
        "cosign_deadline_on",
        "accepted_at",
        "first_replied_on",
        "closed_at",
        "rejection_reason",
        "conversion_kind",
        "converted_report",
        "source_report",
        "merged_into",
        "is_key",
        "key_leader",
        "excellent_state",
        "handling_round",
        "closing_note",
        "created_by",
        "between_levels",
    )
    inlines = [
        CosignatureInline,
        AssignmentInline,
        ReplyInline,
        FeedbackInline,
        AttachmentInline,
        EventInline,
    ]
    list_select_related = ("submitter", "category")
    show_full_result_count = False
    list_per_page = BIG_LIST_PAGE

    def get_queryset(self, request):
        # The office works on its own committee's proposals (a received one included).
        return super().get_queryset(request)

    @admin.display(description=_("between levels"))
    def between_levels(self, obj):
        return between_levels(obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data.get(name) for name in services.EDITABLE_FIELDS if name in data}
        if change:
            services.proposal_update(proposal=obj, actor=request.user, **fields)
        else:
            created = services.proposal_create(
                actor=request.user, submitter=data["submitter"], year=data["year"], **fields
            )
            obj.pk = created.pk
            obj.__dict__.update(created.__dict__)


@admin.register(ProposalCategory)
class ProposalCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(ProposalYearSettings)
class ProposalYearSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "year",
        "submission_opens_on",
        "submission_closes_on",
        "reply_months",
        "countersign_required",
        "review_required",
        "length_limit",
        "excellent_quota_percent",
    )


class ReportActionForm(ActionForm):
    level = forms.ChoiceField(
        label=_("adoption level"), choices=[("", "—"), *AdoptionLevel.choices], required=False
    )
    note = forms.CharField(label=_("note"), required=False)
    bulletin = ScopedModelChoiceField(
        label=_("bulletin issue"), rows=lambda: BulletinIssue.objects.filter(state="draft"), required=False
    )
    leader_name = forms.CharField(label=pgettext_lazy("proposals", "leader"), required=False)
    text = forms.CharField(label=_("instruction"), required=False)
    category = ScopedModelChoiceField(ProposalCategory, label=_("proposal category"), required=False)
    to_committee = _to_committee_field()


def _add_to_bulletin(r, post, user):
    issue = BulletinIssue.objects.filter(pk=post.get("bulletin") or 0).first()
    if issue is None:
        raise DomainError(gettext("Choose the bulletin issue."), code="invalid")
    return services.bulletin_add_reports(bulletin=issue, actor=user, reports=[r])


def _instruct(r, post, user):
    return services.instruction_record(
        report=r,
        actor=user,
        leader_name=post.get("leader_name", ""),
        level=post.get("level", ""),
        text=post.get("text", ""),
    )


def _to_proposal(r, post, user):
    category = ProposalCategory.objects.filter(pk=post.get("category") or 0).first()
    if category is None:
        raise DomainError(gettext("Choose the proposal category."), code="invalid")
    return services.report_to_proposal(report=r, actor=user, category=category)


REPORT_ACTIONS = [
    _report_action(
        "adopt",
        _("Adopt at the chosen level"),
        lambda r, post, u: services.report_adopt(
            report=r, actor=u, level=post.get("level", ""), note=post.get("note", "")
        ),
    ),
    _report_action(
        "file",
        _("File without adopting"),
        lambda r, post, u: services.report_file(report=r, actor=u, note=post.get("note", "")),
    ),
    _report_action("add_to_bulletin", _("Add to the bulletin issue"), _add_to_bulletin),
    _report_action("instruct", _("Record a leader's instruction"), _instruct),
    _report_action("to_proposal", _("Make a draft proposal of it"), _to_proposal),
    *_forward_actions(services.report_forward, "report"),
]


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ("created_at", "actor", "action", "from_state", "to_state", "note")
    readonly_fields = fields


class InstructionInline(ReadOnlyInline):
    model = Instruction
    fields = ("leader_name", "level", "text", "instructed_on", "recorded_by")
    readonly_fields = fields


@admin.register(OpinionReport)
class OpinionReportAdmin(
    ItemSuggestionAdminMixin, LargeTableAdminMixin, PortalImportExportMixin, ExportMixin, admin.ModelAdmin
):
    item_suggestion_fields = ("title", "situation", "suggestion")
    form = ReportAdminForm
    resource_classes = [OpinionReportResource]
    action_form = ReportActionForm
    actions = REPORT_ACTIONS
    list_display = (
        "title",
        "author_kind",
        "author_member",
        "state",
        "adoption_level",
        "bulletin",
        "submitted_at",
    )
    list_filter = (YearFilter, "state", "adoption_level", "author_kind")
    search_fields = ("title", "author_member__name")
    list_select_related = ("author_member", "bulletin")
    show_full_result_count = False
    list_per_page = BIG_LIST_PAGE
    raw_id_fields = ("author_member",)
    readonly_fields = (
        "state",
        "adoption_level",
        "adopted_on",
        "bulletin",
        "submitted_by",
        "submitted_at",
        "between_levels",
    )
    inlines = [InstructionInline, ReportEventInline]

    def get_queryset(self, request):
        return super().get_queryset(request)

    @admin.display(description=_("between levels"))
    def between_levels(self, obj):
        return between_levels(obj)

    def get_readonly_fields(self, request, obj=None):
        fixed = ("year", "author_kind", "author_member", "party", "sector")
        return (*super().get_readonly_fields(request, obj), *(fixed if obj is not None else ()))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.report_edit(
                report=obj, actor=request.user, **{k: data[k] for k in services.REPORT_EDITABLE if k in data}
            )
        else:
            created = services.report_submit(
                actor=request.user,
                title=data["title"],
                situation=data["situation"],
                analysis=data["analysis"],
                suggestion=data["suggestion"],
                author_kind=data["author_kind"],
                author_member=data.get("author_member"),
                party=data.get("party"),
                sector=data.get("sector"),
                year=data["year"],
            )
            obj.pk = created.pk
            obj.__dict__.update(created.__dict__)


@admin.action(description=_("Publish the issue"))
def publish_bulletin(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        lambda b, post: services.bulletin_publish(bulletin=b, actor=request.user),
        gettext("Publish the issue"),
    )


@admin.register(BulletinIssue)
class BulletinIssueAdmin(admin.ModelAdmin):
    list_display = ("__str__", "state", "published_on", "print_view")
    list_filter = (YearFilter, "state")
    readonly_fields = ("number", "state", "published_on")
    show_full_result_count = False
    actions = [publish_bulletin]

    @admin.display(description=_("print view"))
    def print_view(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("proposals:bulletin_detail", args=[obj.pk]), gettext("A4")
        )

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (("year",) if obj is not None else ())

    def save_model(self, request, obj, form, change):
        if change:
            services.bulletin_update(bulletin=obj, actor=request.user, title=obj.title, editor=obj.editor)
            return
        created = services.bulletin_create(
            actor=request.user, year=obj.year, title=obj.title, editor=obj.editor
        )
        obj.pk = created.pk
        obj.__dict__.update(created.__dict__)
