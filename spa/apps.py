from django.apps import AppConfig


class SpaConfig(AppConfig):
    name = "spa"
    verbose_name = "Spa site"

    def ready(self) -> None:
        from spa import checks  # noqa: F401 (registers the checks)
