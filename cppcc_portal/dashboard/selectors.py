"""Reads of the dashboard's own tables, scoped to the user who asks."""

from __future__ import annotations

from django.apps import apps
from django.db.models import QuerySet

from cppcc_portal.dashboard.models import ExportJob


def plan_years() -> list[int]:
    """The years that have a work plan (what the year selector offers)."""
    WorkPlan = apps.get_model("workplan.WorkPlan")
    return list(WorkPlan.objects.order_by("-year").values_list("year", flat=True))


def export_list(*, user) -> QuerySet[ExportJob]:
    """A person's own exports: a workbook is the requester's, not everyone's."""
    return ExportJob.objects.filter(requested_by=user).order_by("-created_at")
