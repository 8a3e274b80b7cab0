from rest_framework.routers import DefaultRouter

from workplan.api import views

router = DefaultRouter()
router.register("workplan/plans", views.PlanViewSet, basename="workplan-plan")
router.register("workplan/sections", views.SectionViewSet, basename="workplan-section")
router.register("workplan/items", views.ItemViewSet, basename="workplan-item")
router.register("workplan/tasks", views.TaskViewSet, basename="workplan-task")
router.register("workplan/progress-updates", views.ProgressUpdateViewSet, basename="workplan-progress-update")

urlpatterns = router.urls
