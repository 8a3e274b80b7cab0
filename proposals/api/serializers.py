"""API shapes: read serializers for records, small input serializers for workflow actions."""

from rest_framework import serializers

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


class CosignatureSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Cosignature
        fields = ["member", "member_name", "state", "invited_at", "responded_at"]


class ProposalSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    proposer = serializers.CharField(source="proposer_label", read_only=True)

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
    title = serializers.CharField(allow_blank=True, max_length=200)
    reason = serializers.CharField(allow_blank=True)
    suggestions = serializers.CharField(allow_blank=True)
    category = serializers.PrimaryKeyRelatedField(queryset=ProposalCategory.objects.filter(is_active=True))
    submitter = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), required=False)
    year = serializers.IntegerField(required=False)


class ProposalEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    from_label = serializers.CharField(source="get_from_state_display", read_only=True)
    to_label = serializers.CharField(source="get_to_state_display", read_only=True)

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


class AssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

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


class ReplySerializer(serializers.ModelSerializer):
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


class FeedbackSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Feedback
        fields = ["id", "proposal", "reply", "member", "member_name", "rating", "comment", "created_at"]


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InviteSerializer(serializers.Serializer):
    members = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), many=True)


class CosignSerializer(serializers.Serializer):
    accept = serializers.BooleanField()


class ConvertSerializer(NoteSerializer):
    kind = serializers.ChoiceField(choices=ConversionKind.choices)


class MergeSerializer(NoteSerializer):
    into = serializers.PrimaryKeyRelatedField(queryset=Proposal.objects.all())


class AssignSerializer(NoteSerializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=HandlingUnit.objects.filter(is_active=True))
    assisting_units = serializers.PrimaryKeyRelatedField(
        queryset=HandlingUnit.objects.filter(is_active=True), many=True, required=False
    )


class ExtendSerializer(serializers.Serializer):
    new_due_on = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)


class ReplyDraftSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ReplyCategory.choices)
    document_number = serializers.CharField(allow_blank=True)
    contact_person = serializers.CharField(allow_blank=True)
    contact_phone = serializers.CharField(allow_blank=True)
    body = serializers.CharField(allow_blank=True)


class CountersignSerializer(NoteSerializer):
    refuse = serializers.BooleanField(required=False, default=False)


class ReviewSerializer(NoteSerializer):
    category = serializers.ChoiceField(choices=ReplyCategory.choices, required=False, allow_blank=True)


class RateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    member = serializers.PrimaryKeyRelatedField(queryset=Member.objects.all(), required=False)


class KeySerializer(serializers.Serializer):
    is_key = serializers.BooleanField()
    leader = serializers.CharField(required=False, allow_blank=True, default="")


class ReportSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)

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
    title = serializers.CharField(allow_blank=True, max_length=200)
    situation = serializers.CharField(allow_blank=True)
    analysis = serializers.CharField(allow_blank=True, required=False, default="")
    suggestion = serializers.CharField(allow_blank=True, required=False, default="")


class AdoptSerializer(NoteSerializer):
    level = serializers.ChoiceField(choices=AdoptionLevel.choices)


class InstructionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instruction
        fields = ["id", "report", "leader_name", "level", "text", "instructed_on"]
        read_only_fields = ["id", "report"]


class ToProposalSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=ProposalCategory.objects.all())


class BulletinSerializer(serializers.ModelSerializer):
    class Meta:
        model = BulletinIssue
        fields = ["id", "year", "number", "title", "state", "published_on", "editor"]
        read_only_fields = ["id", "number", "state", "published_on"]


class BulletinReportsSerializer(serializers.Serializer):
    reports = serializers.PrimaryKeyRelatedField(queryset=OpinionReport.objects.all(), many=True)


class SimilarQuerySerializer(serializers.Serializer):
    """?text=…&limit=…: any text is accepted (long text is cut, text that says nothing finds nothing)."""

    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True, default="")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=20, default=5)

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
