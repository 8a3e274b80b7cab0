"""The analysis meeting's workbook (openpyxl): one sheet per table, Chinese headers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from cppcc_portal.core.spreadsheets import workbook_bytes


def _sheet(workbook, title: str, headers: list[str], rows: list[list]) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column, header in zip(sheet.columns, headers, strict=False):
        sheet.column_dimensions[column[0].column_letter].width = max(10, len(str(header)) * 2 + 4)


def _percent(value) -> str:
    return "—" if value is None else f"{value}%"


def stats_workbook(stats: dict, reports: dict) -> bytes:
    """The figures of proposal_stats and report_stats as an .xlsx file."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = pgettext("proposals", "Summary")[:31]
    rows = [
        (_("Year"), stats["year"]),
        (_("Proposals submitted"), stats["submitted"]),
        (_("Proposals accepted"), stats["accepted"]),
        (_("Replied"), stats["replied"]),
        (pgettext("proposals", "Replied on time"), stats["replied_on_time"]),
        (_("On-time reply rate"), _percent(stats["on_time_rate"])),
        (_("Satisfaction rate"), _percent(stats["satisfaction_rate"])),
        (_("Problem-solved rate (category A)"), _percent(stats["solved_rate"])),
        (_("Key proposals"), stats["key"]),
        (_("Excellent proposals"), stats["excellent"]),
        (_("Overdue"), len(stats["overdue"])),
        (_("Reports"), reports["total"]),
        (_("Reports adopted"), reports["adopted"]),
        (_("Reports with a leader's instruction"), reports["instructed"]),
    ]
    summary.append([_("Figure"), _("Value")])
    for row in rows:
        summary.append(list(row))
    summary.column_dimensions["A"].width = 30
    _sheet(
        workbook,
        _("By state"),
        [_("State"), _("Count")],
        [[r["label"], r["count"]] for r in stats["by_state"]],
    )
    for title, key in (
        (_("By category"), "by_category"),
        (_("By sector"), "by_sector"),
        (_("By party"), "by_party"),
    ):
        _sheet(workbook, title, [_("Name"), _("Count")], [[r["name"], r["count"]] for r in stats[key]])
    _sheet(
        workbook,
        _("By unit"),
        [_("Unit"), _("Lead"), _("Assisting"), _("Replied"), _("Overdue")],
        [[r["name"], r["lead"], r["assisting"], r["replied"], r["overdue"]] for r in stats["by_unit"]],
    )
    _sheet(
        workbook,
        _("Overdue"),
        [_("Number"), _("Title"), _("Lead unit"), _("Reply due on"), _("Days overdue")],
        [
            [r["number"], r["title"], r["unit"], r["reply_due_on"], r["days_overdue"]]
            for r in stats["overdue"]
        ],
    )
    _sheet(
        workbook,
        _("Reports"),
        [_("State"), _("Count")],
        [[r["label"], r["count"]] for r in reports["by_state"]]
        + [[r["label"], r["count"]] for r in reports["by_level"]],
    )
    return workbook_bytes(workbook)
