from __future__ import annotations

from rest_framework import serializers

from cppcc_portal.core import api_fields
from meetings.choices import VoteChoice
from meetings.models import AgendaItem, Meeting, MeetingSession, Motion, Speech


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "order", "kind", "title", "presenter"]


class SessionSerializer(serializers.ModelSerializer):
    agenda = AgendaItemSerializer(many=True, read_only=True)

    class Meta:
        model = MeetingSession
        fields = ["id", "meeting", "order", "date", "half_day", "place", "status", "agenda"]


class MeetingSerializer(serializers.ModelSerializer):
    sessions = SessionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "kind",
            "body",
            "number",
            "status",
            "registration_deadline",
            "speech_deadline",
            "documents_published_at",
            "sessions",
        ]


class LiveSerializer(serializers.Serializer):
    called = serializers.IntegerField()
    present = serializers.IntegerField()
    on_leave = serializers.IntegerField()
    body_size = serializers.IntegerField()
    body_present = serializers.IntegerField()
    quorum_needed = serializers.IntegerField()
    quorum_met = serializers.BooleanField()


class CheckInSerializer(serializers.Serializer):
    window = api_fields.IntegerField()
    code = api_fields.CharField(max_length=64)


class CheckInResultSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    attendance = serializers.CharField()
    checked_in_at = serializers.DateTimeField()


class LeaveSerializer(serializers.Serializer):
    reason = api_fields.CharField(max_length=300)


RESULT_FIELDS = ("votes_for", "votes_against", "votes_abstain", "not_voting", "basis_count", "adopted")


class MotionSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="agenda_item.session_id", read_only=True)
    results_visible = serializers.BooleanField(read_only=True)

    class Meta:
        model = Motion
        fields = [
            "id",
            "agenda_item",
            "session",
            "title",
            "text",
            "secret",
            "state",
            "adoption_basis",
            "adoption_numerator",
            "adoption_denominator",
            "adoption_strict",
            "opened_at",
            "closed_at",
            "votes_for",
            "votes_against",
            "votes_abstain",
            "not_voting",
            "basis_count",
            "adopted",
            "results_visible",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not instance.results_visible:
            # The count and the result are shown only when `Motion.results_visible` (the vote is closed).
            for name in RESULT_FIELDS:
                data[name] = None
        return data


class BallotSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=VoteChoice.choices)


class SpeechSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speech
        fields = [
            "id",
            "meeting",
            "member",
            "title",
            "text",
            "state",
            "session",
            "speaking_order",
            "submitted_at",
        ]
        read_only_fields = ["member", "state", "session", "speaking_order", "submitted_at"]
