"""Every public page type of the site, for the checks each one must pass.

Read from the database, so the content must be loaded first (`verl_demo_content`); with a
public comment, its reply and report forms are included too.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.urls import Resolver404, resolve, reverse

from feedback.models import Comment
from strategy.models import (
    ActionField,
    BestPractice,
    Event,
    Measure,
    Network,
    NewsPost,
    Page,
    Project,
)

# Built on another branch (feedback ↔ measures); checked as soon as the URL exists.
TRANSPARENCY = "/transparenz/"


def _first(model: type) -> str:
    return model.objects.published().order_by("pk").first().get_absolute_url()


def comment_form_url(target: Page) -> str:
    """Where a comment on `target` is posted."""
    return reverse(
        "feedback:comment_create",
        kwargs={
            "content_type_id": ContentType.objects.get_for_model(target).pk,
            "object_id": target.pk,
        },
    )


def form_pages() -> dict[str, str]:
    """Pages that show a POST form, and so need the CSRF cookie."""
    comment_form = comment_form_url(Page.objects.get(slug=Page.HOME))
    pages = {
        "Startseite": "/",
        "Aufgaben": reverse("strategy:tasks"),
        "Strategie": reverse("strategy:strategy"),
        "Handlungsfeld": _first(ActionField),
        "Maßnahme": _first(Measure),
        "Projekt": _first(Project),
        "Best Practice": _first(BestPractice),
        "Veranstaltung": _first(Event),
        "Neuigkeit": _first(NewsPost),
        "Netzwerk": _first(Network),
        "Kontakt": reverse("feedback:contact"),
        "Kommentarformular": comment_form,
        "Anmelden": reverse("account_login"),
        "Registrieren": reverse("account_signup"),
        "Passwort vergessen": reverse("account_reset_password"),
    }
    comment = Comment.objects.public().top_level().filter(is_official=False).first()
    if comment is not None:
        pages["Antworten"] = reverse("feedback:comment_reply", args=[comment.pk])
        pages["Beitrag melden"] = reverse("feedback:comment_report", args=[comment.pk])
    return pages


def reading_pages() -> dict[str, str]:
    """Pages without a POST form: lists, the legal pages (no comments), search, the 404 page."""
    return {
        "Impressum": reverse("strategy:imprint"),
        "Datenschutz": reverse("strategy:privacy"),
        "Barrierefreiheit": reverse("strategy:accessibility"),
        "Leichte Sprache": reverse("strategy:easy_language"),
        "Gebärdensprache": reverse("strategy:sign_language"),
        "Maßnahmen": reverse("strategy:measure_list"),
        "Projekte": reverse("strategy:project_list"),
        "Best-Practice-Liste": reverse("strategy:bestpractice_list"),
        "Dialog": reverse("strategy:event_list"),
        "Dialog-Archiv": reverse("strategy:event_archive"),
        "Neuigkeiten": reverse("strategy:news_list"),
        "Netzwerke": reverse("strategy:network_list"),
        "Suchergebnisse": reverse("strategy:search") + "?q=Digitalisierung",
        "Suche ohne Treffer": reverse("strategy:search") + "?q=Xylophonorchester",
        "404": "/gibt-es-nicht/",
    }


def transparency_page() -> dict[str, str]:
    """The transparency page, once it exists."""
    try:
        resolve(TRANSPARENCY)
    except Resolver404:
        return {}
    return {"Transparenz": TRANSPARENCY}


def public_pages() -> dict[str, str]:
    return {**form_pages(), **reading_pages(), **transparency_page()}
