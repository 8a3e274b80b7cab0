"""Reads of the dashboard's own tables, scoped to the user who asks, and the years it offers."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from cppcc_portal.dashboard.figures import DATA_YEARS
from cppcc_portal.dashboard.models import ExportJob
from members import selectors as members_selectors
from proposals import selectors as proposals_selectors
from supervision import selectors as supervision_selectors
from workplan import selectors as workplan_selectors


def _data_years() -> tuple[list[int], list[int]]:
    """Each year with a plan, an activity, a proposal, a report or a supervision topic, and the
    plan years (a few index probes, whatever the amount of data)."""
    plans = workplan_selectors.plan_years()
    years = (
        plans
        | members_selectors.activity_years()
        | proposals_selectors.proposal_years()
        | set(supervision_selectors.status_years())
    )
    return sorted(years, reverse=True), sorted(plans, reverse=True)


def year_choices() -> tuple[list[int], int]:
    """The years the year selector offers, newest first, and the year shown without ?year=.

    Offered: each year with data. Shown: the latest plan year up to this year (the year the office
    works on; a plan imported for next year does not move the page ahead), else the latest year
    with data up to this year, else this year. The list is a cached value (`figures.DATA_YEARS`):
    the writes that mark the figures stale move it on, and it is never older than their maximum age.
    """
    years, plans = DATA_YEARS.cached("years", _data_years)
    this_year = timezone.localdate().year
    past = [year for year in plans if year <= this_year] or [year for year in years if year <= this_year]
    return list(years), max(past, default=this_year)


def export_list(*, user) -> QuerySet[ExportJob]:
    """A person's own exports: a workbook is the requester's, not everyone's."""
    return ExportJob.objects.filter(requested_by=user).order_by("-created_at")
