"""Plain HTML forms of the member portal (they work on a phone without JavaScript)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cppcc_portal.core.uploads import ALLOWED_EXTENSIONS_TEXT
from members.choices import Attendance, DutyEventKind

LOGGABLE_KINDS = [
    (DutyEventKind.SELF_REPORTED, DutyEventKind.SELF_REPORTED.label),
    (DutyEventKind.MEETING, DutyEventKind.MEETING.label),
    (DutyEventKind.SUPERVISION, DutyEventKind.SUPERVISION.label),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DutyRecordForm(forms.Form):
    event_kind = forms.ChoiceField(label=_("kind"), choices=LOGGABLE_KINDS)
    occurred_on = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea, required=False)
    item = forms.ModelChoiceField(label=_("work-plan item"), queryset=None, required=False)
    files = MultipleFileField(
        label=_("evidence files"), required=False, help_text=_("Accepted: %s") % ALLOWED_EXTENSIONS_TEXT
    )

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        from workplan.models import Item

        self.fields["item"].queryset = items if items is not None else Item.objects.none()

    def clean_occurred_on(self):
        value = self.cleaned_data["occurred_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("reason for leave"), max_length=300)


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("check-in code"), max_length=16)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("reason for rejection"), max_length=300)


ATTENDANCE_MARKS = [
    (Attendance.PRESENT, Attendance.PRESENT.label),
    (Attendance.LEAVE, Attendance.LEAVE.label),
    (Attendance.ABSENT, Attendance.ABSENT.label),
]


class OutcomeForm(forms.Form):
    report = forms.CharField(label=_("outcome report"), widget=forms.Textarea)
    files = MultipleFileField(
        label=_("files"), required=False, help_text=_("Accepted: %s") % ALLOWED_EXTENSIONS_TEXT
    )
