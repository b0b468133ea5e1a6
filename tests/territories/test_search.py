import pytest

from territoires.territories.normalize import looks_like_code, search_key
from territoires.territories.selectors import search_territories


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Saint-Étienne-du-Rouvray", "saint etienne du rouvray"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("  MOUANS  ", "mouans"),
        ("Œuilly", "oeuilly"),
        ("St-Jean", "saint jean"),
        ("Ste Marie", "sainte marie"),
        ("Loos en Gohelle", "loos en gohelle"),
        ("Lens – Liévin", "lens lievin"),
    ],
)
def test_search_key_ignores_accents_case_hyphens_and_apostrophes(text, key):
    assert search_key(text) == key


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("06084", True),
        ("2A004", True),
        ("2b", True),
        ("06 370", True),
        ("Nice", False),
        ("75a", False),
    ],
)
def test_codes_are_recognised(query, expected):
    assert looks_like_code(query) is expected


def names(results):
    return [territory.name for territory in results]


@pytest.mark.parametrize("query", ["loos en gohelle", "LOOS-EN-GOHELLE", "loos en gohélle"])
def test_finds_loos_en_gohelle_however_it_is_typed(query):
    assert names(search_territories(query))[0] == "Loos-en-Gohelle"


def test_prefix_in_capitals():
    assert names(search_territories("MOUANS"))[0] == "Mouans-Sartoux"


def test_saint_finds_every_match_most_populous_first():
    results = search_territories("saint martin", limit=50)
    assert len(results) >= 3
    assert all(
        r.search_key.startswith("saint martin") or " saint martin" in r.search_key for r in results
    )
    current = [r for r in results if not r.is_historical and r.search_key != "saint martin"]
    populations = [r.population or 0 for r in current]
    assert populations == sorted(populations, reverse=True)


def test_word_start_inside_a_name():
    assert "Mouans-Sartoux" in names(search_territories("sartoux"))


def test_exact_name_comes_first():
    assert search_territories("nice")[0].name == "Nice"


def test_by_insee_code_and_by_postcode():
    assert names(search_territories("06084")) == ["Mouans-Sartoux"]
    assert "Mouans-Sartoux" in names(search_territories("06370"))
    assert search_territories("200039857")[0].kind == "epci"


def test_empty_and_unmatched_queries():
    assert search_territories("") == []
    assert search_territories("   ") == []
    assert search_territories("zzzzqqq") == []


def test_autocomplete_partial_and_full_page(client):
    response = client.get(
        "/recherche/suggestions/", {"q": "mouans"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert 'role="option"' in response.text and "Mouans-Sartoux" in response.text
    assert "<html" not in response.text
    page = client.get("/territoires/recherche/", {"q": "mouans"})
    assert "<html" in page.text and "Mouans-Sartoux" in page.text
    nothing = client.get("/territoires/recherche/", {"q": "zzzzqqq"})
    assert "Aucun territoire" in nothing.text
