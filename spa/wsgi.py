import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spa.settings")
application = get_wsgi_application()


def _refuse_unsafe_settings() -> None:
    """gunicorn runs no management command: run the system checks here, so production
    refuses to serve with settings spa/checks.py rejects (as `manage.py check` does)."""
    from django.conf import settings
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    if not settings.PRODUCTION:
        return
    serious = [m for m in checks.run_checks(tags=[checks.Tags.security]) if m.is_serious()]
    if serious:
        raise ImproperlyConfigured("; ".join(f"{m.id}: {m.msg}" for m in serious))


_refuse_unsafe_settings()
