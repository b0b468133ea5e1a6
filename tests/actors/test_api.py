"""/api/v1/organisations: public organisations only, people as they consented."""

import datetime

from territoires.actors.models import Category
from tests.actors.factories import OrganisationFactory, PersonFactory, contact
from tests.initiatives.factories import InitiativeFactory


def test_the_list_holds_public_organisations_with_public_people(client, town, elsewhere):
    category = Category.objects.get(slug="politiques")
    regie = OrganisationFactory(name="Régie", category=category)
    PersonFactory(
        organisation=regie,
        name="Camille Martin",
        consent_to_name=True,
        role="directrice",
        email="camille@example.org",
        email_public=False,
        phone="06 00 00 00 00",
        phone_public=True,
    )
    PersonFactory(organisation=regie, name="Dominique Secret", consent_to_name=False)
    named = OrganisationFactory(name="Nommée", territories=[])
    contact(InitiativeFactory(territory=elsewhere, published=True), named)
    drafts_only = OrganisationFactory(name="Brouillon seulement", territories=[])
    contact(InitiativeFactory(territory=town), drafts_only)

    response = client.get("/api/v1/organisations")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["name"] for item in body["items"]] == ["Nommée", "Régie"]
    item = body["items"][1]
    assert item["category"] == {"slug": "politiques", "name": category.name, "parent": None}
    assert [t["code"] for t in item["territories"]] == ["06084"]
    assert item["people"] == [
        {
            "name": "Camille Martin",
            "role": "directrice",
            "team_role": "",
            "email": None,
            "phone": "06 00 00 00 00",
        }
    ]
    assert "Dominique" not in response.text and "Brouillon" not in response.text
    assert [t["code"] for t in body["items"][0]["territories"]] == ["06004"]


def test_filters_by_territory_and_category(client, town, elsewhere):
    top = Category.objects.get(slug="politiques")
    child = Category.objects.filter(parent=top).first()
    OrganisationFactory(name="Ici", category=child or top)
    OrganisationFactory(name="Ailleurs", territories=[elsewhere])

    def names(query):
        return [i["name"] for i in client.get(f"/api/v1/organisations?{query}").json()["items"]]

    assert names("territory=commune:06084") == ["Ici"]
    assert names("territory=commune:06004") == ["Ailleurs"]
    assert names("category=politiques") == ["Ici"]
    assert names("limit=1&offset=1") == ["Ici"]


def test_bad_filters_are_400_in_french(client, town):
    for query, words in [
        ("territory=commune:99999", "Territoire inconnu"),
        ("territory=mouans", "territory"),
        ("category=inconnue", "Catégorie inconnue"),
        ("limit=1000", "limit"),
    ]:
        response = client.get(f"/api/v1/organisations?{query}")
        assert response.status_code == 400, query
        assert words in response.json()["message"]


def test_the_detail_flags_historical_ones_and_hides_drafts_only(client, town):
    successor = OrganisationFactory(name="Agglomération")
    hidden_successor = OrganisationFactory(name="Cachée", territories=[])
    ended = OrganisationFactory(
        name="Communauté",
        historical=True,
        ended_on=datetime.date(2017, 1, 1),
        successor=successor,
    )
    other = OrganisationFactory(name="Autre", historical=True, successor=hidden_successor)
    body = client.get(f"/api/v1/organisations/{ended.pk}").json()
    assert (body["historical"], body["ended_on"], body["successor"]) == (
        True,
        "2017-01-01",
        successor.pk,
    )
    assert client.get(f"/api/v1/organisations/{other.pk}").json()["successor"] is None
    response = client.get(f"/api/v1/organisations/{hidden_successor.pk}")
    assert response.status_code == 404
    assert response.json() == {"message": "Aucune organisation publique à cette adresse."}
    assert client.get("/api/v1/organisations/999999").status_code == 404
    assert client.get("/api/v1/organisations/abc").status_code == 400


def test_the_list_keeps_to_a_query_budget(client, town, django_assert_max_num_queries):
    for n in range(15):
        organisation = OrganisationFactory(name=f"Organisation {n}")
        PersonFactory(organisation=organisation, consent_to_name=True)
        contact(InitiativeFactory(territory=town, published=True), organisation)
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/organisations").json()["items"]) == 15
