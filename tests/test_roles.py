from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import override_settings

from bookings.models import Therapist
from bookings.starter import DEMO_THERAPISTS
from spa import roles
from spa.roles import ACTIONS, ROLE_PERMISSIONS, ensure_groups, role_codenames

pytestmark = pytest.mark.django_db

User = get_user_model()
EDITORS = "Content editors"
HEALTH = ("bookings", "view_health_answers")


def permissions_of(group: Group) -> set[tuple[str, str]]:
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_ensure_groups_is_idempotent():
    first = ensure_groups()
    second = ensure_groups()

    assert Group.objects.filter(name=EDITORS).count() == 1
    assert first[EDITORS].pk == second[EDITORS].pk
    assert permissions_of(first[EDITORS]) == permissions_of(second[EDITORS])


def test_ensure_groups_repairs_a_tampered_group():
    group = ensure_groups()[EDITORS]
    group.permissions.clear()

    assert permissions_of(ensure_groups()[EDITORS]) == permissions_of(group) != set()


def test_content_editors_hold_exactly_the_point_library_permissions():
    models = ROLE_PERMISSIONS[EDITORS]["points"]
    expected = {("points", f"{action}_{model}") for model in models for action in ACTIONS}

    granted = permissions_of(ensure_groups()[EDITORS])

    assert granted == expected
    assert len(granted) == 4 * len(models)
    assert {app for app, _ in granted} == {"points"}


def test_every_role_holds_exactly_what_it_names():
    groups = ensure_groups()

    assert set(groups) == {EDITORS, "Therapists", "Front desk", "Owner"}
    for name, group in groups.items():
        assert permissions_of(group) == role_codenames(name), name


def test_only_therapists_and_the_owner_read_health_answers():
    groups = ensure_groups()

    readers = {name for name, group in groups.items() if HEALTH in permissions_of(group)}

    assert readers == {"Therapists", "Owner"}


def test_front_desk_runs_the_diary_and_time_off_but_deletes_nothing():
    granted = permissions_of(ensure_groups()["Front desk"])

    assert {
        ("bookings", "view_appointment"),
        ("bookings", "change_appointment"),
        ("bookings", "change_callbackrequest"),
        ("bookings", "add_timeoff"),
        ("bookings", "change_timeoff"),
    } <= granted
    assert not {codename for _, codename in granted if codename.startswith("delete_")}
    assert ("bookings", "change_therapist") not in granted
    assert ("bookings", "view_question") not in granted


def test_therapists_may_act_on_appointments_but_not_edit_the_set_up():
    granted = permissions_of(ensure_groups()["Therapists"])

    assert ("bookings", "change_appointment") in granted
    changes = {codename for _, codename in granted if not codename.startswith("view_")}
    assert changes == {"change_appointment"}


def test_owner_runs_bookings_and_the_point_library():
    granted = permissions_of(ensure_groups()["Owner"])
    editors = permissions_of(ensure_groups()[EDITORS])

    assert editors <= granted
    assert HEALTH in granted
    assert ("bookings", "change_bookingrules") in granted
    # The history and the health access log are records, not data to edit.
    assert ("bookings", "view_healthaccess") in granted
    assert ("bookings", "change_appointmentevent") not in granted


def test_a_misspelt_permission_is_an_error_not_a_silent_gap(monkeypatch):
    monkeypatch.setitem(roles.EXTRA_PERMISSIONS, "Therapists", ["bookings.view_helth_answers"])

    with pytest.raises(LookupError, match="view_helth_answers"):
        ensure_groups()


def test_content_editor_cannot_manage_users(content_editor):
    assert content_editor.get("/admin/").status_code == 200
    assert content_editor.get("/admin/auth/user/").status_code == 403


def test_ensure_roles_command_prints_groups():
    out = StringIO()

    call_command("ensure_roles", stdout=out)

    count = 4 * len(ROLE_PERMISSIONS[EDITORS]["points"])
    assert f"{EDITORS}: {count} permissions" in out.getvalue()
    for name in ("Therapists", "Front desk", "Owner"):
        assert f"{name}: {len(role_codenames(name))} permissions" in out.getvalue()


# --- ensure_demo_staff ------------------------------------------------------


@pytest.fixture
def demo_env(monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("SPA_DEMO_PASSWORD", raising=False)


def run_demo_staff(*args: str) -> str:
    out = StringIO()
    call_command("ensure_demo_staff", *args, stdout=out)
    return out.getvalue()


@override_settings(DEBUG=True)
def test_demo_staff_creates_editor_and_owner(demo_env):
    output = run_demo_staff()

    editor = User.objects.get(username="demo-editor")
    assert editor.is_staff
    assert not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == [EDITORS]
    assert editor.check_password("spa-demo-2026!")
    owner = User.objects.get(username="demo-owner")
    assert owner.is_staff
    assert owner.is_superuser
    assert owner.check_password("spa-demo-2026!")
    assert "http://127.0.0.1:8000/admin/" in output
    assert "demo-editor / spa-demo-2026!" in output
    assert "demo-owner / spa-demo-2026!" in output


@override_settings(DEBUG=True)
def test_demo_staff_reads_port_and_password_from_environment(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("SPA_DEMO_PASSWORD", "another-long-pass-77")

    output = run_demo_staff()

    assert "http://127.0.0.1:8123/admin/" in output
    assert "demo-editor / another-long-pass-77" in output
    assert User.objects.get(username="demo-owner").check_password("another-long-pass-77")


@override_settings(DEBUG=True)
def test_demo_staff_is_idempotent_and_keeps_changed_passwords(demo_env):
    first = run_demo_staff()
    editor = User.objects.get(username="demo-editor")
    editor.set_password("changed-by-the-editor-1")
    editor.save()

    second = run_demo_staff()

    assert User.objects.filter(username__startswith="demo-").count() == 3
    assert User.objects.get(username="demo-editor").check_password("changed-by-the-editor-1")
    assert User.objects.get(username="demo-editor").groups.count() == 1
    for line in ("http://127.0.0.1:8000/admin/", "demo-editor / spa-demo-2026!"):
        assert line in first
        assert line in second
    assert "password unchanged" in second


@override_settings(DEBUG=True)
def test_demo_staff_reset_password(demo_env):
    run_demo_staff()
    editor = User.objects.get(username="demo-editor")
    editor.set_password("changed-by-the-editor-1")
    editor.save()

    run_demo_staff("--reset-password")

    assert User.objects.get(username="demo-editor").check_password("spa-demo-2026!")


@override_settings(DEBUG=False)
def test_demo_staff_refuses_without_debug(demo_env):
    with pytest.raises(CommandError, match="DEBUG"):
        run_demo_staff()

    assert not User.objects.filter(username__startswith="demo-").exists()


@override_settings(DEBUG=False)
def test_demo_staff_runs_without_debug_when_forced(demo_env):
    run_demo_staff("--force")

    assert User.objects.filter(username__startswith="demo-").count() == 3


@override_settings(DEBUG=True)
def test_demo_staff_gives_the_demo_therapists_their_logins(demo_env):
    call_command("load_demo_spa", stdout=StringIO(), stderr=StringIO())
    output = run_demo_staff()

    therapists = list(Therapist.objects.select_related("user"))
    assert {t.user.username for t in therapists} == {d["username"] for d in DEMO_THERAPISTS}
    for therapist in therapists:
        assert therapist.user.check_password("spa-demo-2026!")
        assert list(therapist.user.groups.values_list("name", flat=True)) == ["Therapists"]
    names = ", ".join(sorted(d["username"] for d in DEMO_THERAPISTS))
    assert f"therapists:     {names} / spa-demo-2026!" in output

    # A password a therapist chose stays, unless --reset-password.
    user = therapists[0].user
    user.set_password("changed-by-the-therapist-1")
    user.save()
    run_demo_staff()
    assert User.objects.get(pk=user.pk).check_password("changed-by-the-therapist-1")
    assert User.objects.get(pk=user.pk).groups.count() == 1
    run_demo_staff("--reset-password")
    assert User.objects.get(pk=user.pk).check_password("spa-demo-2026!")


@override_settings(DEBUG=True)
def test_demo_therapist_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SPA_DEMO_PASSWORD", "a-long-demo-pass-42")
    call_command("load_demo_spa", stdout=StringIO(), stderr=StringIO())
    run_demo_staff()
    user = User.objects.get(username=DEMO_THERAPISTS[0]["username"])
    assert user.check_password("a-long-demo-pass-42")
