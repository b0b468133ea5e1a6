"""Chains of actors (seed 003): named, ordered links — organisations of the territory, or
categories of actors when nobody is named yet, shown as links still to find."""

from territoires.actors.models import Category, Chain, ChainLink
from tests.actors.factories import OrganisationFactory

CHAINS = "/territoires/commune/06084-mouans-sartoux/acteurs/chaines/"


def _links(*rows):
    data = {"links-TOTAL_FORMS": len(rows), "links-INITIAL_FORMS": 0}
    for number, row in enumerate(rows):
        data.update({f"links-{number}-{key}": value for key, value in row.items()})
    return data


def test_a_chain_from_developer_to_craftspeople(client, bob, town):
    developer = OrganisationFactory(name="Habitat du Pays de Grasse", kind="entreprise")
    architect = OrganisationFactory(
        name="Atelier d'architecture du Plateau",
        category=Category.objects.get(slug="architectes"),
    )
    client.force_login(bob)
    response = client.post(
        f"{CHAINS}nouvelle/",
        {
            "name": "Construire sobre",
            "purpose": "Harmoniser les choix pour des réalisations durables",
            **_links(
                {"order": 1, "organisation": developer.pk, "role": "porte le projet"},
                {"order": 2, "category": Category.objects.get(slug="architectes").pk},
                {"order": 3, "category": Category.objects.get(slug="artisans").pk},
            ),
        },
    )
    assert response.status_code == 302
    chain = Chain.objects.get()
    assert [(link.organisation or link.category).name for link in chain.links.all()] == [
        "Habitat du Pays de Grasse",
        "Architectes",
        "Artisans",
    ]
    page = client.get(CHAINS).text
    # The architects' link is held by one of the territory's organisations, the
    # craftspeople's is still to find.
    assert "Atelier d&#x27;architecture du Plateau" in page
    assert page.count("maillon à trouver") == 1
    assert architect.get_absolute_url() in page


def test_a_link_is_an_organisation_of_the_territory_or_a_category(client, bob, town, elsewhere):
    stranger = OrganisationFactory(name="Société Ailleurs", territories=[elsewhere])
    client.force_login(bob)
    empty = client.post(
        f"{CHAINS}nouvelle/", {"name": "Vide", **_links({"order": 1, "role": "quelqu'un"})}
    )
    assert empty.status_code == 400
    text = empty.content.decode()
    # Said once, in words: never the database constraint's name.
    assert text.count("Un maillon est une organisation ou une catégorie") == 1
    assert "contrainte" not in text and "actors_chainlink" not in text
    foreign = client.post(
        f"{CHAINS}nouvelle/", {"name": "Ailleurs", **_links({"organisation": stranger.pk})}
    )
    assert foreign.status_code == 400
    assert not Chain.objects.exists() and not ChainLink.objects.exists()


def test_a_chain_is_the_teams_and_is_removed_whole(client, dana, bob, town):
    chain = Chain.objects.create(territory=town, name="La chaîne des acteurs publics")
    chain.links.create(order=1, category=Category.objects.get(slug="artisans"))
    client.force_login(dana)
    assert "La chaîne des acteurs publics" in client.get(CHAINS).text
    assert client.post(f"{CHAINS}{chain.pk}/supprimer/").status_code == 403
    client.force_login(bob)
    assert client.post(f"{CHAINS}{chain.pk}/supprimer/").status_code == 302
    assert not ChainLink.objects.exists()
