import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests import factories as f


@pytest.fixture
def bl23(db):
    other = f.point("GV4", english_name="Gate of Life")
    p = f.point(
        "BL23",
        english_name="Kidney Shu",
        cautions=[("pregnancy", "Skip it in pregnancy."), ("bone", "Never pound here.")],
    )
    p.related.add(other)
    return p


def test_point_page_shows_diagram_steps_and_cautions_first(anonymous, bl23):
    response = anonymous.get(bl23.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    assert "Kidney Shu" in html
    assert "Skip it in pregnancy." in html
    assert "Never pound here." in html
    # Cautions come before the technique steps.
    assert html.index("Before you start") < html.index("How to press it")
    assert html.count('class="technique-steps"') == 1
    for i in (1, 2, 3):
        assert f"Press step {i}." in html
    assert "Find step 1." in html
    assert "Gate of Life" in html


def test_unpublished_point_is_404_for_visitors(anonymous, db):
    draft = f.point("GV99", published=False)
    assert anonymous.get(draft.get_absolute_url()).status_code == 404


def test_unpublished_related_point_not_linked(anonymous, bl23):
    draft = f.point("GV98", english_name="Secret draft", published=False)
    bl23.related.add(draft)
    assert b"Secret draft" not in anonymous.get(bl23.get_absolute_url()).content


def test_editor_previews_draft_with_banner(content_editor, db):
    draft = f.point("GV99", published=False)
    response = content_editor.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert b"Draft: clients cannot see this page" in response.content


def test_staff_without_permission_cannot_preview(staff_outside_group, db):
    draft = f.point("GV99", published=False)
    assert staff_outside_group.get(draft.get_absolute_url()).status_code == 404


def test_unknown_slug_is_404(anonymous, db):
    assert anonymous.get(reverse("points:detail", args=["nope"])).status_code == 404


def test_post_not_allowed(anonymous, bl23):
    assert anonymous.post(bl23.get_absolute_url()).status_code == 405


def test_query_count_is_fixed(anonymous, bl23, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        anonymous.get(bl23.get_absolute_url())


def test_view_permission_alone_is_not_preview(client_user, db):
    from django.test import Client

    client_user.user_permissions.add(Permission.objects.get(codename="view_point"))
    c = Client()
    c.force_login(client_user)
    draft = f.point("GV99", published=False)
    assert c.get(draft.get_absolute_url()).status_code == 404


def test_time_counts_each_side_steps_twice(anonymous, bl23):
    # The factory makes three 30-second steps done "one side, then the other".
    assert bl23.technique_seconds() == 180
    assert b"about 3 min in all" in anonymous.get(bl23.get_absolute_url()).content
