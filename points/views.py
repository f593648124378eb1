from django.http import HttpRequest, HttpResponse


def library(request: HttpRequest) -> HttpResponse:
    return HttpResponse("library")


def point_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(slug)


def routine_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(slug)
