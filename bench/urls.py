from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [
    path("__floor/", floor),
    path("", include("spa.urls")),
]

handler500 = "spa.views.server_error"
