"""Public pages are cached whole (pagecache), and any content save shows at once."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pagecache
from bookings.models import BookingRules, Service
from points.models import Caution, Point
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    point = f.point("BL23", english_name="Kidney Shu")
    routine = f.routine("Calm before sleep", points=[point])
    service = f.service("Back massage", description="We work the back.")
    service.regions.add(point.region)
    BookingRules.current()  # the first read creates the row (a change: new tokens)
    return {"point": point, "routine": routine, "service": service}


PAGES = {
    "home": lambda s: "/",
    "library": lambda s: "/points/",
    "library by region": lambda s: f"/points/?region={s['point'].region.slug}",
    "search": lambda s: "/points/?q=kidney",
    "point": lambda s: s["point"].get_absolute_url(),
    "routine": lambda s: s["routine"].get_absolute_url(),
    "services": lambda s: "/services/",
    "service": lambda s: f"/services/{s['service'].slug}/",
    "sitemap": lambda s: "/sitemap.xml",
}


@pytest.mark.parametrize("page", PAGES)
def test_public_page_is_served_from_the_cache_without_touching_the_session(anonymous, site, page):
    url = PAGES[page](site)
    first = anonymous.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = anonymous.get(url)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert len(queries) == 0
    # Nothing ties the page to one visitor: a shared proxy could keep it too.
    for response in (first, again):
        assert "Cookie" not in response.get("Vary", "")
        assert not response.cookies
        assert "nonce-" not in response["Content-Security-Policy"]


def test_a_point_edit_shows_at_once(anonymous, site):
    point = site["point"]
    assert "Kidney Shu" in anonymous.get(point.get_absolute_url()).content.decode()
    assert "Kidney Shu" in anonymous.get("/points/").content.decode()

    point.english_name = "Kidney Transport"
    point.save()
    Caution.objects.create(point=point, text="Go gently over the lower ribs.")

    page = anonymous.get(point.get_absolute_url()).content.decode()
    assert "Kidney Transport" in page
    assert "Go gently over the lower ribs." in page
    assert "Kidney Transport" in anonymous.get("/points/").content.decode()


def test_a_service_edit_shows_at_once(anonymous, site):
    assert "Back massage" in anonymous.get("/services/").content.decode()

    site["service"].name = "Back and shoulders"
    site["service"].save()

    assert "Back and shoulders" in anonymous.get("/services/").content.decode()


def test_a_change_made_by_another_process_shows_at_once_despite_the_copy_in_memory(anonymous, site):
    """Each process keeps recent pages in memory too; another process's edit replaces
    the tokens in the shared cache, and the next page here is rendered afresh."""
    url = f"/services/{site['service'].slug}/"
    assert "Back massage" in anonymous.get(url).content.decode()
    assert "Back massage" in anonymous.get(url).content.decode()  # from memory now
    # Another process saves the service: the row changes, and so do the shared tokens.
    Service.objects.filter(pk=site["service"].pk).update(name="Back and shoulders")
    with CaptureQueriesContext(connection) as queries:
        assert "Back massage" in anonymous.get(url).content.decode()  # not told yet
    assert len(queries) == 0
    cache.set(f"pagecache:v:{pagecache.CONTENT}", "another-process", timeout=None)
    assert "Back and shoulders" in anonymous.get(url).content.decode()


def test_unpublishing_from_the_admin_list_hides_a_cached_page_at_once(
    anonymous, content_editor, site
):
    # The admin's bulk action is an UPDATE, which sends no model signal.
    point = site["point"]
    assert anonymous.get(point.get_absolute_url()).status_code == 200

    response = content_editor.post(
        reverse("admin:points_point_changelist"),
        {"action": "unpublish", "_selected_action": [point.pk]},
    )

    assert response.status_code == 302
    assert not Point.objects.get(pk=point.pk).published
    assert anonymous.get(point.get_absolute_url()).status_code == 404
    assert "Kidney Shu" not in anonymous.get("/points/").content.decode()


def test_an_editors_draft_preview_is_never_served_to_visitors(anonymous, content_editor):
    draft = f.point("GV99", english_name="Hidden Draft", published=False)

    preview = content_editor.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "Cookie" in preview["Vary"]

    assert anonymous.get(draft.get_absolute_url()).status_code == 404


def test_tokens_change_again_when_the_transaction_commits(site, django_capture_on_commit_callbacks):
    # A request between the save and the commit could cache the old rows under the
    # new token; the second change after commit drops whatever it stored.
    with django_capture_on_commit_callbacks() as callbacks:
        site["point"].save()
        during = pagecache.versions(pagecache.CONTENT)
    assert callbacks
    for callback in callbacks:
        callback()

    assert pagecache.versions(pagecache.CONTENT) != during


def test_time_off_changes_free_times_but_leaves_the_guides_cached(site):
    therapist = f.therapist("Ana")
    content = pagecache.versions(pagecache.CONTENT)
    schedule = pagecache.versions(pagecache.SCHEDULE)

    f.time_off(therapist, timezone.now())

    assert pagecache.versions(pagecache.CONTENT) == content
    assert pagecache.versions(pagecache.SCHEDULE) != schedule
