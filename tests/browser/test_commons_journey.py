"""Journey 1 (commons, PACT²): atlas → portrait → initiative → search → facet → similar
territory, on the demo content of `make run`; then a contributor adds people's words to the
portrait."""

import re

import pytest

from territoires.accounts.enums import Role
from territoires.initiatives.demo import load_demo_commons
from territoires.initiatives.models import Theme
from tests.accounts.factories import MembershipFactory
from tests.actors.factories import OrganisationFactory
from tests.browser.journeys import check_page, log_in
from tests.browser.test_atlas_journey import MOUANS_SARTOUX, open_atlas, wait_for_idle_map
from tests.initiatives.factories import InitiativeFactory
from tests.territories.factories import commune

pytestmark = pytest.mark.browser


PACT2_INITIATIVE = "PACT² : rendre transmissible l’expérience pionnière de Mouans-Sartoux"


@pytest.fixture
def commons():
    load_demo_commons()
    # The demo's photovoltaic plant is in Savoie, which the sample registry does not hold.
    energy = Theme.objects.get(slug="energie")
    solar = InitiativeFactory(
        title="Centrale photovoltaïque sur les toits des écoles",
        published=True,
        summary="Des panneaux solaires financés avec les habitants.",
        territory=commune("06004"),
    )
    solar.themes.set([energy])
    from territoires.core import search

    search.reindex()
    return solar


def test_from_the_atlas_to_the_commons(page, commons):
    open_atlas(page)
    wait_for_idle_map(page, "region-fill")
    check_page(page)
    page.evaluate(
        "c => window.territoiresAtlas.jumpTo({center: c, zoom: 10})", list(MOUANS_SARTOUX)
    )
    wait_for_idle_map(page, "commune-fill")
    point = page.evaluate("c => window.territoiresAtlas.project(c)", list(MOUANS_SARTOUX))
    box = page.locator("#atlas-map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_url(re.compile(r"/territoires/commune/06084-mouans-sartoux/$"))
    check_page(page)

    page.locator("#section-initiatives").get_by_role("link", name=PACT2_INITIATIVE).click()
    assert page.locator("h1").inner_text() == PACT2_INITIATIVE
    check_page(page)

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Communs"
    ).click()
    page.get_by_label("Chercher une initiative, des paroles, un territoire").fill("photovoltaique")
    page.get_by_role("button", name="Chercher").last.click()
    hit = page.locator(".hit").first
    assert "photovoltaïque" in hit.inner_text().lower()
    check_page(page)
    assert hit.locator("h3 mark").first.inner_text().lower().startswith("photovolta")
    page.get_by_role("checkbox", name=re.compile("Énergie")).check()
    page.wait_for_url(re.compile(r"theme=energie"))
    assert page.locator(".hit").count() >= 1
    check_page(page)
    page.locator(".hit").first.get_by_role("link").click()
    assert page.locator("h1").inner_text() == "Centrale photovoltaïque sur les toits des écoles"
    check_page(page)

    page.goto(page.base_url + commune("06084").get_absolute_url())
    similar = page.locator("section[aria-labelledby=similaires-title] .card a").first
    name = similar.inner_text()
    similar.click()
    assert page.locator("h1").inner_text() == name
    check_page(page)


def test_contributor_adds_words_that_are_published(page):
    member = MembershipFactory(user__email="contrib@example.org", role=Role.CONTRIBUTOR).user
    log_in(page, member.email)
    page.goto(page.base_url + commune("06084").get_absolute_url())
    section = page.locator("#section-verbatims")
    section.get_by_role("link", name="Ajouter").click()
    section.get_by_label("Paroles").fill("Ici, la cantine a changé notre regard sur la terre.")
    section.get_by_label("Rôle").fill("Parent d'élève")
    section.get_by_label("Catégorie").select_option("habitant")
    section.get_by_label("Publication").select_option("published")
    section.get_by_role("button", name="Enregistrer").click()
    section.get_by_text("Ici, la cantine a changé notre regard sur la terre.").wait_for()
    check_page(page)

    visitor = page.context.browser.new_context()
    other = visitor.new_page()
    other.goto(page.base_url + commune("06084").get_absolute_url())
    assert other.get_by_text("Ici, la cantine a changé notre regard sur la terre.").is_visible()
    check_page(other)
    visitor.close()


def test_contributor_creates_an_initiative_with_its_actor(page):
    member = MembershipFactory(user__email="auteur@example.org", role=Role.CONTRIBUTOR).user
    OrganisationFactory(name="Régie agricole municipale")
    log_in(page, member.email)
    page.goto(page.base_url + commune("06084").get_absolute_url())
    check_page(page)
    page.get_by_role("link", name="Ajouter une initiative").click()
    check_page(page)
    page.locator("#id_title").fill("Légumerie des cantines")
    page.locator("#id_summary").fill("Les légumes de la régie lavés et taillés pour les écoles.")
    page.locator("#id_state").select_option("published")
    page.locator("#id_contacts-0-organisation").select_option(label="Régie agricole municipale")
    # Bug: the optional result's text was required by the browser, so nothing was sent.
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(r"/initiatives/legumerie-des-cantines/$"))
    assert page.locator("h1").inner_text() == "Légumerie des cantines"
    check_page(page)
    page.goto(page.base_url + commune("06084").get_absolute_url())
    actors = page.locator("section#section-acteurs")
    assert actors.get_by_text("Régie agricole municipale").is_visible()
    assert actors.get_by_role("link", name="Légumerie des cantines").is_visible()
    check_page(page)
