from django.urls import path

from consultations import unit_views

app_name = "consultations_units"

urlpatterns = [
    path("consultations/", unit_views.feedback_list, name="list"),
    path("consultations/<int:pk>/", unit_views.feedback_detail, name="detail"),
]
