"""Paginators for the attendance tables, which grow by about a hundred thousand rows a year.

An exact COUNT(*) over a million participations costs more than the page it numbers, so above a
threshold the count is PostgreSQL's planner estimate (EXPLAIN, no scan); small results stay exact.
A large estimate is kept in the ``count-estimate`` family of cached values (core.caching) for a
few minutes: it is an estimate anyway, and paging through a big list asks for the same one on every
page. No write moves that family on: the planner's figure changes when the table is analysed, not
with each write, so its time to live is its only rule.
"""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

from cppcc_portal.core.caching import CachedValues, digest
from cppcc_portal.core.pagination import PortalPagination

# Below this many (estimated) rows the exact count is cheap and is what people expect to see.
EXACT_COUNT_BELOW = 10_000
# How long a large estimate is reused; a list that has grown by a big import shows it after this.
ESTIMATE_TTL = 300
ESTIMATES = CachedValues("count-estimate", ttl=ESTIMATE_TTL)


def estimated_count(queryset) -> int | None:
    """The planner's row estimate for a queryset, or None when it cannot be had."""
    # What is counted, as QuerySet.count() reads it: no order and no select_related (its joins add
    # columns, never rows; without them the SQL that keys the cached estimate is quicker to build).
    query = queryset.select_related(None).order_by().query
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:  # an empty IN (): let the caller count (it knows it is 0)
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None

    def explain() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])

    # Small results are counted exactly by the caller each time; only large estimates are kept.
    return ESTIMATES.cached(
        digest(queryset.db, sql, params), explain, keep=lambda estimate: estimate >= EXACT_COUNT_BELOW
    )


class EstimatedCountPaginator(Paginator):
    """A paginator whose count is exact for small results and the planner's estimate for large ones."""

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if hasattr(object_list, "query"):
            estimate = estimated_count(object_list)
            if estimate is not None and estimate >= EXACT_COUNT_BELOW:
                return estimate
        return super().count


class LargeTablePagination(PortalPagination):
    """Page-number pagination for big tables: `count` is exact below 10,000 rows, estimated above."""

    django_paginator_class = EstimatedCountPaginator

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            "Exact below 10,000 rows; above that, the database's estimate (the pages still work)."
        )
        return response
