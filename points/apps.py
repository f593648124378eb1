from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "points"
    verbose_name = "Pressure-point library"

    def ready(self) -> None:
        from points import images

        images.configure_pillow()
