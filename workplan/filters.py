"""The query parameters of the work-plan API, read by django-filter (see cppcc_portal/core/query.py)."""

from __future__ import annotations

import django_filters
from django import forms

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
    """1/0, true/false and yes/no, as the API has always taken them; anything else is passed on
    as written, for YesNoField to refuse (django-filter would read it as "not given")."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str) and value.lower() in ("yes", "no"):
            return value.lower() == "yes"
        parsed = super().value_from_datadict(data, files, name)
        return value if parsed is None and value not in (None, "") else parsed


class YesNoField(forms.NullBooleanField):
    """A yes/no parameter: absent or empty is no filter; a value that is neither is a 400."""

    widget = YesNoWidget

    def to_python(self, value):
        if isinstance(value, bool) or value is None or value == "":
            return value if isinstance(value, bool) else None
        raise forms.ValidationError(
            forms.ChoiceField.default_error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


class YesNoFilter(django_filters.BooleanFilter):
    field_class = YesNoField


class TaskFilter(django_filters.FilterSet):
    year = year_filter(field_name="item__plan__year")
    overdue = YesNoFilter(method="only_overdue", label="overdue")

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
