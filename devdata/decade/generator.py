"""The generator: one `Decade` whose steps (roster, activities, proposals, supervision, notifications)
build the data set, each with its own progress bar."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence

from django.utils import timezone

from cppcc_portal.core import committees
from devdata.decade.activities import ActivitySteps
from devdata.decade.proposals import ProposalSteps
from devdata.decade.roster import RosterSteps
from devdata.decade.supervision import SupervisionSteps
from devdata.decade.vocabulary import SIZES
from devdata.decade.writing import Progress, Writer, _aware, _get


class Decade(RosterSteps, ActivitySteps, ProposalSteps, SupervisionSteps):
    """Builds the data set step by step; each step prints its own progress bar."""

    def __init__(
        self,
        *,
        last_year: int,
        years: int,
        say,
        seed: int = 2017,
        scale: float = 1.0,
        only: Iterable[int] | None = None,
    ):
        self.last_year, self.first_year = last_year, last_year - years + 1
        # `only`: the years still to build; the others of the span were built by an earlier run.
        span = range(self.first_year, last_year + 1)
        self.years = sorted(only) if only is not None else list(span)
        self.say = say
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        # `scale` shrinks every volume (tests build the same shape at a thousandth of the size).
        self.sizes = {key: max(1, int(value * scale)) for key, value in SIZES.items()}
        self.sizes["members_per_term"] = max(self.sizes["members_per_term"], 12)
        self.sizes["participants"] = min(SIZES["participants"], self.sizes["members_per_term"])

    # -- reference data and roster --------------------------------------------------------------

    # -- notifications and the stored figures ---------------------------------------------------

    def notifications(self, users: Sequence) -> None:
        Notification = _get("core.Notification")
        if Notification is None or not users:
            return
        writer = Writer(
            Notification,
            ["id", "recipient_id", "kind", "dedupe_key", "title", "due_at", "inbox_at", "state", "sent_at"],
        )
        next_id = writer.next_id()
        per_year = self.sizes["activities"]
        recipients = [user.pk for user in users]
        # Deduplication keys are unique in the installation: each committee's reminders have their own.
        committee = committees.current().slug

        def rows():
            nonlocal next_id
            for year in self.years:
                for n in range(per_year):
                    due = _aware(dt.date(year, 1, 1) + dt.timedelta(days=n % 365), 8)
                    past = due.date() < self.today
                    yield (
                        next_id,
                        recipients[n % len(recipients)],
                        "bulk.reminder",
                        f"bulk:{committee}:{year}:{n}",
                        f"{year}年提醒{n + 1}",
                        due,
                        due,
                        "sent" if past else "pending",
                        due if past else None,
                    )
                    next_id += 1

        writer.write(rows(), Progress(self.say, "notifications", per_year * len(self.years)))

    def refresh_figures(self) -> None:
        from cppcc_portal.dashboard.figures import refresh_year_figures
        from workplan import generation

        progress = Progress(self.say, "dashboard figures", len(self.years))
        for year in self.years:
            refresh_year_figures(year)
            progress.add(1)
        # COPY sends no signal: the plan pages' cached link counts are recounted on next view.
        generation.forget()
