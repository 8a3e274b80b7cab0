"""Forms of the member portal and the unit workspace: parse input, the services decide."""

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cppcc_portal.core.scoped_forms import (
    scoped_formfield,
)
from members.models import Member
from proposals.choices import AdoptionLevel, ReplyCategory, Satisfaction
from proposals.models import OpinionReport, Proposal, ProposalCategory


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ProposalForm(forms.ModelForm):
    files = MultipleFileField(label=_("attachments"), help_text=_("PDF, JPG, PNG, DOCX or XLSX."))

    class Meta:
        formfield_callback = scoped_formfield
        model = Proposal
        fields = ["title", "category", "reason", "suggestions"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 8}),
            "suggestions": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ProposalCategory.objects.filter(is_active=True)


class InviteForm(forms.Form):
    member_numbers = forms.CharField(
        label=_("member numbers of the co-signers"),
        help_text=_("Separate several numbers with spaces or commas."),
    )

    def clean_member_numbers(self):
        numbers = [
            n for n in self.cleaned_data["member_numbers"].replace("，", ",").replace(",", " ").split() if n
        ]
        members = list(Member.objects.filter(member_number__in=numbers))
        missing = set(numbers) - {m.member_number for m in members}
        if missing:
            raise forms.ValidationError(
                _("Unknown member numbers: %(numbers)s") % {"numbers": ", ".join(sorted(missing))}
            )
        return members


class NoteForm(forms.Form):
    note = forms.CharField(label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("rating"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    # A blank first choice: the unit must decide the category (A类 …), nothing is preselected.
    category = forms.ChoiceField(label=_("category"), choices=BLANK_CHOICE_DASH + ReplyCategory.choices)
    document_number = forms.CharField(label=_("document number"), max_length=64)
    contact_person = forms.CharField(label=_("contact person"), max_length=64)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=32)
    body = forms.CharField(label=_("reply text"), widget=forms.Textarea(attrs={"rows": 10}))
    files = MultipleFileField(label=_("files"), help_text=_("PDF, JPG, PNG, DOCX or XLSX."))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("reason for returning"), widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(forms.ModelForm):
    class Meta:
        model = OpinionReport
        fields = ["title", "situation", "analysis", "suggestion"]
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 6}),
            "analysis": forms.Textarea(attrs={"rows": 5}),
            "suggestion": forms.Textarea(attrs={"rows": 5}),
        }


class AdoptForm(forms.Form):
    level = forms.ChoiceField(label=_("adoption level"), choices=AdoptionLevel.choices)
    note = forms.CharField(label=_("note"), required=False)


class InstructionForm(forms.Form):
    leader_name = forms.CharField(label=pgettext_lazy("proposals", "leader"), max_length=64)
    level = forms.ChoiceField(label=_("level"), choices=AdoptionLevel.choices)
    text = forms.CharField(label=_("instruction"), widget=forms.Textarea(attrs={"rows": 3}))
    instructed_on = forms.DateField(label=_("instructed on"), required=False)
