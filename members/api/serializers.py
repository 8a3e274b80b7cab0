"""Serializers of the members API. Colleagues get public fields only; contact details are staff's."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from cppcc_portal.core import api_fields
from cppcc_portal.core.api import PortalModelSerializer
from members.choices import Attendance
from members.forms import LOGGABLE_KINDS
from members.models import (
    Activity,
    DutyEvidence,
    DutyRecord,
    HandlingUnit,
    Member,
    Participation,
    Sector,
    SpecialCommittee,
    StreetGroup,
)
from members.workflows import participation_actions


class MemberPublicSerializer(PortalModelSerializer):
    """What a member may see of a colleague."""

    party = serializers.StringRelatedField()
    sector = serializers.StringRelatedField()
    term = api_fields.IntegerField(source="term.number", read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "member_number",
            "name",
            "gender",
            "ethnicity",
            "party",
            "sector",
            "work_unit",
            "job_title",
            "is_standing_committee",
            "term",
            "status",
        ]


class MemberFullSerializer(MemberPublicSerializer):
    """Staff, leaders and the member themselves: with contact details and birth date."""

    class Meta(MemberPublicSerializer.Meta):
        fields = MemberPublicSerializer.Meta.fields + ["birth_date", "phone", "email", "joined_on", "left_on"]


class SectorSerializer(PortalModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "name", "order"]


class SpecialCommitteeSerializer(PortalModelSerializer):
    class Meta:
        model = SpecialCommittee
        fields = ["id", "name", "order"]


class StreetGroupSerializer(PortalModelSerializer):
    class Meta:
        model = StreetGroup
        fields = ["id", "name", "street"]


class HandlingUnitSerializer(PortalModelSerializer):
    class Meta:
        model = HandlingUnit
        fields = ["id", "name", "kind", "contact_person", "contact_phone", "is_active"]


class ActivitySerializer(PortalModelSerializer):
    items = api_fields.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "kind",
            "organiser_kind",
            "organiser_committee",
            "organiser_sector",
            "organiser_group",
            "starts_at",
            "ends_at",
            "place",
            "description",
            "items",
            "status",
            "half_days",
            "capacity",
            "enrolment_deadline",
            "outcome_report",
            "reminder_first_hours",
            "reminder_second_hours",
            "reminder_message",
        ]


# The columns a participation row of the API reads (ParticipationViewSet loads only these): its own
# fields, the activity's title and what `answer_state` reads of it, the member's name and login.
PARTICIPATION_COLUMNS = (
    "id",
    "activity_id",
    "member_id",
    "invitation",
    "enrolment",
    "waitlist_position",
    "attendance",
    "leave_reason",
    "checked_in_at",
    "recorded_at",
    "activity__title",
    "activity__status",
    "activity__starts_at",
    "member__name",
    "member__user_id",
)
# Writes a date-time as each DateTimeField of a serializer does (ISO 8601, current time zone).
DATE_TIME = serializers.DateTimeField(read_only=True)


class ParticipationSerializer(PortalModelSerializer):
    member_name = api_fields.CharField(source="member.name", read_only=True)
    activity_title = api_fields.CharField(source="activity.title", read_only=True)
    # What the requesting member may answer now ("accept", "ask_leave"): the participation table's
    # own answer (members.workflows), the same the portal's buttons and the services follow.
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Participation
        fields = [
            "id",
            "activity",
            "activity_title",
            "member",
            "member_name",
            "invitation",
            "enrolment",
            "waitlist_position",
            "attendance",
            "leave_reason",
            "checked_in_at",
            "recorded_at",
            "actions",
        ]
        read_only_fields = fields

    def to_representation(self, obj) -> dict:
        """The row as the fields above write it (a test holds the two equal), without building and
        walking thirteen fields for each of a page's fifty rows: that was most of the list's cost."""
        return {
            "id": obj.pk,
            "activity": obj.activity_id,
            "activity_title": obj.activity.title,
            "member": obj.member_id,
            "member_name": obj.member.name,
            "invitation": obj.invitation,
            "enrolment": obj.enrolment,
            "waitlist_position": obj.waitlist_position,
            "attendance": obj.attendance,
            "leave_reason": obj.leave_reason,
            "checked_in_at": DATE_TIME.to_representation(obj.checked_in_at),
            "recorded_at": DATE_TIME.to_representation(obj.recorded_at),
            "actions": self.get_actions(obj),
        }

    def get_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        # Only the requester's own row has answers (the table's `may` checks the member in the
        # committee in hand); another login's row is not read further: no query, no state per row.
        if request is None or obj.member.user_id != request.user.pk:
            return []
        return participation_actions(obj, request.user)


class DutyEvidenceSerializer(PortalModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DutyEvidence
        fields = ["id", "original_name", "size", "download_url", "uploaded_at"]

    def get_download_url(self, obj) -> str:
        return reverse("members:evidence_download", args=[obj.record_id, obj.pk])


class DutyRecordSerializer(PortalModelSerializer):
    evidence = DutyEvidenceSerializer(many=True, read_only=True)
    member_name = api_fields.CharField(source="member.name", read_only=True)

    class Meta:
        model = DutyRecord
        fields = [
            "id",
            "member",
            "member_name",
            "year",
            "event_kind",
            "role",
            "quantity",
            "occurred_on",
            "title",
            "description",
            "item",
            "status",
            "reject_reason",
            "verified_at",
            "points",
            "evidence",
        ]
        read_only_fields = fields


class DutyRecordWriteSerializer(serializers.Serializer):
    event_kind = serializers.ChoiceField(choices=LOGGABLE_KINDS)
    occurred_on = serializers.DateField()
    title = api_fields.CharField(max_length=200)
    description = api_fields.CharField(required=False, allow_blank=True, default="")
    item = api_fields.IntegerField(required=False, allow_null=True, default=None)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class DutyRecordJsonSerializer(DutyRecordWriteSerializer):
    """The JSON body of a new duty record (files come only in a multipart body)."""

    files = None


class DutyRecordUploadSerializer(DutyRecordWriteSerializer):
    """The multipart body of a new duty record: a form has no null, a missing item is none."""

    item = api_fields.IntegerField(required=False)


class MembersReasonSerializer(serializers.Serializer):
    reason = api_fields.CharField(max_length=300)


class CheckInCodeSerializer(serializers.Serializer):
    code = api_fields.CharField(max_length=16)


class AttendanceMarkRowSerializer(serializers.Serializer):
    member = api_fields.IntegerField()
    attendance = serializers.ChoiceField(
        choices=[a for a in Attendance.choices if a[0] != Attendance.UNRECORDED]
    )


class AttendanceMarksSerializer(serializers.Serializer):
    marks = AttendanceMarkRowSerializer(many=True)


class ActivityInviteSerializer(serializers.Serializer):
    committees = serializers.ListField(child=api_fields.IntegerField(), required=False, default=list)
    sectors = serializers.ListField(child=api_fields.IntegerField(), required=False, default=list)
    groups = serializers.ListField(child=api_fields.IntegerField(), required=False, default=list)
    members = serializers.ListField(child=api_fields.IntegerField(), required=False, default=list)


class MemberScoreRowSerializer(serializers.Serializer):
    event_kind = api_fields.CharField()
    role = api_fields.CharField()
    quantity = api_fields.IntegerField()
    points_each = api_fields.IntegerField()
    cap = api_fields.IntegerField(allow_null=True)
    capped = api_fields.BooleanField()
    points = api_fields.IntegerField()


class MemberScoreSerializer(serializers.Serializer):
    member = api_fields.IntegerField(source="member.pk")
    year = api_fields.IntegerField()
    total = api_fields.IntegerField()
    breakdown = MemberScoreRowSerializer(many=True)


class ScoreRankingSerializer(serializers.Serializer):
    member = api_fields.IntegerField(source="pk")
    member_number = api_fields.CharField()
    name = api_fields.CharField()
    sector = api_fields.CharField(source="sector.name")
    score = api_fields.IntegerField()
    rank = api_fields.IntegerField()
