"""Filter forms of the public lists. They arrive as GET parameters; bad values are a 400."""

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from strategy.models import (
    ActionField,
    MeasureStatus,
    NetworkKind,
    ProjectStatus,
    ReviewStatus,
)

ALL = [("", _("alle"))]


class LocalizedSelect(forms.Select):
    """Options labelled in the page's language, with `lang` on those shown in German."""

    localized_field = "title"

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            language = instance.localized_language(self.localized_field)
            if language != get_language():
                option["attrs"]["lang"] = language
        return option


class LocalizedChoiceField(forms.ModelChoiceField):
    """A choice of `Translatable` rows, each labelled by its `localized_field`."""

    widget = LocalizedSelect

    def __init__(self, *args: Any, localized_field: str = "title", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.localized_field = self.widget.localized_field = localized_field

    def label_from_instance(self, obj: Any) -> str:
        return obj.localized(self.localized_field)


class FilterForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MeasureFilterForm(FilterForm):
    SORTS = [
        ("", _("Handlungsfeld")),
        ("zieldatum", _("Zieldatum")),
        ("titel", _("Titel")),
        ("aktualisiert", _("zuletzt geändert")),
    ]
    ORDERINGS = {
        "zieldatum": ["target_date", "title"],
        "titel": ["title"],
        "aktualisiert": ["-updated_at"],
    }

    handlungsfeld = LocalizedChoiceField(
        label=_("Handlungsfeld"),
        queryset=ActionField.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("alle"),
    )
    stand = forms.ChoiceField(
        label=_("Umsetzungsstand"), choices=ALL + MeasureStatus.choices, required=False
    )
    sortierung = forms.ChoiceField(label=_("Sortierung"), choices=SORTS, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Per request: published() compares with the current time.
        self.fields["handlungsfeld"].queryset = ActionField.objects.published()


class ProjectFilterForm(FilterForm):
    stand = forms.ChoiceField(
        label=_("Projektstand"), choices=ALL + ProjectStatus.choices, required=False
    )
    smart_city = forms.BooleanField(label=_("nur Smart-City-Projekte"), required=False)


class BestPracticeFilterForm(FilterForm):
    stand = forms.ChoiceField(
        label=_("Prüfstand"), choices=ALL + ReviewStatus.choices, required=False
    )


class NetworkFilterForm(FilterForm):
    art = forms.ChoiceField(label=_("Art"), choices=ALL + NetworkKind.choices, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Suchbegriff"),
        max_length=200,
        required=False,
        error_messages={
            "max_length": _("Bitte geben Sie höchstens %(limit_value)d Zeichen ein."),
            "null_characters_not_allowed": _("Der Suchbegriff enthält unzulässige Zeichen."),
        },
    )
