"""Counting the attendance tables: exact when small, the planner's estimate when large, kept a while."""

import pytest
from django.core.cache import cache
from django.db import connection
from redis.exceptions import RedisError

from cppcc_portal.core import caching
from members import pagination
from members.models import Participation
from members.pagination import EstimatedCountPaginator
from tests.factories import ActivityFactory, MemberFactory
from tests.members.factories import ParticipationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_kept_estimates():
    """Estimates are kept in Redis, which outlives the rolled-back rows of an earlier test or run."""
    cache.clear()


@pytest.fixture
def thirty_rows():
    activity = ActivityFactory()
    for member in MemberFactory.create_batch(30):
        ParticipationFactory(activity=activity, member=member)
    with connection.cursor() as cursor:  # the planner's statistics, as autovacuum keeps them
        cursor.execute("ANALYZE members_participation, members_activity")
    return Participation.objects.order_by("id")


def test_a_small_result_is_counted_exactly(thirty_rows):
    assert EstimatedCountPaginator(thirty_rows.filter(attendance="unrecorded"), 10).count == 30
    assert EstimatedCountPaginator(thirty_rows, 10).count == 30


def test_a_large_result_shows_the_estimate_and_asks_for_it_once(
    thirty_rows, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(pagination, "EXACT_COUNT_BELOW", 10)
    big = thirty_rows.filter(leave_reason="")

    with django_assert_num_queries(1):  # the EXPLAIN, no COUNT(*)
        first = EstimatedCountPaginator(big, 10).count
    with django_assert_num_queries(0):  # the same list again: the kept estimate
        again = EstimatedCountPaginator(big, 10).count

    assert first >= 10 and again == first
    assert EstimatedCountPaginator(big, 10).num_pages == -(-first // 10)


def test_a_cache_that_is_down_costs_an_explain_not_the_page(thirty_rows, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_COUNT_BELOW", 10)

    def down(*args, **kwargs):
        raise RedisError("connection refused")

    for method in ("get_many", "get_or_set", "set"):
        monkeypatch.setattr(caching.cache, method, down)

    assert EstimatedCountPaginator(thirty_rows.filter(enrolment="none"), 10).count >= 10


def test_with_redis_unreachable_each_page_asks_for_the_estimate_again(
    thirty_rows, monkeypatch, settings, django_assert_num_queries
):
    monkeypatch.setattr(pagination, "EXACT_COUNT_BELOW", 10)
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    big = thirty_rows.filter(leave_reason="")

    for _ in range(2):
        with django_assert_num_queries(1):  # a miss each time: the EXPLAIN, never an error
            assert EstimatedCountPaginator(big, 10).count >= 10
