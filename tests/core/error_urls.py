"""The portal's URLs plus views that fail on purpose, to see the error pages a visitor would get."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from cppcc_portal.urls import handler400, handler403, handler404, handler500  # noqa: F401
from cppcc_portal.urls import urlpatterns as portal_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("boom/", boom),
    path("api/v1/boom/", boom),
    path("forbidden/", forbidden),
    path("api/v1/forbidden/", forbidden),
    *portal_urlpatterns,
]
