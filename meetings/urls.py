from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("<int:pk>/", views.console, name="console"),
    path("<int:pk>/call/", views.meeting_call, name="call"),
    path("<int:pk>/sessions/add/", views.session_add, name="session_add"),
    path("<int:pk>/agenda/add/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/motions/add/", views.motion_add, name="motion_add"),
    path("<int:pk>/documents/publish/", views.documents_publish, name="documents_publish"),
    path("<int:pk>/checkin/screen/", views.checkin_screen, name="checkin_screen"),
    path("<int:pk>/checkin/screen/state.json", views.checkin_screen_state, name="checkin_screen_state"),
    path("<int:pk>/desk/", views.desk, name="desk"),
    path("<int:pk>/desk/state.json", views.desk_state, name="desk_state"),
    path("<int:pk>/screen/", views.projector, name="projector"),
    path("<int:pk>/screen/state.json", views.projector_state, name="projector_state"),
    path("sessions/<int:pk>/checkin/", views.checkin_page, name="checkin"),
    path("sessions/<int:pk>/open/", views.session_open, name="session_open"),
    path("sessions/<int:pk>/close/", views.session_close, name="session_close"),
    path("sessions/<int:pk>/current/", views.session_current, name="session_current"),
    path("sessions/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("motions/<int:pk>/open/", views.motion_open, name="motion_open"),
    path("motions/<int:pk>/close/", views.motion_close, name="motion_close"),
    path("leave/<int:pk>/", views.leave_decide, name="leave_decide"),
    path("speeches/<int:pk>/decide/", views.speech_decide, name="speech_decide"),
    path("attendance/", views.attendance_report, name="attendance_report"),
]
