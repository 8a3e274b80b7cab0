"""The members API: reads through the scoped selectors, writes through the services."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cppcc_portal.core import roles
from cppcc_portal.core.api import PortalAutoSchema
from cppcc_portal.core.caching import earliest, reader_key
from cppcc_portal.core.errors import PermissionDeniedError
from cppcc_portal.core.query import ID_SCHEMA, YEAR_RANGE
from members import filters, selectors, services
from members.api import serializers as s
from members.choices import ActivityStatus
from members.models import HandlingUnit, Member, Sector, SpecialCommittee, StreetGroup
from members.pagination import LargeTablePagination


def _year(request) -> int:
    return filters.RankingParams.api_values(request).get("year") or timezone.localdate().year


YEAR_PARAMETER = OpenApiParameter(
    "year",
    {"type": "integer", "minimum": YEAR_RANGE["min_value"], "maximum": YEAR_RANGE["max_value"]},
    description="This year when absent.",
)


class SingleObjectSchema(PortalAutoSchema):
    """The schema of a ViewSet whose `list` answers one object (my score), not a list."""

    def _is_list_view(self, serializer=None):
        return False if self.view.action == "list" else super()._is_list_view(serializer)


class PortalUserMixin:
    """Members, staff and leaders use these endpoints; handling units have nothing here."""

    permission_classes = [IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not (roles.can_read_everything(request.user) or selectors.member_for_user(request.user)):
            raise PermissionDenied


class MemberViewSet(PortalUserMixin, viewsets.ReadOnlyModelViewSet):
    """The roster: a member sees colleagues' public fields; staff and leaders everything."""

    def get_queryset(self):
        return selectors.member_list(user=self.request.user)

    def get_serializer_class(self):
        if roles.can_read_everything(self.request.user):
            return s.MemberFullSerializer
        return s.MemberPublicSerializer

    def retrieve(self, request, *args, **kwargs):
        member = self.get_object()
        serializer_class = (
            s.MemberFullSerializer
            if selectors.can_see_private_fields(request.user, member)
            else s.MemberPublicSerializer
        )
        return Response(serializer_class(member).data)

    @extend_schema(responses=s.MemberScoreSerializer, parameters=[YEAR_PARAMETER])
    @action(detail=True, methods=["get"])
    def score(self, request, pk=None):
        member = self.get_object()
        if not selectors.can_see_private_fields(request.user, member) and not selectors.leads_member(
            selectors.member_for_user(request.user), member
        ):
            raise PermissionDeniedError("You may see only your own score.")
        return Response(
            s.MemberScoreSerializer(selectors.member_score(member=member, year=_year(request))).data
        )


class SectorViewSet(PortalUserMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.SectorSerializer
    queryset = Sector.objects.all()


class SpecialCommitteeViewSet(PortalUserMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.SpecialCommitteeSerializer
    queryset = SpecialCommittee.objects.none()  # the schema's types; the rows are the committee in hand's

    def get_queryset(self):
        return SpecialCommittee.objects.all()


class StreetGroupViewSet(PortalUserMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.StreetGroupSerializer
    queryset = StreetGroup.objects.none()  # the schema's types; the rows are the committee in hand's

    def get_queryset(self):
        return StreetGroup.objects.all()


class HandlingUnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Handling units: the office's list (a unit account sees its own)."""

    serializer_class = s.HandlingUnitSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if roles.can_read_everything(self.request.user):
            return HandlingUnit.objects.all()
        return selectors.units_for_user(self.request.user)


class ActivityViewSet(PortalUserMixin, viewsets.ReadOnlyModelViewSet):
    """Activities the user may see; POST actions: accept, leave, enrol, cancel-enrolment, check-in,
    invite and attendance (organisers)."""

    serializer_class = s.ActivitySerializer

    def get_queryset(self):
        return (
            selectors.activity_list(user=self.request.user).prefetch_related("items").order_by("-starts_at")
        )

    def _participation(self, activity):
        member = selectors.member_for_user(self.request.user)
        participation = activity.participations.filter(member=member).first() if member else None
        if participation is None:
            raise PermissionDeniedError("You are not invited to this activity.")
        return participation

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=None, responses=s.ParticipationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        participation = services.participation_accept(
            participation=self._participation(self.get_object()), actor=request.user
        )
        return Response(s.ParticipationSerializer(participation, context=self.get_serializer_context()).data)

    @extend_schema(request=s.MembersReasonSerializer, responses=s.ParticipationSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        reason = self._input(s.MembersReasonSerializer)["reason"]
        participation = services.participation_request_leave(
            participation=self._participation(self.get_object()), actor=request.user, reason=reason
        )
        return Response(s.ParticipationSerializer(participation, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={201: s.ParticipationSerializer})
    @action(detail=True, methods=["post"])
    def enrol(self, request, pk=None):
        participation = services.enrol(activity=self.get_object(), actor=request.user)
        return Response(
            s.ParticipationSerializer(participation, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=s.ParticipationSerializer)
    @action(detail=True, methods=["post"], url_path="cancel-enrolment")
    def cancel_enrolment(self, request, pk=None):
        participation = services.enrolment_cancel(activity=self.get_object(), actor=request.user)
        return Response(s.ParticipationSerializer(participation, context=self.get_serializer_context()).data)

    @extend_schema(request=s.CheckInCodeSerializer, responses=s.ParticipationSerializer)
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        code = self._input(s.CheckInCodeSerializer)["code"]
        participation = services.check_in(activity=self.get_object(), actor=request.user, code=code)
        return Response(s.ParticipationSerializer(participation, context=self.get_serializer_context()).data)

    @extend_schema(request=s.AttendanceMarksSerializer, responses=s.ParticipationSerializer(many=True))
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        activity = self.get_object()
        marks = {m["member"]: m["attendance"] for m in self._input(s.AttendanceMarksSerializer)["marks"]}
        services.attendance_record(activity=activity, actor=request.user, marks=marks)
        rows = selectors.participations_for_activity(user=request.user, activity=activity)
        return Response(
            s.ParticipationSerializer(rows, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        request=s.ActivityInviteSerializer,
        responses={201: inline_serializer("ActivityInviteResult", {"invited": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        activity = self.get_object()
        data = self._input(s.ActivityInviteSerializer)
        created = services.activity_invite(
            activity=activity,
            committees=list(SpecialCommittee.objects.filter(pk__in=data["committees"])),
            sectors=list(Sector.objects.filter(pk__in=data["sectors"])),
            groups=list(StreetGroup.objects.filter(pk__in=data["groups"])),
            members=list(Member.objects.filter(pk__in=data["members"])),
            actor=request.user,
        )
        return Response({"invited": len(created)}, status=status.HTTP_201_CREATED)


class ParticipationViewSet(PortalUserMixin, viewsets.ReadOnlyModelViewSet):
    """Participations: mine, my bodies' activities', or all for staff and leaders."""

    serializer_class = s.ParticipationSerializer
    filterset_class = filters.ParticipationFilter
    # A million rows for staff: no exact COUNT(*) above 10,000 (see members.pagination).
    pagination_class = LargeTablePagination

    def list(self, request, *args, **kwargs):
        """The page as this reader was last given it, until a write it shows moves the family on or
        one of the reader's own activities starts (their answers close). Asked after the permission
        check (`initial`); kept per reader (their scope and answers), committee, time zone (the
        date-times) and address with host (the page's links). A refused page (a bad page number,
        a bad filter) raises and is not kept. The browsable API's HTML page is built each time (its
        page controls read the paginator, which a kept page does not run)."""
        if request.accepted_renderer.format != "json":
            return super().list(request, *args, **kwargs)
        now = timezone.now()
        address = request.build_absolute_uri()
        # One copy per reader and list, holding the address it was built for (made-up queries
        # replace the reader's copy instead of filling the cache).
        page = selectors.READER_PAGES.cached(
            reader_key(request, request.user.pk, request.get_host(), timezone.get_current_timezone_name()),
            lambda: self._page(request, now, address, *args, **kwargs),
            fresh=lambda kept: len(kept) == 3 and kept[0] == address and (kept[2] is None or now < kept[2]),
        )
        return Response(page[1])

    def _page(self, request, now, address, *args, **kwargs) -> tuple[str, dict, dt.datetime | None]:
        """(the address, the page's data, when the clock alone changes it): the first start of a
        planned activity of the reader's own rows, after which those rows offer no answers."""
        data = super().list(request, *args, **kwargs).data
        until = earliest(
            *(
                row.activity.starts_at
                for row in self._rows
                if row.member.user_id == request.user.pk
                and row.activity.status == ActivityStatus.PLANNED
                and row.activity.starts_at > now
            )
        )
        return address, data, until

    def paginate_queryset(self, queryset):
        # The page's rows, for `_page` to read the time they change at.
        self._rows = super().paginate_queryset(queryset)
        return self._rows

    def get_queryset(self):
        # The rows show the member's name and the activity's title: the member's sector, which the
        # selector joins for the portal's pages, is not read here, nor are the columns no row shows.
        return (
            selectors.participation_list(user=self.request.user)
            .select_related(None)
            .select_related("activity", "member")
            .only(*s.PARTICIPATION_COLUMNS)
            .order_by("-activity__starts_at", "member_id")
        )


class DutyRecordViewSet(PortalUserMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Duty records: one's own (and one's bodies' for a leader); staff and leaders all.
    POST logs a record with files; verify/reject are for reviewers."""

    serializer_class = s.DutyRecordSerializer
    filterset_class = filters.DutyRecordFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.duty_record_list(user=self.request.user).order_by("-occurred_on", "-id")

    @extend_schema(
        request={
            "application/json": s.DutyRecordJsonSerializer,
            "multipart/form-data": s.DutyRecordUploadSerializer,
        },
        responses={201: s.DutyRecordSerializer},
    )
    def create(self, request, *args, **kwargs):
        member = selectors.member_for_user(request.user)
        if member is None:
            raise PermissionDeniedError("Only members log duty records.")
        serializer = s.DutyRecordWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        data.pop("files", None)
        item_id = data.pop("item", None)
        item = None
        if item_id:
            from workplan.models import Item

            item = get_object_or_404(Item, pk=item_id)
        record = services.duty_record_submit(
            member=member, actor=request.user, item=item, files=files, **data
        )
        return Response(s.DutyRecordSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.DutyRecordSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        record = services.duty_record_verify(record=self.get_object(), actor=request.user)
        return Response(s.DutyRecordSerializer(record).data)

    @extend_schema(request=s.MembersReasonSerializer, responses=s.DutyRecordSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        serializer = s.MembersReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.duty_record_reject(
            record=self.get_object(), actor=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(s.DutyRecordSerializer(record).data)


class ScoreViewSet(PortalUserMixin, viewsets.ViewSet):
    """Scores: GET /scores/ is my own; /scores/ranking/ (staff and leaders) ranks members."""

    schema = SingleObjectSchema()

    @extend_schema(responses=s.MemberScoreSerializer, parameters=[YEAR_PARAMETER])
    def list(self, request):
        member = selectors.member_for_user(request.user)
        if member is None:
            raise PermissionDeniedError("Only members have a score.")
        return Response(
            s.MemberScoreSerializer(selectors.member_score(member=member, year=_year(request))).data
        )

    @extend_schema(
        responses=s.ScoreRankingSerializer(many=True),
        parameters=[
            YEAR_PARAMETER,
            OpenApiParameter("sector", ID_SCHEMA, description="a sector's id; one of no sector is a 404"),
            OpenApiParameter(
                "committee", ID_SCHEMA, description="a special committee's id; one of no committee is a 404"
            ),
        ],
    )
    @action(detail=False, methods=["get"])
    def ranking(self, request):
        if not roles.can_read_everything(request.user):
            raise PermissionDeniedError("Rankings are for the office and leaders.")
        params = filters.RankingParams.api_values(request)
        rows = selectors.score_ranking(
            year=params.get("year") or timezone.localdate().year,
            sector=params.get("sector"),
            committee=params.get("committee"),
        )[:500]
        return Response(s.ScoreRankingSerializer(rows, many=True).data)
