"""Form fields choosing committee-owned rows, for forms declared when their module is imported.

A committee-owned model's queries need the committee in hand (core.committees, django-scopes), and
no committee is in hand while modules are imported. These fields hold no rows until a form is
made: every new form reads its choices through the model's scoped manager then, so a form made
inside a request offers only that committee's rows (and one made outside any committee fails).

A module-level form chooses such rows with ``ScopedModelChoiceField(Model)`` (or
``rows=lambda: Model.objects.filter(...)`` for a narrower choice); a ``ModelForm`` gets them for
its generated fields with ``formfield_callback = scoped_formfield`` in its ``Meta``.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.db import models


def is_committee_owned(model) -> bool:
    """Whether the model's default manager is scoped to the committee in hand."""
    return hasattr(model._default_manager, "with_scopes_disabled")


class _ScopedChoices:
    def __init__(self, queryset=None, *, rows: Callable[[], models.QuerySet] | None = None, **kwargs):
        model = queryset if isinstance(queryset, type) else getattr(queryset, "model", None)
        if rows is None:
            if model is None:
                raise TypeError("A scoped choice needs its model or a rows callable.")
            rows = model._default_manager.all
        self.rows = rows
        # Empty until a form is made: `.none()` is one of the few calls allowed outside a scope.
        super().__init__(queryset=model._default_manager.none() if model is not None else None, **kwargs)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.queryset = self.rows()
        return result


class ScopedModelChoiceField(_ScopedChoices, forms.ModelChoiceField):
    """One committee-owned row, chosen among the committee in hand's when the form is made."""


class ScopedModelMultipleChoiceField(_ScopedChoices, forms.ModelMultipleChoiceField):
    """Committee-owned rows, chosen among the committee in hand's when the form is made."""


def scoped_formfield(db_field, **kwargs):
    """A ModelForm's ``formfield_callback``: choices of committee-owned rows are read per form."""
    remote = getattr(db_field.remote_field, "model", None)
    if remote is not None and db_field.is_relation and is_committee_owned(remote):
        form_class = ScopedModelMultipleChoiceField if db_field.many_to_many else ScopedModelChoiceField
        kwargs.setdefault("form_class", form_class)
    return db_field.formfield(**kwargs)
