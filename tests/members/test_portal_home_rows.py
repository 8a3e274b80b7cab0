"""The member's portal home (issue 21): each row's links and buttons lead to its own activity, and
the page costs the same queries and no reverse() however many rows it lists."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cppcc_portal.core import url_templates
from members import selectors
from tests.factories import ActivityFactory
from tests.members.factories import ParticipationFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def _rows(member, n: int) -> None:
    """n upcoming invitations and n open trainings."""
    for _ in range(n):
        ParticipationFactory(member=member, activity=ActivityFactory())
        TrainingFactory()


def _home(client) -> str:
    page = client.get(reverse("members:portal_home"))
    assert page.status_code == 200
    return page.content.decode()


def test_each_row_of_the_portal_home_acts_on_its_own_activity(client, member):
    now = timezone.now()
    started = ActivityFactory(
        starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=1), check_in_code="4711"
    )
    ParticipationFactory(member=member, activity=started)
    coming = ActivityFactory(
        starts_at=now + dt.timedelta(days=2), ends_at=now + dt.timedelta(days=2, hours=2)
    )
    ParticipationFactory(member=member, activity=coming)
    training = TrainingFactory()
    client.force_login(member.user)
    html = _home(client)
    for name in ("activity_detail", "activity_check_in"):
        assert f'"{reverse(f"members:{name}", args=[started.pk])}"' in html
    # An activity under way takes no more answers (members.workflows): no buttons the service refuses.
    for name in ("activity_accept", "activity_leave"):
        assert f'"{reverse(f"members:{name}", args=[started.pk])}"' not in html
    for name in ("activity_detail", "activity_accept", "activity_leave"):
        assert f'"{reverse(f"members:{name}", args=[coming.pk])}"' in html
    for name in ("activity_detail", "activity_enrol"):
        assert f'"{reverse(f"members:{name}", args=[training.pk])}"' in html


@pytest.mark.parametrize("n", [2, 6])
def test_the_portal_home_costs_the_same_queries_and_no_reverse_per_row(
    client, member, django_assert_num_queries, monkeypatch, n
):
    _rows(member, n)
    client.force_login(member.user)
    _home(client)  # the session and the user row go to the cache, the row URLs are resolved
    calls = []
    real_reverse = url_templates.reverse

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real_reverse(*args, **kwargs)

    monkeypatch.setattr(url_templates, "reverse", counted)
    # Rendered again (the kept page moved on, as a write would): their upcoming places, the open
    # trainings, the year's records (the member row, the bodies they lead, the year's scoring rules
    # and minimums and the unread count come from the cache).
    selectors.READER_PAGES.forget()
    with django_assert_num_queries(3):
        html = _home(client)
    assert calls == []
    assert html.count('class="mem-entry"') == 2 * n
    # Seen again, the page is the one kept: no query at all.
    with django_assert_num_queries(0):
        assert _home(client).count('class="mem-entry"') == 2 * n
