"""Excel export of filtered proposal and report lists (django-import-export), Chinese headers."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from import_export import fields

from cppcc_portal.core.spreadsheets import SpreadsheetSafeResource
from proposals.models import OpinionReport, Proposal


class ProposalResource(SpreadsheetSafeResource):
    """One row per proposal: number, title, proposer, category, state, units and reply category."""

    number = fields.Field(attribute="number", column_name=pgettext_lazy("proposals", "number"))
    year = fields.Field(attribute="year", column_name=pgettext_lazy("proposals", "year"))
    title = fields.Field(attribute="title", column_name=pgettext_lazy("proposals", "title"))
    proposer = fields.Field(attribute="proposer_label", column_name=pgettext_lazy("proposals", "proposer"))
    category = fields.Field(attribute="category__name", column_name=pgettext_lazy("proposals", "category"))
    state = fields.Field(column_name=pgettext_lazy("proposals", "state"))
    lead_unit = fields.Field(column_name=pgettext_lazy("proposals", "lead unit"))
    reply_due_on = fields.Field(column_name=pgettext_lazy("proposals", "reply due on"))
    first_replied_on = fields.Field(
        attribute="first_replied_on", column_name=pgettext_lazy("proposals", "first replied on")
    )
    is_key = fields.Field(column_name=pgettext_lazy("proposals", "key proposal"))

    class Meta:
        model = Proposal
        fields = export_order = (
            "number",
            "year",
            "title",
            "proposer",
            "category",
            "state",
            "lead_unit",
            "reply_due_on",
            "first_replied_on",
            "is_key",
        )

    def _lead(self, obj):
        return next((a for a in obj.assignments.all() if a.is_current and a.role == "lead"), None)

    def dehydrate_state(self, obj):
        return str(obj.get_state_display())

    def dehydrate_lead_unit(self, obj):
        lead = self._lead(obj)
        return lead.unit.name if lead else ""

    def dehydrate_reply_due_on(self, obj):
        lead = self._lead(obj)
        return lead.reply_due_on if lead else ""

    def dehydrate_is_key(self, obj):
        return str(_("yes")) if obj.is_key else ""


class OpinionReportResource(SpreadsheetSafeResource):
    """One row per report: title, author, state, adoption level, bulletin."""

    title = fields.Field(attribute="title", column_name=pgettext_lazy("proposals", "title"))
    author = fields.Field(column_name=pgettext_lazy("proposals", "author"))
    submitted_at = fields.Field(column_name=pgettext_lazy("proposals", "submitted at"))
    state = fields.Field(column_name=pgettext_lazy("proposals", "state"))
    adoption_level = fields.Field(column_name=pgettext_lazy("proposals", "adoption level"))
    bulletin = fields.Field(column_name=pgettext_lazy("proposals", "bulletin issue"))

    class Meta:
        model = OpinionReport
        fields = export_order = ("title", "author", "submitted_at", "state", "adoption_level", "bulletin")

    def dehydrate_author(self, obj):
        return str(obj.author_member or obj.party or obj.sector or obj.submitted_by or "")

    def dehydrate_submitted_at(self, obj):
        return obj.submitted_at.strftime("%Y-%m-%d")

    def dehydrate_state(self, obj):
        return str(obj.get_state_display())

    def dehydrate_adoption_level(self, obj):
        return str(obj.get_adoption_level_display())

    def dehydrate_bulletin(self, obj):
        return str(obj.bulletin) if obj.bulletin_id else ""
