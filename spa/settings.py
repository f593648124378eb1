"""Settings for the spa site: one file, driven by environment variables.

Every variable is listed in README.md. Development defaults are safe; with
DEBUG off the site refuses to start without a real secret key, and with
DJANGO_ENV=production also without its hosts, database and SMTP server.
"""

import os
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from spa.env import env_bool, env_choice, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("SPA_DATA_DIR", str(BASE_DIR / "data")))

# DJANGO_ENV=production turns on every production rule at once: the hosts,
# the database, the SMTP mailer are required; cookies are __Host- prefixed;
# database connections persist. The test suite and `make serve` run as
# "development" with DEBUG off, so they can set hosts after import.
DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION = DJANGO_ENV == "production"
_IN_PRODUCTION = "when DJANGO_ENV=production"

DEBUG = env_bool("DJANGO_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when DJANGO_ENV=production.")

_DEV_SECRET = "dev-only-insecure-key-never-use-in-production"  # noqa: S105 (used only with DEBUG on)
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
        "Set DJANGO_DEBUG=1 for local development."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        f"DJANGO_ALLOWED_HOSTS is required {_IN_PRODUCTION}: "
        "comma-separated host names, e.g. spa.example."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Task queues: the database one by default, RQ on Redis by SPA_TASKS_BACKEND.
    "django_tasks_db",
    "django_tasks_rq",
    "django_rq",
    "spa",
    "house",
    "points",
    "bookings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the header too.
    "spa.middleware.cross_origin_resource_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Keep last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spa.urls"
WSGI_APPLICATION = "spa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "spa.context_processors.spa",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite in a git-ignored folder by default; PostgreSQL through DATABASE_URL.
_database_url = (
    env_required("DATABASE_URL", f"{_IN_PRODUCTION} (e.g. postgres://user:pass@host:5432/spa)")
    if PRODUCTION
    else env_str("DATABASE_URL")
)
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url,
            # Persistent connections in production, checked before reuse so a
            # restarted database costs one retry, not an error page.
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0, minimum=0),
            conn_health_checks=PRODUCTION,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # A database that does not answer must cost seconds, not a worker: a
        # connect timeout, and a ceiling on any one statement (0 turns it off).
        _statement_ms = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 15_000, minimum=0)
        DATABASES["default"]["OPTIONS"] = {
            "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=1),
            "options": f"-c statement_timeout={_statement_ms}",
            **DATABASES["default"].get("OPTIONS", {}),
        }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # A sqlite:/// URL (several app servers on one file, as the scale-out
        # test runs them) needs the same locking as the default file below;
        # options in the URL's query string still win.
        DATABASES["default"]["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            **DATABASES["default"].get("OPTIONS", {}),
        }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "spa.sqlite3"),
            # IMMEDIATE takes the write lock up front, so concurrent writers
            # wait their turn instead of failing with "database is locked".
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            # `make serve` keeps connections (as production does): opening SQLite and
            # reading its schema again costs more than most cached pages.
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
            # A file, not shared memory: threads in the concurrency tests must
            # see each other's commits. One file per process, so parallel runs
            # on one machine do not trample each other.
            "TEST": {"NAME": DATA_DIR / f"test-{os.getpid()}.sqlite3"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
# One Redis shared by every app process when CACHE_URL is set (several machines).
# Without it, the processes of one machine share files under DATA_DIR/cache. It
# must be shared: cached public pages (pagecache/) are dropped by a token that a
# staff save replaces, and every worker must see the new one at once.
_cache_url = env_str("CACHE_URL").strip()
if _cache_url:
    if not _cache_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            # Only the scheme: the rest may hold a password.
            "CACHE_URL must start with redis://, rediss:// or unix://; "
            f"got {_cache_url.partition(':')[0]!r}."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "spa",
            # A Redis that hangs must not hang the request behind it.
            "OPTIONS": {
                "socket_timeout": env_int("SPA_REDIS_TIMEOUT", 5, minimum=1),
                "socket_connect_timeout": env_int("SPA_REDIS_TIMEOUT", 5, minimum=1),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "KEY_PREFIX": "spa",
            # Beyond this the cache drops a third of its files; pages are re-rendered.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Time and language ----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("SPA_TIME_ZONE", "America/Chicago")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"SPA_TIME_ZONE {TIME_ZONE!r} is not a known time zone.") from None
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("SPA_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# WhiteNoise scans this folder at start-up and warns when it is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap's files come from the XStatic-Bootstrap package.
    ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("SPA_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded images: a hard cap on bytes and on pixels (see points/images.py).
SPA_IMAGE_MAX_BYTES = env_int("SPA_IMAGE_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
SPA_IMAGE_MAX_PIXELS = env_int("SPA_IMAGE_MAX_PIXELS", 40_000_000, minimum=10_000)
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Security -------------------------------------------------------------
# A strict policy: nothing inline without the per-request nonce, nothing
# from another origin.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    # data: for the small SVG icons inside Bootstrap's CSS (menu button, select arrow).
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Sessions are written to the database and read through the cache above, so a
# booking step does not query the database for its session. A session holds
# keys only (the booking draft's, a signed-in client's id), never an answer.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if PRODUCTION and SESSION_COOKIE_SECURE:
    # Browsers accept a __Host- cookie only over HTTPS, with Path=/ and no
    # Domain, so no subdomain can plant or read it. Production only: the
    # browser tests run over plain HTTP.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Opt in only once every subdomain serves HTTPS: leaving the list is slow.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False) and SECURE_HSTS_SECONDS > 0
SPA_BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if SPA_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

ADMIN_URL = env_str("DJANGO_ADMIN_URL", "admin/").strip("/") + "/"

# --- Abuse protection -------------------------------------------------------
# How many proxies in front of the site append to X-Forwarded-For. 0 ignores
# the header (anyone can forge it); with N, the client is the N-th entry from
# the right. Rate limits and the admin lockout both use it (house/throttle.py).
SPA_PROXY_COUNT = env_int("SPA_PROXY_COUNT", 0, minimum=0)
# Per hour, per client address and per email (placing a booking or asking for
# a call back), and per client address and per booking link (cancel, move).
SPA_BOOKING_LIMIT_PER_HOUR = env_int("SPA_BOOKING_LIMIT_PER_HOUR", 5, minimum=1)
SPA_MANAGE_LIMIT_PER_HOUR = env_int("SPA_MANAGE_LIMIT_PER_HOUR", 10, minimum=1)
# People take longer than this to fill in their details; simple bots do not.
SPA_MIN_FILL_SECONDS = env_int("SPA_MIN_FILL_SECONDS", 3, minimum=0)

# Admin brute force: lock a username from one address after 5 failures, so
# one attacker cannot lock every staff member out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # A per-username ceiling across every address (spa/auth.py).
    "spa.auth.UsernameCeilingBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SPA_ADMIN_USERNAME_CEILING = env_int("SPA_ADMIN_USERNAME_CEILING", 30, minimum=5)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
# Lockouts are still logged; this only drops the start-up banner and user agents.
AXES_VERBOSE = False
# The same client address as the rate limits; the ipware setting is for
# completeness should django-ipware ever be installed (the callable wins).
# IPv6 clients grouped by /64, as for the rate limits: one subscriber holds
# a whole /64 and could otherwise try passwords from each address in turn.
AXES_CLIENT_IP_CALLABLE = "house.throttle.client_network"
AXES_IPWARE_PROXY_COUNT = SPA_PROXY_COUNT
# Staff need a TOTP device (added in admin) to use the admin: on in production
# (the admin reads health answers) unless the operator turns it off; off for the demo.
SPA_ADMIN_REQUIRE_2FA = env_bool("SPA_ADMIN_REQUIRE_2FA", PRODUCTION)

# --- Mail -----------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("SPA_FROM_EMAIL", "Willow & Stone Spa <hello@willowstone.example>")
if PRODUCTION:
    # Mail printed to a console in production would be lost without a trace.
    env_required("SMTP_HOST", f"{_IN_PRODUCTION}: the site mails booking confirmations")
if env_str("SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("SMTP_HOST"),
                "port": env_int("SMTP_PORT", 587, minimum=1),
                "username": env_str("SMTP_USER"),
                "password": env_str("SMTP_PASSWORD"),
                "use_tls": env_bool("SMTP_USE_TLS", True),
                # Seconds per socket operation: a mail server that accepts and
                # then hangs must not hold a worker forever.
                "timeout": env_int("SMTP_TIMEOUT", 10, minimum=1),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Background tasks -------------------------------------------------------
# Every email goes through a durable queue run by `manage.py run_worker`
# (bookings/outbox.py keeps the state of each message and its retries). The
# queue lives in the database by default; a spa with Redis can move it there.
SPA_TASKS_BACKEND = env_choice("SPA_TASKS_BACKEND", "database", ("database", "redis"))
if SPA_TASKS_BACKEND == "redis":
    _redis_url = env_required("SPA_TASKS_REDIS_URL", "when SPA_TASKS_BACKEND=redis")
    if not _redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "SPA_TASKS_REDIS_URL must start with redis://, rediss:// or unix://; "
            f"got {_redis_url.partition(':')[0]!r}."
        )
    _redis_timeout = env_int("SPA_REDIS_TIMEOUT", 5, minimum=1)
    _sep = "&" if "?" in _redis_url else "?"
    RQ_QUEUES = {
        "default": {
            # Timeouts in the URL: redis-py reads them from the query string.
            "URL": f"{_redis_url}{_sep}socket_timeout={_redis_timeout}"
            f"&socket_connect_timeout={_redis_timeout}",
            "DEFAULT_TIMEOUT": 300,
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    RQ_QUEUES = {}
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The waits before each retry of a message that could not be sent (seconds);
# after the last one it is marked undelivered and staff are told.
SPA_MAIL_RETRY_DELAYS = [60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600]
# A message claimed for sending longer ago than this was lost with its worker
# (killed mid-send): it goes back to the queue. Well above SMTP_TIMEOUT.
SPA_MAIL_CLAIM_TIMEOUT = env_int("SPA_MAIL_CLAIM_TIMEOUT", 300, minimum=30)

# --- Forms ----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- The spa's identity -----------------------------------------------------
# An invented demo spa; a real deployment sets its own.
SPA_NAME = env_str("SPA_NAME", "Willow & Stone Spa")
# The name staff see beside the code in their authenticator app.
OTP_TOTP_ISSUER = SPA_NAME
SPA_ADDRESS = env_str("SPA_ADDRESS", "214 Linden Avenue, Springfield")
SPA_PHONE = env_str("SPA_PHONE", "(555) 010-4477")
SPA_EMAIL = env_str("SPA_EMAIL", "hello@willowstone.example")
SPA_OPENING_HOURS = env_str("SPA_OPENING_HOURS", "Tue–Sat 9:00–19:00, Sun 10:00–16:00")
# The site's public address, for links in emails and calendar files.
SPA_SITE_URL = env_str("SPA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where staff alerts about new requests and callbacks go.
SPA_STAFF_EMAIL = env_str("SPA_STAFF_EMAIL", "bookings@willowstone.example")
# Health answers are deleted this many months after the visit (or the call-back
# request) by `manage.py purge_health_data`, run daily by cron. The consent
# wording on the questionnaire states this period (bookings.forms.retention_period).
SPA_HEALTH_RETENTION_MONTHS = env_int("SPA_HEALTH_RETENTION_MONTHS", 24, minimum=1)

# A booking in progress (health answers included) is kept server-side this
# long after the client's last step; then it is dropped and purged.
SPA_BOOKING_DRAFT_MINUTES = env_int("SPA_BOOKING_DRAFT_MINUTES", 120, minimum=5)
# "My bookings": an emailed sign-in link works once, for this many minutes.
SPA_SIGN_IN_LINK_MINUTES = env_int("SPA_SIGN_IN_LINK_MINUTES", 30, minimum=5)
# "Keep me signed in on this device": a returning client stays signed in this long
# (otherwise for the session's life, SESSION_COOKIE_AGE).
SPA_REMEMBER_CLIENT_DAYS = env_int("SPA_REMEMBER_CLIENT_DAYS", 90, minimum=1)
# Returning clients see their last answers again, if given within this many months.
SPA_REUSE_ANSWERS_MONTHS = env_int("SPA_REUSE_ANSWERS_MONTHS", 12, minimum=1)
# The pre-visit check (the "today" questions) is emailed this many hours before.
SPA_PRE_VISIT_HOURS = env_int("SPA_PRE_VISIT_HOURS", 48, minimum=1)

# --- Logging --------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The database away: one line per failed request, not a traceback each.
    "filters": {
        "database_down": {"()": "spa.logfilters.DatabaseDownOneLine"},
        # Clients' private links never reach the log, whoever logs the path.
        "private_links": {"()": "spa.logfilters.RedactPrivateLinks"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["private_links"]}},
    "loggers": {"django.request": {"filters": ["database_down"]}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
}
