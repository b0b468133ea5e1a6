"""A territory's portrait read on a phone: nothing wider than the screen, the actors shown."""

import pytest

from territoires.accounts.enums import Role
from territoires.actors.models import Organisation
from territoires.core import search
from territoires.initiatives.models import InitiativeContact, KeyFigure, Verbatim
from territoires.initiatives.services import add_video, set_presentation
from tests.accounts.factories import MembershipFactory
from tests.browser.journeys import check_page, log_in
from tests.initiatives.factories import InitiativeFactory
from tests.territories.factories import commune

pytestmark = pytest.mark.browser

# A phone's width in a desktop context: a mobile one (`is_mobile`) widens its viewport to
# what overflows, so `window.innerWidth` would grow with the page and hide the overflow.
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(error.message))
    return page


@pytest.fixture
def portrait():
    """Mouans-Sartoux with a portrait's sections filled, long words and links included."""
    town = commune("06084")
    set_presentation(town, "Une commune pionnière de l'alimentation durable. " * 6)
    KeyFigure.objects.create(
        territory=town,
        label="Part de produits bio dans les cantines",
        value=100,
        unit="%",
        year=2012,
        source="Commune de Mouans-Sartoux",
    )
    canteen = InitiativeFactory(title="Une régie agricole pour les cantines", published=True)
    InitiativeContact.objects.create(
        initiative=canteen,
        organisation=Organisation.objects.create(
            name="Maison d'éducation à l'alimentation durable",
            website="https://www.mouans-sartoux.net/",
        ),
        role="Accompagnement : https://www.mouanssartoux.net/alimentationdurable/maisondeleducation",
    )
    Verbatim.objects.create(
        territory=town,
        text="Ici, la cantine a changé notre regard sur la terre.",
        speaker_role="Parent d'élève",
        category="habitant",
        state="published",
    )
    add_video("https://www.youtube.com/watch?v=dQw4w9WgXcQ", title="La régie", territory=town)
    MembershipFactory(user__email="bob@example.org", role=Role.CONTRIBUTOR)
    return town


def horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def open_portrait(page, town):
    page.goto(page.base_url + town.get_absolute_url())
    page.locator(".outline-drawing").wait_for()  # drawn on the server: no map library
    check_page(page)


def test_the_portrait_fits_a_phone_and_shows_its_actors(phone, portrait):
    open_portrait(phone, portrait)
    assert horizontal_overflow(phone) <= 0
    actors = phone.locator("#section-acteurs")
    assert actors.get_by_role("heading", name="Acteurs et gouvernance").is_visible()
    assert actors.get_by_role(
        "link", name="Maison d'éducation à l'alimentation durable"
    ).is_visible()
    assert actors.get_by_role("link", name="Une régie agricole pour les cantines").is_visible()
    assert phone.errors == []
    # The interactive map, asked for, fits too and reads its bounding box.
    phone.get_by_role("button", name="Voir sur la carte interactive").click()
    phone.locator(".outline-map canvas").wait_for()
    phone.locator(".outline-drawing").wait_for(state="detached")
    assert horizontal_overflow(phone) <= 0
    assert phone.errors == []
    check_page(phone)


def test_the_portrait_fits_a_phone_for_the_team(phone, portrait):
    """Logged in, the header holds more links."""
    log_in(phone, "bob@example.org")
    open_portrait(phone, portrait)
    assert phone.get_by_role("button", name="Se déconnecter").is_visible()
    assert horizontal_overflow(phone) <= 0


def test_the_search_and_the_team_fit_a_phone(phone, portrait):
    """Bugs: the search box pushed its button off the screen; the team table was 609 px."""
    search.reindex()
    phone.goto(phone.base_url + "/recherche/?q=cantines")
    assert horizontal_overflow(phone) <= 0
    check_page(phone)
    # On a phone the results come first; a link leads to the filters below them.
    phone.get_by_role("link", name="Filtrer les résultats").click()
    assert phone.locator("#filters").is_visible()
    MembershipFactory(user__email="ana.administratrice@example.org", role=Role.ADMIN)
    log_in(phone, "ana.administratrice@example.org")
    phone.goto(phone.base_url + portrait.get_absolute_url() + "equipe/")
    assert phone.get_by_role("button", name="Changer").first.is_visible()  # roles are managed
    assert horizontal_overflow(phone) <= 0
    check_page(phone)
