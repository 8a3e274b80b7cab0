"""Serializers of the consultation API: topics with outcomes, timeline rows, feedback, posts."""

from rest_framework import serializers

from consultations.models import (
    ConsultationTopic,
    ImplementationFeedback,
    Instruction,
    Outcome,
    OutcomeRecommendation,
    Post,
    TopicEvent,
)
from cppcc_portal.core import api_fields


class ConsultationRecommendationSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutcomeRecommendation
        fields = ["id", "number", "text", "adoption", "adoption_reason", "decided_on"]


class ConsultationInstructionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instruction
        fields = ["id", "leader_name", "level", "text", "given_on"]


class ConsultationOutcomeSerializer(serializers.ModelSerializer):
    recommendations = ConsultationRecommendationSerializer(many=True, read_only=True)
    instructions = ConsultationInstructionSerializer(many=True, read_only=True)

    class Meta:
        model = Outcome
        fields = [
            "id",
            "kind",
            "title",
            "state",
            "submitted_on",
            "document_number",
            "submitted_to",
            "follow_up_on",
            "recommendations",
            "instructions",
        ]


class ConsultationTopicSerializer(serializers.ModelSerializer):
    units = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ConsultationTopic
        fields = [
            "id",
            "year",
            "title",
            "description",
            "source",
            "form",
            "lead_body",
            "responsible_leader",
            "units",
            "planned_month",
            "items",
            "state",
            "held_on",
        ]


class ConsultationTopicDetailSerializer(ConsultationTopicSerializer):
    outcomes = ConsultationOutcomeSerializer(many=True, read_only=True)

    class Meta(ConsultationTopicSerializer.Meta):
        fields = [*ConsultationTopicSerializer.Meta.fields, "outcomes"]


class ConsultationTimelineEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TopicEvent
        fields = ["occurred_on", "action", "summary"]


class ConsultationFeedbackSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.name", read_only=True)
    topic = serializers.CharField(source="recommendation.outcome.topic.title", read_only=True)
    outcome = serializers.CharField(source="recommendation.outcome.title", read_only=True)
    recommendation_number = serializers.IntegerField(source="recommendation.number", read_only=True)
    recommendation_text = serializers.CharField(source="recommendation.text", read_only=True)

    class Meta:
        model = ImplementationFeedback
        fields = [
            "id",
            "unit",
            "topic",
            "outcome",
            "recommendation_number",
            "recommendation_text",
            "due_on",
            "state",
            "text",
            "answered_on",
        ]
        read_only_fields = fields


class ConsultationFeedbackAnswerSerializer(serializers.Serializer):
    text = api_fields.CharField(max_length=20000)


class ConsultationPostSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.name", read_only=True)
    text = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "parent", "author", "text", "is_hidden", "hidden_reason", "created_at"]

    def get_text(self, post) -> str:
        return "" if post.is_hidden and not self.context.get("show_hidden") else post.text


class ConsultationPostCreateSerializer(serializers.Serializer):
    text = api_fields.CharField(max_length=5000)
    parent = api_fields.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1, help_text="The post answered."
    )
