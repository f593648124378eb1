"""Shared fixtures: personas, test-wide settings, and the browser set-up.

Personas (see DESIGN.md): anonymous visitor, client, content editor,
therapist, owner. Each persona is a logged-in Django test client.
"""

import os
import shutil
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import settings as hypothesis_settings

# Hypothesis: CI runs the full search (HYPOTHESIS_PROFILE=ci, set by .ci/run); a local
# run tries fewer examples per test. Loaded here, before any test module builds its
# settings object, so the profile is the parent of each.
hypothesis_settings.register_profile("ci", max_examples=60)
hypothesis_settings.register_profile("dev", max_examples=15)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Playwright's sync API runs an event loop in the main thread; without this
# every ORM call inside a test that uses `page` raises SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _reset_task_backends(*, setting, **kwargs) -> None:
    # Django resets its cache handlers when CACHES changes in a test, but not the
    # task backends: without this, a test's TASKS would keep the previous backend.
    if setting == "TASKS":
        from asgiref.local import Local
        from django.tasks import task_backends

        task_backends.__dict__.pop("settings", None)
        task_backends._settings = None
        task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture(scope="session", autouse=True)
def _test_settings(tmp_path_factory):
    # Session-wide, so live_server is built with it (a function-scoped
    # override is too late: the SSL redirect would already have been read).
    from django.test import override_settings
    from django.test.signals import setting_changed

    setting_changed.connect(_reset_task_backends)
    media = tmp_path_factory.mktemp("media")
    with override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        MEDIA_ROOT=str(media),
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        ALLOWED_HOSTS=["testserver", "localhost", "127.0.0.1"],
        MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}},
        # Queued emails run at once, inside the test; tests/test_mail_queue.py runs
        # the real worker on the database and Redis queues.
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # The flow is driven faster than any person types; tests/bookings/
        # test_abuse.py turns the minimum fill time back on.
        SPA_MIN_FILL_SECONDS=0,
        # One memory cache per test process: nothing shared with a dev server or another run.
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    ):
        yield
    shutil.rmtree(media, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, and before they are dropped, on PostgreSQL, an
    end to any connection a test's thread left open (it would block the DROP)."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            if connection.vendor != "postgresql":
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _empty_cache():
    # Each test rolls its database back; cached pages must not outlive it.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- Starter content, loaded once per test process ----------------------------
#
# The loaders take seconds, and many tests start from their content. Once per test
# process (per xdist worker), the real loaders run on the empty test database inside
# a transaction that is rolled back, keeping a copy of every row they wrote; a test
# that asks inserts those rows again, a table at a time (the same rows, many times
# faster than the loaders or loaddata). The loaders' own tests
# (tests/points/test_loader.py, test_starter_content.py, ...) run them for real.

STARTER = {
    "library": ["load_starter_library"],
    "demo": ["load_starter_library", "load_starter_questionnaire", "load_demo_spa"],
}
# What the loaders write: these apps' tables (their many-to-many tables included) and
# user accounts (the demo therapists' logins).
STARTER_APPS = ("points", "bookings")


@dataclass
class Starter:
    users: list
    tables: list[tuple[type, list]]  # (model, its rows)


def _starter(kind: str, django_db_blocker) -> Starter:
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    # A session fixture is set up before the test's own (function-scoped) ones, so the
    # loaders run on the empty test database, never beside a test's rows.
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        override_settings(DEBUG=True),  # the demo loader wants DEBUG
    ):
        for command in STARTER[kind]:
            call_command(command, verbosity=0)
        users = list(get_user_model()._base_manager.order_by("pk"))
        tables = []
        for label in STARTER_APPS:
            for model in apps.get_app_config(label).get_models(include_auto_created=True):
                if rows := list(model._base_manager.order_by("pk")):
                    tables.append((model, rows))
        transaction.set_rollback(True)
    return Starter(users, tables)


def _insert(starter: Starter) -> None:
    """The starter rows, inserted again in one transaction (foreign keys are checked at
    its end). Users get new ids (a test's own accounts may hold the old ones) and the
    rows that name them follow; on PostgreSQL the id sequences move past the rows."""
    import copy

    from django.contrib.auth import get_user_model
    from django.core.management.color import no_style
    from django.db import connection, transaction

    user_model = get_user_model()
    with transaction.atomic():
        users = [copy.copy(u) for u in starter.users]
        for user in users:
            user.pk = None
        user_model._base_manager.bulk_create(users)
        new_id = {old.pk: new.pk for old, new in zip(starter.users, users, strict=True)}
        for model, rows in starter.tables:
            copies = [copy.copy(row) for row in rows]
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model is user_model:
                    for row in copies:
                        if (old := getattr(row, field.attname)) is not None:
                            setattr(row, field.attname, new_id[old])
            model._base_manager.bulk_create(copies)
        models = [model for model, _ in starter.tables]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


@pytest.fixture(scope="session")
def _library_rows(django_db_setup, django_db_blocker) -> Starter:
    return _starter("library", django_db_blocker)


@pytest.fixture(scope="session")
def _demo_rows(django_db_setup, django_db_blocker) -> Starter:
    return _starter("demo", django_db_blocker)


@pytest.fixture
def starter_library(_library_rows, db):
    """The starter library (29 points, 5 routines), as load_starter_library makes it."""
    _insert(_library_rows)


@pytest.fixture
def demo_spa(_demo_rows, db):
    """The library, the questionnaire and the demo spa (services, therapists, hours,
    demo logins), as the three loaders make them."""
    _insert(_demo_rows)


# --- Personas ---------------------------------------------------------------


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def anonymous() -> Client:
    return Client()


@pytest.fixture
def client_user(db):
    return get_user_model().objects.create_user("casey", "casey@example.com", "pw-casey-123456")


@pytest.fixture
def content_editor_user(db):
    from spa.roles import ensure_groups

    groups = ensure_groups()
    user = get_user_model().objects.create_user(
        "edith", "edith@example.com", "pw-edith-123456", is_staff=True
    )
    user.groups.add(groups["Content editors"])
    return user


@pytest.fixture
def content_editor(content_editor_user) -> Client:
    return _login(content_editor_user)


@pytest.fixture
def staff_outside_group(db) -> Client:
    user = get_user_model().objects.create_user(
        "stan", "stan@example.com", "pw-stan-1234567", is_staff=True
    )
    return _login(user)


@pytest.fixture
def owner(db) -> Client:
    user = get_user_model().objects.create_superuser("olive", "olive@example.com", "pw-olive-12345")
    return _login(user)


# --- Browser ------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


def _drives_a_browser(item) -> bool:
    # Playwright's `page` fixture (a parametrize argument of the same name is not it).
    params = getattr(getattr(item, "callspec", None), "params", {})
    return "page" in getattr(item, "fixturenames", ()) and "page" not in params


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every test that drives Chromium carries the `browser` marker, whether or not
    its module says so: CI runs them once (`-m browser`, on PostgreSQL) and the rest
    on both databases (`-m "not browser"`).

    Browser tests need Debian's Chromium: in CI its absence is a failure,
    elsewhere the tests are skipped with a message saying how to install it."""
    for item in items:
        if _drives_a_browser(item) and "browser" not in item.keywords:
            item.add_marker(pytest.mark.browser)
    if os.path.exists(CHROMIUM) or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(
        reason=f"Chromium not found at {CHROMIUM}: run 'apt-get install -y chromium' "
        "(or set CHROMIUM_PATH) to run the browser tests."
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
