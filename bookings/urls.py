from django.urls import path

from bookings import my_views, views

app_name = "bookings"

urlpatterns = [
    path("book/", views.service_step, name="service"),
    path("book/therapist/", views.therapist_step, name="therapist"),
    path("book/time/", views.time_step, name="time"),
    path("book/details/", views.details_step, name="details"),
    path("book/health/", views.health_step, name="health"),
    path("book/review/", views.review_step, name="review"),
    path("book/call-back/", views.callback_done, name="callback"),
    path("call-back/<str:token>/", views.callback_page, name="callback_page"),
    path("bookings/<str:token>/", views.manage, name="manage"),
    path("bookings/<str:token>/cancel/", views.cancel, name="cancel"),
    path("bookings/<str:token>/reschedule/", views.reschedule, name="reschedule"),
    path("bookings/<str:token>/again/", views.book_again, name="book_again"),
    path("bookings/<str:token>/health/", views.answer_health, name="answer_health"),
    path("bookings/<str:token>/today/", my_views.pre_visit_check, name="pre_visit"),
    path("bookings/<str:token>/calendar.ics", views.calendar_file, name="calendar"),
    path("bookings/<str:token>/aftercare/<slug:slug>/", views.aftercare_routine, name="aftercare"),
    path("my-bookings/", my_views.my_bookings, name="my_bookings"),
    path("my-bookings/sent/", my_views.my_bookings_sent, name="my_bookings_sent"),
    path("my-bookings/sign-in/<str:token>/", my_views.sign_in_link, name="sign_in"),
    path("my-bookings/sign-out/", my_views.sign_out, name="sign_out"),
    path("my-bookings/again/", my_views.book_again, name="book_again"),
    path("services/", views.service_list, name="services"),
    path("services/<slug:slug>/", views.service_detail, name="service_detail"),
]
