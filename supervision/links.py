"""What supervision contributes to the work plan's pages: the topics serving each item (see workplan.links)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Count, F
from django.urls import reverse
from django.utils.translation import gettext as _

from cppcc_portal.core import roles


class TopicLinks:
    """Supervision topics serving plan items, counted and listed in bounded queries."""

    def counts(self, item_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """{item id: {kind: n}} in one grouped COUNT (no rows loaded)."""
        from supervision.models import SupervisionTopic

        rows = (
            SupervisionTopic.objects.filter(item_id__in=list(item_ids))
            .values("item_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        return {row["item_id"]: {_("Supervision topic"): row["n"]} for row in rows}

    def watched_models(self) -> tuple:
        """Writes that change the counts: topics created, deleted or moved to another item."""
        from supervision.models import SupervisionTopic

        return (SupervisionTopic,)

    def recent(self, item_id: int, limit: int) -> list:
        """The ``limit`` most recently approved topics of the item, in one query."""
        from supervision.selectors import topics_for_items
        from workplan.links import LinkedRecord

        url = reverse("supervision:topic_list")
        topics = (
            topics_for_items([item_id])
            .only("id", "title", "year", "approved_on")
            .order_by(F("approved_on").desc(nulls_last=True), "-year", "-id")[:limit]
        )
        return [
            LinkedRecord(
                kind=_("Supervision topic"),
                title=topic.title,
                url=f"{url}?year={topic.year}#topic-{topic.pk}",
                date=topic.approved_on,
            )
            for topic in topics
        ]

    def list_urls(self, item_id: int, user) -> dict[str, str]:
        """The admin's topic list filtered to the item, for the office and the leaders."""
        if not roles.can_read_everything(user):
            return {}
        changelist = reverse("admin:supervision_supervisiontopic_changelist")
        return {_("Supervision topic"): f"{changelist}?" + urlencode({"item__id__exact": item_id})}


# The name supervision.apps registers with the plan's link registry.
topic_links = TopicLinks()
