"""Serializer fields that take a JSON body at its word: a value of the wrong JSON type is refused.

DRF coerces on input: 0 becomes the title "0", "12" the id 12, "true" a yes. The schema
promises a string, an integer, a boolean, so a client that sends another type has a bug the API
should name (400), not hide. A form or multipart body (a QueryDict) carries only strings, so
there the usual coercion still applies. Every API serializer uses these fields:
`PortalModelSerializer` maps model fields to them and the apps' plain serializers import them.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField


def _from_json(field) -> bool:
    """Whether the value came from a JSON body (not a form, whose values are all strings)."""
    data = getattr(field.root, "initial_data", None)
    return data is not None and not isinstance(data, QueryDict)


# What the schema says of text, in a regex both JSON Schema (ECMA) and Python read alike. PostgreSQL
# stores no NUL; a required text must hold more than the whitespace DRF trims (Python's isspace,
# which also counts \x1c-\x1f and \x85, unlike ECMA's \s).
NO_NUL = RegexValidator(r"^[^\x00]*$", _("Null characters are not allowed."))
NOT_ONLY_SPACE = RegexValidator(
    r"^[^\x00]*[^\s\x1c-\x1f\x85\x00][^\x00]*$", _("This field may not be blank.")
)


class CharField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.read_only:
            # DRF's own NUL check stays; this one only puts the rule into the schema.
            self.validators.append(NO_NUL if self.allow_blank else NOT_ONLY_SPACE)

    def to_internal_value(self, data):
        if _from_json(self) and not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class IntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if _from_json(self) and (isinstance(data, bool) or not isinstance(data, int)):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if _from_json(self) and not isinstance(data, bool):
            self.fail("invalid", input=data)
        return super().to_internal_value(data)


class DecimalField(serializers.DecimalField):
    """A decimal travels as a string ("12.50"), both ways, as the schema says (no float rounding).

    The schema's pattern is exactly what parses: digits with an optional fraction (drf-spectacular's
    own would let "-" or "." through), no sign when the value cannot be negative, and a percentage
    (0 to 100) spelled out, since JSON Schema has no minimum for a string."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.read_only and self.max_digits is not None and self.decimal_places is not None:
            places = self.decimal_places
            fraction = rf"(?:\.[0-9]{{0,{places}}})?" if places else ""
            sign = "" if self.min_value is not None and self.min_value >= 0 else "-?"
            if self.min_value == 0 and self.max_value == 100:
                number = rf"(?:100(?:\.0{{0,{places}}})?|[0-9]{{1,2}}{fraction})"
            else:
                number = rf"[0-9]{{1,{self.max_digits - places}}}{fraction}"
            # drf-spectacular keeps its own pattern; PortalAutoSchema puts this one in its place.
            self.schema_pattern = rf"^{sign}{number}$"
            self.validators.append(RegexValidator(self.schema_pattern, _("Enter a number.")))

    def to_internal_value(self, data):
        if _from_json(self) and not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ManyRelatedListField(ManyRelatedField):
    """A list of related objects: in JSON it is a list (DRF would take an object's keys)."""

    def to_internal_value(self, data):
        if _from_json(self) and not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class PrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related row by its id. A committee-owned model's rows are read when a body is checked, in
    the committee in hand (core.committees): pass its manager (``queryset=Member.objects``), or
    ``rows=`` a callable for a narrower choice; a queryset built at import would need a committee.
    """

    def __init__(self, rows=None, **kwargs):
        self.rows = rows
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.rows() if self.rows is not None else super().get_queryset()

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return ManyRelatedListField(**list_kwargs)

    def to_internal_value(self, data):
        if _from_json(self) and (isinstance(data, bool) or not isinstance(data, int)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class SlugRelatedField(serializers.SlugRelatedField):
    """A related object named by a slug; '' is not a slug (DRF would read it as null)."""

    def run_validation(self, data=empty):
        if data is not empty and (
            data == "" or (_from_json(self) and data is not None and not isinstance(data, str))
        ):
            self.fail("invalid")
        if isinstance(data, str) and "\x00" in data:
            # PostgreSQL cannot even compare a NUL; no such object has one.
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().run_validation(data)


class ModelFieldsMixin:
    """Map model fields to the fields above (for ModelSerializer)."""

    serializer_related_field = PrimaryKeyRelatedField

    # Built once here, not on each of a serializer's fields on every request (as a property was).
    serializer_field_mapping = {
        model_field: {
            serializers.CharField: CharField,
            serializers.IntegerField: IntegerField,
            serializers.BooleanField: BooleanField,
            serializers.DecimalField: DecimalField,
        }.get(field, field)
        for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
    }
