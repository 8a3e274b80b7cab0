"""The stored year figures never drift from the live aggregates, whatever is written."""

import datetime as dt
import random

import pytest
import time_machine

from cppcc_portal.dashboard.figures import live_figures, year_figures
from cppcc_portal.dashboard.models import YearFigures
from members.models import Activity, Participation
from proposals.models import OpinionReport, Proposal
from tests.dashboard.fixtures import YEAR, at, small_district
from tests.factories import ActivityFactory, MemberFactory

pytestmark = pytest.mark.django_db


def random_write(rng: random.Random, district: dict) -> None:
    """One write of the kind the office makes: add, change or remove counted rows."""
    choice = rng.randrange(6)
    if choice == 0:
        start = at(rng.randint(1, 12), rng.randint(1, 28))
        ActivityFactory(
            kind=rng.choice(["meeting", "training", "forum"]),
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            status="held",
        )
    elif choice == 1:
        activity = Activity.objects.order_by("?").first()
        member = MemberFactory(sector=district["sector"])
        Participation.objects.create(
            activity=activity, member=member, attendance=rng.choice(["present", "absent", "leave"])
        )
    elif choice == 2:
        participation = Participation.objects.order_by("?").first()
        if participation:
            participation.attendance = rng.choice(["present", "absent", "leave"])
            participation.save()
    elif choice == 3:
        proposal = Proposal.objects.exclude(state="rejected").order_by("?").first()
        proposal.state = rng.choice(["closed", "handling", "assigned"])
        proposal.save()
    elif choice == 4:
        report = OpinionReport.objects.order_by("?").first()
        report.adoption_level = rng.choice(["district", "city", "province", ""])
        report.save()
    else:
        victim = Activity.objects.filter(participations__isnull=True).order_by("?").first()
        if victim:
            victim.delete()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_stored_figures_equal_live_aggregates_after_random_writes(
    settings, django_capture_on_commit_callbacks, seed
):
    # A long age limit: only the stale marking on write can keep the stored row right.
    settings.DASHBOARD_FIGURES_MAX_AGE = 10**6
    rng = random.Random(seed)
    with time_machine.travel("2017-06-30 10:00 +0800", tick=False):
        district = small_district()
        year_figures(YEAR)
        for _ in range(12):
            with django_capture_on_commit_callbacks(execute=True):
                random_write(rng, district)
            stored, _ = year_figures(YEAR)
            assert stored == live_figures(YEAR)


def test_a_write_marks_the_stored_figures_stale(django_capture_on_commit_callbacks):
    with time_machine.travel("2017-06-30 10:00 +0800", tick=False):
        small_district()
        year_figures(YEAR)
        assert YearFigures.objects.get(year=YEAR).stale is False
        with django_capture_on_commit_callbacks(execute=True):
            ActivityFactory(kind="meeting", starts_at=at(7, 1), ends_at=at(7, 1) + dt.timedelta(hours=1))
        assert YearFigures.objects.get(year=YEAR).stale is True


def test_figures_older_than_the_age_limit_are_recomputed(settings):
    settings.DASHBOARD_FIGURES_MAX_AGE = 600
    with time_machine.travel("2017-06-30 10:00 +0800", tick=False):
        small_district()
        year_figures(YEAR)
        # A bulk write sends no signal: the row is not stale, but it is only trusted for 10 minutes.
        Activity.objects.filter(kind="training").update(kind="forum")
        stored, _ = year_figures(YEAR)
        assert stored["activities"]["by_kind"].get("training") == 1
    with time_machine.travel("2017-06-30 10:11 +0800", tick=False):
        stored, _ = year_figures(YEAR)
        assert "training" not in stored["activities"]["by_kind"]
        assert stored == live_figures(YEAR)


def test_during_a_burst_of_writes_the_figures_are_recomputed_at_most_once_per_pause(
    settings, django_capture_on_commit_callbacks
):
    settings.DASHBOARD_FIGURES_MIN_AGE = 10
    with time_machine.travel("2017-06-30 10:00:00 +0800", tick=False) as clock:
        small_district()
        first, computed_at = year_figures(YEAR)
        with django_capture_on_commit_callbacks(execute=True):
            ActivityFactory(kind="meeting", starts_at=at(7, 1), ends_at=at(7, 1) + dt.timedelta(hours=1))
        # Five seconds after a write the page still shows the figures of 10:00, saying so.
        clock.shift(dt.timedelta(seconds=5))
        assert year_figures(YEAR) == (first, computed_at)
        # Ten seconds on, the next reader recomputes, and the new activity is counted.
        clock.shift(dt.timedelta(seconds=5))
        stored, recomputed_at = year_figures(YEAR)
        assert recomputed_at > computed_at
        assert stored == live_figures(YEAR) != first
