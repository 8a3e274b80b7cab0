from rest_framework.routers import DefaultRouter

from consultations.api import views

router = DefaultRouter()
router.register("consultations/topics", views.TopicViewSet, basename="consultations-topic")
router.register("consultations/feedback", views.FeedbackViewSet, basename="consultations-feedback")

urlpatterns = router.urls
