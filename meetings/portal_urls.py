from django.urls import path

from meetings import portal_views

app_name = "meetings_portal"

urlpatterns = [
    path("meetings/", portal_views.agenda, name="agenda"),
    path("meetings/sessions/<int:pk>/register/", portal_views.register, name="register"),
    path("meetings/sessions/<int:pk>/leave/", portal_views.leave, name="leave"),
    path("meetings/<int:pk>/documents/", portal_views.documents, name="documents"),
    path("meetings/documents/<int:pk>/download/", portal_views.document_download, name="document_download"),
    path("meetings/<int:pk>/speeches/", portal_views.speeches, name="speeches"),
    path("meetings/motions/<int:pk>/vote/", portal_views.vote, name="vote"),
]
