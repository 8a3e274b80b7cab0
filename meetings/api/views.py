"""The meetings API: reads scoped like the pages; check-in, registration, votes through the services."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cppcc_portal.core import roles
from meetings import selectors, services
from meetings.api import serializers as s
from meetings.models import AgendaItem, Meeting, MeetingSession, Motion, Speech


class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """Meetings: all for staff and leaders, those a member is called to otherwise."""

    serializer_class = s.MeetingSerializer
    queryset = Meeting.objects.none()  # the schema's types; get_queryset reads the rows
    ordering_fields = ["created_at", "title"]

    def get_queryset(self):
        agenda = Prefetch("agenda", queryset=AgendaItem.objects.order_by("order"))
        sessions = Prefetch(
            "sessions", queryset=MeetingSession.objects.prefetch_related(agenda).order_by("date", "order")
        )
        return (
            selectors.meeting_list(user=self.request.user)
            .prefetch_related(sessions)
            .order_by("-created_at", "-pk")
        )


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Sessions of the meetings the user sees; check-in, registration and leave are POST actions."""

    serializer_class = s.SessionSerializer
    queryset = MeetingSession.objects.none()  # the schema's types; get_queryset reads the rows

    def get_queryset(self):
        sessions = selectors.session_list(user=self.request.user).order_by("date", "order", "pk")
        if self.action == "check_in":
            # The burst at the door: the check-in answers without the agenda.
            return sessions
        return sessions.prefetch_related(Prefetch("agenda", queryset=AgendaItem.objects.order_by("order")))

    @extend_schema(responses=s.LiveSerializer)
    @action(detail=True, methods=["get"])
    def live(self, request, pk=None):
        """Present count, leave and quorum (staff and leaders)."""
        if not roles.can_read_everything(request.user):
            raise PermissionDenied
        live = selectors.session_live(self.get_object(), with_absent=False)
        return Response(s.LiveSerializer(live).data)

    @extend_schema(request=s.CheckInSerializer, responses=s.CheckInResultSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """Check in with the window and code of the door screen's QR (the member themself)."""
        session = self.get_object()
        payload = s.CheckInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        participation = services.check_in_by_code(
            session=session,
            actor=request.user,
            window=payload.validated_data["window"],
            signature=payload.validated_data["code"],
        )
        return Response(
            {
                "session": session.pk,
                "attendance": participation.attendance,
                "checked_in_at": participation.checked_in_at,
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=s.SessionSerializer)
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        session = self.get_object()
        services.session_register(session=session, actor=request.user)
        return Response(s.SessionSerializer(session).data)

    @extend_schema(request=s.LeaveSerializer, responses=s.SessionSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        session = self.get_object()
        payload = s.LeaveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.session_request_leave(
            session=session, actor=request.user, reason=payload.validated_data["reason"]
        )
        return Response(s.SessionSerializer(session).data)

    @extend_schema(request=None, responses=s.SessionSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        session = services.session_open(session=self.get_object(), actor=request.user)
        return Response(s.SessionSerializer(session).data)

    @extend_schema(request=None, responses=s.SessionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        session = services.session_close(session=self.get_object(), actor=request.user)
        return Response(s.SessionSerializer(session).data)


class MotionViewSet(viewsets.ReadOnlyModelViewSet):
    """Motions of the meetings the user sees; results once closed. Ballots are cast with POST."""

    serializer_class = s.MotionSerializer
    queryset = Motion.objects.none()  # the schema's types; get_queryset reads the rows

    def get_queryset(self):
        return (
            Motion.objects.filter(agenda_item__session__in=selectors.session_list(user=self.request.user))
            .select_related("agenda_item")
            .order_by("pk")
        )

    @extend_schema(request=s.BallotSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def ballot(self, request, pk=None):
        """Vote for, against or abstain (a member checked in to the session, once)."""
        motion = self.get_object()
        payload = s.BallotSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.ballot_cast(motion=motion, actor=request.user, choice=payload.validated_data["choice"])
        return Response(status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.MotionSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        motion = services.motion_open(motion=self.get_object(), actor=request.user)
        return Response(s.MotionSerializer(motion).data)

    @extend_schema(request=None, responses=s.MotionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        motion = services.motion_close(motion=self.get_object(), actor=request.user)
        return Response(s.MotionSerializer(motion).data)


class SpeechViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Speeches: all for staff and leaders, a member's own otherwise; members submit with POST."""

    serializer_class = s.SpeechSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Speech.objects.none()
        qs = Speech.objects.select_related("member").order_by("pk")
        if roles.can_read_everything(self.request.user):
            return qs
        return qs.filter(member__user=self.request.user)

    def create(self, request, *args, **kwargs):
        payload = s.SpeechSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        meeting = (
            selectors.meeting_list(user=request.user).filter(pk=payload.validated_data["meeting"].pk).first()
        )
        if meeting is None:
            raise PermissionDenied
        speech = services.speech_submit(
            meeting=meeting,
            actor=request.user,
            title=payload.validated_data["title"],
            text=payload.validated_data["text"],
        )
        return Response(s.SpeechSerializer(speech).data, status=status.HTTP_201_CREATED)
