"""Shapes of the work plan API: plain fields, ids for relations, no nested writes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from rest_framework import serializers

from cppcc_portal.core import api_fields
from cppcc_portal.core.api import PortalModelSerializer
from cppcc_portal.core.query import YEAR_RANGE
from workplan.choices import TaskStatus, UpdateKind
from workplan.models import Item, ProgressAttachment, ProgressUpdate, Section, Task, WorkPlan


class PlanSerializer(PortalModelSerializer):
    class Meta:
        model = WorkPlan
        fields = [
            "id",
            "year",
            "title",
            "document_number",
            "issuer",
            "adopted_on",
            "adoption_note",
            "preamble",
            "progress",
        ]


class SectionSerializer(PortalModelSerializer):
    year = api_fields.IntegerField(source="plan.year", read_only=True)

    class Meta:
        model = Section
        fields = ["id", "year", "number", "title", "progress"]


class ItemSerializer(PortalModelSerializer):
    year = api_fields.IntegerField(source="plan.year", read_only=True)
    section_number = api_fields.IntegerField(source="section.number", read_only=True)
    task_count = api_fields.IntegerField(read_only=True)
    overdue_tasks = api_fields.IntegerField(source="overdue_count", read_only=True)

    class Meta:
        model = Item
        fields = [
            "id",
            "year",
            "section",
            "section_number",
            "number",
            "title",
            "text",
            "status",
            "progress",
            "task_count",
            "overdue_tasks",
        ]


class TaskSerializer(PortalModelSerializer):
    owner = api_fields.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    item = api_fields.PrimaryKeyRelatedField(queryset=Item.objects)
    item_number = api_fields.IntegerField(source="item.number", read_only=True)
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    overdue = api_fields.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "item",
            "item_number",
            "title",
            "owner",
            "start_date",
            "due_date",
            "status",
            "weight",
            "progress",
            "overdue",
        ]


class AttachmentSerializer(PortalModelSerializer):
    class Meta:
        model = ProgressAttachment
        fields = ["id", "original_name", "file_type", "size"]


class ProgressUpdateSerializer(PortalModelSerializer):
    item = api_fields.PrimaryKeyRelatedField(queryset=Item.objects)
    task = api_fields.PrimaryKeyRelatedField(queryset=Task.objects, required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=UpdateKind.choices, required=False)
    author = api_fields.SlugRelatedField(slug_field="username", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    attachment = serializers.FileField(write_only=True, required=False, max_length=200)

    class Meta:
        model = ProgressUpdate
        fields = ["id", "item", "task", "kind", "date", "note", "author", "attachments", "attachment"]

    def validate_attachment(self, value):
        if value.size > settings.UPLOAD_MAX_BYTES:
            # The service checks again by content; this early answer spares reading a huge body.
            raise serializers.ValidationError(
                _("The file is larger than %(limit)s.") % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}
            )
        return value


class ProgressUpdateJsonSerializer(ProgressUpdateSerializer):
    """The JSON body of a progress update (an attachment comes only in a multipart body)."""

    attachment = None

    class Meta(ProgressUpdateSerializer.Meta):
        fields = [name for name in ProgressUpdateSerializer.Meta.fields if name != "attachment"]


class ProgressUpdateUploadSerializer(ProgressUpdateSerializer):
    """The multipart body of a progress update: a form has no null, a missing task is none."""

    task = api_fields.PrimaryKeyRelatedField(queryset=Task.objects, required=False)


class ItemSuggestQuerySerializer(serializers.Serializer):
    text = api_fields.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="What the record is about (cut at 4,000 characters).",
    )
    year = api_fields.IntegerField(
        required=False, **YEAR_RANGE, help_text="The plan's year (the latest plan by default)."
    )
    limit = api_fields.IntegerField(
        required=False, min_value=1, max_value=10, default=3, help_text="How many (3 by default)."
    )

    def validate_text(self, value: str) -> str:
        return value[:4000]


class ItemSuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    year = serializers.IntegerField(source="item.plan.year")
    number = serializers.IntegerField(source="item.number")
    title = serializers.CharField(source="item.title")
    score = serializers.FloatField()


class ItemSuggestionsSerializer(serializers.Serializer):
    results = ItemSuggestionSerializer(many=True)
