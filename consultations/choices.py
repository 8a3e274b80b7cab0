"""Vocabularies of political consultation: topic sources and forms, workflow states, adoption."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.choices import ActivityKind

# Field work a research group does before a consultation (DOMAIN.md: inspections, surveys, symposia).
RESEARCH_ACTIVITY_KINDS = (
    ActivityKind.INSPECTION,
    ActivityKind.RESEARCH,
    ActivityKind.FORUM,
    ActivityKind.MEETING,
    ActivityKind.HEARING,
)


class TopicSource(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("the party committee")
    GOVERNMENT = "government", _("the government and its departments")
    MEMBERS = "members", _("members")
    SECTORS = "sectors", _("sectors")
    SPECIAL_COMMITTEES = "special_committees", _("special committees")
    PUBLIC = "public", _("the public")


class ConsultationForm(models.TextChoices):
    PLENARY = "plenary", _("plenary consultation")
    STANDING_COMMITTEE = "standing_committee", _("standing-committee topic consultation")
    COUNTERPART = "counterpart", _("special-committee counterpart consultation")
    SECTOR = "sector", _("sector consultation")
    PROPOSAL_HANDLING = "proposal_handling", _("proposal-handling consultation")
    ONLINE = "online", _("online deliberation")
    COMMUNITY = "community", _("community consultation")


class TopicState(models.TextChoices):
    DRAFT = "draft", _("draft")
    ADOPTED = "adopted", _("adopted in the year's plan")
    HELD = "held", _("consultation held")
    CONCLUDED = "concluded", _("concluded")
    WITHDRAWN = "withdrawn", _("withdrawn")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("draft")
    ADOPTED = "adopted", _("adopted by the standing committee")


class ProposerKind(models.TextChoices):
    """Who proposed a topic in the collection window."""

    MEMBER = "member", _("a member")
    SECTOR = "sector", _("a sector")
    UNIT = "unit", _("a government department")
    COMMITTEE = "committee", _("a special committee")
    PUBLIC = "public", _("the public")


# The topic source a proposal's origin becomes when the topic is taken into the list.
SOURCE_FOR_PROPOSER = {
    ProposerKind.MEMBER: TopicSource.MEMBERS,
    ProposerKind.SECTOR: TopicSource.SECTORS,
    ProposerKind.UNIT: TopicSource.GOVERNMENT,
    ProposerKind.COMMITTEE: TopicSource.SPECIAL_COMMITTEES,
    ProposerKind.PUBLIC: TopicSource.PUBLIC,
}


class ProposalState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("taken into the list")
    MERGED = "merged", _("merged into another topic")
    DECLINED = "declined", _("not taken up")


class TaskState(models.TextChoices):
    OPEN = "open", pgettext_lazy("consultation task state", "open")
    DONE = "done", _("done")


class OutcomeKind(models.TextChoices):
    REPORT = "report", _("consultation report")
    RECOMMENDATION = "recommendation", _("recommendation paper (建议案)")
    SPECIAL_REPORT = "special_report", _("special report (专报)")


class OutcomeState(models.TextChoices):
    DRAFT = "draft", _("draft")
    REVIEWED = "reviewed", _("reviewed")
    SUBMITTED = "submitted", _("submitted")


class InstructionLevel(models.TextChoices):
    DISTRICT_PARTY = "district_party", _("district party committee")
    DISTRICT_GOVERNMENT = "district_government", _("district government")
    CITY = "city", _("city")
    OTHER = "other", _("other")


class Adoption(models.TextChoices):
    PENDING = "pending", _("awaiting decision")
    ADOPTED = "adopted", _("adopted")
    PARTLY = "partly", _("partly adopted")
    NOT_ADOPTED = "not_adopted", _("not adopted")


# Adoption decisions that ask the departments for implementation feedback.
ADOPTED_DECISIONS = (Adoption.ADOPTED, Adoption.PARTLY)


class FeedbackState(models.TextChoices):
    REQUESTED = "requested", _("requested")
    ANSWERED = "answered", pgettext_lazy("feedback state", "answered")
