"""The city's roll-up: every district's key figures side by side, and the drill-down into one district.

Nothing here counts anything itself: a committee's figures are the dashboard's own sections
(`figures.SECTIONS`), computed inside ``committees.working_for(committee)`` so that every selector
reads that committee's rows only. The roll-up keeps a handful of them per district
(`key_figures`); the drill-down renders all of them on the dashboard's own page.

Each committee has its own stored summary rows (`YearFigures`): the roll-up reads the sixteen
districts' rows of the year in one query across committees, and refreshes, in its own committee,
only a row that is stale or too old (the same age rules as every dashboard), so sixteen districts
read at once do not each recount the year on every page view.
"""

from __future__ import annotations

from typing import Any

from cppcc_portal.core import committees
from cppcc_portal.core.models import Committee
from cppcc_portal.dashboard import figures as year_figures
from proposals.choices import ProposalState


def may_drill_into(*, committee_in_hand: Committee, slug: str) -> Committee | None:
    """The committee a leader working in ``committee_in_hand`` may open: itself or one directly under it."""
    if slug == committee_in_hand.slug:
        return committee_in_hand
    return next((c for c in committees.children(committee_in_hand) if c.slug == slug), None)


def _get(data: dict | None, *keys, default=0):
    for key in keys:
        if not isinstance(data, dict):
            return default
        data = data.get(key)
    return default if data is None else data


def key_figures(found: dict[str, Any]) -> dict[str, Any]:
    """The few figures the roll-up shows per committee, from that committee's section figures."""
    by_state = _get(found, "proposals", "by_state", default={})
    return {
        "members": sum(
            row.get("members", 0) for row in _get(found, "participation", "score_by_sector", default=[])
        ),
        "below_minimums": _get(found, "participation", "below_minimums"),
        "activities": _get(found, "activities", "total"),
        "attendance_rate": _get(found, "participation", "attendance_rate", default=None),
        "proposals_submitted": _get(found, "proposals", "submitted"),
        "proposals_accepted": _get(found, "proposals", "accepted"),
        "proposals_handled": sum(
            by_state.get(state, 0) for state in (ProposalState.AWAITING_EVALUATION, ProposalState.CLOSED)
        ),
        "reports": _get(found, "reports", "total"),
        "reports_adopted": _get(found, "reports", "adopted"),
        "supervision": _get(found, "supervision", "total"),
        "supervision_open": _get(found, "supervision", "open"),
        "supervision_overdue": _get(found, "supervision", "overdue"),
    }


# Summed in the total row; rates are not summed.
SUMMED = (
    "members",
    "below_minimums",
    "activities",
    "proposals_submitted",
    "proposals_accepted",
    "proposals_handled",
    "reports",
    "reports_adopted",
    "supervision",
    "supervision_open",
    "supervision_overdue",
)


def rollup(*, committee: Committee, year: int) -> dict[str, Any]:
    """Each committee under ``committee`` with its key figures of ``year``, and their totals."""
    districts = committees.children(committee)
    found = year_figures.figures_of_committees(districts, year)
    rows = [{"committee": district, **key_figures(found[district.pk])} for district in districts]
    totals = {key: sum(row[key] or 0 for row in rows) for key in SUMMED}
    return {"rows": rows, "totals": totals}
