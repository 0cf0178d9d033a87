from django.urls import path, register_converter
from django.urls.converters import StringConverter

from feedback import views
from feedback.appeals import views as appeal_views
from feedback.cases import views as case_views


class SignedTokenConverter(StringConverter):
    """What django.core.signing produces: URL-safe base64 parts joined by colons. Anything
    else (a NUL byte, say) is a 404 before it gets near the database."""

    regex = r"[-a-zA-Z0-9_:]+"


register_converter(SignedTokenConverter, "signed")

app_name = "feedback"

urlpatterns = [
    path(
        "kommentare/neu/<int:content_type_id>/<int:object_id>/",
        views.comment_create,
        name="comment_create",
    ),
    path("kommentare/<int:pk>/", views.comment_permalink, name="comment"),
    path("kommentare/<int:pk>/antworten/", views.comment_reply, name="comment_reply"),
    path("kommentare/<int:pk>/melden/", views.comment_report, name="comment_report"),
    path(
        "kommentare/adresse-bestaetigen/<signed:token>/",
        views.address_confirm,
        name="address_confirm",
    ),
    path("kommentare/abmelden/<slug:token>/", views.unsubscribe, name="unsubscribe"),
    path("konto/loeschen/", views.account_delete, name="account_delete"),
    path("konto/benachrichtigungen/", views.alert_settings, name="alert_settings"),
    path("kontakt/", views.contact, name="contact"),
    path("kontakt/gesendet/<str:token>/", views.contact_sent, name="contact_sent"),
    path("vorgang/<signed:token>/", case_views.case_detail, name="case"),
    path("widerspruch/<signed:token>/", appeal_views.appeal_create, name="appeal"),
    path("transparenz/", views.transparency, name="transparency"),
    path("transparenz/moderation.json", views.moderation_json, name="moderation_json"),
    path("transparenz/moderation.csv", views.moderation_csv, name="moderation_csv"),
    path("transparenz/moderation.schema.json", views.moderation_schema, name="moderation_schema"),
    path(
        "transparenz/moderation.tableschema.json",
        views.moderation_table_schema,
        name="moderation_table_schema",
    ),
]
