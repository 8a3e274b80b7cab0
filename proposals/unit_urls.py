from django.urls import path

from proposals import unit_views

app_name = "proposals_units"

urlpatterns = [
    path("", unit_views.home, name="home"),
    path("handled/", unit_views.handled, name="handled"),
    path("proposals/<int:pk>/", unit_views.detail, name="detail"),
    path("proposals/<int:pk>/return/", unit_views.return_proposal, name="return"),
    path("proposals/<int:pk>/start/", unit_views.start, name="start"),
    path("proposals/<int:pk>/reply/", unit_views.reply, name="reply"),
    path("proposals/<int:pk>/send/", unit_views.send_reply, name="send"),
    path("proposals/<int:pk>/countersign/", unit_views.countersign, name="countersign"),
    path("proposals/<int:pk>/files/<int:attachment_pk>/", unit_views.attachment, name="attachment"),
]
