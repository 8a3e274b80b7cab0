"""The query parameters of the supervision pages and API, read by django-filter (see cppcc_portal/core/query.py)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema_field

from cppcc_portal.core.query import IntegerFilter, QueryParams, keep, year_filter
from supervision.choices import RecommendationState
from supervision.models import Recommendation, SupervisionTopic


class TopicFilter(django_filters.FilterSet):
    """?year= on the topics API."""

    year = year_filter(field_name="year")

    class Meta:
        model = SupervisionTopic
        fields: list[str] = []


@extend_schema_field({"type": "string", "enum": ["", *RecommendationState.values]})
class StateFilter(django_filters.ChoiceFilter):
    """One of the workflow's states; empty (`?state=`) means any state, as django-filter reads it."""


class RecommendationFilter(django_filters.FilterSet):
    """?state= on the recommendations API (one of the workflow's states, or empty for all)."""

    state = StateFilter(choices=RecommendationState.choices)

    class Meta:
        model = Recommendation
        fields: list[str] = []


class TopicPageParams(QueryParams):
    """?year= and ?item= of the topics page."""

    year = year_filter(method=keep)
    item = IntegerFilter(method=keep, min_value=1, label="item")

    class Meta:
        model = SupervisionTopic
        fields: list[str] = []
