"""Under /konto/2fa/freischalten/, beside allauth's pages (verl_digital.urls)."""

from django.urls import path

from verl_digital.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.enrolment_request, name="enrolment_request"),
    path("<str:token>/", views.enrolment_link_follow, name="enrolment_link"),
]
