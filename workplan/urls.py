from django.urls import path

from workplan import views

app_name = "workplan"

urlpatterns = [
    path("", views.current, name="current"),
    path("<int:year>/", views.plan_page, name="plan"),
    path("<int:year>/items/<int:number>/", views.item_page, name="item"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
