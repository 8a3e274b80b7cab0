from rest_framework.routers import DefaultRouter

from members.api import views

router = DefaultRouter()
router.register("members/members", views.MemberViewSet, basename="members-member")
router.register("members/sectors", views.SectorViewSet, basename="members-sector")
router.register("members/committees", views.SpecialCommitteeViewSet, basename="members-committee")
router.register("members/street-groups", views.StreetGroupViewSet, basename="members-street-group")
router.register("members/units", views.HandlingUnitViewSet, basename="members-unit")
router.register("members/activities", views.ActivityViewSet, basename="members-activity")
router.register("members/participations", views.ParticipationViewSet, basename="members-participation")
router.register("members/duty-records", views.DutyRecordViewSet, basename="members-duty-record")
router.register("members/scores", views.ScoreViewSet, basename="members-score")

urlpatterns = router.urls
