"""The notification preference form: which kinds also come by e-mail."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.notifications.kinds import all_kinds


class EmailKindsForm(forms.Form):
    email_kinds = forms.MultipleChoiceField(
        label=_("Also send these by e-mail"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_kinds"].choices = [(kind.code, kind.label) for kind in all_kinds()]
