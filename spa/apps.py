from django.apps import AppConfig, apps
from django.core.signals import request_finished, request_started
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

# Which cached pages and values (pagecache) a row of each model can change.
SCHEDULE_ONLY = ("bookings.Appointment", "bookings.TimeOff", "bookings.WorkingHours")
CONTENT_AND_SCHEDULE = ("bookings.Service", "bookings.Therapist", "bookings.BookingRules")
CONTENT_APPS = ("points",)


class SpaConfig(AppConfig):
    name = "spa"
    verbose_name = "Spa site"

    def ready(self) -> None:
        import pagecache
        from spa import auth, checks  # noqa: F401 (register the checks and the receiver)

        # Cache invalidation is plumbing, not domain flow: receivers on every model
        # that public pages or free times read, so no edit (admin, staff calendar,
        # management command) is missed. Senders are named, so other models keep
        # Django's fast bulk deletes.
        for model in apps.get_models():
            if _namespaces(model):
                post_save.connect(_changed, sender=model, dispatch_uid=f"pagecache-save-{model}")
                post_delete.connect(_changed, sender=model, dispatch_uid=f"pagecache-del-{model}")
        m2m_changed.connect(_m2m_changed, dispatch_uid="pagecache-m2m")
        request_started.connect(pagecache.request_started, dispatch_uid="pagecache-start")
        request_finished.connect(pagecache.request_finished, dispatch_uid="pagecache-finish")
        # A migrated (or restored) database may hold anything: start a new generation.
        post_migrate.connect(_migrated, sender=self, dispatch_uid="pagecache-migrate")


def _namespaces(model) -> tuple[str, ...]:
    from pagecache import CONTENT, SCHEDULE

    label = model._meta.label
    if label in SCHEDULE_ONLY:
        return (SCHEDULE,)
    if label in CONTENT_AND_SCHEDULE:
        return (CONTENT, SCHEDULE)
    if model._meta.app_label in CONTENT_APPS:
        return (CONTENT,)
    return ()


def _changed(sender, raw=False, **kwargs) -> None:
    from pagecache import bump

    if not raw:
        bump(*_namespaces(sender))


def _migrated(**kwargs) -> None:
    from pagecache import bump

    bump()


def _m2m_changed(sender, instance=None, action="", **kwargs) -> None:
    from pagecache import bump

    if action.startswith("post_") and (namespaces := _namespaces(type(instance))):
        bump(*namespaces)
