"""The query parameters of the members pages and API, read by django-filter (see core/query.py)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.query import QueryParams, keep, year_filter
from members.models import DutyRecord, Member, Participation, Sector, SpecialCommittee


class RankingParams(QueryParams):
    """?year=&sector=&committee= of the score ranking (page and API)."""

    year = year_filter(method=keep)
    sector = django_filters.ModelChoiceFilter(queryset=Sector.objects.all(), method=keep, label=_("sector"))
    committee = django_filters.ModelChoiceFilter(
        queryset=lambda request: SpecialCommittee.objects.all(), method=keep, label=_("special committee")
    )

    class Meta:
        model = Member
        fields: list[str] = []


class DirectoryParams(QueryParams):
    """?q= of the members' directory: text without NUL characters, at most 100 characters."""

    q = django_filters.CharFilter(method=keep, max_length=100, label=_("search"))

    class Meta:
        model = Member
        fields: list[str] = []


class ParticipationFilter(django_filters.FilterSet):
    """?activity= on the participations API."""

    activity = django_filters.NumberFilter(field_name="activity_id", label="activity")

    class Meta:
        model = Participation
        fields: list[str] = []


class DutyRecordFilter(django_filters.FilterSet):
    """?year= on the duty records API."""

    year = year_filter(field_name="year")

    class Meta:
        model = DutyRecord
        fields: list[str] = []
