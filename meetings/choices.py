from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeetingKind(models.TextChoices):
    PLENARY = "plenary", _("plenary session")
    STANDING_COMMITTEE = "standing_committee", _("standing committee meeting")
    CHAIRS = "chairs", _("chairs' meeting")
    SPECIAL_COMMITTEE = "special_committee", _("special committee meeting")


class Body(models.TextChoices):
    """Who sits on the body that holds a meeting, and so who must attend and who votes."""

    ALL_MEMBERS = "all_members", _("all members")
    STANDING_COMMITTEE = "standing_committee", _("standing committee members")
    SPECIAL_COMMITTEE = "special_committee", _("members of a special committee")
    NAMED = "named", _("named members")


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", _("in preparation")
    CALLED = "called", _("called")
    CLOSED = "closed", pgettext_lazy("meetings", "closed")
    CANCELLED = "cancelled", _("cancelled")


class HalfDay(models.TextChoices):
    MORNING = "morning", _("morning")
    AFTERNOON = "afternoon", _("afternoon")
    EVENING = "evening", _("evening")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    OPEN = "open", _("in session")
    CLOSED = "closed", pgettext_lazy("meetings", "closed")


class AgendaKind(models.TextChoices):
    REPORT = "report", _("report")
    CONSULTATION = "consultation", _("consultation")
    DELIBERATION = "deliberation", _("deliberation")
    VOTE = "vote", _("election or vote")
    SPEECH = "speech", _("speeches")


class Basis(models.TextChoices):
    """What a quorum or a majority is counted against (rules of procedure, kept as data)."""

    BODY = "body", _("all members of the body")
    CALLED = "called", _("all members called to the session")
    PRESENT = "present", _("members present")
    CAST = "cast", _("votes cast (abstentions included)")
    FOR_AGAINST = "for_against", _("votes for and against (abstentions left out)")


QUORUM_BASES = (Basis.BODY, Basis.CALLED)


class DocumentKind(models.TextChoices):
    AGENDA = "agenda", _("agenda")
    REPORT = "report", _("report")
    DRAFT = "draft", _("draft for deliberation")
    REFERENCE = "reference", _("reference material")


class SpeechState(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("meetings", "submitted")
    ORAL = "oral", _("selected for oral delivery")
    WRITTEN = "written", _("selected as written speech")
    NOT_SELECTED = "not_selected", _("not selected")
    WITHDRAWN = "withdrawn", _("withdrawn")


SELECTED_SPEECH_STATES = (SpeechState.ORAL, SpeechState.WRITTEN)


class MotionState(models.TextChoices):
    DRAFT = "draft", _("not yet open")
    OPEN = "open", _("voting")
    CLOSED = "closed", pgettext_lazy("meetings", "closed")


class VoteChoice(models.TextChoices):
    FOR = "for", _("for")
    AGAINST = "against", _("against")
    ABSTAIN = "abstain", _("abstain")
