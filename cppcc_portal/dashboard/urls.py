from django.urls import path

from cppcc_portal.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("ping", views.ping, name="ping"),
    path("summary/", views.summary, name="summary"),
    path("committees/", views.rollup, name="rollup"),
    path("committees/<slug:slug>/", views.committee_home, name="committee"),
    path("members/<int:pk>/duty-file/", views.member_duty_file, name="member_duty_file"),
    path("exports/", views.exports, name="exports"),
    path("exports/new/", views.export_create, name="export_create"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
