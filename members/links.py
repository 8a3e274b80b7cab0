"""The activities that serve each work-plan item, for the plan's pages (see workplan.links)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from cppcc_portal.core import roles
from cppcc_portal.core.url_templates import pk_url_template
from members.choices import ActivityKind, ActivityStatus
from members.models import Activity

# Cancelled activities served nothing; every other status counts.
_COUNTED_STATUSES = [s for s in ActivityStatus.values if s != ActivityStatus.CANCELLED]


def _labels() -> dict[str, str]:
    """Display label of every activity kind, translated once per call rather than once per row."""
    return {kind: str(label) for kind, label in ActivityKind.choices}


class ActivityLinks:
    """Activities (one kind per activity kind) linked to plan items, counted and listed in bounded queries."""

    def counts(self, item_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """{item id: {activity kind: n}} in one grouped COUNT over the M2M table (no rows loaded)."""
        rows = (
            Activity.items.through.objects.filter(
                item_id__in=list(item_ids), activity__status__in=_COUNTED_STATUSES
            )
            .values("item_id", "activity__kind")
            .annotate(n=Count("id"))
            .order_by()
        )
        labels = _labels()
        result: dict[int, dict[str, int]] = {}
        for row in rows:
            kind = row["activity__kind"]
            result.setdefault(row["item_id"], {})[labels.get(kind, kind)] = row["n"]
        return result

    def watched_models(self) -> tuple:
        """Writes that change the counts: an activity's kind or status, its links to items."""
        return (Activity, Activity.items.through)

    def recent(self, item_id: int, limit: int) -> list:
        """The newest ``limit`` activities of each kind serving the item, in one query."""
        from workplan.links import LinkedRecord

        newest = (
            Activity.objects.filter(items=item_id, status__in=_COUNTED_STATUSES)
            .annotate(
                rank=Window(
                    RowNumber(), partition_by=F("kind"), order_by=[F("starts_at").desc(), F("id").desc()]
                )
            )
            .filter(rank__lte=limit)
            .only("id", "title", "kind", "starts_at")
            .order_by("-starts_at", "-id")
        )
        labels = _labels()
        change_url = pk_url_template("admin:members_activity_change")
        return [
            LinkedRecord(
                kind=labels.get(activity.kind, activity.kind),
                title=activity.title,
                url=change_url.format(activity.pk),
                date=timezone.localdate(activity.starts_at),
            )
            for activity in newest
        ]

    def list_urls(self, item_id: int, user) -> dict[str, str]:
        """The admin's activity list filtered to the item and kind, for the office and the leaders."""
        if not roles.can_read_everything(user):
            return {}
        changelist = reverse("admin:members_activity_changelist")
        statuses = ",".join(_COUNTED_STATUSES)
        return {
            str(label): f"{changelist}?"
            + urlencode({"items__id__exact": item_id, "kind__exact": kind, "status__in": statuses})
            for kind, label in ActivityKind.choices
        }


# The name members.apps registers with the plan's link registry.
activities_for_items = ActivityLinks()
