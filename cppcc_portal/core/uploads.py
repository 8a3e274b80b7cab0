"""The one content check for uploaded files: the bytes must be the type the file's name claims."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cppcc_portal.core.errors import DomainError

# Extension → the MIME type `filetype` must detect in the bytes (an Office Open XML file is a zip).
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/zip",
    "xlsx": "application/zip",
}
ALLOWED_EXTENSIONS_TEXT = "pdf, jpg, png, docx, xlsx"
# What makes a zip a document or a workbook is the folder inside it.
OOXML_FOLDER = {"docx": "word/", "xlsx": "xl/"}
OOXML_CONTENT_TYPE = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def upload_name(upload) -> str:
    return os.path.basename(getattr(upload, "name", "") or "")


def upload_extension(upload) -> str:
    name = upload_name(upload)
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def upload_size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    upload.seek(0)
    return size


def _ooxml_holds(upload, folder: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return any(name.startswith(folder) for name in archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def content_matches(upload, extension: str) -> bool:
    """True when the file's bytes are of an allowed type and the type its extension names."""
    expected = ALLOWED_TYPES.get(extension)
    if expected is None:
        return False
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    detected = kind.mime if kind else None
    # filetype names real Office files by their own type and others as a bare zip.
    if detected and "openxmlformats" in detected:
        detected = "application/zip"
    if detected != expected:
        return False
    return extension not in OOXML_FOLDER or _ooxml_holds(upload, OOXML_FOLDER[extension])


def content_type_for(extension: str) -> str:
    return OOXML_CONTENT_TYPE.get(extension) or ALLOWED_TYPES[extension]


@dataclass(frozen=True)
class CheckedUpload:
    """What `check_upload` found: the file's name, its extension and the content type to store."""

    name: str
    extension: str
    content_type: str


def check_upload(upload, *, field: str = "files") -> CheckedUpload:
    """The portal's one upload check (evidence, proposal files, plan attachments, meeting papers …).

    Refuses, with the same codes everywhere, a file larger than UPLOAD_MAX_BYTES (`file_too_large`),
    of a type not allowed (`file_type_not_allowed`) or whose bytes are not what its name claims
    (`file_content_mismatch`); `field` names the form field in the error."""
    name = upload_name(upload)
    if upload_size(upload) > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="file_too_large",
            field=field,
        )
    extension = upload_extension(upload)
    if extension not in ALLOWED_TYPES:
        raise DomainError(
            _("%(name)s: only %(types)s files are accepted.")
            % {"name": name, "types": ALLOWED_EXTENSIONS_TEXT},
            code="file_type_not_allowed",
            field=field,
        )
    if not content_matches(upload, extension):
        raise DomainError(
            _("%(name)s is not really a %(ext)s file.") % {"name": name, "ext": extension},
            code="file_content_mismatch",
            field=field,
        )
    return CheckedUpload(name, extension, content_type_for(extension))
