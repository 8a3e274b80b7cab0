"""The admin's Excel import and export pages, as a Chinese office user meets them.

django-import-export shows a bad row by its position among the data rows, names the field by its
attribute (birth_date, shown upper-cased), hides the reason until the mouse hovers over a badge,
and writes a few messages in English only. Here each problem becomes one line of a table: the row
number as Excel shows it, the column header as written in the file, the value found and the reason
in Chinese (templates/admin/import_export/import.html renders it). Exports are named in Chinese.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

# Messages django-import-export raises without gettext; what the office reads instead.
_UNTRANSLATED = {
    "Value could not be parsed using defined formats.": lambda: _(
        "Not a date or time the portal can read: write dates as 2017-03-20 (times as 2017-03-20 14:30)."
    ),
}

# Excel shows the header on row 1, so the first data row is row 2.
HEADER_ROWS = 1


@dataclass(frozen=True)
class ImportProblem:
    """One reason a row of an uploaded file was refused."""

    excel_row: int | None
    column: str
    value: str
    reason: str


def _reason(message) -> str:
    if isinstance(message, ValidationError):
        message = "; ".join(message.messages)
    text = str(message)
    translate = _UNTRANSLATED.get(text)
    return translate() if translate else text


def _shown(value) -> str:
    if value is None or value == "---":
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() != dt.time(0) else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def import_problems(result, resource) -> list[ImportProblem]:
    """Every problem of an import result, by Excel row, with the file's header, the value and the reason."""
    columns: dict[str, str] = {}
    for name, field in resource.fields.items():
        columns.setdefault(name, str(field.column_name))
        if field.attribute:
            columns.setdefault(field.attribute, str(field.column_name))
    problems = []
    for invalid in result.invalid_rows:
        values = dict(zip(result.diff_headers, invalid.values, strict=False))
        for key, messages in invalid.error_dict.items():
            column = "" if key == NON_FIELD_ERRORS else columns.get(key, key)
            for message in messages:
                problems.append(
                    ImportProblem(
                        invalid.number + HEADER_ROWS, column, _shown(values.get(column)), _reason(message)
                    )
                )
    for number, errors in result.row_errors():
        for error in errors:
            problems.append(ImportProblem(number + HEADER_ROWS, "", "", _reason(error.error)))
    for error in result.base_errors:
        problems.append(ImportProblem(None, "", "", _reason(error.error)))
    return sorted(problems, key=lambda p: (p.excel_row is not None, p.excel_row or 0))


class PortalImportExportMixin:
    """Import and export pages of the portal's admin: explained row errors and Chinese file names."""

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) if isinstance(response, TemplateResponse) else None
        result = (context or {}).get("result")
        if result is not None and (result.has_errors() or result.has_validation_errors()):
            form = context.get("form")
            resource_class = (
                self.choose_import_resource_class(form, request)
                if form is not None and form.is_valid()
                else self.get_import_resource_classes(request)[0]
            )
            resource = resource_class(**self.get_import_resource_kwargs(request=request, form=form, **kwargs))
            context["import_problems"] = import_problems(result, resource)
        return response

    def get_export_filename(self, request, queryset, file_format):
        """委员-2017-03-20.xlsx rather than Member-2017-03-20.xlsx."""
        date = timezone.localdate().strftime("%Y-%m-%d")
        return f"{self.model._meta.verbose_name_plural}-{date}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        # The library quotes the name as is; a Chinese name needs RFC 6266's filename* form.
        response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
        response["Content-Disposition"] = content_disposition_header(
            True, self.get_export_filename(request, queryset, file_format)
        )
        return response
