import pytest

from tests import factories as f


@pytest.fixture
def routine(db):
    li4 = f.point(
        "LI4", english_name="Joining Valley", cautions=[("pregnancy", "Not in pregnancy.")]
    )
    bl23 = f.point("BL23", english_name="Kidney Shu", cautions=[("pregnancy-care", "Ask first.")])
    return f.routine("Lower-back relief", [bl23, li4])


def test_routine_page_lists_steps_in_order_with_total(anonymous, routine):
    response = anonymous.get(routine.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Kidney Shu") < html.index("Joining Valley")
    assert "about 2 min in all" in html
    assert 'data-seconds="60"' in html
    assert "routine-timer.js" in html
    # The timer panel is hidden until the script reveals it: the page works without JS.
    assert 'id="routine-timer" class="routine-timer" data-total="120" hidden' in html
    # Its clock shows the whole routine before start, not 0:00.
    assert '<p class="timer-clock" aria-hidden="true">2:00</p>' in html
    # Each step shows where its point is, for the plain list and for the timer.
    assert html.count('class="routine-step-figure"><svg') == 2


def test_routine_warns_about_pregnancy_points(anonymous, routine):
    html = anonymous.get(routine.get_absolute_url()).content.decode()
    assert "If you are or might be pregnant, skip LI4:" in html
    assert "BL23: ask your therapist or midwife first" in html


def test_unpublished_routine_is_404(anonymous, db):
    r = f.routine("Draft routine", [], published=False)
    assert anonymous.get(r.get_absolute_url()).status_code == 404


def test_post_not_allowed(anonymous, routine):
    assert anonymous.post(routine.get_absolute_url()).status_code == 405


def test_query_count_is_fixed(anonymous, routine, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        anonymous.get(routine.get_absolute_url())
