from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from spa import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin).
    path("favicon.ico", views.favicon),
    path("points/", include("points.urls")),
    path("", include("bookings.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

admin.site.site_header = f"{settings.SPA_NAME} staff"
admin.site.site_title = f"{settings.SPA_NAME} staff"
admin.site.index_title = "Run the spa"
