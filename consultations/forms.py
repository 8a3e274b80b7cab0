"""Forms of the consultation pages: proposing a topic, the office's steps, posts, unit feedback."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consultations.choices import Adoption, ConsultationForm, InstructionLevel, OutcomeKind, ProposerKind
from cppcc_portal.core.scoped_forms import (
    ScopedModelMultipleChoiceField,
)
from members.models import HandlingUnit


def _date(label):
    # An <input type=date> takes only ISO dates, whatever the interface language.
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ProposeForm(forms.Form):
    """A topic proposed in the collection window (a member for themselves or their sector, a unit for itself)."""

    title = forms.CharField(label=_("Proposed topic"), max_length=200)
    reason = forms.CharField(
        label=pgettext_lazy("consultations", "Reason"), widget=forms.Textarea, max_length=5000
    )
    proposer_kind = forms.ChoiceField(
        label=_("Proposed by"),
        choices=[
            (k, ProposerKind(k).label) for k in (ProposerKind.MEMBER, ProposerKind.SECTOR, ProposerKind.UNIT)
        ],
    )


class ScreenForm(forms.Form):
    """The office screens a proposed topic: take it into the list, merge it, or decline it."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Take into the list")),
            ("merge", _("Merge into a topic")),
            ("decline", _("Do not take up")),
        ],
    )
    form = forms.ChoiceField(label=_("Form"), choices=ConsultationForm.choices, required=False)
    lead_body = forms.CharField(label=_("Lead body"), max_length=100, required=False)
    topic = forms.IntegerField(label=_("Topic to merge into"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class HeldForm(forms.Form):
    held_on = _date(_("Held on"))
    minutes = forms.CharField(
        label=pgettext_lazy("consultations", "Minutes"),
        widget=forms.Textarea,
        required=False,
        max_length=20000,
    )


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutcomeKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Text"), widget=forms.Textarea, required=False, max_length=50000)
    recommendations = forms.CharField(
        label=_("Recommendations (one a line)"), widget=forms.Textarea, required=False, max_length=20000
    )


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea, max_length=5000)


class SubmitForm(forms.Form):
    document_number = forms.CharField(label=_("Document number"), max_length=64)
    submitted_to = forms.CharField(label=_("Submitted to"), max_length=200, initial="区委、区政府")
    submitted_on = _date(_("Submitted on"))


class InstructionForm(forms.Form):
    leader_name = forms.CharField(label=_("Leader"), max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=InstructionLevel.choices)
    text = forms.CharField(label=_("Instruction"), widget=forms.Textarea, max_length=5000)
    given_on = _date(_("Given on"))


class AdoptionForm(forms.Form):
    adoption = forms.ChoiceField(
        label=_("Adoption"),
        choices=[(a, Adoption(a).label) for a in Adoption.values if a != Adoption.PENDING],
    )
    reason = forms.CharField(label=pgettext_lazy("consultations", "Reason"), required=False, max_length=2000)


class FeedbackRequestForm(forms.Form):
    units = ScopedModelMultipleChoiceField(
        label=_("Departments"),
        rows=lambda: HandlingUnit.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    due_on = _date(_("Feedback due on"))

    def __init__(self, *args, topic=None, **kwargs):
        super().__init__(*args, **kwargs)
        if topic is not None:
            # Offer the topic's departments; the service still refuses any other id posted.
            self.fields["units"].queryset = HandlingUnit.objects.filter(is_active=True)
            self.fields["units"].choices = [(u.pk, u.name) for u in topic.units.all()]


class FollowUpForm(forms.Form):
    findings = forms.CharField(
        label=pgettext_lazy("consultations", "Findings"), widget=forms.Textarea, max_length=20000
    )
    reviewed_on = _date(_("Reviewed on"))


class DiscussionForm(forms.Form):
    prompt = forms.CharField(label=_("Question put to members"), widget=forms.Textarea, max_length=5000)
    closes_on = _date(_("Closes on"))


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=pgettext_lazy("consultations", "Summary"), widget=forms.Textarea, max_length=20000
    )


class PostForm(forms.Form):
    text = forms.CharField(label=_("Your view"), widget=forms.Textarea, max_length=5000)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Why it is hidden"), max_length=300)


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Report"), widget=forms.Textarea, max_length=100000)


class FeedbackAnswerForm(forms.Form):
    text = forms.CharField(label=_("Implementation feedback"), widget=forms.Textarea, max_length=20000)


class MeetingLinkForm(forms.Form):
    meeting = forms.IntegerField(label=_("Consultation meeting"))
