"""Query parameters are read by django-filter FilterSets, never by hand.

A FilterSet's form parses and checks each parameter (a number, a choice that exists, text without
NUL characters …). On the API a bad value is a 400 `{"code": "invalid", "detail": {param: [...]}}`
(DRF's DjangoFilterBackend for lists, `api_values()` for actions), documented in the schema with
its range; a well-formed id of a row that does not exist is a 404 (`not_found`), as in a path; on a
page it is a form error shown on the page (`page_values()`), never a 500.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ErrorDetail, ValidationError

# Years a query may ask about: wide enough for any data, narrow enough to refuse nonsense.
YEAR_RANGE = {"min_value": 1949, "max_value": 2100}


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (django-filter's NumberFilter takes decimals)."""

    field_class = forms.IntegerField


@extend_schema_field(
    {"type": "integer", "minimum": YEAR_RANGE["min_value"], "maximum": YEAR_RANGE["max_value"]}
)
class YearFilter(IntegerFilter):
    """A year within YEAR_RANGE; the schema says the range, so a year outside it is known bad input."""


def year_filter(**kwargs) -> YearFilter:
    return YearFilter(label="year", **YEAR_RANGE, **kwargs)


# What the schema says of an object's id in a query: a positive PostgreSQL integer.
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


def _names_a_missing_object(field, value) -> bool:
    """Whether a refused value is a well-formed id of no row (not a malformed one)."""
    return (
        isinstance(field, forms.ModelChoiceField)
        and isinstance(value, str)
        and value.isascii()
        and value.isdigit()
    )


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
            form = filterset.form
            missing = {
                name: [ErrorDetail(str(message), code="does_not_exist") for message in messages_]
                for name, messages_ in form.errors.items()
                if name in form.fields and _names_a_missing_object(form.fields[name], form.data.get(name))
            }
            # An id of no row is like an id in the path: 404 (core/api.py); anything else is a 400.
            raise ValidationError(missing if len(missing) == len(form.errors) else filterset.errors)
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
