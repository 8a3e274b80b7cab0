"""The attendance report as an Excel workbook (openpyxl), with Chinese headers."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from members.choices import Attendance


def attendance_workbook(report) -> bytes:
    """One row per member, one column per session (present/leave/absent), then the totals."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Attendance")
    labels = dict(Attendance.choices)
    session_headers = [f"{s.date:%m-%d} {s.get_half_day_display()}" for s in report.sessions]
    ws.append(
        [
            _("Member number"),
            pgettext("meetings", "Name"),
            *session_headers,
            _("Present"),
            _("On leave"),
            _("Absent"),
            _("Rate (%)"),
        ]
    )
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in report.rows:
        ws.append(
            [
                row["member"].member_number,
                row["member"].name,
                *[str(labels.get(mark, "")) if mark else "" for mark in row["marks"]],
                row["present"],
                row["leave"],
                row["absent"],
                row["rate"],
            ]
        )
    ws.column_dimensions["B"].width = 14
    ws.freeze_panes = "C2"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
