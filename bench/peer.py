"""django-appointment 3.12 beside the spa: the same spa loaded into it, served the same way.

`make bench BENCH_ARGS=--peer` installs django-appointment from PyPI into its own
virtualenv (bench/.data/peer/venv), writes a minimal project around it with its own
floor view, loads the benchmark's therapists, hours, services and appointments into
its models, and serves it with gunicorn (2 sync workers, DEBUG off) next to the spa.
Its slot endpoint answers one staff member's day as JSON, with the AJAX header it needs.
"""

# The benchmark starts its own processes with fixed arguments.
# ruff: noqa: S603

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PIN = "django-appointment>=3.12,<3.13"

SETTINGS = """
import os
from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = os.environ["PEER_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "phonenumber_field", "appointment",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peerproject.urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
              "django.contrib.auth.context_processors.auth",
              "django.contrib.messages.context_processors.messages"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "peer.sqlite3",
                         "CONN_MAX_AGE": 60}}
USE_TZ = True
TIME_ZONE = os.environ.get("PEER_TIME_ZONE", "America/Chicago")
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
APPOINTMENT_WEBSITE_NAME = "Peer"
APPOINTMENT_SLOT_DURATION = 15
APPOINTMENT_LEAD_TIME = (9, 0)
APPOINTMENT_FINISH_TIME = (18, 0)
LOGGING = {"version": 1, "disable_existing_loggers": True}
"""

URLS = """
from django.http import HttpResponse
from django.urls import include, path


def floor(request):
    return HttpResponse("ok")


urlpatterns = [path("__floor/", floor), path("appointment/", include("appointment.urls"))]
"""

WSGI = """
import os
from django.core.wsgi import get_wsgi_application
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerproject.settings")
application = get_wsgi_application()
"""

# Runs inside the peer's virtualenv: migrate, then load the exported spa.
LOAD = """
import json, sys
from datetime import date, time, timedelta
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
from appointment.models import (Appointment, AppointmentRequest, Config, Service, StaffMember,
                                WorkingHours)
# The package ships no migrations: make them in the peer's own virtualenv.
call_command("makemigrations", "appointment", verbosity=0)
call_command("migrate", verbosity=0)
data = json.load(open(sys.argv[1]))
if Service.objects.exists():
    sys.exit(0)
Config.objects.get_or_create(slot_duration=15, lead_time=time(9), finish_time=time(18))
services = [Service.objects.create(name=s["name"], duration=timedelta(minutes=s["minutes"]),
                                   price=s["price"]) for s in data["services"]]
users = get_user_model()
staff = []
for n, name in enumerate(data["therapists"]):
    user = users.objects.create_user(f"staff{n}", first_name=name)
    member = StaffMember.objects.create(user=user, slot_duration=15, lead_time=time(9),
                                        finish_time=time(18), work_on_saturday=True)
    member.services_offered.set(services)
    for day in range(1, 7):  # Monday (1) to Saturday (6)
        WorkingHours.objects.create(staff_member=member, day_of_week=day, start_time=time(9),
                                    end_time=time(18))
    staff.append(member)
client = users.objects.create_user("client")
requests = AppointmentRequest.objects.bulk_create(
    [AppointmentRequest(date=date.fromisoformat(a[2]), start_time=time.fromisoformat(a[3]),
                        end_time=time.fromisoformat(a[4]), service=services[a[1]],
                        staff_member=staff[a[0]], id_request=f"r{i}")
     for i, a in enumerate(data["appointments"])], batch_size=2000)
Appointment.objects.bulk_create(
    [Appointment(client=client, appointment_request=r, id_request=f"a{r.pk}", amount_to_pay=0)
     for r in requests], batch_size=2000)
print(f"peer: {len(requests)} appointments, {len(staff)} staff, {len(services)} services")
"""


def export(path: Path) -> None:
    """The spa's services, therapists and slot-holding appointments, in local wall time."""
    from django.utils import timezone

    from bookings.models import HOLDING, Appointment, Service, Status, Therapist

    services = list(Service.objects.active().order_by("pk"))
    therapists = list(Therapist.objects.order_by("pk"))
    s_index = {s.pk: i for i, s in enumerate(services)}
    t_index = {t.pk: i for i, t in enumerate(therapists)}
    rows = []
    kept = [*HOLDING, Status.COMPLETED, Status.NO_SHOW]
    for a in Appointment.objects.filter(status__in=kept).order_by("start").iterator():
        start, end = timezone.localtime(a.start), timezone.localtime(a.end)
        rows.append(
            [
                t_index[a.therapist_id],
                s_index[a.service_id],
                start.date().isoformat(),
                start.time().isoformat(),
                end.time().isoformat(),
            ]
        )
    data = {
        "services": [
            {"name": s.name, "minutes": s.duration_minutes, "price": str(s.price)} for s in services
        ],
        "therapists": [t.display_name for t in therapists],
        "appointments": rows,
    }
    path.write_text(json.dumps(data))


def prepare(data: Path) -> tuple[Path, dict[str, str]]:
    """The peer's project, virtualenv and database; returns (gunicorn path, environment)."""
    from django.conf import settings

    root = data / "peer"
    venv = root / "venv"
    project = root / "peerproject"
    project.mkdir(parents=True, exist_ok=True)
    if not (venv / "bin" / "gunicorn").exists():
        print(f"Installing {PIN} into {venv} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", PIN, "gunicorn"], check=True
        )
    for name, text in (
        ("__init__.py", ""),
        ("settings.py", SETTINGS),
        ("urls.py", URLS),
        ("wsgi.py", WSGI),
    ):
        (project / name).write_text(text)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SPA_"))},
        "DJANGO_SETTINGS_MODULE": "peerproject.settings",
        "PEER_SECRET_KEY": "peer-bench-only-" + "x" * 40,
        "PEER_TIME_ZONE": settings.TIME_ZONE,
        "PYTHONPATH": str(root),
    }
    dump = root / "spa.json"
    stamp = root / "loaded"
    if not stamp.exists():
        (project / "peer.sqlite3").unlink(missing_ok=True)
        export(dump)
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", LOAD, str(dump)], check=True, env=env, cwd=root
        )
        stamp.touch()
    return venv / "bin" / "gunicorn", env


def slot_path(day) -> str:
    """One staff member's day of the first service, as the peer's booking page asks for it."""
    query = f"selected_date={day.isoformat()}&staff_member=1&service_id=1"
    return f"/appointment/ajax/available_slots/?{query}"
