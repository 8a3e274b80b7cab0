"""Admin filters on the small reference tables (sectors, special committees, street groups).

The attendance list offers a filter on each, and Django reads each table again on every view of
the list to show its choices. They change a few times a year, so the choices are kept in the cache
under the plan cache's generation (workplan.generation), which every save or delete of these
tables moves on (members.apps watches them).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import get_language

from workplan import generation


class ReferenceListFilter(admin.RelatedFieldListFilter):
    """Django's related-field filter, its choices read from the cache."""

    def field_choices(self, field, request, model_admin) -> list[tuple]:
        ordering = self.field_admin_ordering(field, request, model_admin)
        related = field.remote_field.model._meta.label
        key = f"admin-filter-choices:{related}:{field.name}:{','.join(map(str, ordering))}:{get_language()}"
        return generation.cached(key, lambda: list(field.get_choices(include_blank=False, ordering=ordering)))
