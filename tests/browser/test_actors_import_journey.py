"""A territory's admin imports its actors from CSV files: one faulty line, named on the
page, nothing written; fixed, the import goes through and the list shows them."""

import pytest

from territoires.accounts.enums import Role
from territoires.actors.models import Organisation, Person
from tests.accounts.factories import MembershipFactory
from tests.browser.journeys import check_page, log_in
from tests.territories.factories import commune

pytestmark = pytest.mark.browser

ORGANISATIONS = (
    "nom;type;siren;description\n"
    "Régie des eaux;collectivite;732829320;Eau potable\n"
    "Les Amis de la cantine;association;;Repas bio\n"
)
PEOPLE = (
    "nom;organisation;fonction;courriel\n"
    "Camille Martin;Régie des eaux;directrice;camille@example.org\n"
    "Dominique Petit;Les Amis de la cantine;président;dominique-at-example\n"
)


def test_an_admin_imports_a_file_with_a_faulty_line_then_fixes_it(page, tmp_path):
    town = commune("06084")
    admin = MembershipFactory(user__email="admin@example.org", territory=town, role=Role.ADMIN)
    log_in(page, admin.user.email)
    organisations, people = tmp_path / "organisations.csv", tmp_path / "personnes.csv"
    organisations.write_text(ORGANISATIONS, encoding="cp1252")
    people.write_text(PEOPLE, encoding="utf-8")

    page.goto(page.base_url + town.get_absolute_url() + "acteurs/")
    page.get_by_role("link", name="Importer des fichiers CSV").click()
    check_page(page)
    page.get_by_label("Organisations (CSV)").set_input_files(organisations)
    page.get_by_label("Personnes (CSV)").set_input_files(people)
    page.get_by_role("button", name="Importer").click()

    problems = page.locator("#import-problems")
    problems.wait_for()
    # The keyboard and the screen reader start from what to fix.
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'import-problems'"
    )
    assert "Rien n'a été importé : 1 problème à corriger." in problems.inner_text()
    row = problems.locator("tbody tr")
    assert row.count() == 1
    assert row.locator("td").all_inner_texts()[:3] == ["personnes", "3", "courriel"]
    assert "dominique-at-example" in row.inner_text()
    check_page(page)
    assert not Organisation.objects.exists() and not Person.objects.exists()

    people.write_text(PEOPLE.replace("dominique-at-example", "dominique@example.org"))
    page.get_by_label("Organisations (CSV)").set_input_files(organisations)
    page.get_by_label("Personnes (CSV)").set_input_files(people)
    page.get_by_role("button", name="Importer").click()
    page.wait_for_url(f"**{town.get_absolute_url()}acteurs/")
    assert "Import enregistré" in page.locator("body").inner_text()
    table = page.get_by_role("table")
    assert "Régie des eaux" in table.inner_text() and "Dominique Petit" in table.inner_text()
    check_page(page)
