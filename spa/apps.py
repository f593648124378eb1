from django.apps import AppConfig


class SpaConfig(AppConfig):
    name = "spa"
    verbose_name = "Spa site"
