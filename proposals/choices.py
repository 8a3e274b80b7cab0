"""States, kinds and categories of proposals and social-conditions reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("draft")
    COSIGNING = "cosigning", _("submitted, co-signing open")
    AWAITING_REVIEW = "awaiting_review", _("awaiting review")
    ACCEPTED = "accepted", _("accepted, awaiting assignment")
    REJECTED = "rejected", _("rejected")
    CONVERTED = "converted", _("converted")
    MERGED = "merged", _("merged")
    WITHDRAWN = "withdrawn", _("withdrawn")
    ASSIGNED = "assigned", _("assigned")
    RETURNED = "returned", _("returned by the unit")
    HANDLING = "handling", _("being handled")
    REPLY_DRAFTED = "reply_drafted", _("reply drafted")
    COUNTERSIGNING = "countersigning", _("awaiting countersignatures")
    UNDER_REVIEW = "under_review", _("under office review")
    AWAITING_EVALUATION = "awaiting_evaluation", _("replied, awaiting evaluation")
    CLOSED = "closed", _("closed")


# States in which a unit holds the proposal and the reply deadline runs.
HANDLING_STATES = (
    ProposalState.ASSIGNED,
    ProposalState.HANDLING,
    ProposalState.REPLY_DRAFTED,
    ProposalState.COUNTERSIGNING,
    ProposalState.UNDER_REVIEW,
)
# States that mean "accepted" (立案) for counting, whatever happened after.
ACCEPTED_STATES = (
    ProposalState.ACCEPTED,
    ProposalState.RETURNED,
    *HANDLING_STATES,
    ProposalState.AWAITING_EVALUATION,
    ProposalState.CLOSED,
)
# A member may edit the text only while it is theirs alone.
EDITABLE_STATES = (ProposalState.DRAFT,)


class ProposerKind(models.TextChoices):
    MEMBER = "member", _("member")
    PARTY = "party", _("party group")
    SECTOR = "sector", _("sector")
    COMMITTEE = "committee", _("special committee")


class CosignState(models.TextChoices):
    INVITED = "invited", _("invited")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    EXPIRED = "expired", _("expired")


class ConversionKind(models.TextChoices):
    OPINION = "opinion", _("converted to an opinion")
    REPORT = "report", _("converted to a social-conditions report")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("lead unit")
    ASSISTING = "assisting", _("assisting unit")


class ReplyCategory(models.TextChoices):
    A = "A", _("A: solved or basically solved")
    B = "B", _("B: being solved or planned")
    C = "C", _("C: to be solved when conditions allow")
    D = "D", _("D: kept for reference")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


class ExcellentState(models.TextChoices):
    NONE = "", _("not nominated")
    NOMINATED = "nominated", _("nominated")
    SHORTLISTED = "shortlisted", _("shortlisted")
    SELECTED = "selected", _("selected")


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    EDITING = "editing", _("being edited")
    ADOPTED = "adopted", _("adopted")
    FILED = "filed", _("filed")
    PUBLISHED = "published", _("published in a bulletin")


class ReportAuthorKind(models.TextChoices):
    MEMBER = "member", _("member")
    PARTY = "party", _("party group")
    SECTOR = "sector", _("sector")
    INFO_OFFICER = "info_officer", _("information officer")


class AdoptionLevel(models.TextChoices):
    DISTRICT = "district", _("district")
    CITY = "city", _("city")
    PROVINCE = "province", _("province")
    NATIONAL = "national", _("national")


class BulletinState(models.TextChoices):
    DRAFT = "draft", _("being edited")
    PUBLISHED = "published", _("published")
