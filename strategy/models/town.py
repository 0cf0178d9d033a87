"""The town that runs the site: one record (django-solo), edited by the Administration role.

Everything that names the town reads this record: header, footer, page titles, mails, feeds,
calendars, open data and the admin's title. Its first values come from the content pack
(`load_content`); settings keep only what belongs to the deployment (hosts, secrets,
servers). Names are feminine nouns with their kind ("Stadt Musterstadt", "Gemeinde …"), so
the site's German sentences read "die Stadt Musterstadt", "der Stadt Musterstadt".

Both colours carry white text (the header, buttons) and are text on the white page (links,
error messages); `clean()` refuses one whose WCAG 2.1 contrast ratio to white is below AA's
4.5:1 (computed by coloraide's "wcag21" method), so every path that saves validates it.
"""

from __future__ import annotations

import holidays
from coloraide import Color
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from solo.models import SingletonModel

HEX_COLOUR = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Bitte eine Farbe als Hexadezimalwert angeben, z. B. #00587c.")
)
REFERENCE_PREFIX = RegexValidator(
    r"^[A-Z]{2,10}$", _("Bitte 2 bis 10 Großbuchstaben ohne Umlaute angeben, z. B. VERL.")
)
# The sixteen Länder by their ISO 3166-2 codes, named as `holidays` names them.
FEDERAL_STATES = sorted(
    (code, name) for name, code in holidays.country_holidays("DE").subdivisions_aliases.items()
)

# WCAG 2.1 success criterion 1.4.3 (AA) for normal text.
MIN_CONTRAST = 4.5
WHITE = "#ffffff"


def contrast_ratio(colour: str, other: str = WHITE) -> float:
    """The WCAG 2.1 contrast ratio of two colours, 1 to 21."""
    return Color(colour).contrast(other, method="wcag21")


def contrast_check(colour: str) -> None:
    """Refuse a colour that white text on it, or it as text on white, would not meet AA with.

    Contrast is symmetric: one ratio answers both uses. The message shows the ratio rounded
    down, so a colour shown as "4,5:1" is never one that was refused.
    """
    ratio = contrast_ratio(colour)
    if ratio < MIN_CONTRAST:
        shown = number_format(int(ratio * 10) / 10, decimal_pos=1)
        raise ValidationError(
            _("Kontrast %(ratio)s:1 zu Weiß; mindestens 4,5:1 nötig."),
            code="contrast",
            params={"ratio": shown},
        )


class TownProfile(SingletonModel):
    """Who publishes the site: name, coat of arms, colours, addresses and mail sender."""

    name = models.CharField(
        _("Name der Kommune"),
        max_length=100,
        help_text=_("Mit der Art der Kommune, z. B. „Stadt Musterstadt“ oder „Gemeinde …“."),
    )
    short_name = models.CharField(
        _("Kurzname"), max_length=60, help_text=_("Der Ortsname allein, z. B. „Musterstadt“.")
    )
    coat_of_arms = models.FileField(
        _("Wappen"),
        upload_to="town/",
        blank=True,
        help_text=_("PNG oder SVG; SVG-Dateien werden auf sichere Elemente beschränkt."),
    )
    brand_colour = models.CharField(
        _("Hauptfarbe"),
        max_length=7,
        default="#00587c",
        validators=[HEX_COLOUR],
        help_text=_("Kopfzeile (weiße Schrift) und Links (auf Weiß)."),
    )
    accent_colour = models.CharField(
        _("Akzentfarbe"),
        max_length=7,
        default="#b3001b",
        validators=[HEX_COLOUR],
        help_text=_("Hervorhebungen (weiße Schrift und Text auf Weiß)."),
    )
    street_address = models.CharField(_("Straße und Hausnummer"), max_length=100)
    postal_code = models.CharField(_("Postleitzahl"), max_length=5)
    locality = models.CharField(_("Ort"), max_length=60)
    website = models.URLField(_("Website der Kommune"), blank=True)
    cdo_name = models.CharField(
        _("Name des/der Digitalisierungsbeauftragten"), max_length=100, blank=True
    )
    cdo_email = models.EmailField(_("E-Mail-Adresse der Stabsstelle Digitalisierung"))
    cdo_phone = models.CharField(
        _("Telefon der Stabsstelle Digitalisierung"), max_length=40, blank=True
    )
    dpo_contact = models.TextField(
        _("Kontakt der/des Datenschutzbeauftragten"),
        help_text=_(
            "Name, Anschrift oder Zusatz, E-Mail-Adresse; erscheint in der Datenschutzerklärung."
        ),
    )
    dpo_email = models.EmailField(_("E-Mail-Adresse der/des Datenschutzbeauftragten"), blank=True)
    mail_sender_name = models.CharField(_("Absendername der E-Mails"), max_length=100)
    mail_sender_address = models.EmailField(_("Absenderadresse der E-Mails"))
    reference_prefix = models.CharField(
        _("Präfix der Vorgangsnummern"),
        max_length=10,
        validators=[REFERENCE_PREFIX],
        help_text=_("Vor jeder Vorgangsnummer, z. B. VERL-2026-0001."),
    )
    federal_state = models.CharField(
        _("Bundesland (für Feiertage)"),
        max_length=2,
        choices=FEDERAL_STATES,
        help_text=_("Kürzel nach ISO 3166-2, z. B. NW für Nordrhein-Westfalen."),
    )
    arbitration_body = models.TextField(
        _("Schlichtungsstelle"),
        help_text=_("Name und Anschrift der Schlichtungs- oder Ombudsstelle für Barrierefreiheit."),
    )
    arbitration_url = models.URLField(_("Website der Schlichtungsstelle"), blank=True)

    class Meta:
        verbose_name = _("Profil der Kommune")
        verbose_name_plural = _("Profil der Kommune")

    def __str__(self) -> str:
        return self.name or str(_("Profil der Kommune"))

    def clean(self) -> None:
        errors = {}
        for field in ("brand_colour", "accent_colour"):
            value = getattr(self, field)
            if not HEX_COLOUR.regex.match(value or ""):
                continue  # the field's own validator says what is wrong
            try:
                contrast_check(value)
            except ValidationError as error:
                errors[field] = error
        if errors:
            raise ValidationError(errors)
