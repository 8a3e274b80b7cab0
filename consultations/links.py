"""What consultation contributes to the work plan's pages: the topics serving each item (see workplan.links)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from cppcc_portal.core import roles


class TopicLinks:
    """Consultation topics serving plan items, counted and listed in bounded queries."""

    def counts(self, item_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """{item id: {kind: n}} in one grouped COUNT over the topic–item table."""
        from consultations.models import ConsultationTopic

        through = ConsultationTopic.items.through
        rows = (
            through.objects.filter(item_id__in=list(item_ids))
            .values("item_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        return {row["item_id"]: {_("Consultation topic"): row["n"]} for row in rows}

    def watched_models(self) -> tuple:
        from consultations.models import ConsultationTopic

        return (ConsultationTopic, ConsultationTopic.items.through)

    def recent(self, item_id: int, limit: int) -> list:
        """The ``limit`` newest topics serving the item, in one query."""
        from consultations.models import ConsultationTopic
        from workplan.links import LinkedRecord

        topics = (
            ConsultationTopic.objects.filter(items__id=item_id)
            .only("id", "title", "held_on")
            .order_by("-year", "-id")[:limit]
        )
        return [
            LinkedRecord(
                kind=_("Consultation topic"),
                title=topic.title,
                url=reverse("consultations:topic", args=[topic.pk]),
                date=topic.held_on,
            )
            for topic in topics
        ]

    def list_urls(self, item_id: int, user) -> dict[str, str]:
        if not roles.can_read_everything(user):
            return {}
        changelist = reverse("admin:consultations_consultationtopic_changelist")
        return {_("Consultation topic"): f"{changelist}?" + urlencode({"items__id__exact": item_id})}


# The name consultations.apps registers with the plan's link registry.
topic_links = TopicLinks()
