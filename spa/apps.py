from django.apps import AppConfig


class SpaConfig(AppConfig):
    name = "spa"
    verbose_name = "Spa site"

    def ready(self) -> None:
        from spa import auth, checks  # noqa: F401 (register the checks and the receiver)
