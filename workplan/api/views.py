"""The work plan API: everyone signed in reads; office staff write tasks and updates via the services."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cppcc_portal.core import roles
from workplan import filters, selectors, services
from workplan.api import serializers as s
from workplan.models import Item, ProgressAttachment, ProgressUpdate, Section, Task, WorkPlan
from workplan.suggestions import suggest_items


class StaffWritesOthersRead(permissions.BasePermission):
    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        return request.method in permissions.SAFE_METHODS or roles.is_staff_user(request.user)


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Plans by year: /plans/2017/."""

    serializer_class = s.PlanSerializer
    lookup_field = "year"
    lookup_value_regex = r"\d{4}"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no committee in hand
            return WorkPlan.objects.none()
        return selectors.plan_list()


class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.SectionSerializer
    queryset = Section.objects.none()  # the schema's types; get_queryset reads the rows
    filterset_class = filters.SectionFilter

    def get_queryset(self):
        return Section.objects.select_related("plan").order_by("plan__year", "number")


class ItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ItemSerializer
    filterset_class = filters.ItemFilter
    queryset = Item.objects.none()  # the schema's types; get_queryset reads the rows

    @extend_schema(
        parameters=[s.ItemSuggestQuerySerializer],
        responses=s.ItemSuggestionsSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def suggest(self, request):
        """The plan items a text most likely serves, best first, with scores; a person confirms links."""
        query = s.ItemSuggestQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        pairs = suggest_items(title=data["text"], year=data.get("year"), limit=data["limit"])
        return Response(
            s.ItemSuggestionsSerializer(
                {"results": [{"item": item, "score": score} for item, score in pairs]}
            ).data
        )

    def get_queryset(self):
        return (
            selectors.items_with_overdue().select_related("plan", "section").order_by("plan__year", "number")
        )


class TaskViewSet(viewsets.ModelViewSet):
    serializer_class = s.TaskSerializer
    queryset = Task.objects.none()  # the schema's types; get_queryset reads the rows
    filterset_class = filters.TaskFilter
    permission_classes = [StaffWritesOthersRead]

    def get_queryset(self):
        return selectors.task_queryset().order_by("item__plan__year", "item__number", "due_date", "id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.task_create(actor=request.user, **serializer.validated_data)
        return Response(self.get_serializer(task).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        task = self.get_object()
        serializer = self.get_serializer(task, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        task = services.task_update(actor=request.user, task=task, **serializer.validated_data)
        return Response(self.get_serializer(task).data)

    def destroy(self, request, *args, **kwargs):
        services.task_delete(actor=request.user, task=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProgressUpdateViewSet(viewsets.ModelViewSet):
    serializer_class = s.ProgressUpdateSerializer
    queryset = ProgressUpdate.objects.none()  # the schema's types; get_queryset reads the rows
    filterset_class = filters.ProgressUpdateFilter
    permission_classes = [StaffWritesOthersRead]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return (
            ProgressUpdate.objects.select_related("author", "item", "task")
            .prefetch_related(Prefetch("attachments", queryset=ProgressAttachment.objects.order_by("id")))
            .order_by("-date", "-id")
        )

    @extend_schema(
        request={
            "application/json": s.ProgressUpdateJsonSerializer,
            "multipart/form-data": s.ProgressUpdateUploadSerializer,
        },
        responses={201: s.ProgressUpdateSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        attachment = data.pop("attachment", None)
        update = services.progress_update_create(
            actor=request.user, files=[attachment] if attachment else [], **data
        )
        return Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)
