from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("", views.portal_home, name="portal_home"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/accept/", views.activity_accept, name="activity_accept"),
    path("activities/<int:pk>/leave/", views.activity_leave, name="activity_leave"),
    path("activities/<int:pk>/enrol/", views.activity_enrol, name="activity_enrol"),
    path("activities/<int:pk>/enrol/cancel/", views.activity_enrol_cancel, name="activity_enrol_cancel"),
    path("activities/<int:pk>/check-in/", views.activity_check_in, name="activity_check_in"),
    path("activities/<int:pk>/attendance/", views.activity_attendance, name="activity_attendance"),
    path("activities/<int:pk>/outcome/", views.activity_outcome, name="activity_outcome"),
    path("my-bodies/activities/", views.led_activities, name="led_activities"),
    path("records/", views.records, name="records"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/files/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path(
        "activities/<int:pk>/files/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("records/<int:pk>/verify/", views.record_verify, name="record_verify"),
    path("records/<int:pk>/reject/", views.record_reject, name="record_reject"),
    path("score/", views.score, name="score"),
    path("duty-file/", views.duty_file, name="duty_file"),
    path("directory/", views.directory, name="directory"),
    path("ranking/", views.ranking, name="ranking"),
    path("members/<int:pk>/duty-file/", views.member_duty_file, name="member_duty_file"),
]
