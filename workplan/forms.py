"""Forms of the work plan pages and admin actions."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workplan.choices import TaskStatus, UpdateKind


class ProgressUpdateForm(forms.Form):
    """A progress note (or milestone) on an item, optionally about one task, with one file."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind"), choices=UpdateKind.choices, initial=UpdateKind.UPDATE)
    task = forms.ChoiceField(label=_("Task"), required=False)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, max_length=5000)
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, JPEG, PNG, Word (docx) or Excel (xlsx)."),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        # The item's tasks are already loaded by the page's selector: no extra query.
        tasks = list(item.tasks.all())
        self.fields["task"].choices = [("", _("(the whole item)"))] + [(t.pk, t.title) for t in tasks]
        self._tasks = {str(t.pk): t for t in tasks}
        self.fields["date"].initial = timezone.localdate

    def clean_task(self):
        value = self.cleaned_data.get("task") or ""
        if not value:
            return None
        task = self._tasks.get(value)
        if task is None:
            raise forms.ValidationError(_("Choose one of this item's tasks."))
        return task

    def clean_note(self):
        note = self.cleaned_data["note"].strip()
        if not note:
            raise forms.ValidationError(_("Write what was done."))
        return note


class TaskStatusForm(forms.Form):
    """Admin action form: one status for all selected tasks."""

    status = forms.ChoiceField(label=_("New status"), choices=TaskStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class TaskDueDateForm(forms.Form):
    """Admin action form: shift the selected tasks' due dates, or set them all to one date."""

    days = forms.IntegerField(
        label=_("Shift by days"),
        required=False,
        min_value=-366,
        max_value=366,
        help_text=_("Negative moves earlier."),
    )
    due_date = forms.DateField(
        label=_("Or set the due date to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        days, due_date = data.get("days"), data.get("due_date")
        if (days is None) == (due_date is None):
            raise forms.ValidationError(_("Give either a number of days or a new due date, not both."))
        return data


class PlanImportForm(forms.Form):
    """The plan document the office uploads (or the text it pastes) on the admin's import page."""

    document = forms.FileField(
        label=_("Plan document"),
        required=False,
        help_text=_("Word (.docx), PDF with a text layer, or text (.txt, .md) in UTF-8 or GBK."),
    )
    text = forms.CharField(
        label=_("Or paste the text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=_("For example the plan as published on a web page."),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("document")) == bool((data.get("text") or "").strip()):
            raise forms.ValidationError(_("Upload a file or paste the text (one of the two)."))
        return data
