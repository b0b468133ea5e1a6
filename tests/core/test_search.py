"""The search engine, through its interface, on whichever database the suite runs.

The same tests pass on SQLite (FTS5) and PostgreSQL (tsvector): `make test` runs both.
The session's sample registry indexes territories too, so these tests search words no
territory carries, or keep to initiatives and verbatims.
"""

import itertools

import pytest
from django.db import connection

from territoires.core import search
from territoires.core.models import SearchDocument
from territoires.core.search import Document, SearchQuery
from territoires.territories.enums import PopulationBand
from territoires.territories.models import Territory

_ids = itertools.count(9_000_000)
# Keyword -> facet name, for documents written as the apps describe them.
FACETS = {
    "themes": "themes",
    "levers": "levers",
    "fundamentals": "fundamentals",
    "territory_kind": "territory_kinds",
    "region_code": "regions",
}
FILTERS = {"kinds", *FACETS.values(), "population_bands"}


def document(title, body="", **fields) -> Document:
    object_id = fields.pop("object_id", None) or next(_ids)
    fields.setdefault("kind", "initiative")
    fields.setdefault("published", True)
    facets = {}
    for keyword, name in FACETS.items():
        given = fields.pop(keyword, ())
        facets[name] = (given,) if isinstance(given, str) else tuple(given)
    population = fields.pop("population", None)
    facets["population_bands"] = (PopulationBand.of(population),)
    if fields["kind"] == "territory":
        fields["popularity"] = population or 0
    return Document(
        object_id=object_id,
        title=title,
        body=body,
        url=f"/test/{object_id}/",
        facets=facets,
        **fields,
    )


def index(*documents) -> list[Document]:
    search.index_documents(documents)
    return list(documents)


def find(text="", **options):
    options.setdefault("kinds", ("initiative", "verbatim"))
    filters = {name: options.pop(name) for name in FILTERS if name in options}
    return search.search(SearchQuery(text=text, filters=filters, **options))


def titles(results):
    return [hit.title for hit in results.hits]


def ids(results):
    return {hit.object_id for hit in results.hits}


# --- French analysis through both engines ---------------------------------------------


@pytest.fixture
def energy():
    return index(
        document("Centrale photovoltaïque citoyenne", "Sur le toit de l'école communale."),
        document("Parc éolien", "L'énergie renouvelable produite par le vent."),
        document("Cantine bio", "Des repas locaux pour les écoles."),
        document("Vélo pour tous", "Des vélos en libre-service."),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("centrales photovoltaiques", "Centrale photovoltaïque citoyenne"),
        ("CENTRALES PHOTOVOLTAÏQUES", "Centrale photovoltaïque citoyenne"),
        ("centrale photovoltaïque citoyennes", "Centrale photovoltaïque citoyenne"),
        ("énergies renouvelables", "Parc éolien"),
        ("energie renouvelable", "Parc éolien"),
        ("ÉNERGIE", "Parc éolien"),
        ("l'énergie", "Parc éolien"),
        ("éoliennes", "Parc éolien"),
        ("la cantine des écoles", "Cantine bio"),
        ("vélos", "Vélo pour tous"),
        ("velo", "Vélo pour tous"),
    ],
)
def test_plurals_inflections_accents_case_and_stop_words(energy, text, expected):
    assert titles(find(text)) == [expected]


def test_every_word_must_match(energy):
    assert titles(find("centrale cantine")) == []
    assert titles(find("toit école")) == ["Centrale photovoltaïque citoyenne"]


def test_the_last_word_is_completed_as_typed(energy):
    typed = "centrale photovoltaïque"
    for length in range(len("centrale phot"), len(typed) + 1):
        assert titles(find(typed[:length])) == ["Centrale photovoltaïque citoyenne"], length
    assert titles(find("renouv")) == ["Parc éolien"]
    # Only the last word, and not from too short a start.
    assert titles(find("photovolt centrale")) == []
    assert titles(find("can")) == []


def test_words_made_only_of_stop_words_browse(energy):
    browsed = find("le la les de", themes=())
    assert browsed.total == find("").total


# --- Ranking, highlighting, pages -------------------------------------------------------


def test_a_match_in_the_title_ranks_above_a_match_in_the_body():
    index(
        document("Réseau de chaleur", "Le bois de la forêt voisine chauffe la méthanisation."),
        document("Méthanisation agricole", "Une unité de biogaz à la ferme."),
        document("Compostage partagé", "Réduire les déchets, pas la méthanisation."),
    )
    found = find("méthanisation")
    assert titles(found)[0] == "Méthanisation agricole"
    assert len(found.hits) == 3
    scores = [hit.score for hit in found.hits]
    assert scores == sorted(scores, reverse=True)


def test_a_title_that_is_exactly_the_words_comes_first():
    """Bug: « nice » listed Nicey-sur-Aire, Saint-Nic… before Nice (rarer words weigh more)."""
    index(
        document("Nicey-sur-Aire", "Commune de la Meuse.", kind="territory", population=200),
        document("Promenade", "Nice, nice et encore Nice.", kind="territory", population=10),
        document("Nice", "Commune des Alpes-Maritimes.", kind="territory", population=340_000),
    )
    assert titles(find("nice", kinds=("territory",)))[0] == "Nice"
    assert titles(find("NICE", kinds=("territory",)))[0] == "Nice"
    assert titles(find("nice promenade", kinds=("territory",))) == ["Promenade"]


def test_hits_carry_a_highlighted_escaped_snippet():
    (created,) = index(
        document(
            "Toitures solaires",
            "<b>Avant</b> : des panneaux photovoltaïques & une coopérative d'habitants.",
            territory_id=None,
        )
    )
    (hit,) = find("panneau photovoltaique").hits
    assert hit.snippet == (
        "&lt;b&gt;Avant&lt;/b&gt; : des <mark>panneaux</mark> <mark>photovoltaïques</mark> "
        "&amp; une coopérative d&#x27;habitants."
    )
    assert (hit.kind, hit.object_id, hit.url) == ("initiative", created.object_id, created.url)


def test_pages():
    index(*(document(f"Atelier réparation numéro {number:02}") for number in range(1, 26)))
    first = find("ateliers réparations", per_page=10)
    third = find("ateliers réparations", per_page=10, page=3)
    beyond = find("ateliers réparations", per_page=10, page=9)
    assert (first.total, first.page, first.per_page, len(first.hits)) == (25, 1, 10, 10)
    assert (third.total, third.page, len(third.hits)) == (25, 3, 5)
    assert (beyond.total, beyond.hits) == (25, [])
    every_page = [find("atelier réparation", per_page=10, page=page) for page in (1, 2, 3)]
    seen = [hit.object_id for results in every_page for hit in results.hits]
    assert len(seen) == len(set(seen)) == 25


def test_page_bounds_are_kept():
    results = find("atelier", page=0, per_page=10_000)
    assert (results.page, results.per_page) == (1, search.MAX_PER_PAGE)


def test_browsing_without_text_orders_by_popularity_then_title():
    index(
        document("Bourg", kind="territory", population=800, themes=("zz-browse",)),
        document("Métropole", kind="territory", population=500_000, themes=("zz-browse",)),
        document("Abbaye", kind="initiative", themes=("zz-browse",)),
        document("Zéro déchet", kind="initiative", themes=("zz-browse",)),
    )
    browsed = search.search(SearchQuery(filters={"themes": ("zz-browse",)}))
    assert titles(browsed) == ["Métropole", "Bourg", "Abbaye", "Zéro déchet"]
    assert {hit.score for hit in browsed.hits} == {None}


# --- Drafts ----------------------------------------------------------------------------


def test_drafts_never_leak():
    draft, published = index(
        document("Monnaie locale complémentaire", "Brouillon secret.", published=False),
        document("Monnaie locale du pays", "Publiée.", themes=("zz-money",)),
    )
    assert titles(find("monnaie locale")) == ["Monnaie locale du pays"]
    assert titles(find("brouillon secret")) == []
    assert find("monnaie").facets["kinds"] == [("initiative", 1)]
    browsed = find(themes=("zz-money",))
    assert browsed.total == 1 and ids(browsed) == {published.object_id}

    draft.published = True
    published.published = False
    index(draft, published)
    assert titles(find("monnaie locale")) == ["Monnaie locale complémentaire"]
    assert find(themes=("zz-money",)).total == 0


# --- Facets and filters ----------------------------------------------------------------


@pytest.fixture
def commons():
    mouans = Territory.objects.get(kind="commune", code="06084")
    common = {"territory_id": mouans.pk, "territory_kind": "commune", "region_code": "93"}
    return index(
        document(
            "Potager communal",
            "Jardin partagé et maraîchage.",
            themes=("alimentation",),
            levers=("produire_consommer",),
            fundamentals=("cooperation", "engagement"),
            population=10_500,
            start_year=2008,
            end_year=None,
            **common,
        ),
        document(
            "Potager de l'école",
            "Jardin pédagogique, énergie du soleil.",
            themes=("alimentation", "energie"),
            fundamentals=("engagement",),
            territory_kind="epci",
            region_code="84",
            population=120_000,
            start_year=2016,
            end_year=2019,
        ),
        document(
            "Potager solaire",
            "Serre chauffée par le soleil.",
            themes=("energie",),
            levers=("financer_investir",),
            territory_kind="commune",
            region_code="84",
            population=1_200,
            start_year=2021,
            end_year=2022,
        ),
        document("Potager oublié", "Sans thème ni territoire."),
        document(
            "Potager raconté",
            "« On a planté ensemble. »",
            kind="verbatim",
            themes=("alimentation",),
            start_year=2023,
            end_year=2023,
            **common,
        ),
        document("Potager en brouillon", themes=("energie",), published=False),
    )


def test_facets_count_the_matching_published_documents(commons):
    results = find("potagers")
    assert results.total == 5
    facets = results.facets
    assert facets["kinds"] == [("initiative", 4), ("verbatim", 1)]
    assert facets["themes"] == [("alimentation", 3), ("energie", 2)]
    assert facets["levers"] == [("financer_investir", 1), ("produire_consommer", 1)]
    assert facets["fundamentals"] == [("engagement", 2), ("cooperation", 1)]
    assert facets["territory_kinds"] == [("commune", 3), ("epci", 1)]
    assert facets["regions"] == [("84", 2), ("93", 2)]
    assert facets["population_bands"] == [
        ("<2000", 1),
        ("10000-50000", 1),
        ("50000-200000", 1),
    ]
    periods = dict(facets["periods"])
    assert periods["2000-2009"] == 1
    assert periods["2015-2019"] == 2  # 2016-2019, and 2008 still going
    assert periods["2020-2024"] == 3
    assert {*search.facets.names(), "periods"} == set(facets)


def test_a_facet_counts_with_every_filter_but_its_own(commons):
    results = find("potager", themes=("energie",), regions=("84",))
    assert titles(results) and results.total == 2
    # Themes: counted within région 84 only, all themes offered.
    assert results.facets["themes"] == [("energie", 2), ("alimentation", 1)]
    # Régions: counted within theme energie only, every région offered.
    assert results.facets["regions"] == [("84", 2)]
    # Others: both filters applied.
    assert results.facets["kinds"] == [("initiative", 2)]
    alimentation = find("potager", themes=("alimentation",))
    assert alimentation.facets["regions"] == [("93", 2), ("84", 1)]
    assert alimentation.facets["themes"] == [("alimentation", 3), ("energie", 2)]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kinds": ("verbatim",)}, {"Potager raconté"}),
        ({"themes": ("energie",)}, {"Potager de l'école", "Potager solaire"}),
        (
            {"themes": ("energie", "alimentation")},
            {"Potager communal", "Potager de l'école", "Potager solaire", "Potager raconté"},
        ),
        ({"levers": ("financer_investir",)}, {"Potager solaire"}),
        ({"fundamentals": ("engagement",)}, {"Potager communal", "Potager de l'école"}),
        ({"territory_kinds": ("epci",)}, {"Potager de l'école"}),
        ({"regions": ("93",)}, {"Potager communal", "Potager raconté"}),
        (
            {"population_bands": ("<2000", "50000-200000")},
            {"Potager solaire", "Potager de l'école"},
        ),
        ({"themes": ("energie",), "regions": ("93",)}, set()),
        ({"themes": ("energi",)}, set()),  # whole values, not substrings
        ({"period_from": 2017, "period_to": 2018}, {"Potager communal", "Potager de l'école"}),
        ({"period_from": 2022}, {"Potager communal", "Potager solaire", "Potager raconté"}),
        ({"period_to": 2010}, {"Potager communal"}),
        ({"period_from": 2020, "period_to": 2016}, {"Potager communal", "Potager de l'école"}),
    ],
)
def test_filters(commons, filters, expected):
    results = find("potager", **filters)
    assert set(titles(results)) == expected
    assert results.total == len(expected)


def test_filters_without_text(commons):
    results = find(themes=("energie",), regions=("84",))
    assert set(titles(results)) >= {"Potager de l'école", "Potager solaire"}
    assert results.facets["themes"][0] == ("energie", results.total)


def test_the_territory_of_a_document(commons):
    (hit,) = find("potager communal").hits
    assert hit.territory_id == Territory.objects.get(kind="commune", code="06084").pk


# --- Queries never break ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'photo" OR 1',
        "NEAR(",
        "NEAR(photo voltaique, 2)",
        '"',
        "*",
        "photo*",
        "AND",
        "OR OR",
        "NOT potager",
        "potager -école",
        "{title}: potager",
        "title:potager",
        "^potager",
        "potager'; DROP TABLE core_searchdocument; --",
        "'",
        "\\",
        "a & b | !c <-> d:* e:A",
        "%_%",
        "😀 🌱",
        "x" * 300,
        "potager " * 40,
    ],
)
def test_any_text_is_a_valid_query(commons, text):
    results = find(text)
    assert results.total >= 0
    assert SearchDocument.objects.filter(title="Potager communal").exists()


def test_operators_are_plain_words(commons):
    assert titles(find("potager AND")) == []  # "and" is a word no document has
    assert titles(find("NEAR potager")) == []


# --- Keeping the index in step ---------------------------------------------------------


def test_reindexing_an_updated_document():
    (item,) = index(document("Ressourcerie", "Réemploi des meubles."))
    item.title, item.body = "Recyclerie", "Réparation des vélos."
    index(item)
    assert titles(find("ressourcerie")) == []
    assert titles(find("meubles")) == []
    assert titles(find("recyclerie vélos")) == ["Recyclerie"]
    assert SearchDocument.objects.filter(kind="initiative", object_id=item.object_id).count() == 1


def test_the_same_document_twice_in_a_batch_keeps_the_last():
    first = document("Friche renaturée")
    second = document("Friche requalifiée", object_id=first.object_id)
    index(first, second)
    assert titles(find("friche")) == ["Friche requalifiée"]


def test_removing_documents():
    kept, removed, verbatim = index(
        document("Haie bocagère plantée"),
        document("Haie bocagère arrachée"),
        document("Haie bocagère racontée", kind="verbatim"),
    )
    search.remove_documents("initiative", [removed.object_id, 123_456_789])
    search.remove_documents("verbatim", [kept.object_id])  # another kind: untouched
    assert set(titles(find("haies bocagères"))) == {
        "Haie bocagère plantée",
        "Haie bocagère racontée",
    }
    assert find("arrachée").total == 0
    assert verbatim.kind == "verbatim"


def test_deleting_a_territory_removes_its_documents():
    territory = Territory.objects.create(
        kind="projet", code="PZZ", name="Pays test", slug="pays-test", search_key="pays test"
    )
    index(
        document("Sentier des lavoirs", territory_id=territory.pk),
        document("Sentier des moulins"),
    )
    territory.delete()
    assert titles(find("sentier")) == ["Sentier des moulins"]
    assert _index_is_sound()


def test_the_index_stays_sound_through_many_changes():
    documents = index(*(document(f"Chantier participatif {n}", f"Étape {n}.") for n in range(30)))
    for item in documents[::3]:
        item.published = not item.published
    for item in documents[1::3]:
        item.body = "Autre texte."
    index(*documents)
    search.remove_documents("initiative", [item.object_id for item in documents[2::3]])
    expected = {
        item.object_id for n, item in enumerate(documents) if n % 3 == 1
    }  # unpublished and removed ones left out
    assert {hit.object_id for hit in find("chantier participatif", per_page=100).hits} == expected
    assert _index_is_sound()


def _index_is_sound() -> bool:
    """SQLite: FTS5's own integrity check. PostgreSQL: every row has its vector."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO core_searchdocument_fts(core_searchdocument_fts) "
                "VALUES ('integrity-check')"
            )
            return True
        cursor.execute("SELECT count(*) FROM core_searchdocument WHERE search_vector IS NULL")
        return cursor.fetchone()[0] == 0


def test_bad_documents_are_refused():
    with pytest.raises(ValueError, match="kind"):
        search.index_documents([document("Sans genre", kind="article")])
    with pytest.raises(ValueError, match="facet value"):
        search.index_documents([document("Thème fautif", themes=("a|b",))])


def test_facets_follow_the_index():
    index(document("Ombrière de parking", themes=("zz-shade",)))
    assert find("ombrières").facets["themes"] == [("zz-shade", 1)]
    index(document("Ombrière de cour", themes=("zz-shade",)))
    assert find("ombrières").facets["themes"] == [("zz-shade", 2)]


def test_facets_follow_writes_made_behind_the_interface():
    """The facet cache is keyed by an index version that triggers change on any write."""
    (item,) = index(document("Auvent de marché", themes=("zz-before",)))
    assert find("auvent").facets["themes"] == [("zz-before", 1)]
    SearchDocument.objects.filter(kind="initiative", object_id=item.object_id).update(
        facets="|themes=zz-after|"
    )
    assert find("auvent").facets["themes"] == [("zz-after", 1)]
    SearchDocument.objects.filter(kind="initiative", object_id=item.object_id).update(
        published=False
    )
    assert find("auvent").total == 0


def test_the_index_comes_back_after_migrate():
    """Django rebuilds a SQLite table to alter it, dropping its triggers: post_migrate
    puts them back (and the index state row a flush removes)."""
    from django.apps import apps

    from territoires.core.models import SearchIndexState, restore_search_index

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_searchdocument_fts_insert")
    SearchIndexState.objects.all().delete()
    restore_search_index(sender=apps.get_app_config("core"), using=connection.alias)
    index(document("Lavoir restauré"))
    assert titles(find("lavoirs")) == ["Lavoir restauré"]
    assert SearchIndexState.objects.filter(pk=1).exists()
    assert _index_is_sound()


def test_sqlite_starts_from_the_full_text_matches():
    """Bug: on the real registry (38,000 territories indexed) SQLite scanned the documents
    and probed the FTS index for each, 2 to 13 s a query; it must start from the matches."""
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        return
    with CaptureQueriesContext(connection) as captured:
        search.search(search.SearchQuery(text="cantine"))
    full_text = [query["sql"] for query in captured.captured_queries if " MATCH " in query["sql"]]
    assert full_text
    with connection.cursor() as cursor:
        for sql in full_text:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            steps = [row[-1] for row in cursor.fetchall()]
            first_scan = next(step for step in steps if step.startswith(("SCAN", "SEARCH")))
            assert "VIRTUAL TABLE" in first_scan, steps


def test_the_next_search_after_a_write_reads_only_the_rows_written_since(monkeypatch):
    """Each process keeps its facet table and brings it up to date from the rows written
    since (by any process: the revision is in the database), instead of building it again."""
    (kept,) = index(document("Ombrière de cour", themes=("zz-delta",)))
    assert find(themes=("zz-delta",)).total == 1  # the table is built, and kept
    builds = []
    original = search._built
    monkeypatch.setattr(search, "_built", lambda shape: builds.append(shape) or original(shape))

    index(document("Ombrière de parking", themes=("zz-delta",)))
    assert {hit.title for hit in find(themes=("zz-delta",)).hits} == {
        "Ombrière de cour",
        "Ombrière de parking",
    }
    search.remove_documents("initiative", [kept.object_id])
    browsed = find(themes=("zz-delta",))
    assert [hit.title for hit in browsed.hits] == ["Ombrière de parking"]
    assert browsed.facets["themes"] == [("zz-delta", 1)]
    kept.published = True
    index(kept)  # back again
    assert find(themes=("zz-delta",)).total == 2
    assert builds == []
