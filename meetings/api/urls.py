from rest_framework.routers import DefaultRouter

from meetings.api import views

router = DefaultRouter()
router.register("meetings/meetings", views.MeetingViewSet, basename="meetings-meeting")
router.register("meetings/sessions", views.SessionViewSet, basename="meetings-session")
router.register("meetings/motions", views.MotionViewSet, basename="meetings-motion")
router.register("meetings/speeches", views.SpeechViewSet, basename="meetings-speech")

urlpatterns = router.urls
