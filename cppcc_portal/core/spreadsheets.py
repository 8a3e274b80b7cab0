"""Spreadsheets that cannot carry formulas: every export neutralises them, every import refuses them.

A cell whose text starts with =, +, -, @, a tab or a carriage return is run as a formula by Excel
and LibreOffice (OWASP "CSV injection"): `=HYPERLINK(...)` typed as a proposal title would become a
live link in the office's export. Exports prefix such text with an apostrophe (shown as text, the
apostrophe hidden by Excel); imports refuse it in text columns with a row error naming the Excel row.
"""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from import_export import resources

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A leading + or - followed only by digits and separators is a number or a phone number, not a formula.
_SIGNED_NUMBER = re.compile(r"[+-][\d\s().-]*")


def neutralise(value):
    """The value as it may go into a spreadsheet cell: text that would run as a formula gets a ' first."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def looks_like_formula(value) -> bool:
    """Whether imported text would be a formula in a spreadsheet (a signed number is not one)."""
    if not isinstance(value, str):
        return False
    text = value.lstrip(" ")
    return text.startswith(FORMULA_PREFIXES) and not _SIGNED_NUMBER.fullmatch(text.strip())


def workbook_bytes(workbook) -> bytes:
    """Save an openpyxl workbook with no cell that runs as a formula (our exports never write one)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (
                    cell.data_type == "f" or cell.value.startswith(FORMULA_PREFIXES)
                ):
                    cell.value = "'" + cell.value
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class SpreadsheetSafeResource(resources.ModelResource):
    """A django-import-export resource whose exports (xlsx, CSV, any format) carry no formula
    and whose imports refuse one in any text column."""

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        value = row.get(field.column_name) if field.column_name else None
        if looks_like_formula(value):
            number = kwargs.get("row_number")
            raise ValueError(
                _(
                    "Row %(row)s, column “%(column)s”: “%(value)s” starts like a spreadsheet formula "
                    "(=, +, -, @); formulas are not accepted. Type the text without that first character."
                )
                % {
                    # The data row number counts from the first row under the header: Excel's row is one more.
                    "row": number + 1 if number is not None else "?",
                    "column": field.column_name,
                    "value": value[:50],
                }
            )
        return super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)
