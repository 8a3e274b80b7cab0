"""The activities that serve each work-plan item, for the plan's pages (see workplan.links)."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone

from members.choices import ActivityStatus
from members.models import Activity


def activities_for_items(item_ids: Sequence[int]) -> dict:
    """{item id: [LinkedRecord]} of the activities linked to the items, in one query."""
    from workplan.links import LinkedRecord

    through = Activity.items.through
    rows = (
        through.objects.filter(item_id__in=list(item_ids))
        .exclude(activity__status=ActivityStatus.CANCELLED)
        .select_related("activity")
        .order_by("-activity__starts_at")
    )
    result: dict[int, list] = {}
    for row in rows:
        activity = row.activity
        result.setdefault(row.item_id, []).append(
            LinkedRecord(
                kind=str(activity.get_kind_display()),
                title=activity.title,
                url=reverse("admin:members_activity_change", args=[activity.pk]),
                date=timezone.localdate(activity.starts_at),
            )
        )
    return result
