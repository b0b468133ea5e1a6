"""Issue 20's journey: a territory's admin maps who acts there — an organisation and a
person, a CSV import refused for one faulty line then fixed, a relation —, reads the network
and who is missing, works a controversy with two positions and publishes its summary,
brings the mayor in from the national register, and visitors find it all on the portrait."""

import re

import pytest

from territoires.accounts.enums import Role
from territoires.actors.models import Category, Person
from territoires.controversies.models import Controversy
from tests.accounts.factories import MembershipFactory
from tests.browser.journeys import check_page, log_in
from tests.territories.factories import commune

pytestmark = pytest.mark.browser

ORGANISATIONS = "nom;type;siren;description\nRégie des eaux;collectivite;732829320;Eau potable\n"
PEOPLE = "nom;organisation;fonction;courriel\nDominique Petit;Régie des eaux;directeur;dominique-at-example\n"


def _category(slug, name, parent=None):
    # A transactional test may run after another emptied the seeded vocabulary.
    return Category.objects.get_or_create(slug=slug, defaults={"name": name, "parent": parent})[0]


def _field(where, label):
    """The field of that label, marked required (« * ») or not."""
    return where.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def _submit(page):
    with page.expect_navigation():  # the next page, not the one still shown
        page.get_by_role("button", name="Enregistrer").click()


def test_an_admin_maps_the_actors_and_works_a_controversy_in_the_open(page, tmp_path):
    town = commune("06084")
    admin = MembershipFactory(user__email="admin@example.org", territory=town, role=Role.ADMIN)
    _category("participation", "Démocratie participative")
    base = page.base_url + town.get_absolute_url()
    log_in(page, admin.user.email)

    # An organisation and a person, by hand.
    page.goto(base + "acteurs/")
    page.get_by_role("link", name="Ajouter une organisation").click()
    check_page(page)
    _field(page, "Nom").fill("Vent du plateau")
    _field(page, "Type").select_option("association")
    _submit(page)
    page.get_by_role("link", name="Ajouter une personne").click()
    check_page(page)
    _field(page, "Nom").fill("Camille Martin")
    _field(page, "Rôle").fill("présidente")
    _submit(page)
    assert "Camille Martin" in page.locator("main").inner_text()
    check_page(page)

    # A CSV import: one faulty line, named, nothing written; fixed, it goes through.
    organisations, people = tmp_path / "organisations.csv", tmp_path / "personnes.csv"
    organisations.write_text(ORGANISATIONS, encoding="utf-8")
    people.write_text(PEOPLE, encoding="utf-8")
    page.goto(base + "acteurs/importer/")
    page.get_by_label("Organisations (CSV)").set_input_files(organisations)
    page.get_by_label("Personnes (CSV)").set_input_files(people)
    page.get_by_role("button", name="Importer").click()
    problems = page.locator("#import-problems")
    problems.wait_for()
    assert "dominique-at-example" in problems.inner_text()
    assert not Person.objects.filter(name="Dominique Petit").exists()
    people.write_text(PEOPLE.replace("dominique-at-example", "dominique@example.org"))
    page.get_by_label("Organisations (CSV)").set_input_files(organisations)
    page.get_by_label("Personnes (CSV)").set_input_files(people)
    page.get_by_role("button", name="Importer").click()
    page.wait_for_url(f"**{town.get_absolute_url()}acteurs/")
    assert "Import enregistré" in page.locator("body").inner_text()

    # A relation between them.
    page.get_by_role("link", name="Vent du plateau").first.click()
    page.get_by_role("link", name="Ajouter une relation").click()
    check_page(page)
    _field(page, "Relation").select_option("coopere")
    _field(page, "Avec").select_option(label="Régie des eaux")
    _field(page, "Source").fill("Convention de 2026")
    _submit(page)
    assert "Régie des eaux" in page.locator("main").inner_text()

    # The network and who is missing.
    page.goto(base + "acteurs/")
    page.get_by_role("link", name="Voir le réseau").click()
    page.wait_for_selector("[data-actors-network][data-state='ready'] canvas")
    assert page.locator("[data-actors-network]").get_attribute("data-shown-edges") == "1"
    check_page(page)
    page.get_by_role("link", name="Qui manque ?").click()
    page.get_by_role("heading", name="Les 4 Fantastiques").wait_for()
    check_page(page)

    # A controversy with two positions, its summary published.
    page.goto(base + "acteurs/")
    page.get_by_role("link", name="Controverses").click()
    page.get_by_role("link", name="Ouvrir une controverse").click()
    check_page(page)
    _field(page, "Sujet").fill("Le parc éolien du plateau")
    _field(page, "Résumé public").fill(
        "Deux positions sur le parc éolien, travaillées en conseil participatif."
    )
    _submit(page)
    for label, holder, argument in (
        ("Pour, avec un financement citoyen", "Vent du plateau", "De l'énergie produite ici"),
        ("Contre, pour la ressource en eau", "Régie des eaux", "Le captage est en aval"),
    ):
        page.get_by_role("link", name="Ajouter une position").click()
        _field(page, "Position").fill(label)
        page.get_by_label(holder, exact=True).check()
        first = page.get_by_role("group", name="Argument 1")
        _field(first, "Argument").fill(argument)
        _field(first, "Source").fill("Conseil participatif de mars")
        check_page(page)
        _submit(page)
    assert page.locator("#positions-title + ul > li").count() == 2
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Publier le résumé").click()
    assert "Résumé publié." in page.locator("body").inner_text()
    assert Controversy.objects.get().is_published

    # The mayor from the national register, after reading what is (and is not) taken.
    page.goto(base + "acteurs/")
    page.get_by_role("link", name="Élus municipaux depuis le répertoire").click()
    assert "ni lus ni conservés" in page.locator("main").inner_text()
    check_page(page)
    page.get_by_label("Montrer leurs noms aux visiteurs").check()
    page.get_by_role("button", name="Reprendre ces élus").click()
    page.get_by_role("heading", name="33 élu·es ajouté·es").wait_for()
    mayor = Person.objects.get(role="maire")
    assert mayor.source.startswith("Répertoire national des élus")
    check_page(page)

    # Visitors see the section and the published summary, not the positions.
    page.context.clear_cookies()
    page.goto(base)
    actors = page.locator("#section-acteurs")
    assert "Vent du plateau" in actors.inner_text()
    controversies = page.locator("#section-controverses")
    assert "Le parc éolien du plateau" in controversies.inner_text()
    check_page(page)
    controversies.get_by_role("link", name="Le parc éolien du plateau").click()
    assert "travaillées en conseil participatif" in page.locator("main").inner_text()
    assert "Contre, pour la ressource en eau" not in page.locator("main").inner_text()
    check_page(page)
