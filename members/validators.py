"""Validators of roster fields shared by forms, the admin and the Excel import."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
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


def committee_earliest_day() -> dt.date:
    """The first day anything of this committee can have happened: the start of its earliest term."""
    from members.models import Term

    first = Term.objects.aggregate(first=Min("starts_on"))["first"]
    return first or dt.date(settings.PORTAL_EARLIEST_YEAR, 1, 1)


# The bounds of dates and years come from the data (the terms on record) and the calendar, not from
# the request: the API answers 409 (the server's state refuses a well-formed value), as the schema
# says of every write, not 400.


def validate_plausible_date(day: dt.date | None, *, field: str, allow_future: bool = False) -> None:
    """Refuse a date before the committee's first term (0001-01-01 …) or, unless allowed, in the future."""
    if day is None:
        return
    earliest = committee_earliest_day()
    if day < earliest:
        raise DomainError(
            _("The date %(date)s is before the committee's first term (which began on %(earliest)s).")
            % {"date": day.isoformat(), "earliest": earliest.isoformat()},
            code="date_out_of_range",
            field=field,
            conflict=True,
        )
    if not allow_future and day > timezone.localdate():
        raise DomainError(
            _("The date cannot be in the future."), code="date_out_of_range", field=field, conflict=True
        )


def validate_plausible_year(year: int | None, *, field: str = "year") -> None:
    """Refuse a year before the committee's first term or after next year (a proposal for 1990 …)."""
    if year is None:
        return
    earliest, latest = committee_earliest_day().year, timezone.localdate().year + 1
    if not earliest <= year <= latest:
        raise DomainError(
            _("The year must be between %(earliest)s and %(latest)s, not %(year)s.")
            % {"earliest": earliest, "latest": latest, "year": year},
            code="year_out_of_range",
            field=field,
            conflict=True,
        )
