"""The page /recherche/: facets as links and checkboxes, bad parameters refused in French."""

import re

import pytest
from django.core.management import call_command

from territoires.core import search
from territoires.core.models import SearchDocument
from territoires.territories.search_documents import territory_documents
from territoires.www import search_views
from tests.initiatives.factories import InitiativeFactory
from tests.territories.factories import commune


@pytest.fixture
def commons():
    InitiativeFactory(title="Ombrière solaire", published=True, start_year=2016, end_year=2017)
    InitiativeFactory(title="Ombrière de marché", published=True, start_year=2021)
    InitiativeFactory(title="Ombrière ancienne", published=True, start_year=1998, end_year=1999)
    search.reindex(["initiative", "verbatim", "portrait"])


def test_periods_are_offered_with_their_counts(client, commons):
    response = client.get("/recherche/", {"q": "ombrière", "page": 1})
    periods = response.context["periods"]
    assert [(option["label"], option["count"]) for option in periods] == [
        ("avant 2000", 1),
        ("2015–2019", 1),
        ("2020–2024", 1),
        ("2025–2029", 1),
    ]
    # A period link keeps the words, sets its bounds and goes back to the first page.
    assert periods[1]["href"] == "?q=ombri%C3%A8re&de=2015&a=2019"
    assert periods[0]["href"] == "?q=ombri%C3%A8re&a=1999"
    chosen = client.get("/recherche/" + periods[1]["href"])
    assert [hit.title for hit in chosen.context["results"].hits] == ["Ombrière solaire"]
    assert [option["selected"] for option in chosen.context["periods"]] == [
        False,
        True,
        False,
        False,
    ]
    # Standard faceting: the other periods are still counted while one is chosen.
    assert len(chosen.context["periods"]) == 4


@pytest.mark.parametrize(
    "params",
    [{"page": "abc"}, {"de": "abc"}, {"de": "3000"}, {"de": "2020", "a": "2010"}, {"page": "0"}],
)
def test_bad_parameters_get_a_french_message(client, commons, params):
    response = client.get("/recherche/", params)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert 'class="form-errors"' in response.text


def test_error_messages_name_the_parameter(client, commons):
    response = client.get("/recherche/", {"page": "abc", "de": "3000"})
    assert "Page : Saisissez un nombre entier." in response.text
    assert "Début de la période : " in response.text


def test_the_last_page_offered_is_one_that_can_be_asked(client):
    for number in range(3):
        InitiativeFactory(title=f"Lavoir {number}", published=True)
    search.reindex(["initiative", "verbatim", "portrait"])
    response = client.get("/recherche/", {"q": "lavoir"})
    assert response.context["pages"]["last"] == 1
    results = response.context["results"]
    results.total = 10_000 * results.per_page  # as many as the whole registry and more
    pages = search_views._pages(results, response.wsgi_request.GET)
    assert pages["last"] == search_views.MAX_PAGE


def test_a_commune_is_found_by_its_postcode_with_a_readable_snippet(client):
    town = commune("06084")
    search.index_documents(territory_documents(type(town).objects.filter(pk=town.pk)))
    response = client.get("/recherche/", {"q": town.postcodes.split()[0]})
    (hit,) = response.context["results"].hits
    assert hit.title == "Mouans-Sartoux"
    assert "Commune · " in hit.snippet and "Alpes-Maritimes" in hit.snippet


def test_a_short_word_that_finds_nothing_says_why(client, commons):
    response = client.get("/recherche/", {"q": "om"})
    assert response.context["results"].total == 0
    assert "moins de 4 lettres n'est pas complété" in response.text
    found = client.get("/recherche/", {"q": "ombr"})
    assert "lettres n'est pas complété" not in found.text


def test_headings_follow_each_other(client, commons):
    page = client.get("/recherche/", {"q": "ombrière"}).text
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", page)]
    assert levels[0] == 1
    assert all(after - before <= 1 for before, after in zip(levels, levels[1:], strict=False))


def test_reindex_search_refreshes_every_document(client):
    town = commune("06084")
    SearchDocument.objects.filter(kind="territory", object_id=town.pk).delete()
    call_command("reindex_search", verbosity=0)
    response = client.get("/recherche/", {"q": town.postcodes.split()[0]})
    assert [hit.title for hit in response.context["results"].hits] == ["Mouans-Sartoux"]


def test_the_search_page_and_the_api_lists_cost_few_queries(
    client, commons, django_assert_max_num_queries
):
    """Whatever the number of results: the index state, the engine, one page of documents,
    the facets' vocabularies; the API adds the page's initiatives and their relations."""
    client.get("/recherche/", {"q": "ombrière"})  # the facet table is built once
    with django_assert_max_num_queries(8):
        client.get("/recherche/", {"q": "ombrière", "theme": "energie"})
    with django_assert_max_num_queries(8):
        client.get("/recherche/")
    with django_assert_max_num_queries(11):
        client.get("/api/v1/initiatives", {"q": "ombrière"})
    with django_assert_max_num_queries(3):
        client.get("/api/v1/territories/", {"kind": "commune", "limit": 100})


def test_browsing_shows_the_commons_and_territories_only_when_asked(client, commons):
    """Bug: « Communs » opened on 36,353 régions, départements and communes; the
    initiatives came after them."""
    browsed = client.get("/recherche/").context["results"]
    assert {hit.kind for hit in browsed.hits} <= set(search.browsed_kinds())
    assert browsed.total == 3
    kinds = dict(browsed.facets["kinds"])
    assert kinds["territory"] > 0  # one click away
    asked = client.get("/recherche/", {"type": "territory"}).context["results"]
    assert asked.total == kinds["territory"] and {hit.kind for hit in asked.hits} == {"territory"}
    # With words, everything that matches, territories included.
    assert {
        hit.kind for hit in client.get("/recherche/", {"q": "mouans"}).context["results"].hits
    } >= {"territory"}


def test_the_examples_of_the_search_box_find_something_in_the_demo(client):
    from territoires.initiatives.demo import load_demo_commons

    load_demo_commons()
    search.reindex(search.browsed_kinds())
    page = client.get("/recherche/").text
    examples = re.search(r'id="commons-q"[^>]*placeholder="([^"]+)…"', page).group(1).split(", ")
    assert len(examples) == 3
    for example in examples:
        found = search.search(
            search.SearchQuery(text=example, filters={search.KINDS: search.browsed_kinds()})
        )
        assert found.total > 0, example
