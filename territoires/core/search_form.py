"""One reading of a search's query string, for the search page and the API alike.

    form = SearchForm(request.GET)
    if form.is_valid():
        results = search.search(form.query(per_page=20))

Words (`q`), one repeatable parameter per registered facet (its `parameter`: `theme`,
`region`…) whose values must be among the facet's choices, a period (`de`, `a`) and a
page. Errors are French, each on the field it concerns.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from territoires.core import search

# Deeper pages are refused: nobody reads them, and a robot would walk them all.
MAX_PAGE = 500
YEARS = {"min_value": 1800, "max_value": 2100}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Mots"), required=False, max_length=200)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        for facet in search.facets:
            self.fields[facet.parameter] = forms.MultipleChoiceField(
                label=facet.label,
                required=False,
                choices=facet.choices,
                error_messages={"invalid_choice": _("valeur inconnue %(value)s")},
            )
        self.fields["de"] = forms.IntegerField(
            label=_("Début de la période"), required=False, **YEARS
        )
        self.fields["a"] = forms.IntegerField(label=_("Fin de la période"), required=False, **YEARS)
        self.fields["page"] = forms.IntegerField(
            label=_("Page"), required=False, min_value=1, max_value=MAX_PAGE
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("de"), cleaned.get("a")
        if start and end and end < start:
            self.add_error("a", _("La fin de la période précède son début."))
        return cleaned

    def facet_fields(self):
        """(facet, its bound field) in the registry's order."""
        return [(facet, self[facet.parameter]) for facet in search.facets]

    def query(self, *, per_page: int = 20, **filters: tuple[str, ...]) -> search.SearchQuery:
        """The query of a valid form; `filters` (facet name -> values) override its own."""
        data = self.cleaned_data
        chosen = {facet.name: tuple(data.get(facet.parameter) or ()) for facet in search.facets}
        return search.SearchQuery(
            text=data.get("q") or "",
            filters={**chosen, **filters},
            period_from=data.get("de"),
            period_to=data.get("a"),
            page=data.get("page") or 1,
            per_page=per_page,
        )

    def error_text(self, by_parameter: bool = False) -> str:
        """Every error in one French line, each after the label of its field (or the name of
        its parameter, for the API)."""
        return " ; ".join(
            f"{name if by_parameter or name not in self.fields else self.fields[name].label} "
            f": {message}"
            for name, messages in self.errors.items()
            for message in messages
        )
