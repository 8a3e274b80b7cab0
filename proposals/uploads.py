"""Checking files attached to proposals and replies by their content, not by the name sent."""

from __future__ import annotations

import os
import zipfile

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cppcc_portal.core.errors import DomainError

# Extension → the MIME type `filetype` must find in the bytes.
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/zip",
    "xlsx": "application/zip",
}
# An Office Open XML file is a zip; the folder inside tells a document from a workbook.
OOXML_FOLDER = {"docx": "word/", "xlsx": "xl/"}


def _ooxml_holds(upload, folder: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return any(name.startswith(folder) for name in archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def check_upload(upload) -> str:
    """Refuse a file too large, of a type not allowed, or whose bytes do not match its name; return its type."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    if size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="file_too_large",
            field="files",
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = ALLOWED_TYPES.get(extension)
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    found = kind.mime if kind else ""
    if (
        expected is None
        or found != expected
        or (extension in OOXML_FOLDER and not _ooxml_holds(upload, OOXML_FOLDER[extension]))
    ):
        raise DomainError(
            _("%(name)s is not an allowed file (PDF, JPG, PNG, DOCX or XLSX whose content matches its name).")
            % {"name": name or "?"},
            code="file_type",
            field="files",
        )
    if extension == "docx":
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if extension == "xlsx":
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return expected
