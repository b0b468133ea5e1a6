"""The team sees its territory's network: the graph drawn, filtered, and its table read."""

import pytest

from territoires.accounts.enums import Role
from territoires.actors.models import Category
from tests.accounts.factories import MembershipFactory
from tests.actors.factories import OrganisationFactory, RelationFactory
from tests.browser.journeys import check_page, log_in
from tests.territories.factories import commune

pytestmark = pytest.mark.browser


def _category(slug, name, parent=None, order=0):
    # A transactional test may run after another emptied the seeded vocabulary.
    return Category.objects.get_or_create(
        slug=slug, defaults={"name": name, "parent": parent, "order": order}
    )[0]


@pytest.fixture
def network():
    town = commune("06084")
    politiques = _category("politiques", "Acteurs politiques", order=100)
    participation = _category("participation", "Démocratie participative", order=600)
    elus = _category("elus", "Élus", politiques, 101)
    habitants = _category("habitants", "Habitants", participation, 601)
    mairie = OrganisationFactory(name="Mairie de Mouans-Sartoux", category=elus)
    conseil = OrganisationFactory(name="Conseil municipal", category=elus)
    quartier = OrganisationFactory(name="Conseil de quartier", category=habitants)
    voisins = OrganisationFactory(name="Voisins solidaires", category=habitants)
    RelationFactory(source_organisation=mairie, target_organisation=conseil)
    RelationFactory(source_organisation=mairie, target_organisation=quartier, kind="finance")
    RelationFactory(source_organisation=quartier, target_organisation=voisins)
    RelationFactory(
        source_organisation=OrganisationFactory(name="Comité des fêtes"), target_organisation=mairie
    )
    MembershipFactory(user__email="dana@example.org", territory=town, role=Role.READER)
    return town


def test_the_team_draws_filters_and_reads_its_network(page, network):
    log_in(page, "dana@example.org")
    page.goto(page.base_url + f"/territoires/commune/06084-{network.slug}/acteurs/")
    page.get_by_role("link", name="Voir le réseau").click()
    page.wait_for_selector("[data-actors-network][data-state='ready'] canvas")
    assert page.locator("[data-actors-network] canvas").first.is_visible()
    check_page(page)

    table = page.get_by_role("table", name="Les acteurs du réseau, du plus au moins intermédiaire")
    rows = table.locator("tbody tr")
    assert rows.count() == 5
    # The most in-between first: the town hall links the council to the neighbourhood.
    assert rows.first.get_by_role("rowheader").inner_text() == "Mairie de Mouans-Sartoux"
    assert "Acteurs politiques" in rows.first.inner_text()

    page.get_by_label("Démocratie participative").uncheck()
    status = page.get_by_role("status")
    assert status.inner_text() == "3 acteurs affichés."
    visible = [row.get_by_role("rowheader").inner_text() for row in rows.all() if row.is_visible()]
    assert visible == ["Mairie de Mouans-Sartoux", "Comité des fêtes", "Conseil municipal"]
    assert "categorie=politiques" in page.url and "categorie=participation" not in page.url
    graph = page.locator("[data-actors-network]")
    assert graph.get_attribute("data-shown-nodes") == "3"
    assert graph.get_attribute("data-shown-edges") == "2"  # the relations left between them
    page.get_by_label("finance").uncheck()
    assert graph.get_attribute("data-shown-edges") == "2"  # the funding went to the others
    page.get_by_label("coopère avec").uncheck()
    assert graph.get_attribute("data-shown-edges") == "0"
    assert "relation=coopere" not in page.url
    # The relations' table follows the same filters: none left between the politicians.
    links = page.get_by_role(
        "table", name="Les relations du réseau : qui est lié à qui, et comment"
    )
    assert all(not row.is_visible() for row in links.locator("tbody tr").all())
    page.get_by_label("Démocratie participative").check()
    page.get_by_label("finance").check()
    visible = [row.inner_text() for row in links.locator("tbody tr").all() if row.is_visible()]
    assert len(visible) == 1 and "Mairie de Mouans-Sartoux" in visible[0]
    assert "finance" in visible[0] and "Conseil de quartier" in visible[0]
    check_page(page)


def test_the_team_reads_who_is_missing(page, network):
    log_in(page, "dana@example.org")
    page.goto(page.base_url + f"/territoires/commune/06084-{network.slug}/acteurs/reseau/")
    page.get_by_role("link", name="Qui manque ?").click()
    page.get_by_role("heading", name="Les 4 Fantastiques").wait_for()
    roles = page.get_by_role("table", name="Qui tient chacun des rôles des 4 Fantastiques")
    assert "Personne ne tient le rôle « élu·e »" in roles.inner_text()
    bridges = page.locator("#gaps-bridges + ol")
    assert "Mairie de Mouans-Sartoux relie des groupes" in bridges.inner_text()
    check_page(page)
