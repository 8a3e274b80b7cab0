"""Checking uploaded evidence files by their content, not by the name the browser sent."""

from __future__ import annotations

import os
import zipfile

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cppcc_portal.core.errors import DomainError

# Extension → the MIME type `filetype` must detect in the bytes.
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/zip",
    "xlsx": "application/zip",
}
# An Office Open XML file is a zip; what makes it a document or a workbook is the folder inside.
OOXML_FOLDER = {"docx": "word/", "xlsx": "xl/"}
ALLOWED_EXTENSIONS_TEXT = "pdf, jpg, png, docx, xlsx"


def _ooxml_holds(upload, folder: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return any(name.startswith(folder) for name in archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def check_upload(upload) -> None:
    """Refuse a file that is too large, of a type not allowed, or whose bytes do not match its name."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    upload.seek(0)
    if size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="file_too_large",
            field="files",
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = ALLOWED_TYPES.get(extension)
    if expected is None:
        raise DomainError(
            _("%(name)s: only %(types)s files are accepted.")
            % {"name": name, "types": ALLOWED_EXTENSIONS_TEXT},
            code="file_type_not_allowed",
            field="files",
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    detected = kind.mime if kind else None
    # filetype reports some Office files as their own MIME type and others as a bare zip.
    if extension in OOXML_FOLDER and detected and detected != "application/zip":
        detected = "application/zip" if "openxmlformats" in detected else detected
    if detected != expected or (
        extension in OOXML_FOLDER and not _ooxml_holds(upload, OOXML_FOLDER[extension])
    ):
        raise DomainError(
            _("%(name)s is not really a %(ext)s file.") % {"name": name, "ext": extension},
            code="file_content_mismatch",
            field="files",
        )
