"""Settings read from the environment: each case loads them in a fresh process,
because settings are read once per process."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from spa.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parent.parent
OWN_PREFIXES = ("DJANGO_", "SPA_", "SMTP_", "DATABASE_")

# Prints the settings the tests look at, as JSON.
DUMP = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "TIME_ZONE": settings.TIME_ZONE,
    "USE_TZ": settings.USE_TZ,
    "ENGINE": db["ENGINE"],
    "NAME": str(db["NAME"]),
    "OPTIONS": db.get("OPTIONS", {}),
    "MAILERS": settings.MAILERS,
    "TASKS": settings.TASKS,
    "RQ_QUEUES": settings.RQ_QUEUES,
    "SECURE_CSP": {k: [str(v) for v in vs] for k, vs in settings.SECURE_CSP.items()},
}))
"""


def load_settings(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Run DUMP with only the given spa variables set (nothing from this shell)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
    clean.update(DJANGO_SETTINGS_MODULE="spa.settings", SPA_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", DUMP],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(tmp_path: Path, **env: str) -> dict:
    result = load_settings(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = load_settings(tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_starts_with_secret_key(tmp_path):
    settings = loaded(tmp_path, DJANGO_SECRET_KEY="x" * 50)

    assert settings["DEBUG"] is False


def test_unclear_debug_value_is_refused(tmp_path):
    result = load_settings(tmp_path, DJANGO_DEBUG="maybe")

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG must be one of" in result.stderr
    assert "'maybe'" in result.stderr


def test_unknown_time_zone_is_refused(tmp_path):
    result = load_settings(tmp_path, DJANGO_DEBUG="1", SPA_TIME_ZONE="Mars/Olympus_Mons")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SPA_TIME_ZONE 'Mars/Olympus_Mons'" in result.stderr


@pytest.fixture(scope="module")
def dev_settings(tmp_path_factory) -> dict:
    return loaded(tmp_path_factory.mktemp("data"), DJANGO_DEBUG="1")


def test_default_time_zone(dev_settings):
    assert dev_settings["TIME_ZONE"] == "America/Chicago"
    assert dev_settings["USE_TZ"] is True


def test_time_zone_from_environment(tmp_path):
    settings = loaded(tmp_path, DJANGO_DEBUG="1", SPA_TIME_ZONE="Europe/Lisbon")

    assert settings["TIME_ZONE"] == "Europe/Lisbon"


def test_sqlite_by_default_with_immediate_transactions(dev_settings):
    assert dev_settings["ENGINE"] == "django.db.backends.sqlite3"
    assert dev_settings["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_url_selects_postgresql(tmp_path):
    settings = loaded(tmp_path, DJANGO_DEBUG="1", DATABASE_URL="postgres://u:p@h:5432/db")

    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert settings["NAME"] == "db"
    # An unreachable database costs seconds, and no statement runs for ever.
    assert settings["OPTIONS"] == {
        "connect_timeout": 3,
        "options": "-c statement_timeout=15000",
    }


def test_database_timeouts_come_from_the_environment(tmp_path):
    settings = loaded(
        tmp_path,
        DJANGO_DEBUG="1",
        DATABASE_URL="postgres://u:p@h:5432/db",
        DATABASE_CONNECT_TIMEOUT="7",
        DATABASE_STATEMENT_TIMEOUT_MS="0",
    )

    assert settings["OPTIONS"] == {"connect_timeout": 7, "options": "-c statement_timeout=0"}


def test_sqlite_database_url_keeps_immediate_transactions(tmp_path):
    path = tmp_path / "shared.sqlite3"
    settings = loaded(tmp_path, DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{path}")

    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["NAME"] == str(path)
    assert settings["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 20}


def test_csp_is_strict(dev_settings):
    csp = dev_settings["SECURE_CSP"]

    assert "'unsafe-inline'" not in json.dumps(csp)
    assert csp["default-src"] == ["'none'"]
    assert "<CSP_NONCE_SENTINEL>" in csp["script-src"]


# --- The helpers in spa/env.py --------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "True", "YES", "on", " on "])
def test_env_bool_true(monkeypatch, raw):
    monkeypatch.setenv("SPA_FLAG", raw)

    assert env_bool("SPA_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_false(monkeypatch, raw):
    monkeypatch.setenv("SPA_FLAG", raw)

    assert env_bool("SPA_FLAG", True) is False


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("SPA_FLAG", raising=False)

    assert env_bool("SPA_FLAG", True) is True
    assert env_bool("SPA_FLAG", False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled"])
def test_env_bool_bad_value_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("SPA_FLAG", raw)

    with pytest.raises(ImproperlyConfigured, match=f"SPA_FLAG .*{raw!r}"):
        env_bool("SPA_FLAG")


def test_env_int(monkeypatch):
    monkeypatch.setenv("SPA_COUNT", "42")

    assert env_int("SPA_COUNT", 7) == 42


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_env_int_default_when_unset_or_blank(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv("SPA_COUNT", raising=False)
    else:
        monkeypatch.setenv("SPA_COUNT", raw)

    assert env_int("SPA_COUNT", 7) == 7


@pytest.mark.parametrize("raw", ["ten", "1.5", "0x10"])
def test_env_int_bad_value_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("SPA_COUNT", raw)

    with pytest.raises(ImproperlyConfigured, match="SPA_COUNT must be a whole number"):
        env_int("SPA_COUNT", 7)


def test_env_int_below_minimum(monkeypatch):
    monkeypatch.setenv("SPA_COUNT", "-1")

    with pytest.raises(ImproperlyConfigured, match="SPA_COUNT must be at least 0; got -1"):
        env_int("SPA_COUNT", 7, minimum=0)
    monkeypatch.setenv("SPA_COUNT", "0")
    assert env_int("SPA_COUNT", 7, minimum=0) == 0


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("SPA_HOSTS", " a.example , b.example,,")

    assert env_list("SPA_HOSTS") == ["a.example", "b.example"]


def test_env_list_empty_value_is_an_empty_list(monkeypatch):
    monkeypatch.setenv("SPA_HOSTS", "")

    assert env_list("SPA_HOSTS", ["default"]) == []


def test_env_list_default_is_a_copy(monkeypatch):
    monkeypatch.delenv("SPA_HOSTS", raising=False)
    default = ["localhost"]

    hosts = env_list("SPA_HOSTS", default)
    hosts.append("changed")

    assert default == ["localhost"]
    assert env_list("SPA_HOSTS") == []


def test_env_str(monkeypatch):
    monkeypatch.delenv("SPA_NAME_X", raising=False)
    assert env_str("SPA_NAME_X", "fallback") == "fallback"
    monkeypatch.setenv("SPA_NAME_X", "Willow")
    assert env_str("SPA_NAME_X", "fallback") == "Willow"


def test_smtp_has_a_timeout(tmp_path):
    settings = loaded(tmp_path, DJANGO_DEBUG="1", SMTP_HOST="mail.example", SMTP_TIMEOUT="4")

    assert settings["MAILERS"]["default"]["OPTIONS"]["timeout"] == 4


def test_the_queue_is_in_the_database_by_default(dev_settings):
    assert dev_settings["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_the_redis_queue_has_timeouts(tmp_path):
    settings = loaded(
        tmp_path,
        DJANGO_DEBUG="1",
        SPA_TASKS_BACKEND="redis",
        SPA_TASKS_REDIS_URL="redis://127.0.0.1:6379/3",
    )

    assert settings["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert settings["RQ_QUEUES"]["default"]["URL"] == (
        "redis://127.0.0.1:6379/3?socket_timeout=5&socket_connect_timeout=5"
    )


def test_the_redis_queue_needs_its_url(tmp_path):
    result = load_settings(tmp_path, DJANGO_DEBUG="1", SPA_TASKS_BACKEND="redis")

    assert result.returncode != 0
    assert "SPA_TASKS_REDIS_URL" in result.stderr
