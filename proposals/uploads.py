"""Checking files attached to proposals and replies by their content, not by the name sent."""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.uploads import (
    content_matches,
    content_type_for,
    upload_extension,
    upload_name,
    upload_size,
)


def check_upload(upload) -> str:
    """Refuse a file too large, of a type not allowed, or whose bytes do not match its name; return its type."""
    name = upload_name(upload)
    if upload_size(upload) > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="file_too_large",
            field="files",
        )
    extension = upload_extension(upload)
    if not content_matches(upload, extension):
        raise DomainError(
            _("%(name)s is not an allowed file (PDF, JPG, PNG, DOCX or XLSX whose content matches its name).")
            % {"name": name or "?"},
            code="file_type",
            field="files",
        )
    return content_type_for(extension)
