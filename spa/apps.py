from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save


class SpaConfig(AppConfig):
    name = "spa"
    verbose_name = "Spa site"

    def ready(self) -> None:
        # Cache invalidation is plumbing, not domain flow: one receiver for every
        # model, so no edit (admin, staff calendar, management command) is missed.
        post_save.connect(_changed, dispatch_uid="pagecache-save")
        post_delete.connect(_changed, dispatch_uid="pagecache-delete")
        m2m_changed.connect(_m2m_changed, dispatch_uid="pagecache-m2m")


def _namespaces(model) -> tuple[str, ...]:
    """Which cached pages and values a row of `model` can change."""
    from pagecache import CONTENT, SCHEDULE

    label = model._meta.label
    if label in ("bookings.Appointment", "bookings.TimeOff", "bookings.WorkingHours"):
        return (SCHEDULE,)
    if label in ("bookings.Service", "bookings.Therapist", "bookings.BookingRules"):
        return (CONTENT, SCHEDULE)
    if model._meta.app_label == "points":
        return (CONTENT,)
    return ()


def _changed(sender, instance=None, raw=False, **kwargs) -> None:
    from pagecache import bump

    if raw or not apps.ready:
        return
    if namespaces := _namespaces(sender):
        bump(*namespaces)


def _m2m_changed(sender, instance=None, action="", **kwargs) -> None:
    from pagecache import bump

    if action.startswith("post_") and (namespaces := _namespaces(type(instance))):
        bump(*namespaces)
