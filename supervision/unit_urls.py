from django.urls import path

from supervision import unit_views

app_name = "supervision_units"

urlpatterns = [
    path("supervision/", unit_views.recommendation_list, name="list"),
    path("supervision/<int:pk>/", unit_views.recommendation_detail, name="detail"),
    path("supervision/<int:pk>/answer/", unit_views.answer, name="answer"),
    path("supervision/<int:pk>/items/", unit_views.item_add, name="item_add"),
    path("supervision/<int:pk>/step/", unit_views.step, name="step"),
    path("supervision/items/<int:pk>/progress/", unit_views.item_progress, name="item_progress"),
]
