import pytest
from django.urls import reverse

from tests import factories as f

URL = reverse("points:library")


@pytest.fixture
def library(db):
    back = f.region("lower-back", "Lower back")
    neck = f.region("neck", "Neck", map_y="0.13")
    low_back = f.concern("low-back-pain", "Low back pain")
    headache = f.concern("tension-headache", "Tension headache")
    ball = f.tool("massage-ball", "Massage ball")
    bl23 = f.point(
        "BL23",
        english_name="Kidney Shu",
        pinyin_name="Shenshu",
        region=back,
        concerns=[low_back],
        tool=ball,
    )
    gb20 = f.point(
        "GB20", english_name="Wind Pool", pinyin_name="Fengchi", region=neck, concerns=[headache]
    )
    draft = f.point("GV99", english_name="Draft point", region=back, published=False)
    return {"bl23": bl23, "gb20": gb20, "draft": draft}


def codes(response) -> list[str]:
    return [p.code for p in response.context["page"].object_list]


def test_lists_published_points_only(anonymous, library):
    response = anonymous.get(URL)
    assert response.status_code == 200
    assert codes(response) == ["BL23", "GB20"]
    assert b"Draft point" not in response.content


def test_filter_by_region(anonymous, library):
    response = anonymous.get(URL, {"region": "neck"})
    assert codes(response) == ["GB20"]
    assert response.context["selected_region"].slug == "neck"


def test_filter_by_concern(anonymous, library):
    assert codes(anonymous.get(URL, {"concern": "low-back-pain"})) == ["BL23"]


def test_filter_by_tool(anonymous, library):
    assert codes(anonymous.get(URL, {"tool": "massage-ball"})) == ["BL23"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bl23", ["BL23"]),
        ("BL 23", ["BL23"]),
        ("fengchi", ["GB20"]),
        ("wind", ["GB20"]),
        ("headache", ["GB20"]),
        ("back pain", ["BL23"]),
        ("nothing-like-this", []),
    ],
)
def test_search_over_names_codes_and_concerns(anonymous, library, query, expected):
    assert codes(anonymous.get(URL, {"q": query})) == expected


def test_unknown_filter_value_shows_message_and_keeps_input(anonymous, library):
    response = anonymous.get(URL, {"region": "elbow", "q": "wind"})
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    # The valid part of the request still applies, and the typed text stays in the box.
    assert codes(response) == ["GB20"]
    assert b'value="wind"' in response.content


@pytest.mark.parametrize("q", ["\x00", "a" * 500, "💆‍♀️ ✦ ñ", "' OR 1=1 --", "<script>"])
def test_odd_search_input_never_fails(anonymous, library, q):
    response = anonymous.get(URL, {"q": q})
    assert response.status_code == 200
    assert b"<script>" not in response.content.split(b"</header>", 1)[1].split(b"<script src")[0]


def test_pagination_keeps_filters(anonymous, db):
    back = f.region("lower-back", "Lower back")
    for _ in range(15):
        f.point(region=back)
    first = anonymous.get(URL, {"region": "lower-back"})
    assert len(first.context["page"].object_list) == 12
    assert b"region=lower-back&amp;page=2" in first.content
    second = anonymous.get(URL, {"region": "lower-back", "page": 2})
    assert len(second.context["page"].object_list) == 3
    # A page number out of range or not a number shows a page, not an error.
    assert anonymous.get(URL, {"page": "999"}).status_code == 200
    assert anonymous.get(URL, {"page": "x"}).status_code == 200


def test_body_map_links_each_region(anonymous, library):
    response = anonymous.get(URL)
    body = response.content.decode()
    assert f'href="{URL}?region=lower-back"' in body
    assert f'href="{URL}?region=neck"' in body


def test_routines_listed_and_filtered(anonymous, library):
    f.routine("Back routine", [library["bl23"]])
    f.routine("Neck routine", [library["gb20"]])
    f.routine("Hidden routine", [library["gb20"]], published=False)
    all_titles = [r.title for r in anonymous.get(URL).context["routines"]]
    assert all_titles == ["Back routine", "Neck routine"]
    neck = [r.title for r in anonymous.get(URL, {"region": "neck"}).context["routines"]]
    assert neck == ["Neck routine"]


def test_post_not_allowed(anonymous, library):
    assert anonymous.post(URL).status_code == 405


def _grow_library(n: int) -> None:
    back = f.region("lower-back", "Lower back")
    c1, c2 = f.concern("a"), f.concern("b")
    for _ in range(n):
        f.point(region=back, concerns=[c1, c2], cautions=[("pregnancy", "Not in pregnancy.")])


def test_query_count_does_not_grow_with_library(anonymous, db, django_assert_num_queries):
    _grow_library(10)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        anonymous.get(URL)
    _grow_library(190)
    with CaptureQueriesContext(connection) as large:
        anonymous.get(URL, {"page": 3})
    assert len(large) == len(small)
    assert len(small) <= 12


def test_routine_total_is_not_multiplied_by_filters(anonymous, library):
    f.routine("Back routine", [library["bl23"], library["bl23"], library["gb20"]])
    routines = anonymous.get(URL, {"region": "lower-back"}).context["routines"]
    assert [r.total_seconds for r in routines] == [180]


@pytest.mark.parametrize("param", ["region", "concern", "tool"])
@pytest.mark.parametrize("value", ["\x00", "neck\x00", "a" * 300, "ne ck", "ñeck"])
def test_crafted_filter_values_get_a_message_not_an_error(anonymous, library, param, value):
    response = anonymous.get(URL, {param: value})
    assert response.status_code == 200
    assert param in response.context["form"].errors
