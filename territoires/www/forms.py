from django import forms
from django.utils.translation import gettext_lazy as _

from territoires.initiatives.enums import Fundamental, Lever
from territoires.territories.enums import TerritoryKind

KINDS = [
    ("initiative", _("Initiatives")),
    ("verbatim", _("Paroles")),
    ("territory", _("Territoires")),
]
POPULATION_BANDS = [
    ("<2000", _("moins de 2 000 hab.")),
    ("2000-10000", _("2 000 à 10 000 hab.")),
    ("10000-50000", _("10 000 à 50 000 hab.")),
    ("50000-200000", _("50 000 à 200 000 hab.")),
    (">200000", _("plus de 200 000 hab.")),
]


# Deeper pages are refused: nobody reads them, and a robot would walk them all.
MAX_PAGE = 500


class CommonsSearchForm(forms.Form):
    """The query string of /recherche/: every facet is a repeatable parameter."""

    q = forms.CharField(label=_("Mots"), required=False, max_length=200)
    type = forms.MultipleChoiceField(label=_("Type de résultat"), required=False, choices=KINDS)
    theme = forms.MultipleChoiceField(label=_("Thème"), required=False)
    levier = forms.MultipleChoiceField(label=_("Levier"), required=False, choices=Lever.choices)
    fondamental = forms.MultipleChoiceField(
        label=_("Fondamental"), required=False, choices=Fundamental.choices
    )
    territoire = forms.MultipleChoiceField(
        label=_("Type de territoire"), required=False, choices=TerritoryKind.choices
    )
    region = forms.MultipleChoiceField(label=_("Région"), required=False)
    population = forms.MultipleChoiceField(
        label=_("Population"), required=False, choices=POPULATION_BANDS
    )
    de = forms.IntegerField(
        label=_("Début de la période"), required=False, min_value=1800, max_value=2100
    )
    a = forms.IntegerField(
        label=_("Fin de la période"), required=False, min_value=1800, max_value=2100
    )
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, *args, themes=(), regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = list(themes)
        self.fields["region"].choices = list(regions)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("de"), cleaned.get("a")
        if start and end and end < start:
            self.add_error("a", _("La fin de la période précède son début."))
        return cleaned
