from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    path("consultations/", views.home, name="home"),
    path("consultations/propose/", views.propose, name="propose"),
    path("consultations/proposals/", views.proposal_list, name="proposals"),
    path("consultations/proposals/<int:pk>/screen/", views.proposal_screen, name="proposal_screen"),
    path("consultations/topics/<int:pk>/", views.topic_detail, name="topic"),
    path("consultations/topics/<int:pk>/timeline/", views.timeline, name="timeline"),
    path("consultations/topics/<int:pk>/<slug:step>/", views.topic_step, name="step"),
    path("consultations/groups/<int:pk>/report/", views.report_file, name="report_file"),
    path("consultations/tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("consultations/discussions/<int:pk>/", views.discussion_detail, name="discussion"),
    path("consultations/posts/<int:pk>/hide/", views.post_hide, name="post_hide"),
    path("consultations/figures/", views.figures, name="figures"),
    path("consultations/export.xlsx", views.export, name="export"),
]
