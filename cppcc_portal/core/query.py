"""Query parameters are read by django-filter FilterSets, never by hand.

A FilterSet's form parses and checks each parameter (a number, a choice that exists, text without
NUL characters …). On the API a bad value is a 400 `{"code": "invalid", "detail": {param: [...]}}`
(DRF's DjangoFilterBackend for lists, `api_values()` for actions), documented in the schema; on a
page it is a form error shown on the page (`page_values()`), never a 500.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from rest_framework.exceptions import ValidationError

# Years a query may ask about: wide enough for any data, narrow enough to refuse nonsense.
YEAR_RANGE = {"min_value": 1949, "max_value": 2100}


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes decimals)."""

    field_class = forms.IntegerField


def year_filter(**kwargs) -> IntegerFilter:
    return IntegerFilter(label="year", **YEAR_RANGE, **kwargs)


def keep(queryset, name, value):
    """For parameters a selector takes itself: the FilterSet only parses and checks them."""
    return queryset


class _NoRows:
    """Stands for a queryset when a FilterSet only reads parameters (it is never filtered)."""

    model = None


class QueryParams(django_filters.FilterSet):
    """A FilterSet used to read parameters (its cleaned values), not only to filter a queryset."""

    @classmethod
    def api_values(cls, request) -> dict:
        """The checked parameters of an API request; a bad one is a 400 naming it."""
        filterset = cls(
            request.query_params, queryset=cls._meta.model.objects.none() if cls._meta.model else _NoRows()
        )
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.form.cleaned_data

    @classmethod
    def page_values(cls, request) -> tuple[dict, bool]:
        """The checked parameters of a page; bad ones are shown as form errors and left out."""
        filterset = cls(
            request.GET, queryset=cls._meta.model.objects.none() if cls._meta.model else _NoRows()
        )
        if filterset.is_valid():
            return filterset.form.cleaned_data, True
        for field, errors in filterset.errors.items():
            label = filterset.form.fields[field].label or field
            for error in errors:
                messages.error(request, f"{label}: {error}")
        cleaned = {
            name: value for name, value in filterset.form.cleaned_data.items() if name not in filterset.errors
        }
        return cleaned, False


class YearParams(QueryParams):
    """?year= alone (a page about one year)."""

    year = year_filter(method=keep)
