import pytest
from django.core.management import CommandError, call_command

from territoires.territories.enums import TerritoryKind
from territoires.territories.models import Territory
from territoires.territories.project_files import ProjectFileError, parse_project_file
from territoires.territories.services import projects
from tests.territories.factories import commune, territory


def test_project_outline_is_the_union_and_population_the_sum_without_double_counting():
    epci = commune("06084").epci
    project, created = projects.save_project_territory(
        name="Pays de test", member_codes=[epci.code, "06084", "06004"], subkind="pays"
    )
    assert created and project.kind == TerritoryKind.PROJECT and project.code.startswith("P")
    epci_communes = Territory.objects.filter(kind="commune", epci=epci)
    extra = commune("06004") if commune("06004").epci_id != epci.pk else None
    expected = sum(c.population for c in epci_communes) + (extra.population if extra else 0)
    assert project.population == expected
    assert project.area_km2 == pytest.approx(
        epci.area_km2 + (extra.area_km2 if extra else 0), rel=0.02
    )
    assert project.departement.code == "06" and project.region.code == "93"
    assert project.shape.wkb


def test_unknown_codes_are_refused_with_their_list_and_nothing_written():
    before = Territory.objects.filter(kind=TerritoryKind.PROJECT).count()
    with pytest.raises(projects.UnknownCodes) as error:
        projects.save_project_territory(name="Faux", member_codes=["06084", "99999", "123456789"])
    assert error.value.codes == ["123456789", "99999"]
    assert Territory.objects.filter(kind=TerritoryKind.PROJECT).count() == before


def test_import_command_from_yaml(tmp_path, capsys):
    path = tmp_path / "projets.yaml"
    path.write_text(
        "- nom: PETR de test\n  type: petr\n  membres: [06084, '06004', 06012]\n"
        "- nom: Autre\n  membres:\n    - 68343\n",
        encoding="utf-8",
    )
    call_command("import_project_territory", str(path))
    petr = Territory.objects.get(kind="projet", name="PETR de test")
    assert petr.subkind == "petr"
    assert sorted(petr.project_members.values_list("member__code", flat=True)) == [
        "06004",
        "06012",
        "06084",
    ]
    # Importing again updates the same project.
    call_command("import_project_territory", str(path))
    assert Territory.objects.filter(kind="projet", name="PETR de test").count() == 1


def test_import_command_from_csv_all_or_nothing(tmp_path):
    good = tmp_path / "ok.csv"
    good.write_text("projet;code;type\nPNR test;06084;pnr\nPNR test;06004;pnr\n", encoding="utf-8")
    call_command("import_project_territory", str(good))
    assert Territory.objects.get(kind="projet", name="PNR test").project_members.count() == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "projet,code\nNouveau,06084\nNouveau,00000\nAutre nouveau,06004\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="00000"):
        call_command("import_project_territory", str(bad))
    assert not Territory.objects.filter(
        kind="projet", name__in=["Nouveau", "Autre nouveau"]
    ).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", b"projet,commune\nX,06084\n", "code"),
        ("a.csv", b"projet,code\nX,\n", "ligne 2"),
        ("a.yaml", b"nom: X\nmembres: 06084\n", "liste"),
        ("a.yaml", b"nom: [unclosed\n", "YAML illisible"),
        ("a.xlsx", b"PK", "Format non reconnu"),
        ("a.csv", b"\xff\xfe\x00", "UTF-8"),
    ],
)
def test_bad_project_files_get_a_french_message(name, content, message):
    with pytest.raises(ProjectFileError, match=message):
        parse_project_file(name, content)


def test_project_page_lists_members(client):
    project, _ = projects.save_project_territory(name="PETR page", member_codes=["06084"])
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    assert "Mouans-Sartoux" in response.text and "territoire de projet" in response.text.lower()


def test_registry_reimport_refreshes_projects():
    project, _ = projects.save_project_territory(name="PETR refresh", member_codes=["06084"])
    Territory.objects.filter(pk=project.pk).update(population=1)
    projects.refresh_all_projects()
    project.refresh_from_db()
    assert project.population == territory("commune", "06084").population


def test_a_yaml_file_cannot_expand_into_gigabytes():
    """Found by fuzzing: aliases expanded a 292-byte upload into a 4.9 MB member code."""
    bomb = '- nom: Bombe\n  membres: &a ["06084", "06084"]\n- nom: Bis\n  membres: [*a, *a]\n'
    with pytest.raises(ProjectFileError, match="alias"):
        parse_project_file("projets.yaml", bomb.encode())
    nested = '- nom: Imbriqué\n  membres: [["06084"]]\n'
    with pytest.raises(ProjectFileError, match="liste de codes"):
        parse_project_file("projets.yaml", nested.encode())
