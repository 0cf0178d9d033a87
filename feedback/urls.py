from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("kontakt/", views.contact, name="contact"),
    path("kontakt/gesendet/", views.contact_sent, name="contact_sent"),
]
