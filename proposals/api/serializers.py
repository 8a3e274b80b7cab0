"""API shapes: read serializers for records, small input serializers for workflow actions."""

from rest_framework import serializers

from cppcc_portal.core import api_fields
from cppcc_portal.core.api import PortalModelSerializer
from members.models import HandlingUnit, Member
from proposals.choices import AdoptionLevel, ConversionKind, ReplyCategory, Satisfaction
from proposals.models import (
    Assignment,
    BulletinIssue,
    Cosignature,
    Feedback,
    Instruction,
    OpinionReport,
    Proposal,
    ProposalCategory,
    ProposalEvent,
    Reply,
)


class CosignatureSerializer(PortalModelSerializer):
    member_name = api_fields.CharField(source="member.name", read_only=True)

    class Meta:
        model = Cosignature
        fields = ["member", "member_name", "state", "invited_at", "responded_at"]


class ProposalSerializer(PortalModelSerializer):
    state_label = api_fields.CharField(source="get_state_display", read_only=True)
    category_name = api_fields.CharField(source="category.name", read_only=True)
    proposer = api_fields.CharField(source="proposer_label", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id",
            "year",
            "number",
            "title",
            "reason",
            "suggestions",
            "category",
            "category_name",
            "proposer_kind",
            "submitter",
            "proposer",
            "party",
            "sector",
            "committee",
            "state",
            "state_label",
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
        ]
        read_only_fields = fields


class ProposalWriteSerializer(serializers.Serializer):
    title = api_fields.CharField(allow_blank=True, max_length=200)
    reason = api_fields.CharField(allow_blank=True)
    suggestions = api_fields.CharField(allow_blank=True)
    category = api_fields.PrimaryKeyRelatedField(
        queryset=ProposalCategory.objects, rows=lambda: ProposalCategory.objects.filter(is_active=True)
    )
    submitter = api_fields.PrimaryKeyRelatedField(queryset=Member.objects, required=False)
    year = api_fields.IntegerField(required=False)


class ProposalUpdateSerializer(ProposalWriteSerializer):
    """PATCH of a proposal: its text and category (the proposer and year stay)."""

    # A draft may start empty, but an edit must leave the text a proposal needs.
    title = api_fields.CharField(max_length=200)
    reason = api_fields.CharField()
    suggestions = api_fields.CharField()
    submitter = None
    year = None


class ProposalEventSerializer(PortalModelSerializer):
    actor_name = serializers.SerializerMethodField()
    from_label = api_fields.CharField(source="get_from_state_display", read_only=True)
    to_label = api_fields.CharField(source="get_to_state_display", read_only=True)

    class Meta:
        model = ProposalEvent
        fields = [
            "id",
            "proposal",
            "action",
            "from_state",
            "from_label",
            "to_state",
            "to_label",
            "note",
            "actor_name",
            "created_at",
        ]

    def get_actor_name(self, obj) -> str:
        return (obj.actor.get_full_name() or obj.actor.username) if obj.actor else ""


class AssignmentSerializer(PortalModelSerializer):
    unit_name = api_fields.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "proposal",
            "unit",
            "unit_name",
            "role",
            "is_current",
            "assigned_on",
            "return_deadline_on",
            "reply_due_on",
            "original_due_on",
            "extension_reason",
            "returned_on",
            "return_reason",
        ]


class ReplySerializer(PortalModelSerializer):
    class Meta:
        model = Reply
        fields = [
            "id",
            "proposal",
            "round",
            "unit",
            "category",
            "category_by_unit",
            "document_number",
            "contact_person",
            "contact_phone",
            "body",
            "submitted_at",
            "review_note",
            "published_at",
        ]


class FeedbackSerializer(PortalModelSerializer):
    member_name = api_fields.CharField(source="member.name", read_only=True)

    class Meta:
        model = Feedback
        fields = ["id", "proposal", "reply", "member", "member_name", "rating", "comment", "created_at"]


class NoteSerializer(serializers.Serializer):
    note = api_fields.CharField(required=False, allow_blank=True, default="")


class RequiredNoteSerializer(serializers.Serializer):
    """A step that must say why (rejecting, returning, sending back, closing)."""

    note = api_fields.CharField(help_text="Why: shown on the proposal's timeline.")


class InviteSerializer(serializers.Serializer):
    members = api_fields.PrimaryKeyRelatedField(queryset=Member.objects, many=True)


class CosignSerializer(serializers.Serializer):
    accept = api_fields.BooleanField()


class ConvertSerializer(NoteSerializer):
    kind = serializers.ChoiceField(choices=ConversionKind.choices)


class MergeSerializer(NoteSerializer):
    into = api_fields.PrimaryKeyRelatedField(queryset=Proposal.objects)


class AssignSerializer(NoteSerializer):
    lead_unit = api_fields.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects, rows=lambda: HandlingUnit.objects.filter(is_active=True)
    )
    assisting_units = api_fields.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects,
        rows=lambda: HandlingUnit.objects.filter(is_active=True),
        many=True,
        required=False,
    )


class ExtendSerializer(serializers.Serializer):
    new_due_on = serializers.DateField()
    reason = api_fields.CharField()


class ReplyDraftSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ReplyCategory.choices)
    document_number = api_fields.CharField(max_length=64)
    contact_person = api_fields.CharField(max_length=64)
    contact_phone = api_fields.CharField(max_length=32)
    body = api_fields.CharField()


class CountersignSerializer(NoteSerializer):
    refuse = api_fields.BooleanField(required=False, default=False)


class ReviewSerializer(NoteSerializer):
    category = serializers.ChoiceField(choices=ReplyCategory.choices, required=False, allow_blank=True)


class RateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = api_fields.CharField(required=False, allow_blank=True, default="")
    member = api_fields.PrimaryKeyRelatedField(queryset=Member.objects, required=False)


class KeySerializer(serializers.Serializer):
    is_key = api_fields.BooleanField()
    leader = api_fields.CharField(required=False, allow_blank=True, default="")


# An assisting unit that refuses to countersign says what the lead unit should change.
COUNTERSIGN_REQUEST_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "properties": {"refuse": {"type": "boolean", "enum": [False]}, "note": {"type": "string"}},
        },
        {
            "type": "object",
            "properties": {
                "refuse": {"type": "boolean", "enum": [True]},
                "note": {"type": "string", "pattern": api_fields.NOT_ONLY_SPACE.regex.pattern},
            },
            "required": ["refuse", "note"],
        },
    ]
}


# Making a proposal key names its overseeing leader; unmarking it needs no one. The schema says
# so with two shapes (a serializer alone cannot express the condition).
KEY_REQUEST_SCHEMA = {
    "oneOf": [
        {
            "type": "object",
            "properties": {
                "is_key": {"type": "boolean", "enum": [True]},
                "leader": {"type": "string", "pattern": api_fields.NOT_ONLY_SPACE.regex.pattern},
            },
            "required": ["is_key", "leader"],
        },
        {
            "type": "object",
            "properties": {"is_key": {"type": "boolean", "enum": [False]}, "leader": {"type": "string"}},
            "required": ["is_key"],
        },
    ]
}


class ReportSerializer(PortalModelSerializer):
    state_label = api_fields.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = OpinionReport
        fields = [
            "id",
            "year",
            "title",
            "situation",
            "analysis",
            "suggestion",
            "author_kind",
            "author_member",
            "party",
            "sector",
            "state",
            "state_label",
            "submitted_at",
            "adoption_level",
            "adopted_on",
            "bulletin",
        ]
        read_only_fields = fields


class ReportWriteSerializer(serializers.Serializer):
    title = api_fields.CharField(max_length=200)
    situation = api_fields.CharField()
    analysis = api_fields.CharField(allow_blank=True, required=False, default="")
    suggestion = api_fields.CharField(allow_blank=True, required=False, default="")


class AdoptSerializer(NoteSerializer):
    level = serializers.ChoiceField(choices=AdoptionLevel.choices)


class InstructionSerializer(PortalModelSerializer):
    class Meta:
        model = Instruction
        fields = ["id", "report", "leader_name", "level", "text", "instructed_on"]
        read_only_fields = ["id", "report"]


class ToProposalSerializer(serializers.Serializer):
    category = api_fields.PrimaryKeyRelatedField(queryset=ProposalCategory.objects)


class BulletinSerializer(PortalModelSerializer):
    class Meta:
        model = BulletinIssue
        fields = ["id", "year", "number", "title", "state", "published_on", "editor"]
        read_only_fields = ["id", "number", "state", "published_on"]


class BulletinReportsSerializer(serializers.Serializer):
    reports = api_fields.PrimaryKeyRelatedField(queryset=OpinionReport.objects, many=True)


class SimilarQuerySerializer(serializers.Serializer):
    """?text=…&limit=…: any text is accepted (long text is cut, text that says nothing finds nothing)."""

    text = api_fields.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        default="",
        help_text="The draft's title or text (cut at 4,000 characters).",
    )
    limit = api_fields.IntegerField(
        required=False, min_value=1, max_value=20, default=5, help_text="How many (5 by default)."
    )

    def validate_text(self, value: str) -> str:
        return value[:4000]


class SimilarProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="proposal.pk")
    number = serializers.CharField(source="proposal.number")
    year = serializers.IntegerField(source="proposal.year")
    title = serializers.CharField(source="proposal.title")
    state = serializers.CharField(source="proposal.state")
    score = serializers.FloatField()
    reply_category = serializers.CharField(allow_blank=True)
    satisfaction = serializers.DictField(child=serializers.IntegerField())


class SimilarProposalsSerializer(serializers.Serializer):
    threshold = serializers.FloatField()
    results = SimilarProposalSerializer(many=True)
