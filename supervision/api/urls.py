from rest_framework.routers import DefaultRouter

from supervision.api import views

router = DefaultRouter()
router.register("supervision/topics", views.TopicViewSet, basename="supervision-topic")
router.register("supervision/groups", views.GroupViewSet, basename="supervision-group")
router.register("supervision/appointments", views.AppointmentViewSet, basename="supervision-appointment")
router.register(
    "supervision/recommendations", views.RecommendationViewSet, basename="supervision-recommendation"
)
router.register(
    "supervision/rectification-items", views.RectificationItemViewSet, basename="supervision-item"
)

urlpatterns = router.urls
