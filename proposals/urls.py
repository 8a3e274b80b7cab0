from django.urls import path

from proposals import similarity_views, views

app_name = "proposals"

urlpatterns = [
    path("proposals/", views.proposal_list, name="list"),
    path("proposals/new/", views.proposal_create, name="create"),
    path("proposals/similar/", similarity_views.similar_panel, name="similar"),
    path("proposals/stats/", views.stats, name="stats"),
    path("proposals/stats/export/", views.stats_export, name="stats_export"),
    path("proposals/<int:pk>/", views.proposal_detail, name="detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="submit"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("proposals/<int:pk>/close-cosigning/", views.proposal_close_cosigning, name="close_cosigning"),
    path("proposals/<int:pk>/invite/", views.proposal_invite, name="invite"),
    path("proposals/<int:pk>/cosign/", views.proposal_cosign, name="cosign"),
    path("proposals/<int:pk>/rate/", views.proposal_rate, name="rate"),
    path("proposals/<int:pk>/files/<int:attachment_pk>/", views.attachment_download, name="attachment"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("forwarded/<int:pk>/", views.forwarding_detail, name="forwarding"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
]
