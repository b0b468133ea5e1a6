"""The search of the commons: initiatives, people's words and territories, with facets."""

from datetime import date
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET

from territoires.core import search, text
from territoires.initiatives.enums import Fundamental, Lever
from territoires.initiatives.models import Theme
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import Territory
from territoires.www.forms import KINDS, MAX_PAGE, POPULATION_BANDS, CommonsSearchForm

FACETS = [
    # (facet name in SearchResults, query parameter, heading)
    ("kinds", "type", gettext_noop("Type de résultat")),
    ("themes", "theme", gettext_noop("Thème")),
    ("levers", "levier", gettext_noop("Levier")),
    ("fundamentals", "fondamental", gettext_noop("Fondamental")),
    ("territory_kinds", "territoire", gettext_noop("Type de territoire")),
    ("regions", "region", gettext_noop("Région")),
    ("population_bands", "population", gettext_noop("Population")),
]


def _labels():
    return {
        "type": dict(KINDS),
        "theme": dict(Theme.objects.values_list("slug", "name")),
        "levier": dict(Lever.choices),
        "fondamental": dict(Fundamental.choices),
        "territoire": dict(TerritoryKind.choices),
        "region": dict(
            Territory.objects.filter(kind=TerritoryKind.REGION).values_list("code", "name")
        ),
        "population": dict(POPULATION_BANDS),
    }


@require_GET
def commons_search(request):
    labels = _labels()
    form = CommonsSearchForm(
        request.GET or None, themes=labels["theme"].items(), regions=labels["region"].items()
    )
    if request.GET and not form.is_valid():
        return render(request, "www/search.html", {"form": form, "labels": labels}, status=400)
    data = form.cleaned_data if request.GET else {}
    query = search.SearchQuery(
        text=data.get("q") or "",
        kinds=tuple(data.get("type") or ()),
        themes=tuple(data.get("theme") or ()),
        levers=tuple(data.get("levier") or ()),
        fundamentals=tuple(data.get("fondamental") or ()),
        territory_kinds=tuple(data.get("territoire") or ()),
        regions=tuple(data.get("region") or ()),
        population_bands=tuple(data.get("population") or ()),
        period_from=data.get("de"),
        period_to=data.get("a"),
        page=data.get("page") or 1,
        per_page=20,
    )
    results = search.search(query)
    return render(
        request,
        "www/search.html",
        {
            "form": form,
            "results": results,
            "search_query": query,
            "facets": _facet_blocks(results, request.GET, labels),
            "periods": _period_options(results, request.GET),
            "pages": _pages(results, request.GET),
            # "ph" finds nothing: words that short are not completed as typed.
            "short_word_letters": text.MIN_PREFIX_LENGTH
            if not results.total and _has_short_last_word(query.text)
            else None,
            "kind_labels": {
                "initiative": _("Initiative"),
                "verbatim": _("Paroles"),
                "territory": _("Territoire"),
            },
        },
    )


def _has_short_last_word(typed: str) -> bool:
    found = text.words(typed)
    return bool(found) and len(found[-1]) < text.MIN_PREFIX_LENGTH


def _facet_blocks(results, params, labels):
    blocks = []
    for facet, parameter, heading in FACETS:
        selected = set(params.getlist(parameter))
        options = [
            {
                "value": value,
                "label": labels[parameter].get(value, value),
                "count": count,
                "selected": value in selected,
            }
            for value, count in results.facets.get(facet, [])
        ]
        if options:
            blocks.append({"parameter": parameter, "heading": _(heading), "options": options})
    return blocks


def _period_options(results, params):
    """The periods the results span, with their counts, each a link setting « de » and « à »."""
    bounds = {label: (first, last) for label, first, last in text.periods(date.today().year)}
    kept = [
        (key, value) for key, values in params.lists() if key not in PERIOD_KEYS for value in values
    ]
    options = []
    for label, count in results.facets.get("periods", []):
        first, last = bounds[label]
        chosen = [(key, year) for key, year in (("de", first), ("a", last)) if year is not None]
        options.append(
            {
                "label": _("avant %(year)s") % {"year": last + 1}
                if first is None
                else label.replace("-", "–"),
                "count": count,
                "href": "?" + urlencode([*kept, *chosen]),
                "selected": params.get("de", "") == str(first or "")
                and params.get("a", "") == str(last or ""),
            }
        )
    return options


# Choosing a period resets these: its bounds, and the page.
PERIOD_KEYS = ("de", "a", "page")


def _pages(results, params):
    last = min(MAX_PAGE, max(1, -(-results.total // results.per_page)))
    base = [(key, value) for key, value in params.lists() if key != "page" for value in value]

    def link(page):
        return "?" + urlencode([*base, ("page", page)])

    return {
        "current": results.page,
        "last": last,
        "previous": link(results.page - 1) if results.page > 1 else None,
        "next": link(results.page + 1) if results.page < last else None,
    }
