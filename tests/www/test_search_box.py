"""The search box on every page: territories as one types, and the commons."""

from territoires.core import search
from tests.initiatives.factories import InitiativeFactory


def test_the_box_offers_the_commons_with_their_count(client, town):
    """Bug: « climat » answered « Aucun territoire ne correspond » while the commons held
    twelve results."""
    for number in range(3):
        InitiativeFactory(title=f"Plan climat {number}", territory=town, published=True)
    InitiativeFactory(title="Plan climat en brouillon", territory=town)
    box = client.get("/recherche/suggestions/", {"q": "climat"}, headers={"HX-Request": "true"})
    assert "Aucun territoire trouvé" in box.text
    assert "Chercher « climat » dans les communs" in box.text
    assert "3 initiatives, paroles ou portraits" in box.text
    assert 'data-href="/recherche/?q=climat"' in box.text
    territories = client.get("/recherche/suggestions/", {"q": "mouans"}).text
    assert "Mouans-Sartoux" in territories and "dans les communs" in territories


def test_the_box_sends_its_words_to_the_search_of_the_commons(client):
    page = client.get("/").text
    assert 'action="/recherche/"' in page and 'hx-get="/recherche/suggestions/"' in page
    assert search.browsed_kinds() and "territory" not in search.browsed_kinds()
