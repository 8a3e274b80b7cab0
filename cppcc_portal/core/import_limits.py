"""How big a spreadsheet import may be, checked before anything parses it.

An xlsx is a zip: a 100 KB file can expand to gigabytes of XML and millions of rows, which
openpyxl would build in memory while a web worker waits. The zip's directory states each member's
expanded size, and the worksheet's `<dimension ref="A1:K2000000"/>` (written near its start)
states its rows, so both are known after reading a few kilobytes. A CSV is counted line by line
without being kept. Limits come from settings IMPORT_MAX_ROWS and IMPORT_MAX_EXPANDED_BYTES.
"""

from __future__ import annotations

import re
import zipfile

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from import_export.forms import ImportForm

from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.uploads import upload_name

DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")
ROW = re.compile(rb"<(?:\w+:)?row[\s>]")
# The dimension element comes right after the sheet's properties, well inside this much XML.
HEAD_BYTES = 64 * 1024


class ImportTooLarge(DomainError):
    """A spreadsheet beyond the import limits (refused before parsing)."""

    code = "import_too_large"


def _refuse_rows(rows: int) -> int:
    if rows > settings.IMPORT_MAX_ROWS:
        raise ImportTooLarge(
            _("The file has %(rows)s rows; an import takes at most %(limit)s. Split it into smaller files.")
            % {"rows": f"{rows:,}", "limit": f"{settings.IMPORT_MAX_ROWS:,}"},
            field="import_file",
        )
    return rows


def xlsx_rows(archive: zipfile.ZipFile, name: str) -> int:
    """The rows of one worksheet: from its dimension, else by counting <row> tags as it streams."""
    with archive.open(name) as sheet:
        head = sheet.read(HEAD_BYTES)
        match = DIMENSION.search(head)
        if match:
            return int(match.group(1) or 1)
        # No dimension written: count rows in a stream (bounded by the expanded-size check).
        count, tail = len(ROW.findall(head)), head[-16:]
        while chunk := sheet.read(1024 * 1024):
            count += len(ROW.findall(tail + chunk))
            tail = chunk[-16:]
        return count


def check_xlsx(upload) -> int | None:
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile:
        raise ImportTooLarge(
            _("The file is not a valid xlsx workbook."), code="bad_file", field="import_file"
        ) from None
    with archive:
        expanded = sum(member.file_size for member in archive.infolist())
        if expanded > settings.IMPORT_MAX_EXPANDED_BYTES:
            raise ImportTooLarge(
                _(
                    "The workbook expands to %(size)s; an import takes at most %(limit)s. Split it into smaller files."
                )
                % {
                    "size": filesizeformat(expanded),
                    "limit": filesizeformat(settings.IMPORT_MAX_EXPANDED_BYTES),
                },
                field="import_file",
            )
        sheets = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
        # The import reads the first sheet only.
        if sheets:
            return _refuse_rows(max(xlsx_rows(archive, sheets[0]) - 1, 0))
        return None


def check_csv(upload) -> int:
    rows = -1  # the header line
    for _line in upload:
        rows += 1
        if rows > settings.IMPORT_MAX_ROWS:
            break
    return _refuse_rows(max(rows, 0))


def check_import_file(upload, *, extension: str) -> int | None:
    """Refuse a file beyond the limits (ImportTooLarge), else its rows (None: not known before
    parsing); the file is left rewound for the parser."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        if extension == "xlsx":
            return check_xlsx(upload)
        if extension in ("csv", "tsv"):
            return check_csv(upload)
        return None
    finally:
        upload.seek(position)


class LimitedImportForm(ImportForm):
    """django-import-export's upload form, refusing a file beyond the limits before it is parsed."""

    row_count: int | None = None
    extension = ""

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        self.extension = upload_name(upload).rsplit(".", 1)[-1].lower()
        try:
            self.row_count = check_import_file(upload, extension=self.extension)
        except ImportTooLarge as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None
        return upload
