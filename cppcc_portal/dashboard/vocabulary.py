"""Display labels of the apps' coded fields, read from the model fields' own choices."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist


def labels(model: str, field: str) -> dict[str, str]:
    """Code → translated label for a choice field, in the choices' own order ({} if unknown)."""
    try:
        choices = apps.get_model(model)._meta.get_field(field).choices or []
    except (LookupError, FieldDoesNotExist):
        return {}
    return {str(code): str(label) for code, label in choices}
