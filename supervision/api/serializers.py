"""API shapes of democratic supervision; writes are validated here and done by the services."""

from __future__ import annotations

from rest_framework import serializers

from cppcc_portal.core import api_fields
from cppcc_portal.core.api import PortalModelSerializer
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


class TopicSourceLinkSerializer(PortalModelSerializer):
    class Meta:
        model = TopicSourceLink
        fields = ["kind", "reference", "title", "content_type", "object_id"]


class SupervisionTopicSerializer(PortalModelSerializer):
    source_links = TopicSourceLinkSerializer(many=True, read_only=True)
    item_number = api_fields.IntegerField(source="item.number", read_only=True, default=None)

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


class SupervisionActivitySerializer(PortalModelSerializer):
    title = api_fields.CharField(source="activity.title")
    kind = api_fields.CharField(source="activity.kind")
    starts_at = serializers.DateTimeField(source="activity.starts_at")

    class Meta:
        model = GroupActivity
        fields = ["activity", "topic", "title", "kind", "starts_at"]


class SupervisionGroupSerializer(PortalModelSerializer):
    leader_name = api_fields.CharField(source="leader.name", read_only=True)
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


class SupervisorAppointmentSerializer(PortalModelSerializer):
    member_name = api_fields.CharField(source="member.name", read_only=True)
    report_count = api_fields.IntegerField(read_only=True)

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


class SupervisorReportSerializer(PortalModelSerializer):
    filed_on = serializers.DateField(required=False)

    class Meta:
        model = SupervisorReport
        fields = ["id", "title", "text", "filed_on"]


class ProgressNoteSerializer(PortalModelSerializer):
    class Meta:
        model = ProgressNote
        fields = ["percent", "note", "reported_at"]


class RectificationItemSerializer(PortalModelSerializer):
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


class RecommendationEventSerializer(PortalModelSerializer):
    class Meta:
        model = RecommendationEvent
        fields = ["from_state", "to_state", "actor", "note", "created_at"]


class RecommendationSerializer(PortalModelSerializer):
    unit_name = api_fields.CharField(source="unit.name", read_only=True)
    topic_title = api_fields.CharField(source="topic.title", read_only=True)
    open_item_count = api_fields.IntegerField(read_only=True)

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
    note = api_fields.CharField(required=False, allow_blank=True, default="")


class RecommendationAnswerSerializer(serializers.Serializer):
    answer = api_fields.CharField()


class RecommendationReviewSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=ReviewVerdict.choices)
    note = api_fields.CharField(required=False, allow_blank=True, default="")


# Returning a recommendation for more rectification says why; closing it needs no note.
REVIEW_REQUEST_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "properties": {"verdict": {"type": "string", "enum": ["rectified"]}, "note": {"type": "string"}},
            "required": ["verdict"],
        },
        {
            "type": "object",
            "properties": {
                "verdict": {"type": "string", "enum": ["not_rectified"]},
                "note": {"type": "string", "pattern": api_fields.NOT_ONLY_SPACE.regex.pattern},
            },
            "required": ["verdict", "note"],
        },
    ]
}


class RectificationItemCreateSerializer(serializers.Serializer):
    description = api_fields.CharField(max_length=300)
    owner = api_fields.CharField(max_length=64)
    due_on = serializers.DateField()


class RectificationProgressSerializer(serializers.Serializer):
    percent = api_fields.IntegerField(min_value=0, max_value=100)
    note = api_fields.CharField()


class NotFeasibleReasonSerializer(serializers.Serializer):
    reason = api_fields.CharField()


class TopicApprovalSerializer(serializers.Serializer):
    approved_on = serializers.DateField(required=False)
    note = api_fields.CharField(required=False, allow_blank=True, default="", max_length=200)


class AppointmentTermSerializer(serializers.Serializer):
    term_start = serializers.DateField()
    term_end = serializers.DateField(required=False, allow_null=True)
