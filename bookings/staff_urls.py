"""The staff calendar, mounted under the admin's path (see spa/urls.py)."""

from django.urls import path

from bookings import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.day_view, name="day"),
    path("week/<slug:slug>/", staff_views.week_view, name="week"),
    path("appointment/<int:pk>/", staff_views.appointment_panel, name="appointment"),
    path("appointment/<int:pk>/status/", staff_views.appointment_status, name="status"),
    path("appointment/<int:pk>/move/", staff_views.appointment_move, name="move"),
    path("book/", staff_views.book, name="book"),
    path("call-back/<int:pk>/", staff_views.callback_page, name="callback"),
    path("block/", staff_views.block_time, name="block"),
]
