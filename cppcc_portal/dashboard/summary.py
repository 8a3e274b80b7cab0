"""The annual work summary: each item of the plan with what was done for it, counted and named.

Activities, proposals, reports and supervision topics each link to the plan items they serve. Each
app's selectors say which of its rows a year counts (`activities_of_year`, `submitted_proposals` …)
and list the links of those rows to items (`…_item_links`: item_id, work_id, heading), so the
summary, the dashboard and the Excel export count the same rows. Per kind of work the summary runs
one windowed query over the links (count and newest few per item) and one for the year's total
and how many of those serve the plan, so its cost follows the number of items (20), not the
number of activities.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from members import selectors as members_selectors
from proposals import selectors as proposals_selectors
from supervision import selectors as supervision_selectors
from workplan import selectors as workplan_selectors

HIGHLIGHTS = 3


# kind of work → (its links to plan items in a year, the year's rows of that kind)
WORK_KINDS: dict[str, tuple[Callable[..., QuerySet], Callable[..., QuerySet]]] = {
    "activities": (members_selectors.activity_item_links, members_selectors.activities_of_year),
    "proposals": (proposals_selectors.proposal_item_links, proposals_selectors.submitted_proposals),
    "reports": (proposals_selectors.report_item_links, proposals_selectors.reports_of_year),
    "supervision": (supervision_selectors.topic_item_links, supervision_selectors.topics_of_year),
}


def _work_by_item(links: QuerySet) -> tuple[dict[int, int], dict[int, list[str]]]:
    """Per item: how many rows link to it, and the titles of the newest few (one query)."""
    ranked = links.annotate(
        rank=Window(RowNumber(), partition_by=[F("item_id")], order_by=F("work_id").desc()),
        per_item=Window(Count("work_id"), partition_by=[F("item_id")]),
    ).filter(rank__lte=HIGHLIGHTS)
    counts: dict[int, int] = {}
    highlights: dict[int, list[str]] = {}
    for row in ranked.order_by("item_id", "rank"):
        counts[row["item_id"]] = row["per_item"]
        highlights.setdefault(row["item_id"], []).append(row["heading"])
    return counts, highlights


def annual_summary(year: int) -> dict[str, Any] | None:
    """The plan's sections and items for `year`, each item with counts and highlights per kind,
    and per kind the year's total and how many of those rows serve at least one item."""
    plan = workplan_selectors.plan_progress(year=year)
    if plan is None:
        return None
    item_ids = [item["id"] for section in plan["sections"] for item in section["items"]]
    counts: dict[str, dict[int, int]] = {}
    highlights: dict[str, dict[int, list[str]]] = {}
    year_totals: dict[str, int] = {}
    linked: dict[str, int] = {}
    for kind, (item_links, of_year) in WORK_KINDS.items():
        links = item_links(year=year).filter(item_id__in=item_ids)
        counts[kind], highlights[kind] = _work_by_item(links)
        # The year's rows and, of those, the ones serving an item (each once), in one query.
        found = of_year(year=year).aggregate(
            total=Count("pk"), linked=Count("pk", filter=Q(pk__in=links.values("work_id")))
        )
        year_totals[kind], linked[kind] = found["total"], found["linked"]
    sections = [
        {
            "number": section["number"],
            "title": section["title"],
            "items": [
                {
                    "id": item["id"],
                    "number": item["number"],
                    "title": item["title"],
                    "status": item["status"],
                    "status_label": item["status_label"],
                    "progress": item["progress"],
                    "work": {
                        kind: {
                            "count": counts[kind].get(item["id"], 0),
                            "highlights": highlights[kind].get(item["id"], []),
                        }
                        for kind in WORK_KINDS
                    },
                }
                for item in section["items"]
            ],
        }
        for section in plan["sections"]
    ]
    return {
        "year": year,
        "title": plan["title"],
        "progress": plan["progress"],
        "kinds": list(WORK_KINDS),
        "sections": sections,
        # Rows of the year (the dashboard's figures) and, of those, the rows serving the plan: a row
        # serving two items is counted under both items but once here.
        "totals": year_totals,
        "linked": linked,
    }
