"""States, kinds and categories of proposals and social-conditions reports."""

from django.db import models
from django.utils.translation import pgettext_lazy


class ProposalState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("proposals", "draft")
    COSIGNING = "cosigning", pgettext_lazy("proposals", "submitted, co-signing open")
    AWAITING_REVIEW = "awaiting_review", pgettext_lazy("proposals", "awaiting review")
    ACCEPTED = "accepted", pgettext_lazy("proposals", "accepted, awaiting assignment")
    REJECTED = "rejected", pgettext_lazy("proposals", "rejected")
    CONVERTED = "converted", pgettext_lazy("proposals", "converted")
    MERGED = "merged", pgettext_lazy("proposals", "merged")
    WITHDRAWN = "withdrawn", pgettext_lazy("proposals", "withdrawn")
    ASSIGNED = "assigned", pgettext_lazy("proposals", "assigned")
    RETURNED = "returned", pgettext_lazy("proposals", "returned by the unit")
    HANDLING = "handling", pgettext_lazy("proposals", "being handled")
    REPLY_DRAFTED = "reply_drafted", pgettext_lazy("proposals", "reply drafted")
    COUNTERSIGNING = "countersigning", pgettext_lazy("proposals", "awaiting countersignatures")
    UNDER_REVIEW = "under_review", pgettext_lazy("proposals", "under office review")
    AWAITING_EVALUATION = "awaiting_evaluation", pgettext_lazy("proposals", "replied, awaiting evaluation")
    CLOSED = "closed", pgettext_lazy("proposals", "closed")


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
    MEMBER = "member", pgettext_lazy("proposals", "member")
    PARTY = "party", pgettext_lazy("proposals", "party group")
    SECTOR = "sector", pgettext_lazy("proposals", "sector")
    COMMITTEE = "committee", pgettext_lazy("proposals", "special committee")


class CosignState(models.TextChoices):
    INVITED = "invited", pgettext_lazy("proposals", "invited")
    ACCEPTED = "accepted", pgettext_lazy("proposals", "accepted")
    DECLINED = "declined", pgettext_lazy("proposals", "declined")
    EXPIRED = "expired", pgettext_lazy("proposals", "expired")
    # Ended before the deadline by the proposer or the office: nobody is late.
    CLOSED = "closed", pgettext_lazy("proposals", "co-signing closed")
    WITHDRAWN = "withdrawn", pgettext_lazy("proposals", "proposal withdrawn")


class ConversionKind(models.TextChoices):
    OPINION = "opinion", pgettext_lazy("proposals", "converted to an opinion")
    REPORT = "report", pgettext_lazy("proposals", "converted to a social-conditions report")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", pgettext_lazy("proposals", "lead unit")
    ASSISTING = "assisting", pgettext_lazy("proposals", "assisting unit")


class ReplyCategory(models.TextChoices):
    A = "A", pgettext_lazy("proposals", "A: solved or basically solved")
    B = "B", pgettext_lazy("proposals", "B: being solved or planned")
    C = "C", pgettext_lazy("proposals", "C: to be solved when conditions allow")
    D = "D", pgettext_lazy("proposals", "D: kept for reference")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", pgettext_lazy("proposals", "satisfied")
    BASICALLY = "basically", pgettext_lazy("proposals", "basically satisfied")
    UNSATISFIED = "unsatisfied", pgettext_lazy("proposals", "unsatisfied")


class ExcellentState(models.TextChoices):
    NONE = "", pgettext_lazy("proposals", "not nominated")
    NOMINATED = "nominated", pgettext_lazy("proposals", "nominated")
    SHORTLISTED = "shortlisted", pgettext_lazy("proposals", "shortlisted")
    SELECTED = "selected", pgettext_lazy("proposals", "selected")


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("proposals", "submitted")
    EDITING = "editing", pgettext_lazy("proposals", "being edited")
    ADOPTED = "adopted", pgettext_lazy("proposals", "adopted")
    FILED = "filed", pgettext_lazy("proposals", "filed")
    PUBLISHED = "published", pgettext_lazy("proposals", "published in a bulletin")


class ReportAuthorKind(models.TextChoices):
    MEMBER = "member", pgettext_lazy("proposals", "member")
    PARTY = "party", pgettext_lazy("proposals", "party group")
    SECTOR = "sector", pgettext_lazy("proposals", "sector")
    INFO_OFFICER = "info_officer", pgettext_lazy("proposals", "information officer")


class AdoptionLevel(models.TextChoices):
    DISTRICT = "district", pgettext_lazy("proposals", "district")
    CITY = "city", pgettext_lazy("proposals", "city")
    PROVINCE = "province", pgettext_lazy("proposals", "province")
    NATIONAL = "national", pgettext_lazy("proposals", "national")


class BulletinState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("proposals", "being edited")
    PUBLISHED = "published", pgettext_lazy("proposals", "published")


class ForwardDirection(models.TextChoices):
    UP = "up", pgettext_lazy("proposals", "to the city (up)")
    DOWN = "down", pgettext_lazy("proposals", "to a district (down)")
