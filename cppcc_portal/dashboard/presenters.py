"""Turn a year's stored figures into what the page shows: KPIs with deltas, charts, linked tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cppcc_portal.core.url_templates import pk_url_template
from cppcc_portal.dashboard.charts import (
    Mark,
    StackedRow,
    bar_chart,
    figure_with_table,
    format_number,
    hbar_chart,
    progress_ring,
    stacked_bar_chart,
    trend_chart,
)
from cppcc_portal.dashboard.links import admin_change, admin_list, admin_list_by
from cppcc_portal.dashboard.vocabulary import WORK_KIND_TITLES, labels


def kpi(label: str, value, previous=None, *, href: str = "", suffix: str = "") -> dict[str, Any]:
    """A headline figure with its change since the previous year (None when either is unknown)."""
    delta = None
    if isinstance(value, int | float) and isinstance(previous, int | float):
        delta = round(value - previous, 1)
        if isinstance(value, int) and isinstance(previous, int):
            delta = int(delta)
    return {
        "label": label,
        "value": value,
        "previous": previous,
        "delta": delta,
        "trend": "up" if delta and delta > 0 else "down" if delta and delta < 0 else "flat",
        "href": href,
        "suffix": suffix,
    }


def figure(title: str, svg, marks: list[Mark], *, column: str, suffix: str = ""):
    """A chart of marks with the same figures as a text table beside it."""
    return figure_with_table(
        title,
        svg,
        [column],
        [(mark.label, mark.href, [f"{format_number(mark.value)}{suffix}"]) for mark in marks],
        name=_("Name"),
    )


def _round(value, digits: int = 1):
    """A share for display (60.83 → 60.8); None stays None."""
    return round(value, digits) if isinstance(value, int | float) else value


def _get(data: dict | None, *keys, default=None):
    for key in keys:
        if not isinstance(data, dict):
            return default
        data = data.get(key)
    return default if data is None else data


def year_range(year: int) -> dict[str, str]:
    return {"starts_at__gte": f"{year}-01-01", "starts_at__lt": f"{year + 1}-01-01"}


def plan_view(figures: dict, previous: dict, year: int) -> dict[str, Any] | None:
    plan = figures.get("plan")
    if not plan or not plan.get("exists"):
        return {"exists": False} if plan is not None else None
    plan_id = plan.get("plan_id")
    status_labels = labels("item_status")
    status_counts = plan.get("status_counts", {})
    status_marks = [
        Mark(
            status_labels.get(code, code),
            status_counts.get(code, 0),
            admin_list("workplan.Item", plan__id__exact=plan_id, status__exact=code),
        )
        for code in status_labels
    ]
    sections = []
    for section in plan.get("sections", []):
        items = []
        for item in section.get("items", []):
            items.append(
                {
                    **item,
                    "percent": round(item["progress"]),
                    "status_label": status_labels.get(item["status"], item["status"]),
                    "href": admin_change("workplan.Item", item["id"]),
                    "tasks_href": admin_list("workplan.Task", item__id__exact=item["id"]),
                    "overdue_href": admin_list("workplan.Task", item__id__exact=item["id"], overdue="yes"),
                }
            )
        sections.append(
            {
                **section,
                "percent": round(section["progress"]),
                "tasks": sum(item["tasks"] for item in items),
                "tasks_overdue": sum(item["tasks_overdue"] for item in items),
                "items": items,
            }
        )
    overdue_tasks = [
        {**task, "href": admin_change("workplan.Task", task.get("id"))}
        for task in plan.get("overdue_tasks", [])
    ]
    prev_plan = previous.get("plan") or {}
    return {
        "exists": True,
        "title": plan.get("title", ""),
        "ring": progress_ring(
            plan.get("progress", 0),
            label=_("Plan progress"),
            href=admin_list("workplan.Item", plan__id__exact=plan_id),
        ),
        "kpis": [
            kpi(
                _("Plan progress"),
                _round(plan.get("progress")),
                _round(prev_plan.get("progress")),
                suffix="%",
            ),
            kpi(
                _("Items done"),
                status_counts.get("done", 0),
                (prev_plan.get("status_counts") or {}).get("done"),
                href=admin_list("workplan.Item", plan__id__exact=plan_id, status__exact="done"),
            ),
            kpi(
                _("Overdue tasks"),
                plan.get("overdue_count", 0),
                prev_plan.get("overdue_count"),
                # Tasks of a year's plan fall due within that year; the admin filters tasks by
                # section, not by plan, so the year of the due date stands for the plan.
                href=admin_list(
                    "workplan.Task",
                    overdue="yes",
                    due_date__gte=f"{year}-01-01",
                    due_date__lt=f"{year + 1}-01-01",
                ),
            ),
        ],
        "status_chart": figure(
            _("Items by status"),
            bar_chart(status_marks, label=_("Items by status"), height=100),
            status_marks,
            column=_("Items"),
        ),
        "sections": sections,
        "overdue_tasks": overdue_tasks,
    }


def activities_view(figures: dict, previous: dict, year: int) -> dict[str, Any] | None:
    data = figures.get("activities")
    if data is None:
        return None
    kind_labels = labels("activity_kind")
    by_kind = data.get("by_kind", {})
    kind_marks = [
        Mark(
            kind_labels.get(kind, kind),
            count,
            admin_list("members.Activity", kind__exact=kind, **year_range(year)),
        )
        for kind, count in sorted(by_kind.items(), key=lambda pair: -pair[1])
    ]
    month_marks = []
    for month, count in enumerate(data.get("by_month", []), start=1):
        end = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
        month_marks.append(
            Mark(
                _("%(month)s mo") % {"month": month},
                count,
                admin_list(
                    "members.Activity", starts_at__gte=f"{year}-{month:02d}-01", starts_at__lt=end.isoformat()
                ),
            )
        )
    prev = previous.get("activities") or {}
    kpis = [
        kpi(
            _("Activities this year"),
            data.get("total", 0),
            prev.get("total"),
            href=admin_list("members.Activity", **year_range(year)),
        )
    ]
    if data.get("current_month"):
        month = data["current_month"]
        end = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
        kpis.append(
            kpi(
                _("Activities this month"),
                data.get("this_month", 0),
                None,
                href=admin_list(
                    "members.Activity", starts_at__gte=f"{year}-{month:02d}-01", starts_at__lt=end.isoformat()
                ),
            )
        )
    return {
        "kpis": kpis,
        "kind_chart": figure(
            _("By kind"),
            hbar_chart(kind_marks, label=_("Activities by kind")),
            kind_marks,
            column=_("Activities"),
        )
        if kind_marks
        else None,
        "month_chart": figure(
            _("By month"),
            bar_chart(month_marks, label=_("Activities by month"), height=90),
            month_marks,
            column=_("Activities"),
        ),
    }


def _attendance_rows(rows: list[dict], lookup: str, ids: dict[str, int], year: int) -> list[StackedRow]:
    present_list = admin_list_by(
        "members.Participation", lookup, attendance__exact="present", **_activity_year(year)
    )
    absent_list = admin_list_by(
        "members.Participation", lookup, attendance__in="leave,absent", **_activity_year(year)
    )
    present_label, absent_label = _("present"), _("on leave or absent")
    result = []
    for row in rows:
        body = ids.get(row.get("name"))
        present = row.get("present", 0)
        result.append(
            StackedRow(
                row.get("name", ""),
                (
                    Mark(present_label, present, present_list(body)),
                    Mark(absent_label, row.get("recorded", 0) - present, absent_list(body)),
                ),
            )
        )
    return result


def _activity_year(year: int) -> dict[str, str]:
    return {"activity__starts_at__gte": f"{year}-01-01", "activity__starts_at__lt": f"{year + 1}-01-01"}


def participation_view(figures: dict, previous: dict, year: int) -> dict[str, Any] | None:
    data = figures.get("participation")
    if data is None:
        return None
    prev = previous.get("participation") or {}
    ids = data.get("ids") or {}
    legend = [_("present"), _("on leave or absent")]
    bodies = [
        (_("By sector"), "sector", "member__sector__id__exact", "sector__id__exact"),
        (_("By special committee"), "committee", "member__committees__id__exact", "committees__id__exact"),
        (_("By street group"), "group", "member__street_groups__id__exact", "street_groups__id__exact"),
    ]
    groups = []
    for title, key, attendance_lookup, member_lookup in bodies:
        rows = data.get(f"attendance_by_{key}") or []
        scores = data.get(f"score_by_{key}") or []
        body_ids = ids.get(key) or {}
        attendance_rows = _attendance_rows(rows, attendance_lookup, body_ids, year)
        member_list = admin_list_by("members.Member", member_lookup, status__exact="in_office")
        score_marks = [
            Mark(
                row.get("name", ""),
                row.get("average", 0),
                member_list(body_ids.get(row.get("name"))),
                hint=_("%(name)s: average %(average)s points, %(members)s members")
                % {"name": row.get("name"), "average": row.get("average"), "members": row.get("members")},
            )
            for row in scores
        ]
        groups.append(
            {
                "title": title,
                "attendance_chart": figure_with_table(
                    _("Attendance"),
                    stacked_bar_chart(attendance_rows, label=title, legend=legend, percent=True),
                    [_("Recorded"), _("present"), _("Attendance rate (%)")],
                    [
                        (
                            row.get("name", ""),
                            chart_row.segments[0].href,
                            [
                                row.get("recorded", 0),
                                row.get("present", 0),
                                "—" if row.get("rate") is None else format_number(row["rate"]),
                            ],
                        )
                        for row, chart_row in zip(rows, attendance_rows, strict=True)
                    ],
                    name=title,
                )
                if rows
                else None,
                "score_chart": figure_with_table(
                    _("Average duty score"),
                    hbar_chart(score_marks, label=title, color="#2e7d32"),
                    [pgettext("dashboard", "Members"), _("Average"), _("Lowest"), _("Highest")],
                    [
                        (
                            row.get("name", ""),
                            mark.href,
                            [
                                row.get("members"),
                                format_number(row.get("average", 0)),
                                row.get("lowest"),
                                row.get("highest"),
                            ],
                        )
                        for row, mark in zip(scores, score_marks, strict=True)
                    ],
                    name=title,
                )
                if scores
                else None,
            }
        )
    below = data.get("below_minimum_members") or []
    duty_file = pk_url_template("dashboard:member_duty_file")
    return {
        "kpis": [
            kpi(
                _("Attendance rate"),
                data.get("attendance_rate"),
                prev.get("attendance_rate"),
                suffix="%",
                href=admin_list("members.Participation", **_activity_year(year)),
            ),
            kpi(
                _("Members below the minimums"),
                data.get("below_minimums", len(below)),
                prev.get("below_minimums"),
            ),
        ],
        "groups": groups,
        "below": [
            {
                **row,
                "href": admin_change("members.Member", row.get("member_id")),
                "duty_file": duty_file.format(row["member_id"]) if row.get("member_id") else "",
                "short_text": "、".join(
                    f"{s.get('label', s.get('metric'))} {s.get('count')}/{s.get('minimum')}"
                    for s in row.get("short", [])
                    if isinstance(s, dict)
                ),
            }
            for row in below[:30]
        ],
        "below_more": max(data.get("below_minimums", len(below)) - len(below[:30]), 0),
    }


def proposals_view(figures: dict, previous: dict, year: int) -> dict[str, Any] | None:
    data = figures.get("proposals")
    if data is None:
        return None
    prev = previous.get("proposals") or {}
    state_labels = labels("proposal_state")
    by_state = data.get("by_state") or {}
    state_marks = [
        Mark(
            state_labels.get(state, state),
            by_state.get(state, 0),
            admin_list("proposals.Proposal", year=year, state__exact=state),
        )
        for state in list(state_labels) + [s for s in by_state if s not in state_labels]
        if by_state.get(state)
    ]
    overdue = data.get("overdue_by_unit") or []
    today = timezone.localdate().isoformat()
    unit_marks = [
        Mark(
            row.get("name", ""),
            row.get("count", 0),
            admin_list(
                "proposals.Assignment",
                unit__name=row.get("name"),
                is_current__exact=1,
                role__exact="lead",
                reply_due_on__lt=today,
                proposal__year=year,
            ),
        )
        for row in overdue[:15]
    ]
    return {
        "kpis": [
            kpi(
                str(WORK_KIND_TITLES["proposals"]),
                data.get("submitted"),
                prev.get("submitted"),
                # The list of exactly the rows counted: every state but draft.
                href=admin_list(
                    "proposals.Proposal",
                    year=year,
                    state__in=",".join(state for state in state_labels if state != "draft"),
                ),
            ),
            kpi(_("Replied on time"), data.get("on_time_rate"), prev.get("on_time_rate"), suffix="%"),
            kpi(
                _("Satisfaction rate"),
                data.get("satisfaction_rate"),
                prev.get("satisfaction_rate"),
                suffix="%",
            ),
            kpi(_("Share of category A"), data.get("share_a"), prev.get("share_a"), suffix="%"),
            kpi(_("Overdue replies"), data.get("overdue"), prev.get("overdue")),
        ],
        "state_chart": figure(
            _("By state"),
            hbar_chart(state_marks, label=_("Proposals by state")),
            state_marks,
            column=_("Proposals"),
        )
        if state_marks
        else None,
        "unit_chart": figure(
            _("Overdue replies by unit"),
            hbar_chart(unit_marks, label=_("Overdue by unit"), color="#b71c1c"),
            unit_marks,
            column=_("Overdue replies"),
        )
        if unit_marks
        else None,
    }


def reports_view(figures: dict, previous: dict, year: int) -> dict[str, Any] | None:
    data = figures.get("reports")
    if data is None:
        return None
    prev = previous.get("reports") or {}
    level_labels = labels("adoption_level")
    by_level = data.get("adopted_by_level") or {}
    marks = [
        Mark(
            level_labels.get(level, level),
            count,
            admin_list("proposals.OpinionReport", year=year, adoption_level__exact=level),
        )
        for level, count in by_level.items()
    ]
    return {
        "kpis": [
            kpi(
                str(WORK_KIND_TITLES["reports"]),
                data.get("total"),
                prev.get("total"),
                href=admin_list("proposals.OpinionReport", year=year),
            ),
            kpi(_("Adopted"), data.get("adopted"), prev.get("adopted")),
        ],
        "level_chart": figure(
            _("Adopted by level"),
            hbar_chart(marks, label=_("Adopted by level"), color="#6a1b9a"),
            marks,
            column=_("Reports"),
        )
        if marks
        else None,
    }


def supervision_view(figures: dict, previous: dict, year: int) -> dict[str, Any] | None:
    data = figures.get("supervision")
    if data is None:
        return None
    prev = previous.get("supervision") or {}
    today = timezone.localdate()
    soon = today + dt.timedelta(days=14)
    topic_year = {"topic__year": year}
    open_states = "sent,answered,rectifying,under_review,returned"
    links = {
        "total": admin_list("supervision.Recommendation", **topic_year),
        "open": admin_list("supervision.Recommendation", state__in=open_states, **topic_year),
        "due_soon": admin_list(
            "supervision.Recommendation",
            state__exact="sent",
            due_on__gte=today.isoformat(),
            due_on__lte=soon.isoformat(),
            **topic_year,
        ),
        "overdue": admin_list(
            "supervision.Recommendation", state__exact="sent", due_on__lt=today.isoformat(), **topic_year
        ),
        "rectified": admin_list("supervision.Recommendation", state__exact="closed", **topic_year),
    }
    names = [
        ("total", _("Recommendations")),
        ("open", _("Open")),
        ("due_soon", _("Due within 14 days")),
        ("overdue", _("Overdue")),
        ("rectified", _("Rectified and closed")),
    ]
    units = [
        Mark(
            row.get("name", ""),
            row.get("open", 0),
            admin_list(
                "supervision.Recommendation",
                unit__id__exact=row.get("unit_id"),
                state__in=open_states,
                **topic_year,
            ),
        )
        for row in (data.get("by_unit") or [])
        if row.get("open")
    ]
    return {
        "kpis": [kpi(label, data.get(key), prev.get(key), href=links[key]) for key, label in names],
        "unit_chart": figure(
            _("Open recommendations by unit"),
            hbar_chart(units, label=_("Open recommendations by unit"), color="#00838f"),
            units,
            column=_("Open"),
        )
        if units
        else None,
    }


def consultation_view(figures: dict, previous: dict, year: int) -> dict[str, Any] | None:
    """协商议政: each figure opens the rows behind it (consultations' drill-down page)."""
    data = figures.get("consultation")
    if data is None:
        return None
    prev = previous.get("consultation") or {}
    page = reverse("consultations:figures")
    names = [
        ("topics", "planned", _("Consultation topics planned")),
        ("topics", "held", _("Consultation topics held")),
        ("outcomes", "submitted", _("Outcomes submitted")),
        ("outcomes", "adopted", _("Outcomes adopted")),
        ("outcomes", "instructed", _("Outcomes with a leader's instruction")),
        ("feedback", "overdue", _("Implementation feedback overdue")),
    ]
    return {
        "kpis": [
            kpi(
                label,
                (data.get(group) or {}).get(key),
                (prev.get(group) or {}).get(key),
                href=f"{page}?year={year}&figure={'feedback_overdue' if key == 'overdue' else key}",
            )
            for group, key, label in names
        ]
    }


def trends_view(trends: dict[str, list], year: int) -> list[dict[str, Any]]:
    """Ten-year trends of the headline figures, with axes and values; each point opens its year."""
    titles = {
        "activities": WORK_KIND_TITLES["activities"],
        "proposals": WORK_KIND_TITLES["proposals"],
        "reports": WORK_KIND_TITLES["reports"],
        "attendance_rate": _("Attendance rate"),
    }
    home = reverse("dashboard:home")
    result = []
    for key, points in trends.items():
        known = [(y, v) for y, v in points if isinstance(v, int | float)]
        if len(known) < 2:
            continue
        suffix = "%" if key == "attendance_rate" else ""
        marks = [Mark(str(y), v, f"{home}?year={y}") for y, v in known]
        title = str(titles[key])
        result.append(
            {
                "first": known[0][0],
                "last": known[-1][0],
                "chart": figure_with_table(
                    title,
                    trend_chart(marks, label=title, suffix=suffix),
                    [title],
                    [(mark.label, mark.href, [f"{format_number(mark.value)}{suffix}"]) for mark in marks],
                    name=_("Year"),
                ),
            }
        )
    return result


# How many of each section's first figures make the summary a leader reads first.
HEADLINE = (
    ("plan", 3),
    ("activities", 1),
    ("participation", 2),
    ("proposals", 3),
    ("reports", 2),
    ("supervision", 3),
    ("consultation", 2),
)


def headline(context: dict[str, Any]) -> list[dict[str, Any]]:
    """The summary: the first figures of every section, in the page's order. They move out of their
    sections (which keep the rest), so no figure is shown twice."""
    figures = []
    for name, count in HEADLINE:
        view = context.get(name)
        if view and view.get("kpis"):
            figures.extend(view["kpis"][:count])
            view["kpis"] = view["kpis"][count:]
    return figures


def dashboard_context(figures: dict, previous: dict, year: int) -> dict[str, Any]:
    context = {
        "plan": plan_view(figures, previous, year),
        "activities": activities_view(figures, previous, year),
        "participation": participation_view(figures, previous, year),
        "proposals": proposals_view(figures, previous, year),
        "reports": reports_view(figures, previous, year),
        "supervision": supervision_view(figures, previous, year),
        "consultation": consultation_view(figures, previous, year),
    }
    context["headline"] = headline(context)
    return context
