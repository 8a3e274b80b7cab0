"""The proposals API: reads through the selectors, writes (transitions as POST actions) through the services."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cppcc_portal.core.errors import PermissionDeniedError
from proposals import selectors, services, similarity
from proposals.api import serializers as s
from proposals.models import (
    Assignment,
    BulletinIssue,
    Feedback,
    OpinionReport,
    Proposal,
    ProposalEvent,
    Reply,
)


def _unit_of(user, proposal, role=None):
    """The acting unit: the user's unit that holds the proposal (in `role` when given)."""
    for assignment in selectors.unit_assignments_for(user=user, proposal=proposal):
        if role is None or assignment.role == role:
            return assignment.unit
    raise PermissionDeniedError(_("Your unit does not hold this proposal in that role."))


class ProposalViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Proposals the user may read; POST actions move them through the workflow."""

    serializer_class = s.ProposalSerializer
    queryset = Proposal.objects.none()  # the schema's types; get_queryset scopes the rows

    def get_queryset(self):
        return selectors.proposal_list_for_api(user=self.request.user).order_by("-year", "number_seq", "pk")

    @extend_schema(
        parameters=[s.SimilarQuerySerializer],
        responses=s.SimilarProposalsSerializer,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def similar(self, request):
        """Proposals the caller may see that raise the concern of `text`, best first, with scores."""
        query = s.SimilarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        results = similarity.similar_proposals(
            user=request.user, title=query.validated_data["text"], limit=query.validated_data["limit"]
        )
        return Response(
            s.SimilarProposalsSerializer({"threshold": similarity.THRESHOLD, "results": results}).data
        )

    def _input(self, serializer_class, partial=False):
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _result(self, proposal):
        proposal.refresh_from_db()
        return Response(s.ProposalSerializer(proposal).data)

    @extend_schema(request=s.ProposalWriteSerializer, responses={201: s.ProposalSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(s.ProposalWriteSerializer)
        submitter = data.pop("submitter", None) or services.member_for(request.user)
        if submitter is None:
            raise PermissionDeniedError(_("Members draft proposals for themselves only."))
        proposal = services.proposal_create(actor=request.user, submitter=submitter, **data)
        return Response(s.ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProposalUpdateSerializer, responses=s.ProposalSerializer)
    def partial_update(self, request, pk=None):
        proposal = self.get_object()
        data = self._input(s.ProposalUpdateSerializer, partial=True)
        data.pop("submitter", None)
        data.pop("year", None)
        services.proposal_update(proposal=proposal, actor=request.user, **data)
        return self._result(proposal)

    def _note(self):
        return self._input(s.NoteSerializer)["note"]

    @extend_schema(request=s.NoteSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        proposal = self.get_object()
        services.proposal_submit(proposal=proposal, actor=request.user, note=self._note())
        return self._result(proposal)

    @extend_schema(request=s.NoteSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="close-cosigning")
    def close_cosigning(self, request, pk=None):
        proposal = self.get_object()
        services.proposal_close_cosigning(proposal=proposal, actor=request.user, note=self._note())
        return self._result(proposal)

    @extend_schema(request=s.NoteSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        proposal = self.get_object()
        services.proposal_withdraw(proposal=proposal, actor=request.user, note=self._note())
        return self._result(proposal)

    @extend_schema(request=s.InviteSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        proposal = self.get_object()
        services.cosigners_invite(
            proposal=proposal, actor=request.user, members=self._input(s.InviteSerializer)["members"]
        )
        return self._result(proposal)

    @extend_schema(request=s.CosignSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def cosign(self, request, pk=None):
        proposal = self.get_object()
        services.cosign_respond(
            proposal=proposal, actor=request.user, accept=self._input(s.CosignSerializer)["accept"]
        )
        return self._result(proposal)

    @extend_schema(request=s.NoteSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        proposal = self.get_object()
        services.proposal_accept(proposal=proposal, actor=request.user, note=self._note())
        return self._result(proposal)

    @extend_schema(request=s.RequiredNoteSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        proposal = self.get_object()
        services.proposal_reject(
            proposal=proposal, actor=request.user, reason=self._input(s.RequiredNoteSerializer)["note"]
        )
        return self._result(proposal)

    @extend_schema(request=s.ConvertSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        proposal = self.get_object()
        data = self._input(s.ConvertSerializer)
        services.proposal_convert(proposal=proposal, actor=request.user, kind=data["kind"], note=data["note"])
        return self._result(proposal)

    @extend_schema(request=s.MergeSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        proposal = self.get_object()
        data = self._input(s.MergeSerializer)
        services.proposal_merge(proposal=proposal, into=data["into"], actor=request.user, note=data["note"])
        return self._result(proposal)

    @extend_schema(request=s.AssignSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        proposal = self.get_object()
        data = self._input(s.AssignSerializer)
        services.proposal_assign(
            proposal=proposal,
            actor=request.user,
            lead_unit=data["lead_unit"],
            assisting_units=data.get("assisting_units", []),
            note=data["note"],
        )
        return self._result(proposal)

    @extend_schema(request=s.ExtendSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        proposal = self.get_object()
        data = self._input(s.ExtendSerializer)
        services.assignment_extend(
            proposal=proposal, actor=request.user, new_due_on=data["new_due_on"], reason=data["reason"]
        )
        return self._result(proposal)

    @extend_schema(request=s.RequiredNoteSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        proposal = self.get_object()
        unit = _unit_of(request.user, proposal)
        reason = self._input(s.RequiredNoteSerializer)["note"]
        services.proposal_return(proposal=proposal, actor=request.user, unit=unit, reason=reason)
        return self._result(proposal)

    @extend_schema(request=s.NoteSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="start-handling")
    def start_handling(self, request, pk=None):
        proposal = self.get_object()
        services.proposal_start_handling(proposal=proposal, actor=request.user, note=self._note())
        return self._result(proposal)

    @extend_schema(request=s.ReplyDraftSerializer, responses=s.ReplySerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        proposal = self.get_object()
        reply = services.reply_draft(
            proposal=proposal, actor=request.user, **self._input(s.ReplyDraftSerializer)
        )
        return Response(s.ReplySerializer(reply).data)

    @extend_schema(request=s.NoteSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="send-reply")
    def send_reply(self, request, pk=None):
        proposal = self.get_object()
        services.reply_send(proposal=proposal, actor=request.user, note=self._note())
        return self._result(proposal)

    @extend_schema(request={"application/json": s.COUNTERSIGN_REQUEST_SCHEMA}, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def countersign(self, request, pk=None):
        proposal = self.get_object()
        data = self._input(s.CountersignSerializer)
        unit = _unit_of(request.user, proposal, role="assisting")
        if data["refuse"]:
            services.reply_refuse_countersign(
                proposal=proposal, actor=request.user, unit=unit, note=data["note"]
            )
        else:
            services.reply_countersign(proposal=proposal, actor=request.user, unit=unit, note=data["note"])
        return self._result(proposal)

    @extend_schema(request=s.ReviewSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        proposal = self.get_object()
        data = self._input(s.ReviewSerializer)
        services.reply_review(
            proposal=proposal, actor=request.user, category=data.get("category") or None, note=data["note"]
        )
        return self._result(proposal)

    @extend_schema(request=s.RequiredNoteSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        proposal = self.get_object()
        services.reply_send_back(
            proposal=proposal, actor=request.user, note=self._input(s.RequiredNoteSerializer)["note"]
        )
        return self._result(proposal)

    @extend_schema(request=s.RateSerializer, responses={201: s.FeedbackSerializer})
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        proposal = self.get_object()
        data = self._input(s.RateSerializer)
        feedback = services.feedback_rate(
            proposal=proposal,
            actor=request.user,
            rating=data["rating"],
            comment=data["comment"],
            member=data.get("member"),
        )
        return Response(s.FeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RequiredNoteSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        proposal = self.get_object()
        services.proposal_close(
            proposal=proposal, actor=request.user, note=self._input(s.RequiredNoteSerializer)["note"]
        )
        return self._result(proposal)

    @extend_schema(request={"application/json": s.KEY_REQUEST_SCHEMA}, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def key(self, request, pk=None):
        proposal = self.get_object()
        data = self._input(s.KeySerializer)
        services.proposal_set_key(
            proposal=proposal, actor=request.user, is_key=data["is_key"], leader=data["leader"]
        )
        return self._result(proposal)

    @extend_schema(request=s.NoteSerializer, responses=s.ProposalSerializer)
    @action(detail=True, methods=["post"])
    def excellent(self, request, pk=None):
        proposal = self.get_object()
        services.proposal_excellent_advance(proposal=proposal, actor=request.user, note=self._note())
        return self._result(proposal)

    @extend_schema(request=None, responses=s.ProposalEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None):
        proposal = self.get_object()
        return Response(
            s.ProposalEventSerializer(selectors.proposal_events(proposal=proposal), many=True).data
        )


class ProposalEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Timeline rows of the proposals the user may read."""

    serializer_class = s.ProposalEventSerializer
    queryset = ProposalEvent.objects.none()

    def get_queryset(self):
        visible = selectors.proposal_list_for_api(user=self.request.user).values("pk")
        return ProposalEvent.objects.filter(proposal__in=visible).select_related("actor").order_by("pk")


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Assignments of the proposals the user may read."""

    serializer_class = s.AssignmentSerializer
    queryset = Assignment.objects.none()

    def get_queryset(self):
        visible = selectors.proposal_list_for_api(user=self.request.user).values("pk")
        return Assignment.objects.filter(proposal__in=visible).select_related("unit").order_by("pk")


class ReplyViewSet(viewsets.ReadOnlyModelViewSet):
    """Replies: units see those of their proposals, members the published ones."""

    serializer_class = s.ReplySerializer
    queryset = Reply.objects.none()

    def get_queryset(self):
        return selectors.reply_list(user=self.request.user).order_by("pk")


class FeedbackViewSet(viewsets.ReadOnlyModelViewSet):
    """Ratings of the proposals the user may read."""

    serializer_class = s.FeedbackSerializer
    queryset = Feedback.objects.none()

    def get_queryset(self):
        visible = selectors.proposal_list_for_api(user=self.request.user).values("pk")
        return Feedback.objects.filter(proposal__in=visible).select_related("member").order_by("pk")


class ReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Social-conditions reports: submit, follow; the office edits, adopts, files, records instructions."""

    serializer_class = s.ReportSerializer
    queryset = OpinionReport.objects.none()

    def get_queryset(self):
        return selectors.report_list(user=self.request.user).order_by("-submitted_at", "-pk")

    def _input(self, serializer_class, partial=False):
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _result(self, report):
        report.refresh_from_db()
        return Response(s.ReportSerializer(report).data)

    @extend_schema(request=s.ReportWriteSerializer, responses={201: s.ReportSerializer})
    def create(self, request, *args, **kwargs):
        report = services.report_submit(actor=request.user, **self._input(s.ReportWriteSerializer))
        return Response(s.ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReportWriteSerializer, responses=s.ReportSerializer)
    def partial_update(self, request, pk=None):
        report = self.get_object()
        data = self._input(s.ReportWriteSerializer, partial=True)
        services.report_edit(report=report, actor=request.user, **data)
        return self._result(report)

    @extend_schema(request=s.AdoptSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"])
    def adopt(self, request, pk=None):
        report = self.get_object()
        data = self._input(s.AdoptSerializer)
        services.report_adopt(report=report, actor=request.user, level=data["level"], note=data["note"])
        return self._result(report)

    @extend_schema(request=s.NoteSerializer, responses=s.ReportSerializer)
    @action(detail=True, methods=["post"], url_path="file")
    def file_(self, request, pk=None):
        report = self.get_object()
        services.report_file(report=report, actor=request.user, note=self._input(s.NoteSerializer)["note"])
        return self._result(report)

    @extend_schema(request=s.InstructionSerializer, responses={201: s.InstructionSerializer})
    @action(detail=True, methods=["post"])
    def instruct(self, request, pk=None):
        report = self.get_object()
        serializer = s.InstructionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instruction = services.instruction_record(
            report=report, actor=request.user, **serializer.validated_data
        )
        return Response(s.InstructionSerializer(instruction).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ToProposalSerializer, responses={201: s.ProposalSerializer})
    @action(detail=True, methods=["post"], url_path="to-proposal")
    def to_proposal(self, request, pk=None):
        report = self.get_object()
        proposal = services.report_to_proposal(
            report=report, actor=request.user, category=self._input(s.ToProposalSerializer)["category"]
        )
        return Response(s.ProposalSerializer(proposal).data, status=status.HTTP_201_CREATED)


class BulletinViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Bulletin issues: everyone reads published ones; the office makes and publishes them."""

    serializer_class = s.BulletinSerializer
    queryset = BulletinIssue.objects.none()

    def get_queryset(self):
        return selectors.bulletin_list(user=self.request.user).order_by("-year", "-number")

    @extend_schema(request=s.BulletinSerializer, responses={201: s.BulletinSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.BulletinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issue = services.bulletin_create(
            actor=request.user,
            year=serializer.validated_data["year"],
            title=serializer.validated_data.get("title", ""),
        )
        return Response(s.BulletinSerializer(issue).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.BulletinReportsSerializer, responses=s.BulletinSerializer)
    @action(detail=True, methods=["post"])
    def reports(self, request, pk=None):
        issue = self.get_object()
        serializer = s.BulletinReportsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.bulletin_add_reports(
            bulletin=issue, actor=request.user, reports=serializer.validated_data["reports"]
        )
        return Response(s.BulletinSerializer(issue).data)

    @extend_schema(request=None, responses=s.BulletinSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        issue = services.bulletin_publish(bulletin=self.get_object(), actor=request.user)
        return Response(s.BulletinSerializer(issue).data)
