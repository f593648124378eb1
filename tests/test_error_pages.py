"""404 and 500 pages in the site's style that give nothing away."""

import pytest
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import get_resolver, path

from spa import urls as site_urls
from spa.views import server_error

pytestmark = pytest.mark.django_db

CANARY = "canary-7f3a: password=hunter2"
LEAKS = ["Traceback", "SECRET_KEY", "DATABASES", "settings.py", "Request Method", CANARY]


def boom(request: HttpRequest):
    raise RuntimeError(CANARY)


# A test-only URLconf: the site's own plus one view that fails.
urlpatterns = [path("test-boom/", boom), *site_urls.urlpatterns]
handler500 = site_urls.handler500


def test_missing_page_is_the_styled_404(anonymous):
    response = anonymous.get("/no-such-page/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    body = response.content.decode()
    assert "We can't find that page" in body
    assert "css/site.css" in body
    assert 'href="/points/"' in body
    for text in ["Page not found at", "Using the URLconf", "Django tried these URL patterns"]:
        assert text not in body


def test_404_does_not_repeat_the_reason(anonymous):
    # get_object_or_404 names the model in its exception; the page must not.
    response = anonymous.get("/points/no-such-point/")

    assert response.status_code == 404
    body = response.content.decode()
    assert "No Point matches" not in body
    # Nor does it pose as a page worth indexing.
    assert '<meta name="robots" content="noindex">' in body
    assert 'rel="canonical"' not in body


def test_site_uses_its_own_500_view():
    assert get_resolver("spa.urls").resolve_error_handler(500) is server_error


@override_settings(ROOT_URLCONF=__name__)
def test_failing_view_gives_the_styled_500_and_nothing_else(caplog):
    client = Client(raise_request_exception=False)

    response = client.get("/test-boom/")

    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, something went wrong on our side" in body
    assert "css/site.css" in body
    assert 'href="/"' in body
    assert "Willow &amp; Stone Spa" in body
    for text in LEAKS:
        assert text not in body
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    # The details go to the log, for staff.
    assert any(CANARY in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_500_renders_without_a_request_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(HttpRequest())

    assert response.status_code == 500
    assert "<script" not in response.content.decode()
    assert "style=" not in response.content.decode()
