"""Validators of roster fields shared by forms, the admin and the Excel import."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from cppcc_portal.core.errors import DomainError

# A mainland mobile (1[3-9]x, 11 digits) or a landline with an optional area code and extension.
MOBILE_RE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^(?:0\d{2,3}[- ]?)?[2-9]\d{6,7}(?:[- ]\d{1,6})?$")


def is_phone(value: str) -> bool:
    value = (value or "").strip().replace(" ", "") if value else ""
    compact = value.replace("-", "")
    return bool(MOBILE_RE.match(compact) or LANDLINE_RE.match(value))


def validate_phone(value: str) -> None:
    """Refuse a phone number that is neither a Chinese mobile nor a landline."""
    if value and not is_phone(value):
        raise DomainError(
            _("“%(value)s” is not a Chinese mobile or landline number.") % {"value": value},
            code="invalid_phone",
            field="phone",
        )
