"""Paginators for the attendance tables, which grow by about a hundred thousand rows a year.

An exact COUNT(*) over a million participations costs more than the page it numbers, so above a
threshold the count is PostgreSQL's planner estimate (EXPLAIN, no scan); small results stay exact.
"""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

# Below this many (estimated) rows the exact count is cheap and is what people expect to see.
EXACT_COUNT_BELOW = 10_000


def estimated_count(queryset) -> int | None:
    """The planner's row estimate for a queryset, or None when it cannot be had."""
    query = queryset.order_by().query
    try:
        sql, params = query.sql_with_params()
    except EmptyResultSet:  # an empty IN (): let the caller count (it knows it is 0)
        return None
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


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


class LargeTablePagination(PageNumberPagination):
    """Page-number pagination for big tables: `count` is exact below 10,000 rows, estimated above."""

    django_paginator_class = EstimatedCountPaginator

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            "Exact below 10,000 rows; above that, the database's estimate (the pages still work)."
        )
        return response
