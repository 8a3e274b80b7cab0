from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.my_supervision, name="my"),
    path("supervision/topics/", views.topic_list, name="topic_list"),
    path("supervision/groups/<int:pk>/", views.group_detail, name="group"),
    path("supervision/recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("supervision/recommendations/<int:pk>/send/", views.recommendation_send, name="send"),
    path("supervision/recommendations/<int:pk>/review/", views.recommendation_review, name="review"),
    path("supervision/status/", views.status, name="status"),
    path("supervision/status/export.xlsx", views.status_export, name="status_export"),
]
