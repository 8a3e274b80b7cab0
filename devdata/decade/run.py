"""The generator's entry points: `build` (years not built yet), `seed_decade` (the seed_demo step) and
the checks of what is already there."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from django.db import connection, transaction

from cppcc_portal.core import caching, committees
from devdata.decade.generator import Decade
from devdata.decade.vocabulary import BULK_PREFIX
from devdata.decade.writing import _get


def already_built() -> bool:
    return _get("members.Member").objects.filter(member_number__startswith=BULK_PREFIX).exists()


def built_years(years: Iterable[int]) -> set[int]:
    """The years that already hold generated activities (titled "2016年meeting活动1" …, never by hand)."""
    Activity = _get("members.Activity")
    return {
        year
        for year in years
        if Activity.objects.filter(
            starts_at__year=year, title__regex=rf"^{year}年[a-z_]+活动[0-9]+$"
        ).exists()
    }


def seed_decade(context) -> None:
    """seed_demo step for `--years N` (N > 1): the bulk data set, unless it is already there."""
    years = getattr(context, "years", 1)
    # Committee number one's single year is the demo seeders'; another committee's is built here.
    if years <= 1 and committees.current_id() == committees.default_id():
        return
    options = getattr(context, "options", {}) or {}
    build(
        last_year=context.year,
        years=years,
        say=context.say,
        users=list(context.users.values()),
        scale=options.get("scale") or 1.0,
    )


def build(*, last_year: int, years: int, say, users: Sequence = (), scale: float = 1.0) -> bool:
    """Build the years of `last_year - years + 1 … last_year` not built yet; False if none was missing."""
    first_year = last_year - years + 1
    done = built_years(range(first_year, last_year + 1))
    missing = [year for year in range(first_year, last_year + 1) if year not in done]
    if not missing:
        say(f"ten-year data set: already built for {first_year}–{last_year}")
        return False
    started = time.monotonic()
    say(f"building {len(missing)} years of data ({', '.join(map(str, missing))}) …")
    decade = Decade(last_year=last_year, years=years, say=say, scale=scale, only=missing)
    with transaction.atomic():
        decade.reference()
        decade.roster()
        decade.plans()
        decade.activities()
        decade.duty_records()
        if _get("proposals.Proposal") is not None:
            decade.proposals()
            decade.reports()
        if _get("supervision.Recommendation") is not None:
            decade.supervision()
        decade.notifications(users)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    decade.refresh_figures()
    # Every table above was written by COPY and bulk inserts, which send no signal: every family of
    # cached values (core.caching) moves on, so no page keeps what it showed before the build.
    caching.forget_all()
    say(f"built in {time.monotonic() - started:.0f}s")
    return True
