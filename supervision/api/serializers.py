"""API shapes of democratic supervision; writes are validated here and done by the services."""

from __future__ import annotations

from rest_framework import serializers

from supervision.choices import ReviewVerdict
from supervision.models import (
    GroupActivity,
    ProgressNote,
    Recommendation,
    RecommendationEvent,
    RectificationItem,
    SupervisionGroup,
    SupervisionTopic,
    SupervisorAppointment,
    SupervisorReport,
    TopicSourceLink,
)


class TopicSourceLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = TopicSourceLink
        fields = ["kind", "reference", "title", "content_type", "object_id"]


class SupervisionTopicSerializer(serializers.ModelSerializer):
    source_links = TopicSourceLinkSerializer(many=True, read_only=True)
    item_number = serializers.IntegerField(source="item.number", read_only=True, default=None)

    class Meta:
        model = SupervisionTopic
        fields = [
            "id",
            "title",
            "year",
            "kind",
            "source",
            "description",
            "item",
            "item_number",
            "is_approved",
            "approved_on",
            "source_links",
        ]


class SupervisionActivitySerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="activity.title")
    kind = serializers.CharField(source="activity.kind")
    starts_at = serializers.DateTimeField(source="activity.starts_at")

    class Meta:
        model = GroupActivity
        fields = ["activity", "topic", "title", "kind", "starts_at"]


class SupervisionGroupSerializer(serializers.ModelSerializer):
    leader_name = serializers.CharField(source="leader.name", read_only=True)
    internal_notes = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionGroup
        fields = [
            "id",
            "name",
            "year",
            "leader",
            "leader_name",
            "members",
            "units",
            "topics",
            "internal_notes",
        ]

    def get_internal_notes(self, group) -> str | None:
        """Only for the group's members, the office and the leaders; null for anyone else."""
        allowed = self.context.get("notes_group_ids")
        if allowed is None or group.pk in allowed:
            return group.internal_notes
        return None


class SupervisorAppointmentSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    report_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SupervisorAppointment
        fields = [
            "id",
            "member",
            "member_name",
            "post",
            "organisation",
            "term_start",
            "term_end",
            "status",
            "recommended_on",
            "report_count",
        ]


class SupervisorReportSerializer(serializers.ModelSerializer):
    filed_on = serializers.DateField(required=False)

    class Meta:
        model = SupervisorReport
        fields = ["id", "title", "text", "filed_on"]


class ProgressNoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgressNote
        fields = ["percent", "note", "reported_at"]


class RectificationItemSerializer(serializers.ModelSerializer):
    notes = ProgressNoteSerializer(many=True, read_only=True)

    class Meta:
        model = RectificationItem
        fields = [
            "id",
            "recommendation",
            "description",
            "owner",
            "due_on",
            "status",
            "percent",
            "not_feasible_reason",
            "completed_on",
            "notes",
        ]
        read_only_fields = fields


class RecommendationEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecommendationEvent
        fields = ["from_state", "to_state", "actor", "note", "created_at"]


class RecommendationSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    topic_title = serializers.CharField(source="topic.title", read_only=True)
    open_item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "title",
            "text",
            "group",
            "topic",
            "topic_title",
            "unit",
            "unit_name",
            "due_on",
            "state",
            "sent_on",
            "answer",
            "answered_on",
            "closed_on",
            "open_item_count",
        ]
        read_only_fields = ["state", "sent_on", "answer", "answered_on", "closed_on"]


class RecommendationDetailSerializer(RecommendationSerializer):
    items = RectificationItemSerializer(many=True, read_only=True)
    events = RecommendationEventSerializer(many=True, read_only=True)

    class Meta(RecommendationSerializer.Meta):
        fields = [*RecommendationSerializer.Meta.fields, "items", "events"]


class SupervisionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RecommendationAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()


class RecommendationReviewSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=ReviewVerdict.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RectificationItemCreateSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    owner = serializers.CharField(max_length=64)
    due_on = serializers.DateField()


class RectificationProgressSerializer(serializers.Serializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField()


class NotFeasibleReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class TopicApprovalSerializer(serializers.Serializer):
    approved_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class AppointmentTermSerializer(serializers.Serializer):
    term_start = serializers.DateField()
    term_end = serializers.DateField(required=False, allow_null=True)
