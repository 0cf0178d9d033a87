"""Videos in Deutsche Gebärdensprache for the four explanations BITV 2.0 (Anlage 2) requires.

The files are uploads of the town, served by the site itself (`strategy.media`), so no player
script and no other host is involved. Their types are checked by content (`strategy.uploads`).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from strategy.models.publication import Publishable
from strategy.uploads import captions_check, poster_check, video_check, video_media_type


class SignLanguageTopic(models.TextChoices):
    """The four explanations, in the order the page shows them."""

    CONTENTS = "inhalt", _("Was diese Website enthält")
    NAVIGATION = "navigation", _("So finden Sie sich auf der Website zurecht")
    ACCESSIBILITY = "barrierefreiheit", _("Was die Erklärung zur Barrierefreiheit sagt")
    FURTHER = "weitere-informationen", _("Wo Sie weitere Informationen finden")


class SignLanguageVideo(Publishable):
    """One video in Gebärdensprache, with captions, for one of the four explanations."""

    topic = models.CharField(_("Erklärung"), max_length=30, choices=SignLanguageTopic)
    video = models.FileField(
        _("Video"),
        upload_to="gebaerdensprache/",
        validators=[video_check],
        help_text=_("MP4 oder WebM."),
    )
    # Read from the content at upload (`clean`), for the <source type> and the response.
    video_type = models.CharField(_("Videoformat"), max_length=20, editable=False)
    captions = models.FileField(
        _("Untertitel"),
        upload_to="gebaerdensprache/",
        validators=[captions_check],
        help_text=_("WebVTT-Datei (.vtt) mit den Untertiteln in deutscher Sprache."),
    )
    poster = models.FileField(
        _("Vorschaubild"),
        upload_to="gebaerdensprache/",
        blank=True,
        validators=[poster_check],
        help_text=_("Freiwillig: JPEG, PNG oder WebP, gezeigt, bevor das Video startet."),
    )
    history = HistoricalRecords()

    class Meta(Publishable.Meta):
        verbose_name = _("Video in Gebärdensprache")
        verbose_name_plural = _("Videos in Gebärdensprache")
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="signlanguagevideo_unique_slug")
        ]

    def clean(self) -> None:
        super().clean()
        if self.video:
            self.video_type = video_media_type(self.video) or ""

    def get_absolute_url(self) -> str:
        return f"{reverse('strategy:sign_language')}#{self.topic}"

    def file_url(self, part: str) -> str:
        return reverse("strategy:sign_language_file", kwargs={"slug": self.slug, "part": part})

    @property
    def video_url(self) -> str:
        return self.file_url("video")

    @property
    def captions_url(self) -> str:
        return self.file_url("untertitel")

    @property
    def poster_url(self) -> str:
        return self.file_url("vorschaubild") if self.poster else ""
