"""Project territories (PETR, PNR, Pays…): made of communes and EPCI, outlined and
counted from them."""

import numpy as np
from django.db import transaction
from django.utils.text import slugify

from territoires.territories import cog, geo
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import ProjectMembership, Territory, TerritoryShape
from territoires.territories.normalize import search_key

AGGREGATE_POPULATION_SOURCE = f"{cog.POPULATION_SOURCE}, somme des communes"


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
    project.save()
    ProjectMembership.objects.filter(project=project).delete()
    ProjectMembership.objects.bulk_create(
        ProjectMembership(project=project, member=member) for member in members
    )
    refresh_project(project)
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
