"""One function per dashboard section: the year's figures of one app, as JSON-ready data.

The dashboard lives in the composition root and reads every app only through the app's
`selectors.py`, by plain imports (workplan.plan_progress/overdue_tasks, members.participation_stats,
proposals.proposal_stats/report_stats, supervision.supervision_stats): a renamed selector fails at
import time, never by a section quietly vanishing. Each function reshapes that answer into the
small, stable form the page and the stored summary row use, so a change in one app's selector
touches one function here.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from consultations import selectors as consultations_selectors
from members import selectors as members_selectors
from proposals import selectors as proposals_selectors
from proposals.choices import ProposalState
from supervision import selectors as supervision_selectors
from workplan import selectors as workplan_selectors

OVERDUE_TASKS_SHOWN = 15
BELOW_MINIMUM_SHOWN = 30


class _Encoder(DjangoJSONEncoder):
    """Lazy translations and model instances become text; figures must survive a JSON column."""

    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        try:
            return super().default(o)
        except TypeError:
            if hasattr(o, "pk"):
                return o.pk
            return str(o)


def jsonable(data: Any) -> Any:
    return json.loads(json.dumps(data, cls=_Encoder))


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The year as an aware datetime range in the portal's time zone (index-friendly)."""
    tz = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def _by_code(rows: list[dict] | dict | None, code: str) -> dict[str, int]:
    """[{code: x, count: n}, …] → {x: n} (selectors list every choice, the page wants a mapping)."""
    if isinstance(rows, dict):
        return {str(key): value for key, value in rows.items()}
    return {str(row[code]): row.get("count", 0) for row in rows or [] if row.get(code) is not None}


# --- the plan ------------------------------------------------------------------------------------


def plan_section(year: int, figures: dict[str, Any]) -> dict[str, Any] | None:
    """The plan by section and item with progress and status, and the overdue tasks."""
    plan = workplan_selectors.plan_progress(year=year)
    if plan is None:
        return {"exists": False}
    tasks = workplan_selectors.overdue_tasks(year=year)
    shown = list(tasks[:OVERDUE_TASKS_SHOWN])
    sections = [
        {
            "id": section["id"],
            "number": section["number"],
            "title": section["title"],
            "progress": section["progress"],
            "items": [
                {
                    "id": item["id"],
                    "number": item["number"],
                    "title": item["title"],
                    "status": item["status"],
                    "progress": item["progress"],
                    "tasks": item.get("tasks", 0),
                    "tasks_overdue": item.get("overdue_tasks", 0),
                }
                for item in section["items"]
            ],
        }
        for section in plan["sections"]
    ]
    status_counts = plan.get("items_by_status", {})
    return jsonable(
        {
            "exists": True,
            "plan_id": plan["id"],
            "title": plan["title"],
            "progress": plan["progress"],
            "sections": sections,
            "status_counts": status_counts,
            "items": sum(status_counts.values()),
            "overdue_count": plan.get("overdue_tasks", 0),
            "overdue_tasks": [
                {
                    "id": task.pk,
                    "title": task.title,
                    "item_number": task.item.number,
                    "due_date": task.due_date,
                    "owner": (task.owner.get_full_name() or task.owner.username) if task.owner else "",
                }
                for task in shown
            ],
        }
    )


# --- activities and participation ----------------------------------------------------------------


def participation_section(year: int, figures: dict[str, Any]) -> dict[str, Any] | None:
    """Attendance and duty scores by sector, committee and street group; members below minimums."""
    data = jsonable(members_selectors.participation_stats(year=year))
    # The page lists the first members below the minimums and counts the rest: store only those.
    below = data.get("below_minimum_members") or []
    data["below_minimums"] = data.get("below_minimums", len(below))
    data["below_minimum_members"] = below[:BELOW_MINIMUM_SHOWN]
    # The selector names the bodies; the drill-down links filter by id, so keep the ids too.
    data["ids"] = members_selectors.body_ids()
    return data


def activities_section(year: int, figures: dict[str, Any]) -> dict[str, Any] | None:
    """Activities by kind and month, and this month's count (from the participation figures)."""
    stats = figures.get("participation")
    if stats is None:
        return None
    by_kind = stats.get("activities_by_kind") or {}
    by_month = stats.get("activities_by_month") or {}
    months = [by_month.get(str(month), by_month.get(month, 0)) for month in range(1, 13)]
    now = timezone.localtime()
    current_month = now.month if now.year == year else None
    return {
        "total": sum(by_kind.values()),
        "by_kind": by_kind,
        "by_month": months,
        "current_month": current_month,
        "this_month": months[current_month - 1] if current_month else None,
    }


# --- proposals and reports -----------------------------------------------------------------------


def proposals_section(year: int, figures: dict[str, Any]) -> dict[str, Any] | None:
    """Proposals by state, on-time reply rate, satisfaction, share of A, overdue by unit."""
    data = proposals_selectors.proposal_stats(year=year)
    overdue_by_unit = sorted(
        (
            {"name": row["name"], "count": row["overdue"]}
            for row in data.get("by_unit", [])
            if row.get("overdue")
        ),
        key=lambda row: (-row["count"], row["name"]),
    )
    # "Proposals" everywhere (dashboard, summary, export, trends) counts submitted proposals
    # (`submitted_proposals`): drafts have not reached the committee, so they are not in the states.
    by_state = _by_code(data.get("by_state"), "state")
    by_state.pop(ProposalState.DRAFT, None)
    return jsonable(
        {
            "total": data.get("total", 0),
            "submitted": data.get("submitted", 0),
            "accepted": data.get("accepted", 0),
            "by_state": by_state,
            "by_category": data.get("reply_categories", {}),
            "on_time_rate": data.get("on_time_rate"),
            "satisfaction_rate": data.get("satisfaction_rate"),
            "share_a": data.get("solved_rate"),
            "key": data.get("key", 0),
            "excellent": data.get("excellent", 0),
            "overdue": len(data.get("overdue", [])),
            "overdue_by_unit": overdue_by_unit,
        }
    )


def reports_section(year: int, figures: dict[str, Any]) -> dict[str, Any] | None:
    """Social-conditions reports by state and adopted by level."""
    data = proposals_selectors.report_stats(year=year)
    return jsonable(
        {
            "total": data.get("total", 0),
            "by_state": _by_code(data.get("by_state"), "state"),
            "adopted_by_level": {
                key: value for key, value in _by_code(data.get("by_level"), "level").items() if value
            },
            "adopted": data.get("adopted", 0),
            "adoption_rate": data.get("adoption_rate"),
            "instructed": data.get("instructed", 0),
        }
    )


# --- supervision ---------------------------------------------------------------------------------


def supervision_section(year: int, figures: dict[str, Any]) -> dict[str, Any] | None:
    """Supervision recommendations open, due soon, overdue and rectified, in total and by unit."""
    data = supervision_selectors.supervision_stats(year=year)
    totals = data.get("totals") or {}
    keys = ("total", "open", "due_soon", "overdue", "rectified")
    return jsonable(
        {
            **{key: totals.get(key) or 0 for key in keys},
            "by_unit": [
                {"unit_id": row.get("unit_id"), "name": row.get("name"), **{k: row.get(k) or 0 for k in keys}}
                for row in data.get("by_unit", [])
            ],
        }
    )


# --- consultation --------------------------------------------------------------------------------


def consultation_section(year: int, figures: dict[str, Any]) -> dict[str, Any] | None:
    """Consultation topics held against planned; outcomes submitted, adopted, instructed; feedback."""
    data = consultations_selectors.dashboard_figures(year=year)
    return jsonable({key: data[key] for key in ("topics", "outcomes", "recommendations", "feedback")})
