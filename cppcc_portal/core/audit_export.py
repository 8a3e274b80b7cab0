"""The audit trail as a file for the auditor (审计员): xlsx or CSV, formula-neutralised like every
export (core.spreadsheets), the rows the admin list shows with its filters and search."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from cppcc_portal.core.spreadsheets import neutralise

FORMATS = ("xlsx", "csv")


def _columns():
    return [
        _("time"),
        _("account"),
        _("action"),
        _("outcome"),
        _("type"),
        _("object id"),
        _("object"),
        _("changes"),
        _("note"),
        _("IP address"),
        _("chain position"),
        _("chain hash"),
    ]


def _rows(queryset):
    import json

    for event in queryset.select_related("content_type").iterator(chunk_size=2000):
        yield [
            timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            event.account,
            event.action,
            event.get_outcome_display(),
            str(event.content_type),
            event.object_id,
            event.object_repr,
            json.dumps(event.changes, ensure_ascii=False, default=str) if event.changes else "",
            event.note,
            event.ip_address or "",
            event.seal_seq if event.seal_seq is not None else "",
            event.seal_hash,
        ]


def as_csv(queryset) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_columns())
    for row in _rows(queryset):
        writer.writerow([neutralise(value) for value in row])
    # With a byte-order mark, so that Excel opens the Chinese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode()


def as_xlsx(queryset) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Audit trail"))
    sheet.append(_columns())
    for row in _rows(queryset):
        # Written as text cells: a value that looks like a formula gets its apostrophe first.
        sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
