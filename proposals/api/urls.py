from rest_framework.routers import DefaultRouter

from proposals.api import views

router = DefaultRouter()
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("proposal-events", views.ProposalEventViewSet, basename="proposal-event")
router.register("proposal-assignments", views.AssignmentViewSet, basename="proposal-assignment")
router.register("proposal-replies", views.ReplyViewSet, basename="proposal-reply")
router.register("proposal-feedback", views.FeedbackViewSet, basename="proposal-feedback")
router.register("reports", views.ReportViewSet, basename="report")
router.register("bulletins", views.BulletinViewSet, basename="bulletin")

urlpatterns = router.urls
