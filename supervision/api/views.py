"""The supervision API: reads scoped like the pages, writes and workflow steps through the services."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from supervision import filters, selectors, services
from supervision.api import serializers as s
from supervision.models import (
    ProgressNote,
    Recommendation,
    RecommendationEvent,
    RectificationItem,
    SupervisionTopic,
    SupervisorAppointment,
)


class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    """Supervision topics: all for staff and leaders, those of their groups for members."""

    serializer_class = s.SupervisionTopicSerializer
    filterset_class = filters.TopicFilter
    ordering_fields = ["year", "title"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no committee in hand
            return SupervisionTopic.objects.none()
        return selectors.topic_list(user=self.request.user)

    @extend_schema(request=s.TopicApprovalSerializer, responses=s.SupervisionTopicSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.TopicApprovalSerializer)
    def approve(self, request, pk=None):
        """Record the standing committee's approval (the office only)."""
        topic = self.get_object()
        payload = s.TopicApprovalSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.topic_approve(topic=topic, actor=request.user, **payload.validated_data)
        return Response(
            s.SupervisionTopicSerializer(selectors.topic_list(user=request.user).get(pk=topic.pk)).data
        )


class GroupViewSet(viewsets.ReadOnlyModelViewSet):
    """Supervision groups a user may open; internal notes only for those entitled to them."""

    serializer_class = s.SupervisionGroupSerializer

    def get_queryset(self):
        return selectors.group_list(user=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        allowed = selectors.group_ids_with_notes(self.request.user)
        if allowed is not None:
            context["notes_group_ids"] = allowed
        return context

    @extend_schema(responses=s.SupervisionActivitySerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def activities(self, request, pk=None):
        group = self.get_object()
        data = s.SupervisionActivitySerializer(selectors.group_activities(group=group), many=True).data
        return Response(data)


class AppointmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Supervisor appointments: all for staff and leaders, a member's own otherwise."""

    serializer_class = s.SupervisorAppointmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no committee in hand
            return SupervisorAppointment.objects.none()
        return selectors.appointment_list(user=self.request.user)

    @extend_schema(request=s.AppointmentTermSerializer, responses=s.SupervisorAppointmentSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.AppointmentTermSerializer)
    def appoint(self, request, pk=None):
        """Record that the outside organisation appointed the member (the office only)."""
        appointment = self.get_object()
        payload = s.AppointmentTermSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.appointment_appoint(appointment=appointment, actor=request.user, **payload.validated_data)
        return Response(s.SupervisorAppointmentSerializer(self.get_queryset().get(pk=appointment.pk)).data)

    @extend_schema(request=None, responses=s.SupervisorAppointmentSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.SupervisionNoteSerializer)
    def end(self, request, pk=None):
        """End the appointment (the office only)."""
        appointment = self.get_object()
        services.appointment_end(appointment=appointment, actor=request.user)
        return Response(s.SupervisorAppointmentSerializer(self.get_queryset().get(pk=appointment.pk)).data)

    @extend_schema(methods=["GET"], request=None, responses=s.SupervisorReportSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.SupervisorReportSerializer, responses={201: s.SupervisorReportSerializer}
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=s.SupervisorReportSerializer,
        pagination_class=None,
    )
    def reports(self, request, pk=None):
        """The supervisor's reports; the supervisor (or the office) files a new one with POST."""
        appointment = self.get_object()
        if request.method == "POST":
            payload = s.SupervisorReportSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            report = services.supervisor_report_file(
                appointment=appointment, actor=request.user, **payload.validated_data
            )
            return Response(s.SupervisorReportSerializer(report).data, status=status.HTTP_201_CREATED)
        reports = selectors.appointment_reports(appointment=appointment)
        return Response(s.SupervisorReportSerializer(reports, many=True).data)


class RecommendationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Recommendations scoped to the user; each workflow step is a POST action."""

    filterset_class = filters.RecommendationFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no committee in hand
            return Recommendation.objects.none()
        qs = selectors.recommendation_list(user=self.request.user).order_by("due_on", "pk")
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "items",
                    queryset=RectificationItem.objects.prefetch_related(
                        Prefetch("notes", ProgressNote.objects.all())
                    ),
                ),
                Prefetch("events", queryset=RecommendationEvent.objects.all()),
            )
        return qs

    serializer_class = s.RecommendationSerializer

    def get_serializer_class(self):
        # Workflow actions name their own payload serializer in @action(serializer_class=…).
        return (
            s.RecommendationDetailSerializer if self.action == "retrieve" else super().get_serializer_class()
        )

    @extend_schema(request=s.RecommendationSerializer, responses={201: s.RecommendationDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.RecommendationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        recommendation = services.recommendation_create(
            group=data["group"],
            topic=data["topic"],
            unit=data["unit"],
            title=data["title"],
            text=data["text"],
            due_on=data["due_on"],
            actor=request.user,
        )
        return Response(self._detail(recommendation.pk), status=status.HTTP_201_CREATED)

    def _detail(self, pk: int) -> dict:
        recommendation = selectors.recommendation_get(user=self.request.user, pk=pk)
        return s.RecommendationDetailSerializer(recommendation).data

    def _step(self, request, call, serializer_class=s.SupervisionNoteSerializer):
        recommendation = self.get_object()
        payload = serializer_class(data=request.data)
        payload.is_valid(raise_exception=True)
        call(recommendation, **payload.validated_data)
        return Response(self._detail(recommendation.pk))

    @extend_schema(request=s.SupervisionNoteSerializer, responses=s.RecommendationDetailSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.SupervisionNoteSerializer)
    def send(self, request, pk=None):
        return self._step(
            request,
            lambda r, note: services.recommendation_send(recommendation=r, note=note, actor=request.user),
        )

    @extend_schema(request=s.RecommendationAnswerSerializer, responses=s.RecommendationDetailSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.RecommendationAnswerSerializer)
    def answer(self, request, pk=None):
        return self._step(
            request,
            lambda r, answer: services.recommendation_answer(
                recommendation=r, answer=answer, actor=request.user
            ),
            s.RecommendationAnswerSerializer,
        )

    @extend_schema(request=s.SupervisionNoteSerializer, responses=s.RecommendationDetailSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="start-rectification",
        serializer_class=s.SupervisionNoteSerializer,
    )
    def start_rectification(self, request, pk=None):
        return self._step(
            request,
            lambda r, note: services.recommendation_start_rectification(
                recommendation=r, note=note, actor=request.user
            ),
        )

    @extend_schema(request=s.SupervisionNoteSerializer, responses=s.RecommendationDetailSerializer)
    @action(
        detail=True, methods=["post"], url_path="request-review", serializer_class=s.SupervisionNoteSerializer
    )
    def request_review(self, request, pk=None):
        return self._step(
            request,
            lambda r, note: services.recommendation_request_review(
                recommendation=r, note=note, actor=request.user
            ),
        )

    @extend_schema(
        request={"application/json": s.REVIEW_REQUEST_SCHEMA}, responses=s.RecommendationDetailSerializer
    )
    @action(detail=True, methods=["post"], serializer_class=s.RecommendationReviewSerializer)
    def review(self, request, pk=None):
        return self._step(
            request,
            lambda r, verdict, note: services.recommendation_review(
                recommendation=r, verdict=verdict, note=note, actor=request.user
            ),
            s.RecommendationReviewSerializer,
        )

    @extend_schema(
        request=s.RectificationItemCreateSerializer, responses={201: s.RectificationItemSerializer}
    )
    @action(detail=True, methods=["post"], serializer_class=s.RectificationItemCreateSerializer)
    def items(self, request, pk=None):
        recommendation = self.get_object()
        payload = s.RectificationItemCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = services.rectification_item_add(
            recommendation=recommendation, actor=request.user, **payload.validated_data
        )
        return Response(s.RectificationItemSerializer(item).data, status=status.HTTP_201_CREATED)


class RectificationItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Rectification items of the recommendations a user may read; progress as a POST action."""

    serializer_class = s.RectificationItemSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no committee in hand
            return RectificationItem.objects.none()
        return selectors.rectification_item_list(user=self.request.user).prefetch_related("notes")

    @extend_schema(request=s.RectificationProgressSerializer, responses=s.RectificationItemSerializer)
    @action(detail=True, methods=["post"], serializer_class=s.RectificationProgressSerializer)
    def progress(self, request, pk=None):
        item = self.get_object()
        payload = s.RectificationProgressSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.rectification_progress_report(item=item, actor=request.user, **payload.validated_data)
        return Response(
            s.RectificationItemSerializer(
                selectors.rectification_item_get(user=request.user, pk=item.pk)
            ).data
        )

    @extend_schema(request=s.NotFeasibleReasonSerializer, responses=s.RectificationItemSerializer)
    @action(
        detail=True, methods=["post"], url_path="not-feasible", serializer_class=s.NotFeasibleReasonSerializer
    )
    def not_feasible(self, request, pk=None):
        item = self.get_object()
        payload = s.NotFeasibleReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.rectification_item_accept_not_feasible(
            item=item, reason=payload.validated_data["reason"], actor=request.user
        )
        return Response(
            s.RectificationItemSerializer(
                selectors.rectification_item_get(user=request.user, pk=item.pk)
            ).data
        )
