"""One small world with a record of every kind, owned by the persona 'member' or assigned to 'unit'.

The permission matrix and the XSS sweep use it: each URL is visited with these objects' ids, so
'other_member', 'other_unit' and the rest are guessing ids of records that are not theirs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils import timezone

from cppcc_portal.core import roles
from cppcc_portal.core.notifications.services import notify
from tests.factories import ActivityFactory, ItemFactory, MemberFactory, UserFactory
from tests.members.factories import DutyRecordFactory, ParticipationFactory
from tests.proposals.factories import CategoryFactory
from tests.proposals.world import World as ProposalWorld
from tests.supervision.factories import GroupFactory, RecommendationFactory, TopicFactory
from tests.supervision.factories import ItemFactory as RectificationItemFactory
from tests.workplan.factories import ProgressUpdateFactory, TaskFactory

ROLES = ("anonymous", "member", "other_member", "committee_leader", "unit", "other_unit", "leader", "staff")


@dataclass
class World:
    users: dict
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build_world(personas: dict) -> World:
    """Create one record of each kind: the member's, the unit's, the committee leader's body's."""
    from members.models import ActivityAttachment, DutyEvidence
    from proposals import services as proposal_services
    from proposals.choices import ProposalState
    from proposals.models import BulletinIssue, ProposalAttachment
    from workplan.models import ProgressAttachment

    member, unit = personas["member_obj"], personas["unit_obj"]
    member_user, unit_user = personas["member"], personas["unit"]
    staff = personas["staff"]
    world = World(users={role: personas.get(role) for role in ROLES})
    o = world.objects

    o["member_obj"] = member
    o["unit_obj"] = unit
    o["committee_obj"] = personas["committee_obj"]
    o["street_group"] = personas["committee_leader_obj"].group_memberships.first().group
    o["sector"] = member.sector
    o["item"] = ItemFactory()
    o["section"] = o["item"].section
    o["plan"] = o["item"].section.plan
    o["task"] = TaskFactory(item=o["item"])
    o["progress"] = ProgressUpdateFactory(item=o["item"])
    o["progress_attachment"] = ProgressAttachment.objects.create(
        update=o["progress"],
        file=ContentFile(PDF, name="progress.pdf"),
        original_name="progress.pdf",
        file_type="pdf",
        content_type="application/pdf",
        size=len(PDF),
        checksum="0" * 64,
    )

    o["activity"] = ActivityFactory(organiser_kind="committee", organiser_committee=personas["committee_obj"])
    o["participation"] = ParticipationFactory(activity=o["activity"], member=member)
    o["activity_attachment"] = ActivityAttachment.objects.create(
        activity=o["activity"],
        file=ContentFile(PDF, name="minutes.pdf"),
        original_name="minutes.pdf",
        size=len(PDF),
    )
    o["duty_record"] = DutyRecordFactory(member=member)
    o["duty_evidence"] = DutyEvidence.objects.create(
        record=o["duty_record"],
        file=ContentFile(PDF, name="evidence.pdf"),
        original_name="evidence.pdf",
        size=len(PDF),
    )

    cosigner = MemberFactory(user=UserFactory(username="cosigner", role=roles.MEMBER), name="赵委员")
    proposals = ProposalWorld(
        proposer=member,
        cosigner=cosigner,
        staff=staff,
        unit=unit,
        unit_user=unit_user,
        other_unit=personas["other_unit_obj"],
        other_unit_user=personas["other_unit"],
        category=CategoryFactory(name="城市建设管理"),
    )
    o["proposal"] = proposals.reach(ProposalState.REPLY_DRAFTED, assisting=False)
    o["draft"] = proposals.draft(title="草稿提案")
    o["reply"] = o["proposal"].replies.order_by("-pk").first()
    o["proposal_attachment"] = ProposalAttachment.objects.create(
        proposal=o["proposal"],
        file=ContentFile(PDF, name="proposal.pdf"),
        original_name="proposal.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=member_user,
    )
    o["assignment"] = o["proposal"].assignments.first()
    o["proposal_event"] = o["proposal"].events.order_by("pk").first()
    o["report"] = proposal_services.report_submit(
        actor=member_user, title="关于老旧小区加装电梯的反映", situation="居民反映加装电梯进展缓慢。"
    )
    o["bulletin"] = BulletinIssue.objects.create(year=2017, number=1, title="第一期")

    o["topic"] = TopicFactory()
    o["group"] = GroupFactory(leader=personas["committee_leader_obj"], topics=[o["topic"]])
    o["recommendation"] = RecommendationFactory(topic=o["topic"], group=o["group"], unit=unit, state="sent")
    o["rectification_item"] = RectificationItemFactory(recommendation=o["recommendation"])

    _consultation_records(o, personas)

    o["notification"] = notify(
        recipient=member_user,
        kind="test.hello",
        dedupe_key="security-world-hello",
        title="你好",
        body="",
        link="",
        due_at=timezone.now() - dt.timedelta(minutes=1),
    )
    # Delivered, so it shows in the recipient's inbox and API.
    type(o["notification"]).objects.filter(pk=o["notification"].pk).update(
        state="sent", sent_at=timezone.now()
    )
    _meetings_world(o, staff=staff, member=member, member_user=member_user)
    from cppcc_portal.dashboard.models import ExportJob

    o["export"] = ExportJob.objects.create(
        kind=_first_choice(ExportJob, "kind"), year=2017, requested_by=staff
    )
    return world


def _consultation_records(o: dict, personas: dict) -> None:
    """An adopted topic concerning 'unit', with its feedback, a group led by 'committee_leader',
    a task and a post of 'member', and an open discussion."""
    from consultations.models import Discussion, ImplementationFeedback, Post, PreparationTask, ResearchGroup
    from tests.consultations.factories import OutcomeFactory, WindowFactory
    from tests.consultations.factories import TopicFactory as ConsultationTopicFactory

    topic = ConsultationTopicFactory(title="非首都功能疏解", state="held")
    topic.units.add(personas["unit_obj"])
    o["consultation_topic"] = topic
    outcome = OutcomeFactory(
        topic=topic, state="submitted", submitted_on=dt.date(2017, 7, 1), document_number="1号"
    )
    recommendation = outcome.recommendations.create(number=1, text="加快疏解", adoption="adopted")
    o["consultation_feedback"] = ImplementationFeedback.objects.create(
        recommendation=recommendation, unit=personas["unit_obj"], due_on=dt.date(2017, 10, 1)
    )
    o["consultation_group"] = ResearchGroup.objects.create(
        topic=topic, name="调研组", leader=personas["committee_leader_obj"]
    )
    o["consultation_task"] = PreparationTask.objects.create(
        topic=topic, description="写发言稿", assignee=personas["member_obj"], due_on=dt.date(2017, 5, 1)
    )
    o["consultation_discussion"] = Discussion.objects.create(
        topic=topic, prompt="？", closes_on=dt.date(2099, 1, 1)
    )
    o["consultation_post"] = Post.objects.create(
        discussion=o["consultation_discussion"], author=personas["member_obj"], text="意见"
    )
    window = WindowFactory()
    o["consultation_proposal"] = window.proposals.create(
        title="议题", reason="理由", proposer_kind="member", member=personas["member_obj"]
    )


def _first_choice(model, field_name):
    return model._meta.get_field(field_name).choices[0][0]


def _meetings_world(o: dict, *, staff, member, member_user) -> None:
    """A meeting of named members to which only 'member' is called, with a session next week, a
    motion, the member's speech and leave request, and a published document."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from meetings import services as meeting_services
    from meetings.models import Meeting, MeetingDocument
    from members.models import Participation
    from tests.meetings.test_documents_and_speeches import a_pdf

    meeting = meeting_services.meeting_save(
        meeting=Meeting(title="主席会议", kind="chairs", body="named"), actor=staff
    )
    meeting.named_members.add(member)
    session = meeting_services.session_add(
        meeting=meeting,
        date=timezone.localdate() + dt.timedelta(days=7),
        half_day="morning",
        place="会议室",
        actor=staff,
    )
    item = meeting_services.agenda_item_add(session=session, kind="vote", title="表决事项", actor=staff)
    meeting_services.meeting_call(meeting=meeting, actor=staff)
    meeting.refresh_from_db()
    document = MeetingDocument.objects.create(meeting=meeting, title="会议文件", kind="report")
    o["document_version"] = meeting_services.document_add_version(
        document=document, actor=staff, upload=SimpleUploadedFile("a.pdf", a_pdf(), "application/pdf")
    )
    meeting_services.documents_publish(meeting=meeting, actor=staff)
    o["meeting"] = meeting
    o["meeting_session"] = session
    o["motion"] = meeting_services.motion_create(agenda_item=item, title="决定事项", actor=staff)
    o["speech"] = meeting_services.speech_submit(
        meeting=meeting, actor=member_user, title="发言", text="内容"
    )
    meeting_services.session_request_leave(session=session, actor=member_user, reason="出差")
    o["meeting_participation"] = Participation.objects.get(activity=session.activity, member=member)
