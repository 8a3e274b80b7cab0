"""The office keeps the consultation plan in the admin: every save and action goes through the services.

The workflow steps on a topic (held, outcome, submission, adoption, feedback, review) are on the topic
page of the portal, which the list links to.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from consultations import services
from consultations.models import (
    CollectionWindow,
    ConsultationPlan,
    ConsultationTopic,
    Discussion,
    ImplementationFeedback,
    Instruction,
    Outcome,
    OutcomeRecommendation,
    Post,
    PreparationTask,
    ResearchGroup,
    ResearchReport,
    ResearchReportFile,
    TopicProposal,
    WorkingPlan,
)
from cppcc_portal.core.admin_actions import run_on_each

LIST_PAGE = 50


@admin.register(ConsultationPlan)
class ConsultationPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "state", "adopted_on", "adoption_note")
    readonly_fields = ("state", "adopted_on")
    actions = ["adopt"]

    @admin.action(
        description=_("Record the standing committee's adoption of the list"), permissions=["change"]
    )
    def adopt(self, request, queryset):
        run_on_each(
            self,
            request,
            queryset,
            lambda plan: services.plan_adopt(plan=plan, note=plan.adoption_note, actor=request.user),
            _("%(count)s plans adopted."),
            workflow=services.PLAN_WORKFLOW,
            action="adopt",
        )


@admin.register(CollectionWindow)
class CollectionWindowAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "opens_on", "closes_on")
    list_filter = ("year",)

    def save_model(self, request, obj, form, change):
        services.window_save(window=obj, actor=request.user)


class WorkingPlanInline(admin.StackedInline):
    model = WorkingPlan
    extra = 0


class TaskInline(admin.TabularInline):
    model = PreparationTask
    extra = 0
    raw_id_fields = ("assignee",)
    fields = ("description", "assignee", "assignee_name", "due_on", "state", "done_on")


class ResearchGroupInline(admin.TabularInline):
    model = ResearchGroup
    extra = 0
    raw_id_fields = ("leader",)
    fields = ("name", "leader")
    show_change_link = True


@admin.register(ConsultationTopic)
class ConsultationTopicAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "form", "source", "lead_body", "planned_month", "state", "page")
    list_filter = ("year", "state", "form", "source")
    list_select_related = ("plan",)
    list_per_page = LIST_PAGE
    show_full_result_count = False
    search_fields = ("title", "lead_body")
    filter_horizontal = ("units", "items")
    readonly_fields = ("state", "held_on")
    inlines = [WorkingPlanInline, ResearchGroupInline, TaskInline]

    @admin.display(description=_("Topic page"))
    def page(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("consultations:topic", args=[obj.pk]), _("open"))

    def save_model(self, request, obj, form, change):
        services.topic_save(topic=obj, actor=request.user)


@admin.register(TopicProposal)
class TopicProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "window", "proposer_kind", "origin", "state", "topic")
    list_filter = ("window", "state", "proposer_kind")
    list_select_related = ("window", "topic", "member", "sector", "unit", "committee")
    search_fields = ("title", "reason")
    raw_id_fields = ("member", "topic")
    readonly_fields = ("state", "topic", "submitted_by", "submitted_at")


class ResearchReportFileInline(admin.TabularInline):
    model = ResearchReportFile
    extra = 0
    readonly_fields = ("original_name", "size", "uploaded_at")
    fields = ("file", "original_name", "size", "uploaded_at")


@admin.register(ResearchGroup)
class ResearchGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "topic", "leader")
    list_select_related = ("topic", "leader")
    raw_id_fields = ("leader", "topic", "members", "activities")


@admin.register(ResearchReport)
class ResearchReportAdmin(admin.ModelAdmin):
    list_display = ("title", "group", "filed_on")
    list_select_related = ("group",)
    raw_id_fields = ("group",)
    inlines = [ResearchReportFileInline]


class RecommendationInline(admin.TabularInline):
    model = OutcomeRecommendation
    extra = 0
    fields = ("number", "text", "adoption", "adoption_reason", "decided_on")
    readonly_fields = ("adoption", "adoption_reason", "decided_on")


class InstructionInline(admin.TabularInline):
    model = Instruction
    extra = 0


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("title", "topic", "kind", "state", "submitted_on", "document_number")
    list_filter = ("state", "kind", "topic__year")
    list_select_related = ("topic",)
    search_fields = ("title", "document_number")
    raw_id_fields = ("topic",)
    readonly_fields = ("state", "reviewed_on", "submitted_on", "document_number", "submitted_to")
    inlines = [RecommendationInline, InstructionInline]


@admin.register(ImplementationFeedback)
class ImplementationFeedbackAdmin(admin.ModelAdmin):
    list_display = ("recommendation", "unit", "due_on", "state", "answered_on")
    list_filter = ("state", "unit")
    list_select_related = ("recommendation", "unit")
    readonly_fields = ("recommendation", "unit", "state", "text", "answered_on", "answered_by")


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ("author", "text", "is_hidden", "hidden_reason", "created_at")
    readonly_fields = ("author", "text", "is_hidden", "hidden_reason", "created_at")
    can_delete = False


@admin.register(Discussion)
class DiscussionAdmin(admin.ModelAdmin):
    list_display = ("topic", "closes_on")
    list_select_related = ("topic",)
    raw_id_fields = ("topic",)
    inlines = [PostInline]
