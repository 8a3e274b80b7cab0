"""The plan items a text (an activity, proposal, report, supervision or consultation topic) most
likely serves. Suggestions only: a person confirms each link (nothing here writes)."""

from __future__ import annotations

from cppcc_portal.core import textsim
from workplan.models import Item

# An item's text is a paragraph on a whole field of work and a proposal a line on one concern, so
# their cosines run lower than between two proposal titles.
ITEM_THRESHOLD = 0.05


def suggest_items(
    *, title: str, body: str = "", year: int | None = None, limit: int = 3
) -> list[tuple[Item, float]]:
    """Items of the year's plan (the latest plan without a year), best first, with their score."""
    bag = textsim.document_terms(title or "", (body or "")[:600])
    if not textsim.is_meaningful(bag):
        return []
    items = Item.objects.select_related("plan", "section")
    if year is not None:
        items = items.filter(plan__year=year)
    else:
        latest = Item.objects.order_by("-plan__year").values_list("plan__year", flat=True).first()
        items = items.filter(plan__year=latest)
    items = list(items[:500])
    if not items:
        return []
    # A year's plan holds twenty-odd items: analysing them on each call costs a few milliseconds.
    index = textsim.Index()
    index.load(
        (item.pk, textsim.document_terms(item.title, f"{item.section.title}\n{item.text}")) for item in items
    )
    by_id = {item.pk: item for item in items}
    hits = index.search(bag, limit=max(1, min(limit, 10)), threshold=ITEM_THRESHOLD)
    return [(by_id[hit.key], hit.score) for hit in hits]
