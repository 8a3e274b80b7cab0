"""The consultation API: reads scoped like the pages, writes through the services."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from consultations import selectors, services
from consultations.api import serializers as s
from consultations.models import Discussion, ImplementationFeedback, Post
from cppcc_portal.core import roles


class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    """Consultation topics: all for staff and leaders, the adopted list for members, theirs for units."""

    ordering_fields = ["year", "planned_month", "title"]

    def get_serializer_class(self):
        return (
            s.ConsultationTopicDetailSerializer
            if self.action == "retrieve"
            else s.ConsultationTopicSerializer
        )

    def get_queryset(self):
        year = self.request.query_params.get("year", "")
        qs = selectors.topic_list(user=self.request.user, year=int(year) if year.isdigit() else None)
        if self.action == "retrieve":
            qs = qs.prefetch_related("outcomes__recommendations", "outcomes__instructions")
        return qs.order_by("-year", "planned_month", "pk")

    @extend_schema(responses=s.ConsultationTimelineEventSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        serializer_class=s.ConsultationTimelineEventSerializer,
        pagination_class=None,
    )
    def timeline(self, request, pk=None):
        """The topic's timeline, oldest first."""
        topic = self.get_object()
        return Response(
            s.ConsultationTimelineEventSerializer(selectors.topic_timeline(topic=topic), many=True).data
        )

    @extend_schema(methods=["GET"], responses=s.ConsultationPostSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=s.ConsultationPostCreateSerializer,
        responses={201: s.ConsultationPostSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        serializer_class=s.ConsultationPostSerializer,
        pagination_class=None,
    )
    def posts(self, request, pk=None):
        """The online deliberation's posts (GET), or a new post by a member (POST)."""
        topic = self.get_object()
        try:
            discussion = selectors.discussion_get(
                user=request.user, pk=Discussion.objects.get(topic=topic).pk
            )
        except Discussion.DoesNotExist as exc:
            raise NotFound() from exc
        if request.method == "POST":
            payload = s.ConsultationPostCreateSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            parent_id = payload.validated_data.get("parent")
            parent = get_object_or_404(Post, pk=parent_id, discussion=discussion) if parent_id else None
            post = services.post_add(
                discussion=discussion, text=payload.validated_data["text"], parent=parent, actor=request.user
            )
            return Response(s.ConsultationPostSerializer(post).data, status=status.HTTP_201_CREATED)
        threads = selectors.discussion_posts(discussion=discussion, user=request.user)
        rows = [p for top in threads for p in (top, *top.thread)]
        context = {"show_hidden": roles.can_read_everything(request.user)}
        return Response(s.ConsultationPostSerializer(rows, many=True, context=context).data)


class FeedbackViewSet(viewsets.ReadOnlyModelViewSet):
    """Implementation feedback: all for staff and leaders, a department's own for its accounts."""

    serializer_class = s.ConsultationFeedbackSerializer
    queryset = ImplementationFeedback.objects.none()  # the schema's types; get_queryset reads the rows
    ordering_fields = ["due_on"]

    def get_queryset(self):
        return selectors.feedback_list(user=self.request.user).order_by("due_on", "pk")

    @action(detail=True, methods=["post"], serializer_class=s.ConsultationFeedbackAnswerSerializer)
    def answer(self, request, pk=None):
        """The department reports on implementing the recommendation."""
        feedback = self.get_object()
        payload = s.ConsultationFeedbackAnswerSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.feedback_answer(feedback=feedback, text=payload.validated_data["text"], actor=request.user)
        return Response(s.ConsultationFeedbackSerializer(self.get_queryset().get(pk=feedback.pk)).data)
