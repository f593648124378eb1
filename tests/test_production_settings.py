"""DJANGO_ENV=production: the deploy gate, the required variables, the cache.

Each case loads the settings in a fresh process, because settings are read
once per process; nothing from this shell's spa variables leaks in.
"""

import json
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parent.parent
OWN_PREFIXES = ("DJANGO_", "SPA_", "SMTP_", "DATABASE_", "CACHE_")
REDIS = ("127.0.0.1", 6379)

# Prints the settings the tests look at, as JSON.
DUMP = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_NAME": settings.SESSION_COOKIE_NAME,
    "CSRF_COOKIE_NAME": settings.CSRF_COOKIE_NAME,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "SECURE_HSTS_PRELOAD": settings.SECURE_HSTS_PRELOAD,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "ENGINE": db["ENGINE"],
    "CONN_MAX_AGE": db["CONN_MAX_AGE"],
    "CONN_HEALTH_CHECKS": db["CONN_HEALTH_CHECKS"],
    "MAILER": settings.MAILERS["default"]["BACKEND"],
    "CACHE": settings.CACHES["default"]["BACKEND"],
}))
"""

# Sets a key through Django's cache API, reads it back, prints the backend.
CACHE_ROUND_TRIP = """
import sys, django
django.setup()
from django.core.cache import caches
cache = caches["default"]
key, value = sys.argv[1], sys.argv[2]
cache.set(key, value, timeout=60)
assert cache.get(key) == value, "read back failed"
print(type(cache).__module__ + "." + type(cache).__name__)
"""


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The environment a production deployment sets; override to drop or change one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
    env.update(
        DJANGO_SETTINGS_MODULE="spa.settings",
        SPA_DATA_DIR=str(tmp_path / "data"),
        SPA_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=get_random_secret_key(),
        DJANGO_ALLOWED_HOSTS="spa.example",
        # Nothing listens for this user: `check --deploy` opens no connection.
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/x",
        SMTP_HOST="smtp.example",
        DJANGO_BEHIND_PROXY="1",
        SPA_PROXY_COUNT="1",
        SPA_SITE_URL="https://spa.example",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)


def dump(env: dict[str, str]) -> dict:
    result = run(["-c", DUMP], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- The deploy gate ------------------------------------------------------


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = check_deploy(production_env(tmp_path, DJANGO_HSTS_PRELOAD="1"))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_hsts_preload_the_only_warning_is_the_preload_one(tmp_path):
    # Preload is opt-in (every subdomain must serve HTTPS first); Django's
    # deploy check names exactly that and nothing else.
    result = check_deploy(production_env(tmp_path))

    assert result.returncode == 1
    assert "security.W021" in result.stderr
    assert "1 issue" in result.stderr


# --- Required variables ---------------------------------------------------


@pytest.mark.parametrize(
    "name", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "SMTP_HOST"]
)
@pytest.mark.parametrize("value", [None, ""], ids=["unset", "blank"])
def test_each_required_variable_is_named_when_missing(tmp_path, name, value):
    result = run(["manage.py", "check"], production_env(tmp_path, **{name: value}))

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} is required" in result.stderr


def test_hosts_that_are_only_commas_count_as_missing(tmp_path):
    result = run(["-c", DUMP], production_env(tmp_path, DJANGO_ALLOWED_HOSTS=" , "))

    assert "DJANGO_ALLOWED_HOSTS is required when DJANGO_ENV=production" in result.stderr


def test_debug_is_refused_in_production(tmp_path):
    result = run(["-c", DUMP], production_env(tmp_path, DJANGO_DEBUG="1"))

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off when DJANGO_ENV=production" in result.stderr


def test_unknown_environment_name_is_refused(tmp_path):
    result = run(["-c", DUMP], production_env(tmp_path, DJANGO_ENV="staging"))

    assert result.returncode != 0
    assert "DJANGO_ENV must be one of development, production; got 'staging'" in result.stderr


# --- What production turns on ---------------------------------------------


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    return dump(production_env(tmp_path_factory.mktemp("prod")))


def test_production_cookies_are_secure_and_host_prefixed(production):
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"


def test_production_https(production):
    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is False
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_production_database_connections_persist(production):
    assert production["ENGINE"] == "django.db.backends.postgresql"
    assert production["CONN_MAX_AGE"] == 60
    assert production["CONN_HEALTH_CHECKS"] is True


def test_production_mails_through_smtp(production):
    assert production["MAILER"] == "django.core.mail.backends.smtp.EmailBackend"


def test_connection_lifetime_can_be_set(tmp_path):
    settings = dump(production_env(tmp_path, DATABASE_CONN_MAX_AGE="0"))

    assert settings["CONN_MAX_AGE"] == 0


def test_insecure_cookies_keep_their_plain_names(tmp_path):
    # Browsers drop a __Host- cookie that is not Secure.
    settings = dump(production_env(tmp_path, DJANGO_SECURE_COOKIES="0"))

    assert settings["SESSION_COOKIE_NAME"] == "sessionid"
    assert settings["CSRF_COOKIE_NAME"] == "csrftoken"


def test_development_with_debug_off_needs_no_production_variables(tmp_path):
    # How the test suite and `make serve` run: hosts come later, plain names.
    settings = dump(
        production_env(
            tmp_path, DJANGO_ENV=None, DJANGO_ALLOWED_HOSTS=None, DATABASE_URL=None, SMTP_HOST=None
        )
    )

    assert settings["DEBUG"] is False
    assert settings["SESSION_COOKIE_NAME"] == "sessionid"
    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["CONN_MAX_AGE"] == 0
    assert settings["MAILER"] == "django.core.mail.backends.console.EmailBackend"


# --- The cache --------------------------------------------------------------


def redis_reachable() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


def test_without_cache_url_the_processes_of_one_machine_share_a_file_cache(tmp_path):
    env = production_env(tmp_path)
    written = run(["-c", CACHE_ROUND_TRIP, "k", "v"], env)
    # A second process (another gunicorn worker) reads what the first one wrote.
    read_back = run(
        [
            "-c",
            "import django; django.setup(); from django.core.cache import cache;"
            " print(cache.get('k'))",
        ],
        env,
    )

    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == "django.core.cache.backends.filebased.FileBasedCache"
    assert read_back.stdout.strip() == "v", read_back.stderr
    assert (tmp_path / "data" / "cache").is_dir()


def test_cache_url_uses_the_shared_redis(tmp_path):
    if not redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not listening on {REDIS[0]}:{REDIS[1]}.")
        pytest.skip(f"Redis is not listening on {REDIS[0]}:{REDIS[1]}.")
    import redis

    key, value = f"test-{uuid.uuid4().hex}", uuid.uuid4().hex
    env = production_env(tmp_path, CACHE_URL=f"redis://{REDIS[0]}:{REDIS[1]}/15")

    result = run(["-c", CACHE_ROUND_TRIP, key, value], env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"
    # Really in Redis (prefix "spa", version 1), where every app process sees it.
    server = redis.Redis(host=REDIS[0], port=REDIS[1], db=15)
    try:
        assert server.exists(f"spa:1:{key}") == 1
        assert 0 < server.ttl(f"spa:1:{key}") <= 60
    finally:
        server.delete(f"spa:1:{key}")
        server.close()


def test_cache_url_with_another_scheme_is_refused_without_echoing_it(tmp_path):
    env = production_env(tmp_path, CACHE_URL="memcached://user:s3cret@cache:11211")

    result = run(["-c", DUMP], env)

    assert result.returncode != 0
    assert "CACHE_URL must start with redis://" in result.stderr
    assert "s3cret" not in result.stderr


# --- The spa's own start-up checks (spa/checks.py) ---------------------------


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"SPA_SITE_URL": None}, "spa.E001"),
        ({"SPA_SITE_URL": "http://spa.example"}, "spa.E001"),
        ({"SPA_SITE_URL": "https://elsewhere.example"}, "spa.E002"),
        ({"SPA_PROXY_COUNT": "0"}, "spa.E003"),
        ({"SPA_OPENING_HOURS": "whenever we feel like it"}, "spa.E004"),
    ],
)
def test_unsafe_settings_are_refused_at_start_up(tmp_path, overrides, error):
    result = run(["manage.py", "check"], production_env(tmp_path, **overrides))

    assert result.returncode != 0
    assert error in result.stderr


def test_the_checks_pass_in_development(tmp_path):
    env = production_env(tmp_path, DJANGO_ENV="development", SPA_SITE_URL=None)
    env.update(DJANGO_BEHIND_PROXY="0", SPA_PROXY_COUNT="0")
    result = run(["manage.py", "check"], env)

    assert result.returncode == 0, result.stderr


def test_gunicorn_refuses_to_load_the_site_with_unsafe_settings(tmp_path):
    env = production_env(tmp_path, SPA_PROXY_COUNT="0")
    result = run(["-c", "import spa.wsgi"], env)

    assert result.returncode != 0
    assert "spa.E003" in result.stderr
    assert run(["-c", "import spa.wsgi"], production_env(tmp_path)).returncode == 0
