"""The pages over the big tables keep their query count at two data sizes (built by the ten-year
generator at a small scale): admin changelists, the plan page, the API list, the member portal home
and the unit workspace."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devdata import decade as bulk
from members.models import Member
from tests.conftest import login

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/admin/members/participation/",
    "/admin/members/activity/",
    "/admin/proposals/proposal/",
    "/admin/proposals/opinionreport/",
    "/admin/supervision/recommendation/",
    "/plan/2017/",
    "/api/v1/members/participations/",
]


def counts(client, user, pages) -> dict[str, int]:
    login(client, user)
    found = {}
    for path in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        found[path] = len(queries)
    return found


def all_counts(client, staff_user, member_user, unit_user) -> dict[str, int]:
    return {
        **counts(client, staff_user, STAFF_PAGES),
        **{f"member {k}": v for k, v in counts(client, member_user, ["/portal/"]).items()},
        **{f"unit {k}": v for k, v in counts(client, unit_user, ["/units/"]).items()},
    }


def test_big_pages_do_not_grow_in_queries_with_four_times_the_data(
    client, staff_user, member_user, unit, unit_user, monkeypatch
):
    bulk.build(last_year=2017, years=1, say=lambda message: None, scale=0.002)
    # The persona member becomes a generated member of the 2017 term (the unit persona, 区民政局,
    # is one of the generator's units), so their pages list generated rows.
    Member.objects.get(user=member_user).delete()
    generated = (
        Member.objects.filter(member_number__startswith="D", status="in_office").order_by("id").first()
    )
    generated.user = member_user
    generated.save(update_fields=["user"])
    small = all_counts(client, staff_user, member_user, unit_user)
    # Three earlier years on top, from the same generator (its members numbered apart).
    monkeypatch.setattr(bulk, "BULK_PREFIX", "E")
    bulk.build(last_year=2016, years=3, say=lambda message: None, scale=0.006)
    large = all_counts(client, staff_user, member_user, unit_user)
    for page, count in small.items():
        assert large[page] <= count, (page, count, large[page])
