"""The dashboard's figures for one year: live aggregates, and the summary row that stores them.

`live_figures(year)` asks each app's selectors for its aggregates (grouped queries narrowed to the
year by indexes), which at ten years of data is still too slow for every page view. `year_figures(year)` is what pages
read: the stored `YearFigures` row, recomputed when it is older than `DASHBOARD_FIGURES_MAX_AGE`
seconds, or stale (a counted row changed) and older than `DASHBOARD_FIGURES_MIN_AGE` seconds: during
a burst of writes the page shows figures at most that many seconds behind, with their time, instead
of every reader recomputing the year. Figures are JSON (plain dicts, lists, numbers, strings)
because they are stored; links and charts are built from them at render time.

The summary rows are a table, not a cache (docs/architecture.md, "Caching"): recomputing a year
costs seconds at ten years of data, so a write cannot simply drop it. A write marks the rows stale
in the database, in its own commit (so no cache outage or flush can make old figures look fresh),
and the age limits decide when a reader recomputes. The list of years with data is a cached value
of the one kind (`DATA_YEARS`), moved on by the same writes.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from consultations import selectors as consultations_selectors
from cppcc_portal.core import committees
from cppcc_portal.core.caching import CachedValues
from cppcc_portal.dashboard import sections
from cppcc_portal.dashboard.models import YearFigures
from members import selectors as members_selectors
from proposals import selectors as proposals_selectors
from supervision import selectors as supervision_selectors
from workplan import selectors as workplan_selectors

logger = logging.getLogger(__name__)

# The sections in the order the page shows them; each takes the year and returns a dict.
# A section also sees the sections computed before it (activities reuse the participation figures).
SECTIONS: dict[str, Callable[[int, dict[str, Any]], dict[str, Any] | None]] = {
    "plan": sections.plan_section,
    "participation": sections.participation_section,
    "activities": sections.activities_section,
    "proposals": sections.proposals_section,
    "reports": sections.reports_section,
    "supervision": sections.supervision_section,
    "consultation": sections.consultation_section,
}


# The list of years with data (`selectors.year_choices`): moved on by every write to a counted
# model (apps.py) and by every refresh (bulk loads send no signal), never older than the figures.
DATA_YEARS = CachedValues("dashboard-years", ttl=settings.DASHBOARD_FIGURES_MAX_AGE, per_committee=True)
# The rendered figures of a year (dashboard.views.home): moved on by every save of a stored row, so
# a refresh of any year (the trends show ten) is on the next page.
PAGES = CachedValues("dashboard-page", ttl=settings.DASHBOARD_FIGURES_MAX_AGE, per_committee=True)


def _needs_refresh(row: YearFigures | None) -> bool:
    return row is None or _due(row.computed_at, row.stale)


def _due(computed_at: dt.datetime, stale: bool) -> bool:
    """Figures computed then (and marked stale or not since) are to be computed again now."""
    age = timezone.now() - computed_at
    if age > dt.timedelta(seconds=settings.DASHBOARD_FIGURES_MAX_AGE):
        return True
    return stale and age >= dt.timedelta(seconds=settings.DASHBOARD_FIGURES_MIN_AGE)


def live_figures(year: int) -> dict[str, Any]:
    """Every figure of the dashboard for `year`, counted from the live tables now."""
    figures: dict[str, Any] = {"year": year}
    for name, build in SECTIONS.items():
        figures[name] = build(year, figures)
    return figures


def refresh_year_figures(year: int) -> YearFigures:
    """Recompute and store the summary row of one year (what the periodic task calls)."""
    figures = live_figures(year)
    row, _ = YearFigures.objects.update_or_create(
        year=year, defaults={"figures": figures, "computed_at": timezone.now(), "stale": False}
    )
    # Bulk loads send no signals: the list of years is read again with each refresh too.
    DATA_YEARS.forget()
    return row


def year_figures(year: int) -> tuple[dict[str, Any], dt.datetime]:
    """The figures of `year` and when they were computed: stored when fresh, recomputed otherwise."""
    row = YearFigures.objects.filter(year=year).first()
    if _needs_refresh(row):
        row = refresh_year_figures(year)
    return row.figures, row.computed_at


def computed_times(years: list[int]) -> dict[int, dt.datetime]:
    """When the stored figures of several years were computed, refreshing those that need it.

    The page's rendered sections are cached under these times (dashboard.views), so a view whose
    sections are cached reads two timestamps, not the two rows' 25 KB of figures each.
    """
    # Read as values, not rows: building two deferred model instances cost as much as the query.
    rows = {
        year: (computed_at, stale)
        for year, computed_at, stale in YearFigures.objects.filter(year__in=years).values_list(
            "year", "computed_at", "stale"
        )
    }
    result = {}
    for year in years:
        row = rows.get(year)
        result[year] = refresh_year_figures(year).computed_at if row is None or _due(*row) else row[0]
    return result


def stored_figures(years: list[int]) -> dict[int, dict[str, Any]]:
    """The stored figures of several years in one read (after computed_times made sure they exist)."""
    found = dict(YearFigures.objects.filter(year__in=years).values_list("year", "figures"))
    return {year: found[year] if year in found else year_figures(year)[0] for year in years}


def figures_of_committees(among: list, year: int) -> dict[int, dict[str, Any]]:
    """The stored figures of `year` of several committees (the city's roll-up), by committee key:
    one read across them, and a refresh, in its own committee, of each row that needs one."""
    with committees.across_committees():
        rows = {row.tenant_id: row for row in YearFigures.objects.filter(year=year, tenant__in=among)}
    result = {}
    for committee in among:
        row = rows.get(committee.pk)
        if _needs_refresh(row):
            with committees.working_for(committee):
                row = refresh_year_figures(year)
        result[committee.pk] = row.figures
    return result


TREND_KEYS = {
    "activities": "figures__activities__total",
    "proposals": "figures__proposals__submitted",
    "reports": "figures__reports__total",
    "attendance_rate": "figures__participation__attendance_rate",
}


def stored_trends(*, last_year: int, span: int = 10) -> dict[str, list[tuple[int, float | None]]]:
    """A few headline figures per year from the stored rows only (one query, nothing recomputed)."""
    rows = (
        YearFigures.objects.filter(year__gt=last_year - span, year__lte=last_year)
        .order_by("year")
        .values_list("year", *TREND_KEYS.values())
    )
    trends: dict[str, list[tuple[int, float | None]]] = {key: [] for key in TREND_KEYS}
    for year, *values in rows:
        for key, value in zip(TREND_KEYS, values, strict=True):
            trends[key].append((year, value))
    return trends


def mark_stale(**kwargs) -> None:
    """Signal receiver: a counted row changed, so the next read past the minimum age recomputes the
    figures of the committee in hand (one UPDATE, after commit; the write's committee is taken now,
    the commit may run outside it)."""
    committee = committees.current()
    transaction.on_commit(lambda: _mark_stale_now(committee))


def _mark_stale_now(committee) -> None:
    with committees.working_for(committee):
        YearFigures.objects.filter(stale=False).update(stale=True)


def counted_models() -> list[type]:
    """Models whose rows the dashboard counts, as each app's selectors name them: a save or delete
    of any of them marks the figures stale and moves `DATA_YEARS` on (a rating, for one, changes the
    satisfaction rate)."""
    return [
        *workplan_selectors.stats_source_models(),
        *members_selectors.stats_source_models(),
        *proposals_selectors.stats_source_models(),
        *supervision_selectors.stats_source_models(),
        *consultations_selectors.stats_source_models(),
    ]
