"""Seeing a territory's network: the gaps page, the graph page and its JSON, the cache."""

import datetime

import pytest

from territoires.actors import network, network_data
from territoires.actors.models import Category, NetworkAnalysis
from territoires.core.enums import TeamRole
from tests.actors.factories import OrganisationFactory, PersonFactory, RelationFactory


def _url(town, suffix):
    return f"/territoires/commune/06084-{town.slug}/acteurs/{suffix}"


@pytest.fixture
def small_network(town):
    """Two groups (elected officials, inhabitants' associations) that only the ALE links,
    and a company alone; an elected official and an agent, nobody of the State's services
    nor a socio-economic actor."""
    elus, citoyens = Category.objects.get(slug="elus"), Category.objects.get(slug="habitants")
    ale = OrganisationFactory(name="ALE de la vallée", category=Category.objects.get(slug="ale"))
    mairie = OrganisationFactory(name="Mairie", category=elus)
    conseil = OrganisationFactory(name="Conseil municipal", category=elus)
    quartier = OrganisationFactory(name="Conseil de quartier", category=citoyens)
    voisins = OrganisationFactory(name="Voisins solidaires", category=citoyens)
    alone = OrganisationFactory(name="Scierie Dupont", category=Category.objects.get(slug="btp"))
    RelationFactory(source_organisation=mairie, target_organisation=conseil)
    RelationFactory(source_organisation=mairie, target_organisation=ale, kind="finance")
    RelationFactory(source_organisation=ale, target_organisation=quartier, kind="conseille")
    RelationFactory(source_organisation=quartier, target_organisation=voisins)
    PersonFactory(organisation=mairie, team_role=TeamRole.ELECTED)
    PersonFactory(organisation=mairie, team_role=TeamRole.AGENT)
    return {"ale": ale, "mairie": mairie, "alone": alone}


def test_the_french_messages_are_the_pure_modules_wording():
    assert {kind: str(text) for kind, text in network_data.MESSAGES.items()} == network.FRENCH


def test_the_gaps_page_says_who_is_missing_and_who_bridges(client, dana, small_network, town):
    client.force_login(dana)
    response = client.get(_url(town, "manques/"))
    assert response.status_code == 200
    page = response.content.decode()
    # An absent category, with the seed's reason for involving it.
    assert "Aucun acteur de la catégorie « Enfants et jeunesse »." in page
    assert "Pourquoi l'impliquer : éléments moteurs, cible privilégiée." in page
    # A sub-category the seed gives a reason for, absent while its group is present.
    assert "« Collectivité porteuse du plan »" in page
    # A missing Fantastique, and one held.
    assert "Personne ne tient le rôle « État territorial » parmi les 4 Fantastiques." in page
    assert "« élu·e »" not in page
    # An isolated actor, linked to its page.
    assert "Scierie Dupont n&#x27;a aucune relation avec les autres acteurs." in page
    assert small_network["alone"].get_absolute_url() in page
    # The bridge between the two groups comes first.
    bridges = page.split('id="gaps-bridges"')[1]
    assert bridges.index("ALE de la vallée relie des groupes") < bridges.index("Mairie relie")
    assert "Catégories de ses voisins" in bridges


def test_the_analysis_is_kept_until_a_relation_changes_the_network(
    client, dana, small_network, town, django_assert_max_num_queries
):
    client.force_login(dana)
    assert "Scierie Dupont n&#x27;a aucune" in client.get(_url(town, "manques/")).content.decode()
    kept = NetworkAnalysis.objects.get(territory=town)
    client.get(_url(town, "manques/"))
    assert NetworkAnalysis.objects.get(territory=town).computed_at == kept.computed_at

    RelationFactory(
        source_organisation=small_network["alone"], target_organisation=small_network["ale"]
    )
    page = client.get(_url(town, "manques/")).content.decode()
    assert "Scierie Dupont n&#x27;a aucune" not in page
    assert NetworkAnalysis.objects.get(territory=town).version != kept.version


def test_a_person_s_team_role_changes_the_network_too(client, dana, small_network, town):
    client.force_login(dana)
    assert "« État territorial »" in client.get(_url(town, "manques/")).content.decode()
    PersonFactory(organisation=small_network["ale"], team_role=TeamRole.STATE)
    assert "« État territorial »" not in client.get(_url(town, "manques/")).content.decode()


def test_a_large_network_is_computed_by_the_task_queue(
    client, dana, small_network, town, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(network_data, "INLINE_LIMIT", 3)
    client.force_login(dana)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.get(_url(town, "manques/"))
        pending = client.get(_url(town, "reseau/donnees.json"))
    page = response.content.decode()
    assert "Calcul en cours" in page and 'hx-trigger="every 2s"' in page
    assert pending.status_code == 202 and pending.json()["status"] == "pending"
    assert len(callbacks) == 1  # enqueued once for this version, however often asked
    for callback in callbacks:
        callback()  # the task (run at once by the tests' backend)
    partial = client.get(_url(town, "manques/"), headers={"HX-Request": "true"}).content.decode()
    assert "Calcul en cours" not in partial and "Scierie Dupont" in partial
    assert "<html" not in partial


def test_the_graph_json_has_nodes_edges_and_legends(client, alice, small_network, town):
    client.force_login(alice)
    response = client.get(_url(town, "reseau/donnees.json"))
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"status", "nodes", "edges", "groups", "kinds", "summary"}
    assert len(data["nodes"]) == 6 and len(data["edges"]) == 4
    ale = next(node for node in data["nodes"] if node["label"] == "ALE de la vallée")
    assert set(ale) == {"id", "label", "group", "colour", "betweenness", "url"}
    assert ale["group"] == "institutions" and ale["url"] == small_network["ale"].get_absolute_url()
    assert ale["betweenness"] == max(node["betweenness"] for node in data["nodes"])
    assert {"source", "target", "kind"} == set(data["edges"][0])
    assert {group["key"] for group in data["groups"]} >= {"politiques", "participation", ""}
    assert {kind["key"] for kind in data["kinds"]} == {
        "coopere",
        "finance",
        "membre",
        "conseille",
        "represente",
        "fournit",
    }


def test_the_graph_page_has_its_table_and_filters_without_javascript(
    client, dana, small_network, town
):
    client.force_login(dana)
    page = client.get(_url(town, "reseau/") + "?categorie=participation").content.decode()
    assert 'aria-hidden="true"' in page and "data-actors-network" in page
    main = page.split("<main")[1].split("</main>")[0]
    assert "<script" not in main  # no inline script: the data comes from its address
    table = page.split("data-network-table")[1]
    assert table.index("ALE de la vallée") < table.index("Scierie Dupont")  # by betweenness
    assert '<tr data-group="participation">' in table
    assert '<tr data-group="politiques" hidden>' in table
    assert "2 acteurs affichés." in page


def test_the_graph_page_lists_who_is_linked_to_whom_filtered_alike(
    client, dana, small_network, town
):
    client.force_login(dana)
    page = client.get(_url(town, "reseau/") + "?relation=finance").content.decode()
    links = page.split("data-network-links")[1].split("</table>")[0]
    rows = links.split("<tr ")[1:]  # the header row has no attribute
    assert len(rows) == 4
    shown = [row for row in rows if " hidden>" not in row.split(">")[0] + ">"]
    assert len(shown) == 1
    assert "Mairie" in shown[0] and "finance" in shown[0] and "ALE de la vallée" in shown[0]
    assert shown[0].index("Mairie") < shown[0].index("ALE de la vallée")  # from, to


@pytest.mark.parametrize("suffix", ["manques/", "reseau/", "reseau/donnees.json"])
def test_another_territorys_team_gets_a_403_and_a_visitor_logs_in(client, charlie, town, suffix):
    assert client.get(_url(town, suffix)).status_code == 302
    assert "/comptes/connexion/" in client.get(_url(town, suffix))["Location"]
    client.force_login(charlie)
    assert client.get(_url(town, suffix)).status_code == 403


def test_the_team_finds_the_pages_from_its_list_and_the_portrait(client, bob, small_network, town):
    # Readers may edit no section: they share the visitors' cached portrait, and find the
    # pages from the team's list.
    client.force_login(bob)
    for page in (
        client.get(_url(town, "")),
        client.get(f"/territoires/commune/06084-{town.slug}/"),
    ):
        text = page.content.decode()
        assert _url(town, "reseau/") in text and _url(town, "manques/") in text
    client.logout()
    text = client.get(f"/territoires/commune/06084-{town.slug}/").content.decode()
    assert _url(town, "reseau/") not in text


def test_historical_organisations_and_ended_relations_are_left_out(
    client, dana, small_network, town
):
    OrganisationFactory(name="Ancienne régie", historical=True)
    RelationFactory(
        source_organisation=small_network["alone"],
        target_organisation=small_network["ale"],
        started_on=datetime.date(2010, 1, 1),
        ended_on=datetime.date(2012, 1, 1),
    )
    client.force_login(dana)
    data = client.get(_url(town, "reseau/donnees.json")).json()
    assert "Ancienne régie" not in {node["label"] for node in data["nodes"]}
    assert data["summary"]["relations"] == 4  # the ended one is not among them
    page = client.get(_url(town, "manques/")).content.decode()
    assert "Scierie Dupont n&#x27;a aucune relation" in page
