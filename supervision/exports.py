"""The supervision status as an Excel workbook (openpyxl), with Chinese headers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from cppcc_portal.core.spreadsheets import workbook_bytes


def _columns():
    return [
        ("total", _("Sent")),
        ("open", _("Still open")),
        ("awaiting_answer", _("Awaiting answer")),
        ("due_soon", _("Due soon")),
        ("overdue_answer", _("Answer overdue")),
        ("overdue_rectification", _("Rectification overdue")),
        ("rectified", _("Rectified and closed")),
    ]


def _sheet(wb: Workbook, title: str, first_header: str, rows: list[dict], name_key: str, totals: dict):
    ws = wb.create_sheet(title)
    columns = _columns()
    ws.append([first_header, *[label for _key, label in columns]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([row[name_key], *[row[key] for key, _label in columns]])
    ws.append([_("Total"), *[totals[key] for key, _label in columns]])
    ws.column_dimensions["A"].width = 36
    ws.freeze_panes = "B2"


def status_workbook(stats: dict, overdue: dict) -> bytes:
    """Sheets by department, by topic, and the overdue list; returns the .xlsx bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, _("By department"), _("Department"), stats["by_unit"], "name", stats["totals"])
    _sheet(wb, _("By topic"), _("Topic"), stats["by_topic"], "title", stats["totals"])
    ws = wb.create_sheet(_("Overdue"))
    ws.append([_("Kind"), _("Department"), _("Title"), _("Due on")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for rec in overdue["answers"]:
        ws.append([_("Answer overdue"), rec.unit.name, rec.title, rec.due_on])
    for item in overdue["items"]:
        ws.append([_("Rectification overdue"), item.recommendation.unit.name, item.description, item.due_on])
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["C"].width = 50
    return workbook_bytes(wb)
