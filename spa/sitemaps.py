"""The sitemap: fixed pages, then every published guide, routine and active service."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from bookings.models import Service
from points.models import Point, Routine


class PagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["home", "points:library", "bookings:services"]

    def location(self, item: str) -> str:
        return reverse(item)


class PointSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        # Lists, not querysets: the sitemap's paginator then counts with len(), not COUNT(*).
        return list(Point.objects.published().only("slug", "updated").order_by("code"))

    def lastmod(self, point: Point):
        return point.updated


class RoutineSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return list(Routine.objects.published().only("slug", "updated").order_by("title"))

    def lastmod(self, routine: Routine):
        return routine.updated


class ServiceSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return list(Service.objects.active().only("slug").order_by("order", "name"))

    def location(self, service: Service) -> str:
        return reverse("bookings:service_detail", args=[service.slug])


SITEMAPS = {
    "pages": PagesSitemap,
    "points": PointSitemap,
    "routines": RoutineSitemap,
    "services": ServiceSitemap,
}
