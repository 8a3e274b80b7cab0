"""What supervision contributes to the work plan's item pages: the topics serving each item."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _


def topic_links(item_ids) -> dict[int, list]:
    """Provider for workplan.links: {item_id: [LinkedRecord(kind, title, url, date)]} in one query."""
    from supervision.selectors import topics_for_items
    from workplan.links import LinkedRecord

    url = reverse("supervision:topic_list")
    links: dict[int, list] = {}
    for topic in topics_for_items(item_ids):
        links.setdefault(topic.item_id, []).append(
            LinkedRecord(
                kind=_("Supervision topic"),
                title=topic.title,
                url=f"{url}?year={topic.year}#topic-{topic.pk}",
                date=topic.approved_on,
            )
        )
    return links
