from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

import pagecache
from spa import views
from spa.sitemaps import SITEMAPS
from spa.two_factor import TwoFactorAdminSite

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin).
    path("favicon.ico", views.favicon),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "sitemap.xml",
        pagecache.public_page(pagecache.CONTENT)(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("points/", include("points.urls")),
    path("", include("bookings.urls")),
    # The staff calendar: inside the admin's path, login and look (bookings/staff_views.py).
    path(settings.ADMIN_URL + "calendar/", include("bookings.staff_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Django's own 404 view renders templates/404.html with the request context.
handler500 = "spa.views.server_error"

admin.site.site_header = f"{settings.SPA_NAME} staff"
admin.site.site_title = f"{settings.SPA_NAME} staff"
admin.site.index_title = "Run the spa"

if settings.SPA_ADMIN_REQUIRE_2FA:
    # django-otp's documented switch (its OTPAdminSite, as a subclass): the
    # login form also asks for a code, and only staff verified by a confirmed
    # device (TOTP, added in admin) get in.
    admin.site.__class__ = TwoFactorAdminSite
