"""Plain HTML forms of the meeting pages (they work without JavaScript)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cppcc_portal.core.scoped_forms import (
    ScopedModelChoiceField,
    scoped_formfield,
)
from meetings.choices import AgendaKind, Body, HalfDay
from meetings.models import AgendaItem, Meeting, MeetingSession
from members.models import SpecialCommittee
from workplan.models import Item


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


class MeetingForm(forms.ModelForm):
    """The office's "new meeting" page: what the meeting is, who holds it, the plan items it serves."""

    # The body is chosen here; members of a body of named members are named in the administration.
    body = forms.ChoiceField(
        label=_("body holding it"),
        choices=[(value, label) for value, label in Body.choices if value != Body.NAMED],
    )
    items = forms.ModelMultipleChoiceField(
        label=_("work-plan items served"),
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        formfield_callback = scoped_formfield
        model = Meeting
        fields = [
            "title",
            "kind",
            "body",
            "committee",
            "number",
            "description",
            "registration_deadline",
            "speech_deadline",
            "items",
        ]
        widgets = {
            "registration_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "speech_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The plans of the last two years: a meeting serves this year's plan, or last year's late on.
        years = list(Item.objects.order_by("-plan__year").values_list("plan__year", flat=True).distinct()[:2])
        self.fields["items"].queryset = (
            Item.objects.filter(plan__year__in=years).select_related("plan").order_by("-plan__year", "number")
        )
        self.fields["items"].label_from_instance = lambda item: f"{item.plan.year} · {item}"

    def clean(self):
        data = super().clean()
        if data.get("body") == Body.SPECIAL_COMMITTEE and not data.get("committee"):
            self.add_error("committee", _("Name the special committee that holds the meeting."))
        if data.get("body") != Body.SPECIAL_COMMITTEE and data.get("committee"):
            self.add_error("committee", _("Only a special committee's meeting names a special committee."))
        return data


class NewSessionForm(SessionForm):
    """One row of the sessions of a new meeting; a row left empty adds nothing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["half_day"].choices = [("", "---------"), *HalfDay.choices]


class BaseNewSessionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            key = (form.cleaned_data.get("date"), form.cleaned_data.get("half_day"))
            if key in seen:
                raise forms.ValidationError(_("Two sessions are in the same half-day."), code="duplicate")
            seen.add(key)

    def sessions(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.has_changed() and form.cleaned_data]


NewSessionFormSet = forms.formset_factory(
    NewSessionForm, formset=BaseNewSessionFormSet, extra=4, max_num=20, validate_max=True
)


class AgendaItemForm(_TextErrors, forms.Form):
    session = forms.ModelChoiceField(
        label=pgettext_lazy("meetings", "session"), queryset=MeetingSession.objects.none()
    )
    kind = forms.ChoiceField(label=_("kind"), choices=AgendaKind.choices)
    title = forms.CharField(label=_("title"), max_length=300)
    presenter = forms.CharField(label=_("presented by"), max_length=200, required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # What is posted is checked against the meeting's sessions; the console, which shows the
        # form unbound, lists them itself (no queryset built for nothing).
        if self.is_bound:
            self.fields["session"].queryset = MeetingSession.objects.filter(meeting=meeting)


class MotionForm(_TextErrors, forms.Form):
    agenda_item = forms.ModelChoiceField(label=_("agenda item"), queryset=AgendaItem.objects.none())
    title = forms.CharField(label=_("title"), max_length=300)
    text = forms.CharField(label=_("text"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    secret = forms.BooleanField(label=_("secret ballot"), required=False)

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:  # as AgendaItemForm
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
    committee = ScopedModelChoiceField(SpecialCommittee, label=_("special committee"), required=False)

    def __init__(self, data=None, **kwargs):
        if data is not None and "year" not in data:
            data = data.copy()
            data["year"] = timezone.localdate().year
        super().__init__(data, **kwargs)
