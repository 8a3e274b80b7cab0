"""The pages that list the big tables keep their query count at two data sizes (built by the
ten-year generator at a small scale): admin changelists, the plan page, the API list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cppcc_portal.dashboard import bulk
from tests.conftest import login

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/members/participation/",
    "/admin/members/activity/",
    "/admin/proposals/proposal/",
    "/admin/proposals/opinionreport/",
    "/admin/supervision/recommendation/",
    "/plan/2017/",
    "/api/v1/members/participations/",
]


def counts(client) -> dict[str, int]:
    found = {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        found[path] = len(queries)
    return found


def test_big_lists_do_not_grow_in_queries_with_four_times_the_data(client, staff_user, monkeypatch):
    login(client, staff_user)
    bulk.build(last_year=2017, years=1, say=lambda message: None, scale=0.002)
    small = counts(client)
    # Three earlier years on top, from the same generator (its members numbered apart).
    monkeypatch.setattr(bulk, "BULK_PREFIX", "E")
    bulk.build(last_year=2016, years=3, say=lambda message: None, scale=0.006)
    large = counts(client)
    for path in PAGES:
        assert large[path] <= small[path], (path, small[path], large[path])
