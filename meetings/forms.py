"""Plain HTML forms of the meeting pages (they work without JavaScript)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.choices import AgendaKind, Body, HalfDay
from meetings.models import AgendaItem, MeetingSession
from members.models import SpecialCommittee


class _TextErrors:
    def errors_text(self) -> str:
        return "; ".join(
            f"{self.fields[name].label if name in self.fields else ''}: {' '.join(errs)}"
            for name, errs in self.errors.items()
        )


class SessionForm(_TextErrors, forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    half_day = forms.ChoiceField(label=_("half-day"), choices=HalfDay.choices)
    place = forms.CharField(label=_("place"), max_length=200)


class AgendaItemForm(_TextErrors, forms.Form):
    session = forms.ModelChoiceField(label=_("session"), queryset=MeetingSession.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=AgendaKind.choices)
    title = forms.CharField(label=_("title"), max_length=300)
    presenter = forms.CharField(label=_("presented by"), max_length=200, required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = MeetingSession.objects.filter(meeting=meeting)


class MotionForm(_TextErrors, forms.Form):
    agenda_item = forms.ModelChoiceField(label=_("agenda item"), queryset=AgendaItem.objects.none())
    title = forms.CharField(label=_("title"), max_length=300)
    text = forms.CharField(label=_("text"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    secret = forms.BooleanField(label=_("secret ballot"), required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(
            session__meeting=meeting
        ).select_related("session")


class MinutesForm(forms.Form):
    text = forms.CharField(label=_("minutes"), required=False, widget=forms.Textarea(attrs={"rows": 12}))


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("reason for leave"), max_length=300)


class SpeechForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    text = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 12}))


class AttendanceReportForm(forms.Form):
    body = forms.ChoiceField(label=_("body"), choices=Body.choices, initial=Body.STANDING_COMMITTEE)
    year = forms.IntegerField(label=_("year"), min_value=1990, max_value=2100)
    committee = forms.ModelChoiceField(
        label=_("special committee"), queryset=SpecialCommittee.objects.all(), required=False
    )

    def __init__(self, data=None, **kwargs):
        if data is not None and "year" not in data:
            data = data.copy()
            data["year"] = timezone.localdate().year
        super().__init__(data, **kwargs)
