from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class MemberStatus(models.TextChoices):
    IN_OFFICE = "in_office", _("in office")
    LEFT = "left", _("left")


class CommitteeRole(models.TextChoices):
    DIRECTOR = "director", _("director")
    DEPUTY = "deputy", _("deputy director")
    MEMBER = "member", _("member")


class GroupRole(models.TextChoices):
    LEADER = "leader", _("group leader")
    DEPUTY = "deputy", _("deputy group leader")
    MEMBER = "member", _("member")


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("government department")
    STREET_OFFICE = "street_office", _("street office")
    JUDICIAL = "judicial", _("court or procuratorate")
    OTHER = "other", _("other")


class ActivityKind(models.TextChoices):
    PLENARY = "plenary", _("plenary session")
    STANDING_COMMITTEE = "standing_committee", _("standing committee meeting")
    MEETING = "meeting", _("meeting")
    CONSULTATION_TOPIC = "consultation_topic", _("topic consultation")
    CONSULTATION_COUNTERPART = "consultation_counterpart", _("counterpart consultation")
    CONSULTATION_SECTOR = "consultation_sector", _("sector consultation")
    INSPECTION = "inspection", _("inspection")
    RESEARCH = "research", _("research")
    TRAINING = "training", _("training")
    STUDY_CLASS = "study_class", _("study class")
    LECTURE = "lecture", _("lecture")
    FORUM = "forum", _("forum or salon")
    VISIT = "visit", _("visit")
    HEARING = "hearing", _("hearing")
    COMMUNITY_SERVICE = "community_service", _("community service")
    OTHER = "other", _("other")


# Kinds that take enrolment with capacity and a waiting list.
ENROLMENT_KINDS = {ActivityKind.TRAINING, ActivityKind.STUDY_CLASS}


class OrganiserKind(models.TextChoices):
    OFFICE = "office", _("office")
    COMMITTEE = "committee", _("special committee")
    SECTOR = "sector", _("sector")
    STREET_GROUP = "street_group", _("street group")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    HELD = "held", _("held")
    CANCELLED = "cancelled", _("cancelled")


class DutyEventKind(models.TextChoices):
    """What a duty record is for; scoring rules give points per kind and role."""

    PLENARY = "plenary", _("plenary session (per half-day)")
    MEETING = "meeting", _("meeting or activity attended")
    TRAINING = "training", _("training attended in full")
    PROPOSAL_ACCEPTED = "proposal_accepted", _("proposal accepted")
    PROPOSAL_KEY = "proposal_key", _("key proposal")
    PROPOSAL_EXCELLENT = "proposal_excellent", _("excellent proposal")
    REPORT_SUBMITTED = "report_submitted", _("social-conditions report")
    REPORT_ADOPTED = "report_adopted", _("social-conditions report adopted")
    REPORT_INSTRUCTED = "report_instructed", _("leader's instruction on a report")
    SUPERVISION = "supervision", _("supervision work")
    CONSULTATION = "consultation", _("taking part in a consultation")
    RESEARCH_REPORT = "research_report", _("research report")
    CONSULTATION_ADOPTED = "consultation_adopted", _("consultation outcome adopted")
    SPEECH_ORAL = "speech_oral", _("oral speech at a meeting")
    SPEECH_WRITTEN = "speech_written", _("written speech to a meeting")
    SELF_REPORTED = "self_reported", _("other duty performance")


class DutyRole(models.TextChoices):
    LEAD = "lead", _("lead")
    COSIGNER = "cosigner", _("co-signer")
    PARTICIPANT = "participant", _("participant")


class InvitationState(models.TextChoices):
    INVITED = "invited", _("invited")
    ACCEPTED = "accepted", _("accepted")
    LEAVE_REQUESTED = "leave_requested", _("leave requested")
    DECLINED = "declined", _("declined")


class EnrolmentState(models.TextChoices):
    NONE = "none", _("not enrolled")
    ENROLLED = "enrolled", _("enrolled")
    WAITLISTED = "waitlisted", _("on the waiting list")
    CANCELLED = "cancelled", _("enrolment cancelled")


class Attendance(models.TextChoices):
    PRESENT = "present", _("present")
    LEAVE = "leave", _("on leave")
    ABSENT = "absent", _("absent")
    UNRECORDED = "unrecorded", _("not recorded")


class DutyRecordStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("duty record state", "submitted")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")


class MinimumMetric(models.TextChoices):
    """What a yearly minimum counts: activities attended, proposals accepted, reports submitted."""

    ACTIVITIES = "activities", _("activities attended")
    PROPOSALS = "proposals", _("proposals")
    REPORTS = "reports", _("social-conditions reports")


# Which duty event kinds each yearly minimum counts.
MINIMUM_EVENT_KINDS = {
    MinimumMetric.ACTIVITIES: (DutyEventKind.PLENARY, DutyEventKind.MEETING, DutyEventKind.TRAINING),
    MinimumMetric.PROPOSALS: (DutyEventKind.PROPOSAL_ACCEPTED,),
    MinimumMetric.REPORTS: (DutyEventKind.REPORT_SUBMITTED,),
}

# Kinds a member may log themselves; the others come from attendance and the other workflows.
SELF_LOGGED_KINDS = (DutyEventKind.SELF_REPORTED, DutyEventKind.SUPERVISION, DutyEventKind.MEETING)


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    PREVIEWED = "previewed", _("previewed")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")
