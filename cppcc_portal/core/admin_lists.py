"""Admin changelists of the big tables (a million attendance rows): the same page, less work per row.

Django renders a changelist's rows cell by cell: for every cell it looks the column up again,
asks the admin for the empty-value text, works out the cell's classes and escapes it through
`format_html`, and for every row it resolves the change page's URL and re-parses it to add the
preserved filters. On a page of fifty rows that is most of the page's time. Everything in that list
depends on the column or the page, not on the row, so here it is worked out once per page and each
cell is only its value. The HTML is the same, byte for byte (tests/core/test_admin_lists.py
compares the two); pages Django renders differently (list_editable forms, popups, `to_field`) are
left to Django.

Used only where a measured page needs it (the big tables: attendance, activities, duty records,
proposals, reports, audit events, notifications; see docs/architecture.md for the figures); a small
list is Django's own changelist. The surface the apps use is `LargeTableAdminMixin` (with
`list_columns` and `list_related_values`) and the `{% large_table_result_list %}` tag of its
template. Of Django it uses the admin's documented `get_changelist`/`ChangeList` and the helpers
the admin's own `result_list` tag is made of (`result_headers`, `result_hidden_fields`, `results`,
`lookup_field`, `display_for_field`, `display_for_value`, `add_preserved_filters`); no underscore
name: what Django keeps private (`_get_non_gfk_field`, `_coerce_field_name`) is restated here, and
the byte-for-byte tests fail if a Django upgrade renders a cell differently.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from typing import Any

from django.contrib.admin import filters as admin_filters
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    result_headers,
    result_hidden_fields,
    results,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    display_for_field,
    display_for_value,
    lookup_field,
    quote,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cppcc_portal.core.caching import digest
from cppcc_portal.core.url_templates import pk_url_template


def _column_name(field_name, index: int) -> str:
    """The column's name in its cell's class (`field-<name>`), as the admin names it."""
    if callable(field_name):
        return f"lambda{index}" if field_name.__name__ == "<lambda>" else field_name.__name__
    return field_name


def _model_field(opts, name):
    """The model field a list_display entry names, as the admin's cells see it, or None: generic
    foreign keys and reverse relations are not columns, and "<fk>_id" shows the raw id, not the object."""
    try:
        field = opts.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.is_relation and ((field.many_to_one and not field.related_model) or field.one_to_many):
        return None
    if field.is_relation and not field.many_to_many and getattr(field, "attname", None) == name:
        return None
    return field


class LargeTableChangeList(ChangeList):
    """Resolves the change page's URL once per page, and names what its filter sidebar shows."""

    def get_results(self, request) -> None:
        super().get_results(request)
        # Only the page's rows: actions and exports still get every column and related object.
        related_values = getattr(self.model_admin, "list_related_values", {})
        if related_values:
            self.result_list = self.result_list.select_related(None).annotate(**related_values)
        columns = getattr(self.model_admin, "list_columns", ())
        if columns:
            self.result_list = self.result_list.only(*columns)

    @cached_property
    def filters_cache_key(self) -> str | None:
        """A digest of everything the filter sidebar shows, for caching its rendered HTML.

        Eight filters with about a hundred choices take longer to render than the fifty rows. What
        they show depends only on the list's parameters and each filter's state (which choices it
        offers, in the current language, and which is selected), so a digest of those names the
        rendered sidebar: the same content is rendered once, and any change in it (a new sector,
        another filter applied, the next day for the date filter) is a different key. The page
        number is not part of it, so paging through a list reuses the sidebar. With counts shown
        (facets) it is not cached: they depend on the rows. A memo keyed by its content
        (``core.caching.digest``) has nothing to invalidate (docs/architecture.md, "Caching").
        """
        if self.add_facets:
            return None
        shown = [
            get_language(),
            sorted(self.params.items()),
            self.has_filters,
            self.is_facets_optional,
            self.add_facet_link,
            self.has_active_filters,
            self.clear_all_filters_qs,
        ]
        shown += [_filter_state(spec, self) for spec in self.filter_specs]
        return digest(*shown)

    @cached_property
    def _change_url(self) -> str:
        return pk_url_template(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            current_app=self.model_admin.admin_site.name,
        )

    def url_for_result(self, result) -> str:
        return self._change_url.format(quote(getattr(result, self.pk_attname)))


# Django's own field filters: what they show follows from their attributes and the list's
# parameters. Any other filter is described by the choices it renders (slower, always right).
_KNOWN_FILTERS = (
    admin_filters.AllValuesFieldListFilter,
    admin_filters.BooleanFieldListFilter,
    admin_filters.ChoicesFieldListFilter,
    admin_filters.DateFieldListFilter,
    admin_filters.EmptyFieldListFilter,
    admin_filters.RelatedFieldListFilter,
    admin_filters.RelatedOnlyFieldListFilter,
)


def _filter_state(spec, cl) -> tuple:
    if type(spec) in _KNOWN_FILTERS:
        # The request is only read for counts (facets), which are never cached.
        state = sorted((name, _plain(value)) for name, value in vars(spec).items() if name != "request")
    else:
        state = [sorted((key, str(value)) for key, value in choice.items()) for choice in spec.choices(cl)]
    return (type(spec).__qualname__, spec.template, state)


def _plain(value):
    """A value as text that says what it shows, the same in every process (no object addresses)."""
    if isinstance(value, models.Field):
        return (
            value.model._meta.label,
            value.name,
            value.null,
            [(str(v), str(label)) for v, label in value.flatchoices],
        )
    if isinstance(value, dict):
        return sorted((str(key), _plain(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


class LargeTableAdminMixin:
    """A ModelAdmin whose changelist renders its rows with the per-page work done once.

    The changelist template (templates/admin/large_table_change_list.html) swaps Django's
    `result_list` tag for `large_table_result_list`; django-import-export's templates extend it
    like any other changelist template. Each row's action checkbox is built directly rather than
    through the form widget templates, with the same markup, so the admin's actions script works
    unchanged.
    """

    change_list_template = "admin/large_table_change_list.html"
    # The columns the list's rows show (related ones as "fk__field"): only these are read for the
    # page of rows. Empty: every column, as Django does.
    list_columns: tuple[str, ...] = ()
    # Values from related tables the rows show, as columns of the rows' own query (name: expression,
    # e.g. {"activity_title": F("activity__title")}): no related object is built for a row.
    list_related_values: dict[str, Any] = {}

    def get_changelist(self, request, **kwargs):
        return LargeTableChangeList

    def object_label(self, obj) -> str:
        """What the row's checkbox names it by: str(obj), as Django does."""
        return str(obj)

    def action_checkbox(self, obj):
        label = _("Select this object for an action - {}").format(self.object_label(obj))
        return SafeString(
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" value="{_escape(str(obj.pk))}" '
            f'class="action-select" aria-label="{_escape(label)}">'
        )


def large_table_result_list(cl) -> dict[str, Any]:
    """The context of Django's `result_list` tag, with the rows from `large_table_results`."""
    headers = list(result_headers(cl))
    rows = large_table_results(cl)
    # Rows without forms are handed to the template as one piece of HTML, not looped over there.
    plain = not any(row.form for row in rows)
    return {
        "cl": cl,
        "result_hidden_fields": list(result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": rows,
        "rows_html": SafeString("\n".join(f"<tr>{''.join(row)}</tr>" for row in rows)) if plain else None,
    }


def large_table_results(cl) -> list[ResultList]:
    """The changelist's rows as Django renders them, each row one piece of HTML."""
    if cl.formset or cl.is_popup or cl.to_field:
        return list(results(cl))
    columns = _columns(cl)
    return [
        ResultList(None, [SafeString("".join(column(result) for column in columns))])
        for result in cl.result_list
    ]


Cell = Callable[[models.Model], str]


def _columns(cl) -> list[Cell]:
    """One renderer per column, each holding what Django works out again for every cell."""
    columns = []
    first = True
    links = _RowLinks(cl)
    for index, field_name in enumerate(cl.list_display):
        if cl.list_display_links is None:
            is_link = False
        elif first and not cl.list_display_links:
            is_link = True
        else:
            is_link = field_name in cl.list_display_links
        columns.append(_column(cl, index, field_name, is_link, "th" if is_link and first else "td", links))
        if is_link:
            first = False
    return columns


def _column(cl, index: int, field_name, is_link: bool, tag: str, links: _RowLinks) -> Cell:
    model_admin = cl.model_admin
    default_empty = model_admin.get_empty_value_display()
    value_of, model_field = _value_getter(cl, field_name)
    field_class = f"field-{_column_name(field_name, index)}"
    memo: dict | None = None
    if model_field is not None and not is_link and not model_field.is_relation and model_field.flatchoices:
        memo = {}

    def cell(result) -> str:
        if memo is not None:
            # A choice field shows the same for the same value: render each value once per page.
            value = getattr(result, field_name)
            known = memo.get(value)
            if known is None:
                known = memo[value] = render(result)
            return known
        return render(result)

    def render(result) -> str:
        empty = default_empty
        classes = field_class
        try:
            field, attr, value = value_of(result)
        except ObjectDoesNotExist:
            shown = empty
        else:
            empty = getattr(attr, "empty_value_display", empty)
            if isinstance(value, str) and value.strip() == "":
                value = ""
            if field is None or field.auto_created:
                if field_name == "action_checkbox":
                    classes = "action-checkbox"
                boolean = getattr(attr, "boolean", False)
                if isinstance(attr, property) and hasattr(attr, "fget"):
                    boolean = getattr(attr.fget, "boolean", False)
                shown = display_for_value(value, empty, boolean)
                if isinstance(value, datetime.date | datetime.time):
                    classes += " nowrap"
            else:
                if isinstance(field.remote_field, models.ManyToOneRel):
                    related = getattr(result, field.name)
                    shown = empty if related is None else related
                else:
                    shown = display_for_field(value, field, empty, avoid_link=is_link)
                if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
                    classes += " nowrap"
        if is_link:
            url = links.url(result)
            if url is not None:
                shown = SafeString(f'<a href="{_escape(url)}">{_escape(shown)}</a>')
        return f'<{tag} class="{classes}">{_escape(shown)}</{tag}>'

    return cell


def _value_getter(cl, field_name) -> tuple[Callable[[models.Model], tuple], models.Field | None]:
    """How to get (field, attr, value) of a cell, as django.contrib.admin.utils.lookup_field
    finds them, and the column's model field if it is one."""
    model_admin = cl.model_admin
    field = _model_field(cl.model._meta, field_name) if isinstance(field_name, str) else None
    if field is not None:
        return (lambda result: (field, None, getattr(result, field_name))), field
    if callable(field_name):
        return (lambda result: (None, field_name, field_name(result))), None
    if hasattr(model_admin, field_name) and field_name != "__str__":
        method = getattr(model_admin, field_name)
        return (lambda result: (None, method, method(result))), None
    # A model attribute, property or related path: rare, and left to Django's own lookup.
    return (lambda result: lookup_field(field_name, result, model_admin)), None


def _escape(value) -> str:
    """django.utils.html.conditional_escape, without its detours for the common case of text."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


class _RowLinks:
    """Each row's link to its change page, with the page's filters kept, as Django builds it."""

    def __init__(self, cl) -> None:
        self.cl = cl
        self.suffix: str | None = None
        self.context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}

    def url(self, result) -> str | None:
        try:
            url = self.cl.url_for_result(result)
        except NoReverseMatch:
            return None
        if self.suffix is None:
            # What the preserved filters add does not depend on the row: work it out once, on a
            # URL without a query or fragment (a change page's), else every time.
            kept = add_preserved_filters(self.context, url)
            if "?" in url or "#" in url or not kept.startswith(url):
                return kept
            self.suffix = kept[len(url) :]
        return url + self.suffix
