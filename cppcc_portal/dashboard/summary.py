"""The annual work summary: each item of the plan with what was done for it, counted and named.

Activities, proposals, reports and supervision topics each link to the plan items they serve
(an `items` many-to-many on each). Per kind of work the summary runs one grouped count over the
link table and one query for a few highlights, so its cost follows the number of items (20), not
the number of activities (10,000 a year).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from cppcc_portal.dashboard.sections import year_bounds

HIGHLIGHTS = 3

# kind of work → (model, the field that places it in a year)
WORK_KINDS = {
    "activities": ("members.Activity", "starts_at"),
    "proposals": ("proposals.Proposal", "year"),
    "reports": ("proposals.OpinionReport", "year"),
    "supervision": ("supervision.SupervisionTopic", "year"),
}


def _year_filter(field: str, year: int) -> dict[str, Any]:
    if field == "year":
        return {"year": year}
    start, end = year_bounds(year)
    return {f"{field}__gte": start, f"{field}__lt": end}


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def annual_summary(year: int) -> dict[str, Any] | None:
    """The plan's sections and items for `year`, each item with counts and highlights per kind."""
    WorkPlan, Item = _model("workplan.WorkPlan"), _model("workplan.Item")
    plan = WorkPlan.objects.filter(year=year).first()
    if plan is None:
        return None
    items = list(Item.objects.filter(plan=plan).select_related("section").order_by("number"))
    item_ids = [item.pk for item in items]
    counts: dict[str, dict[int, int]] = {}
    highlights: dict[str, dict[int, list[str]]] = {}
    kinds = []
    for kind, (label, year_field) in WORK_KINDS.items():
        Model = _model(label)
        if Model is None:
            continue
        names = {f.name for f in Model._meta.get_fields()}
        if "items" in names:
            # Many-to-many: count over the link table, reaching the work through its foreign key.
            rows = Model._meta.get_field("items").remote_field.through.objects
            source = f"{Model._meta.model_name}__"
        elif "item" in names:
            rows, source = Model.objects, ""
        else:
            continue
        kinds.append(kind)
        in_year = {f"{source}{key}": value for key, value in _year_filter(year_field, year).items()}
        linked = rows.filter(item_id__in=item_ids, **in_year)
        counts[kind] = dict(linked.values_list("item_id").annotate(n=Count("item_id")).order_by())
        # The newest few per item in one query: number the rows per item, keep the first ones.
        ranked = linked.annotate(
            rank=Window(RowNumber(), partition_by=[F("item_id")], order_by=F(f"{source}id").desc()),
            heading=F(f"{source}title"),
        ).values("item_id", "heading", "rank")
        per_item: dict[int, list[str]] = {}
        for row in ranked.filter(rank__lte=HIGHLIGHTS):
            per_item.setdefault(row["item_id"], []).append(row["heading"])
        highlights[kind] = per_item
    sections: dict[int, dict[str, Any]] = {}
    totals = dict.fromkeys(kinds, 0)
    for item in items:
        section = sections.setdefault(
            item.section_id, {"number": item.section.number, "title": item.section.title, "items": []}
        )
        work = {
            kind: {"count": counts[kind].get(item.pk, 0), "highlights": highlights[kind].get(item.pk, [])}
            for kind in kinds
        }
        for kind in kinds:
            totals[kind] += work[kind]["count"]
        section["items"].append(
            {
                "id": item.pk,
                "number": item.number,
                "title": item.title,
                "status": item.status,
                "status_label": item.get_status_display(),
                "progress": float(item.progress),
                "work": work,
            }
        )
    return {
        "year": year,
        "title": plan.title,
        "progress": float(plan.progress),
        "kinds": kinds,
        "sections": list(sections.values()),
        "totals": totals,
    }
