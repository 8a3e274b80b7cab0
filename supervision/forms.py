"""Forms of the unit workspace: the answer, rectification items and their progress."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.choices import RecommendationState, ReviewVerdict


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Written answer"), widget=forms.Textarea, max_length=20000)


class ItemForm(forms.Form):
    description = forms.CharField(label=_("What will be rectified"), max_length=300)
    owner = forms.CharField(label=_("Responsible person"), max_length=64)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea, max_length=5000)


class StepForm(forms.Form):
    """A department's own steps: start rectifying, or ask for the follow-up review."""

    to = forms.ChoiceField(
        choices=[
            (RecommendationState.RECTIFYING, _("Start rectification")),
            (RecommendationState.UNDER_REVIEW, _("Rectification finished: ask for the follow-up review")),
        ]
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea, max_length=5000)


class ReviewForm(forms.Form):
    """The office's follow-up review (回头看): a verdict, and findings (required to return it)."""

    verdict = forms.ChoiceField(label=_("Verdict"), choices=ReviewVerdict.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea, max_length=5000)
