"""The search of the commons: every kind of document the apps register, with facets."""

from datetime import date
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territoires.core import search, text
from territoires.core.search_form import MAX_PAGE, SearchForm
from territoires.territories.selectors import search_territories


@require_GET
def commons_search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "www/search.html", {"form": form}, status=400)
    query = form.query(per_page=20)
    selected = {key: request.GET.getlist(key) for key in request.GET}
    if not text.parse_query(query.text) and not form.cleaned_data.get("type"):
        # Browsing: the commons, not the tens of thousands of territories (counted in the
        # facet of kinds all the same, one click away), shown as the kinds chosen.
        query.filters = {**query.filters, search.KINDS: search.browsed_kinds()}
        selected["type"] = list(search.browsed_kinds())
    results = search.search(query)
    return render(
        request,
        "www/search.html",
        {
            "form": form,
            "results": results,
            "search_query": query,
            "facets": _facet_blocks(form, results, selected),
            "periods": _period_options(results, request.GET),
            "pages": _pages(results, request.GET),
            # "ph" finds nothing: words that short are not completed as typed.
            "short_word_letters": text.MIN_PREFIX_LENGTH
            if not results.total and _has_short_last_word(query.text)
            else None,
            "kind_labels": {kind.name: kind.label for kind in search.kinds},
        },
    )


SUGGESTIONS = 8


@require_GET
def suggestions(request):
    """The header's search box, as one types: territories, and how much of the commons the
    words find (a link to the search of the commons)."""
    query = request.GET.get("q", "")[:100]
    commons = search.search(
        search.SearchQuery(text=query, filters={search.KINDS: search.browsed_kinds()}, per_page=1)
    )
    context = {
        "results": search_territories(query, limit=SUGGESTIONS),
        "query": query.strip(),
        "commons_total": commons.total if query.strip() else 0,
    }
    return render(request, "www/partials/suggestions.html", context)


def _has_short_last_word(typed: str) -> bool:
    found = text.words(typed)
    return bool(found) and len(found[-1]) < text.MIN_PREFIX_LENGTH


def _facet_blocks(form, results, chosen: dict[str, list[str]]):
    blocks = []
    for facet, field in form.facet_fields():
        labels = dict(field.field.choices)
        selected = set(chosen.get(facet.parameter, ()))
        options = [
            {
                "value": value,
                "label": labels.get(value, value),
                "count": count,
                "selected": value in selected,
            }
            for value, count in results.facets.get(facet.name, [])
        ]
        if options:
            counted = sum(option["count"] for option in options)
            blocks.append(
                {
                    "parameter": facet.parameter,
                    "heading": facet.label,
                    "options": options,
                    # So that the counts add up with the total: the results without a value
                    # (a facet not filtered counts every result), or a word that several share.
                    "missing": 0 if facet.multi_valued or selected else results.total - counted,
                    "several": facet.multi_valued and counted > results.total,
                }
            )
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
                "label": _before(last) if first is None else label.replace("-", "–"),
                "count": count,
                "href": "?" + urlencode([*kept, *chosen]),
                "selected": params.get("de", "") == str(first or "")
                and params.get("a", "") == str(last or ""),
            }
        )
    return options


def _before(last_year: int) -> str:
    return _("avant %(year)s") % {"year": last_year + 1}


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
        "capped": -(-results.total // results.per_page) > MAX_PAGE,
        "previous": link(results.page - 1) if results.page > 1 else None,
        "next": link(results.page + 1) if results.page < last else None,
    }
