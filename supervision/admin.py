"""The office runs supervision in the admin: every save and action goes through the services."""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.admin_actions import run_on_each
from supervision import services
from supervision.choices import RecommendationState, ReviewVerdict
from supervision.models import (
    FollowUpReview,
    GroupActivity,
    Recommendation,
    RecommendationEvent,
    RectificationItem,
    SupervisionGroup,
    SupervisionTopic,
    SupervisorAppointment,
    SupervisorReport,
    TopicSourceLink,
)
from workplan.suggestions_admin import ItemSuggestionAdminMixin

# Changelists stay a page of rows: no COUNT(*) of the whole table on every view, the shown
# foreign keys joined in the list query.
LIST_PAGE = 50


class TopicSourceLinkInline(admin.TabularInline):
    model = TopicSourceLink
    extra = 0
    fields = ("kind", "reference", "title", "content_type", "object_id")


@admin.register(SupervisionTopic)
class SupervisionTopicAdmin(ItemSuggestionAdminMixin, admin.ModelAdmin):
    item_suggestion_fields = ("title", "description")
    list_display = (
        "title",
        "year",
        "kind",
        "source",
        "item",
        "is_approved",
        "approved_on",
    )
    list_filter = ("year", "kind", "source", "is_approved")
    list_select_related = ("item",)
    show_full_result_count = False
    list_per_page = LIST_PAGE
    search_fields = ("title",)
    autocomplete_fields = ()
    raw_id_fields = ("item",)
    readonly_fields = ("is_approved", "approved_on", "approval_note")
    inlines = [TopicSourceLinkInline]
    actions = ["approve"]

    def save_model(self, request, obj, form, change):
        services.topic_save(topic=obj, actor=request.user)

    @admin.action(description=_("Record the standing committee's approval"), permissions=["change"])
    def approve(self, request, queryset):
        run_on_each(
            self,
            request,
            queryset,
            lambda topic: services.topic_approve(topic=topic, actor=request.user),
            _("%(count)s topics approved."),
        )


class GroupActivityInline(admin.TabularInline):
    model = GroupActivity
    extra = 0
    raw_id_fields = ("activity",)
    fields = ("activity", "topic")


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "leader")
    list_filter = ("year",)
    list_select_related = ("leader",)
    show_full_result_count = False
    list_per_page = LIST_PAGE
    search_fields = ("name", "leader__name")
    raw_id_fields = ("leader",)
    filter_horizontal = ("members", "units", "topics")
    inlines = [GroupActivityInline]

    def save_model(self, request, obj, form, change):
        services.group_save(group=obj, actor=request.user)


class SupervisorReportInline(admin.StackedInline):
    model = SupervisorReport
    extra = 0


@admin.register(SupervisorAppointment)
class SupervisorAppointmentAdmin(admin.ModelAdmin):
    list_display = (
        "member",
        "post",
        "organisation",
        "status",
        "term_start",
        "term_end",
    )
    list_filter = ("post", "status")
    list_select_related = ("member",)
    show_full_result_count = False
    list_per_page = LIST_PAGE
    search_fields = ("member__name", "organisation")
    raw_id_fields = ("member",)
    readonly_fields = ("status",)
    inlines = [SupervisorReportInline]
    actions = ["end_appointment"]

    @admin.action(description=_("End the selected appointments"), permissions=["change"])
    def end_appointment(self, request, queryset):
        run_on_each(
            self,
            request,
            queryset,
            lambda a: services.appointment_end(appointment=a, actor=request.user),
            _("%(count)s appointments ended."),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            created = services.appointment_recommend(
                member=obj.member,
                post=obj.post,
                organisation=obj.organisation,
                recommended_on=obj.recommended_on,
                note=obj.note,
                actor=request.user,
            )
            obj.pk = created.pk
            obj._state.adding = False
            if obj.term_start:
                services.appointment_appoint(
                    appointment=created, term_start=obj.term_start, term_end=obj.term_end, actor=request.user
                )
            return
        services.appointment_update(
            appointment=obj,
            actor=request.user,
            **{name: getattr(obj, name) for name in services.APPOINTMENT_DETAILS},
        )


class RectificationItemInline(admin.TabularInline):
    model = RectificationItem
    extra = 0
    fields = ("description", "owner", "due_on", "status", "percent", "not_feasible_reason")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class RecommendationEventInline(admin.TabularInline):
    model = RecommendationEvent
    extra = 0
    fields = ("created_at", "from_state", "to_state", "actor", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class FollowUpReviewInline(admin.TabularInline):
    model = FollowUpReview
    extra = 0
    fields = ("reviewed_on", "verdict", "note", "reviewed_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "unit",
        "topic",
        "group",
        "due_on",
        "state",
        "sent_on",
        "answered_on",
    )
    list_filter = ("state", "topic__year", "topic", "group", "unit")
    list_select_related = ("unit", "topic", "group")
    show_full_result_count = False
    list_per_page = LIST_PAGE
    search_fields = ("title", "text", "unit__name")
    date_hierarchy = "due_on"
    raw_id_fields = ("unit",)
    readonly_fields = ("state", "sent_on", "answer", "answered_on", "closed_on", "created_by")
    inlines = [RectificationItemInline, FollowUpReviewInline, RecommendationEventInline]
    actions = ["send", "close_after_review", "return_after_review"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.state != RecommendationState.DRAFT:
            fields += ["group", "topic", "unit", "title", "text"]
        return fields

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        if not change:
            created = services.recommendation_create(
                group=obj.group,
                topic=obj.topic,
                unit=obj.unit,
                title=obj.title,
                text=obj.text,
                due_on=obj.due_on,
                actor=request.user,
            )
            obj.pk = created.pk
            obj._state.adding = False
        elif data:
            fresh = Recommendation.objects.get(pk=obj.pk)
            services.recommendation_update(recommendation=fresh, actor=request.user, **data)

    @admin.action(description=_("Send to the department"), permissions=["change"])
    def send(self, request, queryset):
        run_on_each(
            self,
            request,
            queryset,
            lambda r: services.recommendation_send(recommendation=r, actor=request.user),
            _("%(count)s recommendations sent."),
            workflow=services.RECOMMENDATION_WORKFLOW,
            action="send",
        )

    @admin.action(description=_("Follow-up review: rectified, close"), permissions=["change"])
    def close_after_review(self, request, queryset):
        run_on_each(
            self,
            request,
            queryset,
            lambda r: services.recommendation_review(
                recommendation=r, verdict=ReviewVerdict.RECTIFIED, actor=request.user
            ),
            _("%(count)s recommendations closed."),
            workflow=services.RECOMMENDATION_WORKFLOW,
            action="close",
        )

    @admin.action(description=_("Follow-up review: return for more rectification"), permissions=["change"])
    def return_after_review(self, request, queryset):
        run_on_each(
            self,
            request,
            queryset,
            lambda r: services.recommendation_review(
                recommendation=r,
                verdict=ReviewVerdict.NOT_RECTIFIED,
                note=str(_("The follow-up review found the rectification incomplete.")),
                actor=request.user,
            ),
            _("%(count)s recommendations returned."),
            workflow=services.RECOMMENDATION_WORKFLOW,
            action="return",
        )


@admin.register(RectificationItem)
class RectificationItemAdmin(admin.ModelAdmin):
    list_display = (
        "description",
        "recommendation",
        "owner",
        "due_on",
        "status",
        "percent",
    )
    list_filter = ("status", "recommendation__unit")
    list_select_related = ("recommendation",)
    show_full_result_count = False
    list_per_page = LIST_PAGE
    search_fields = ("description", "recommendation__title")
    readonly_fields = ("recommendation", "status", "percent", "completed_on")
    fields = (
        "recommendation",
        "description",
        "owner",
        "due_on",
        "status",
        "percent",
        "completed_on",
        "not_feasible_reason",
    )

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """Typing a reason accepts the item as not feasible; other edits keep its progress."""
        edits = {
            n: form.cleaned_data[n] for n in ("description", "owner", "due_on") if n in form.changed_data
        }
        with transaction.atomic():
            item = RectificationItem.objects.select_related("recommendation").get(pk=obj.pk)
            if edits:
                item = services.rectification_item_update(item=item, actor=request.user, **edits)
            reason = form.cleaned_data.get("not_feasible_reason", "")
            if "not_feasible_reason" in form.changed_data and reason.strip() and not item.is_finished:
                services.rectification_item_accept_not_feasible(item=item, reason=reason, actor=request.user)
