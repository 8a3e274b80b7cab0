from django.contrib.auth import SESSION_KEY
from django.http import HttpResponse
from django.urls import path


def ok(request):
    return HttpResponse("ok")


def session_read(request):
    # The session alone, read from the store: the least a request with a server-side session pays.
    if SESSION_KEY not in request.session:
        return HttpResponse("no session", status=403)
    return HttpResponse("ok")


def signed_in(request):
    # Reading request.user loads the session and the user row, as every signed-in page must.
    if not request.user.is_authenticated:
        return HttpResponse("not signed in", status=403)
    return HttpResponse("ok")


urlpatterns = [path("", ok), path("session", session_read), path("signed-in", signed_in)]
