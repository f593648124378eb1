from django.urls import path

from points import views

app_name = "points"

urlpatterns = [
    path("", views.library, name="library"),
    path("routines/<slug:slug>/", views.routine_detail, name="routine"),
    path("<slug:slug>/", views.point_detail, name="detail"),
    path("<slug:slug>/diagram.png", views.point_image_latest, name="image_latest"),
    path("<slug:slug>/diagram-<slug:digest>.png", views.point_image, name="image"),
]
