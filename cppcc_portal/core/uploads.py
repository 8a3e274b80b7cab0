"""The one content check for uploaded files: the bytes must be the type the file's name claims."""

from __future__ import annotations

import os
import zipfile

import filetype

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
