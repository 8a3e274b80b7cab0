"""The annual work summary as an Excel workbook (openpyxl), built by a worker."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from cppcc_portal.core.spreadsheets import workbook_bytes
from cppcc_portal.dashboard.figures import year_figures
from cppcc_portal.dashboard.summary import annual_summary
from cppcc_portal.dashboard.vocabulary import WORK_KIND_TITLES, labels


def _header(sheet, titles: list[str]) -> None:
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def annual_summary_workbook(year: int, progress: Callable[[int], None] = lambda p: None) -> bytes:
    """Three sheets: items with what was done, the proposal analysis, participation by body."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Work summary")
    summary = annual_summary(year)
    progress(20)
    if summary is None:
        sheet.append([_("There is no work plan for %(year)s.") % {"year": year}])
    else:
        sheet.append([summary["title"]])
        sheet["A1"].font = Font(bold=True, size=14)
        kinds = summary["kinds"]
        _header(
            sheet,
            [_("Item"), _("Title"), _("Status"), _("Progress (%)")]
            + [str(WORK_KIND_TITLES[kind]) for kind in kinds]
            + [_("Highlights")],
        )
        for section in summary["sections"]:
            sheet.append([f"{section['number']}", section["title"]])
            sheet.cell(sheet.max_row, 2).font = Font(bold=True)
            for item in section["items"]:
                highlights = "；".join(t for kind in kinds for t in item["work"][kind]["highlights"])
                sheet.append(
                    [item["number"], item["title"], item["status_label"], item["progress"]]
                    + [item["work"][kind]["count"] for kind in kinds]
                    + [highlights]
                )
                sheet.cell(sheet.max_row, 5 + len(kinds)).alignment = Alignment(wrap_text=True)
        sheet.append(
            [_("Serving the plan (each counted once)"), "", "", summary["progress"]]
            + [summary["linked"][k] for k in kinds]
        )
        sheet.append([_("Total of the year"), "", "", ""] + [summary["totals"][k] for k in kinds])
        sheet.column_dimensions["B"].width = 48
        sheet.column_dimensions[chr(ord("E") + len(kinds))].width = 60
    progress(50)
    # The stored figures the dashboard shows (recomputed first when stale), so both say the same.
    figures, _computed_at = year_figures(year)
    progress(80)
    analysis = book.create_sheet(_("Proposal analysis"))
    proposals = figures.get("proposals") or {}
    _header(analysis, [_("Figure"), _("Value")])
    for label, key in (
        (_("Proposals submitted (drafts excluded)"), "submitted"),
        (_("Replied on time (%)"), "on_time_rate"),
        (_("Satisfaction rate (%)"), "satisfaction_rate"),
        (_("Share of category A (%)"), "share_a"),
        (_("Overdue replies"), "overdue"),
    ):
        analysis.append([label, proposals.get(key)])
    state_labels = labels("proposal_state")
    analysis.append([])
    _header(analysis, [_("State"), _("Proposals")])
    for state, count in (proposals.get("by_state") or {}).items():
        analysis.append([state_labels.get(state, state), count])
    analysis.append([])
    _header(analysis, [_("Unit"), _("Overdue replies")])
    for row in proposals.get("overdue_by_unit") or []:
        analysis.append([row.get("name"), row.get("count")])
    analysis.column_dimensions["A"].width = 30
    people = book.create_sheet(_("Participation"))
    participation = figures.get("participation") or {}
    _header(people, [_("Body"), _("Recorded"), _("Present"), _("Attendance rate (%)")])
    for key in ("attendance_by_sector", "attendance_by_committee", "attendance_by_group"):
        for row in participation.get(key) or []:
            people.append([row.get("name"), row.get("recorded"), row.get("present"), row.get("rate")])
    people.column_dimensions["A"].width = 30
    data = workbook_bytes(book)
    progress(95)
    return data
