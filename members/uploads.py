"""Checking uploaded evidence files by their content, not by the name the browser sent."""

from __future__ import annotations

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cppcc_portal.core.errors import DomainError
from cppcc_portal.core.uploads import (
    ALLOWED_EXTENSIONS_TEXT,
    ALLOWED_TYPES,
    content_matches,
    upload_extension,
    upload_name,
    upload_size,
)


def check_upload(upload) -> None:
    """Refuse a file that is too large, of a type not allowed, or whose bytes do not match its name."""
    name = upload_name(upload)
    if upload_size(upload) > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("%(name)s is larger than %(limit)s.")
            % {"name": name, "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="file_too_large",
            field="files",
        )
    extension = upload_extension(upload)
    if extension not in ALLOWED_TYPES:
        raise DomainError(
            _("%(name)s: only %(types)s files are accepted.")
            % {"name": name, "types": ALLOWED_EXTENSIONS_TEXT},
            code="file_type_not_allowed",
            field="files",
        )
    if not content_matches(upload, extension):
        raise DomainError(
            _("%(name)s is not really a %(ext)s file.") % {"name": name, "ext": extension},
            code="file_content_mismatch",
            field="files",
        )
