"""The query parameters of the work-plan API, read by django-filter (see cppcc_portal/core/query.py)."""

from __future__ import annotations

import django_filters

from cppcc_portal.core.query import year_filter
from workplan.models import Item, ProgressUpdate, Section, Task


class SectionFilter(django_filters.FilterSet):
    year = year_filter(field_name="plan__year")

    class Meta:
        model = Section
        fields: list[str] = []


class ItemFilter(django_filters.FilterSet):
    year = year_filter(field_name="plan__year")

    class Meta:
        model = Item
        fields: list[str] = []


class YesNoWidget(django_filters.widgets.BooleanWidget):
    """1/0, true/false and yes/no, as the API has always taken them."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str) and value.lower() in ("yes", "no"):
            return value.lower() == "yes"
        return super().value_from_datadict(data, files, name)


class TaskFilter(django_filters.FilterSet):
    year = year_filter(field_name="item__plan__year")
    overdue = django_filters.BooleanFilter(method="only_overdue", label="overdue", widget=YesNoWidget())

    class Meta:
        model = Task
        fields: list[str] = []

    def only_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset


class ProgressUpdateFilter(django_filters.FilterSet):
    year = year_filter(field_name="item__plan__year")

    class Meta:
        model = ProgressUpdate
        fields: list[str] = []
