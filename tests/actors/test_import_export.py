"""The team's CSV files: import (all or nothing, idempotent), export, templates."""

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from territoires.actors import services, tabular
from territoires.actors.forms import IMPORT_MAX_BYTES
from territoires.actors.models import Organisation, Person, Relation
from tests.actors.factories import OrganisationFactory, PersonFactory, contact
from tests.initiatives.factories import InitiativeFactory

ORGANISATIONS = (
    "nom;catégorie;type;siren;siret;site web;description;territoires;source\n"
    "Régie des eaux;politiques;collectivite;732829320;;www.regie.example.org;Eau potable;;"
    "Délibération 2020\n"
    "Les Amis de la cantine;;association;;;;Repas bio;06084;Statuts\n"
)
PEOPLE = (
    "nom;organisation;fonction;rôle d'équipe;courriel;téléphone;nom public\n"
    "Camille Martin;Régie des eaux;directrice;agente;camille@example.org;;oui\n"
    "Dominique Petit;les amis de la CANTINE;président;habitant;;06 00 00 00 00;non\n"
)
RELATIONS = (
    "source;relation;cible;début;fin;source de l'information\n"
    "Les Amis de la cantine;coopère avec;Régie des eaux;01/09/2021;;Convention\n"
)


def _counts():
    return (Organisation.objects.count(), Person.objects.count(), Relation.objects.count())


def _files(organisations=ORGANISATIONS, people=PEOPLE, relations=RELATIONS, encoding="utf-8"):
    files = {"organisations": organisations, "personnes": people, "relations": relations}
    return {name: text.encode(encoding) for name, text in files.items() if text is not None}


def _url(town, suffix="importer/"):
    return f"/territoires/{town.kind}/{town.code}-{town.slug}/acteurs/{suffix}"


def _post(client, town, files):
    data = {
        name: SimpleUploadedFile(f"{name}.csv", content, content_type="text/csv")
        for name, content in files.items()
    }
    return client.post(_url(town), data)


# --- The service ----------------------------------------------------------------------


def test_an_import_creates_everything_and_a_second_changes_nothing(town, bob):
    report = services.import_actors(town, _files(), by=bob)
    assert report.ok, report.problems
    assert report.created == {"organisations": 2, "personnes": 2, "relations": 1}
    regie = Organisation.objects.get(siren="732829320")
    assert regie.category.slug == "politiques"
    assert regie.website == "https://www.regie.example.org"
    assert list(regie.territories.all()) == [town]
    camille = Person.objects.get(name="Camille Martin")
    assert (camille.organisation, camille.team_role, camille.consent_to_name) == (
        regie,
        "agent",
        True,
    )
    assert camille.created_by == bob
    relation = Relation.objects.get()
    assert relation.target_organisation == regie and relation.started_on.year == 2021
    # The history keeps every row created, people without their name.
    entries = LogEntry.objects.filter(content_type__app_label="actors")
    assert entries.count() == 5
    for entry in entries.filter(content_type__model="person"):
        assert "Camille" not in entry.object_repr and "name" not in entry.changes

    again = services.import_actors(town, _files(), by=bob)
    assert again.ok and not again.changed
    assert again.unchanged == {"organisations": 2, "personnes": 2, "relations": 1}
    assert _counts() == (2, 2, 1)
    assert entries.count() == 5


def test_existing_rows_are_matched_by_siren_then_by_name_and_updated(town, bob):
    by_siren = OrganisationFactory(name="Régie municipale", siren="732829320")
    by_name = OrganisationFactory(name="LES AMIS DE LA CANTINE", description="ancienne")
    PersonFactory(organisation=by_name, name="dominique petit", role="trésorier")
    report = services.import_actors(town, _files(), by=bob)
    assert report.ok, report.problems
    assert report.created == {"organisations": 0, "personnes": 1, "relations": 1}
    assert report.updated == {"organisations": 2, "personnes": 1, "relations": 0}
    by_siren.refresh_from_db()
    by_name.refresh_from_db()
    assert by_siren.name == "Régie des eaux" and by_name.description == "Repas bio"
    assert by_name.people.get().role == "président"


def test_an_organisation_only_named_by_an_initiative_gets_registered(town, bob):
    named = OrganisationFactory(name="Régie des eaux", territories=[])
    contact(InitiativeFactory(territory=town), named)
    report = services.import_actors(town, {"organisations": b"nom\nRegie des eaux\n"}, by=bob)
    assert report.updated["organisations"] == 1
    assert list(named.territories.all()) == [town]
    again = services.import_actors(town, {"organisations": b"nom\nRegie des eaux\n"}, by=bob)
    assert not again.changed


def test_an_empty_cell_keeps_what_is_known(town, bob):
    organisation = OrganisationFactory(name="Régie des eaux", description="Eau et assainissement")
    text = "nom;description\nRégie des eaux;\n"
    report = services.import_actors(town, {"organisations": text.encode()}, by=bob)
    assert report.ok and not report.changed
    organisation.refresh_from_db()
    assert organisation.description == "Eau et assainissement"


@pytest.mark.parametrize(
    ("file", "faulty", "column", "words"),
    [
        (
            "organisations",
            ORGANISATIONS.replace("732829320", "732829321"),
            "siren",
            "clé de contrôle",
        ),
        ("personnes", PEOPLE.replace("camille@example.org", "camille-at-example"), "courriel", ""),
        ("relations", RELATIONS.replace("01/09/2021", "31/02/2021"), "début", "illisible"),
    ],
)
def test_one_faulty_line_in_any_file_writes_nothing_and_names_it(
    town, bob, file, faulty, column, words
):
    files = _files(
        organisations=faulty if file == "organisations" else ORGANISATIONS,
        people=faulty if file == "personnes" else PEOPLE,
        relations=faulty if file == "relations" else RELATIONS,
    )
    report = services.import_actors(town, files, by=bob)
    assert not report.ok
    assert _counts() == (0, 0, 0)
    [problem] = report.problems
    assert (problem.file, problem.line, problem.column) == (file, 2, column)
    assert words in problem.message


def test_an_unknown_territory_code_is_a_faulty_line(town, bob):
    text = "nom;territoires\nRégie;06084|99999\n"
    report = services.import_actors(town, {"organisations": text.encode()}, by=bob)
    [problem] = report.problems
    assert (problem.line, problem.column) == (2, "territoires")
    assert "99999" in problem.message
    assert _counts() == (0, 0, 0)


def test_people_of_a_faulty_organisation_line_are_not_flagged_too(town, bob):
    files = _files(organisations=ORGANISATIONS.replace(";06084;", ";99999;"))
    report = services.import_actors(town, files, by=bob)
    assert [(p.file, p.line, p.column) for p in report.problems] == [
        ("organisations", 3, "territoires")
    ]
    assert _counts() == (0, 0, 0)


def test_two_lines_for_one_organisation_are_refused(town, bob):
    OrganisationFactory(name="Régie", siren="732829320")
    text = "nom;siren\nRégie;732829320\nRégie de l'eau;732 829 320\n"
    report = services.import_actors(town, {"organisations": text.encode()}, by=bob)
    [problem] = report.problems
    assert problem.line == 3 and "ligne 2" in problem.message


def test_a_nul_character_is_a_faulty_line_on_every_database(town, bob):
    files = _files(relations=RELATIONS.replace(";Convention", ";Conv\x00ention"))
    report = services.import_actors(town, files, by=bob)
    [problem] = report.problems
    assert (problem.file, problem.line) == ("relations", 2)
    assert "Caractère nul" in problem.message
    assert _counts() == (0, 0, 0)


def test_windows_1252_and_commas(town, bob):
    text = ORGANISATIONS.replace(";", ",").replace("Délibération 2020", '"Délibé, 2020"')
    report = services.import_actors(town, {"organisations": text.encode("cp1252")}, by=bob)
    assert report.ok, report.problems
    assert Organisation.objects.get(siren="732829320").source == "Délibé, 2020"


def test_export_then_import_changes_nothing(town, bob):
    services.import_actors(town, _files(), by=bob)
    organisations, people, relations = services.export_rows(town, with_private=True)
    files = {
        "organisations": tabular.write_organisations(organisations),
        "personnes": tabular.write_people(people),
        "relations": tabular.write_relations(relations),
    }
    report = services.import_actors(town, files, by=bob)
    assert report.ok, report.problems
    assert not report.changed
    assert report.unchanged == {"organisations": 2, "personnes": 2, "relations": 1}


# --- The pages ------------------------------------------------------------------------


def test_the_team_imports_and_is_sent_to_its_list(client, town, bob):
    client.force_login(bob)
    assert client.get(_url(town)).status_code == 200
    response = _post(client, town, _files())
    assert response.status_code == 302
    assert response["Location"] == _url(town, "")
    page = client.get(response["Location"])
    assert "Import enregistré" in page.text and "2 créées" in page.text
    response = _post(client, town, _files())
    page = client.get(response["Location"]).text
    assert "Rien n" in page and "2 inchangées" in page


def test_a_faulty_line_is_named_on_the_page_and_nothing_written(client, town, bob):
    client.force_login(bob)
    response = _post(client, town, _files(people=PEOPLE.replace(";agente;", ";astronaute;")))
    assert response.status_code == 400
    assert "Rien n'a été importé" in response.text
    assert "rôle d&#x27;équipe" in response.text and "astronaute" in response.text
    assert _counts() == (0, 0, 0)


def test_no_file_or_a_too_large_file_is_refused(client, town, bob):
    client.force_login(bob)
    response = client.post(_url(town), {})
    assert response.status_code == 400 and "au moins un fichier" in response.text
    big = ORGANISATIONS.encode() + b"A;\n" * (IMPORT_MAX_BYTES // 3)
    response = _post(client, town, {"organisations": big})
    assert response.status_code == 400 and "dépasse 10 Mo" in response.text
    assert _counts() == (0, 0, 0)


def test_visitors_log_in_and_readers_are_refused(client, town, dana):
    response = _post(client, town, _files())
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    client.force_login(dana)
    assert _post(client, town, _files()).status_code == 403
    assert client.get(_url(town, "importer/modele-personnes.csv")).status_code == 403
    assert _counts() == (0, 0, 0)


def test_the_team_downloads_its_files_and_the_templates(client, town, bob, dana):
    services.import_actors(town, _files(), by=bob)
    client.force_login(dana)  # a reader: sees what people keep private
    response = client.get(_url(town, "personnes.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    text = response.content.decode("utf-8-sig")
    assert "Dominique Petit" in text and "06 00 00 00 00" in text
    assert client.get(_url(town, "inconnu.csv")).status_code == 404
    client.force_login(bob)
    template = client.get(_url(town, "importer/modele-organisations.csv"))
    assert template.content.decode("utf-8-sig").startswith("nom;catégorie;type")
    client.logout()
    response = client.get(_url(town, "personnes.csv"))
    assert response.status_code == 302


def test_an_import_registers_nothing_in_another_teams_territory(town, bob):
    """A line naming another territory, or changing an organisation that another
    territory's team holds (matched by its SIREN): refused and named, nothing written."""
    from territoires.actors import services
    from territoires.actors.models import Organisation
    from tests.actors.factories import OrganisationFactory
    from tests.territories.factories import commune

    mulhouse = commune("68224")
    theirs = OrganisationFactory(
        name="Régie de Mulhouse", siren="732829320", territories=[mulhouse]
    )
    pirate = b"nom;type;territoires\nOrg Pirate;association;06084|68224\n"
    report = services.import_actors(town, {"organisations": pirate}, by=bob)
    assert not report.ok
    assert "seule son équipe le peut" in str(report.problems[0])
    assert not Organisation.objects.filter(name="Org Pirate").exists()

    renamed = "nom;siren;description\nRégie renommée;732829320;Autre chose\n".encode()
    report = services.import_actors(town, {"organisations": renamed}, by=bob)
    assert not report.ok and "pas la modifier" in str(report.problems[0])
    theirs.refresh_from_db()
    assert theirs.name == "Régie de Mulhouse" and list(theirs.territories.all()) == [mulhouse]

    # The same line as they hold it: registered in Mouans-Sartoux too, unchanged.
    same = "nom;siren\nRégie de Mulhouse;732829320\n".encode()
    report = services.import_actors(town, {"organisations": same}, by=bob)
    assert report.ok
    assert set(theirs.territories.all()) == {mulhouse, town}
