import json
from typing import Literal

import shapely
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from territoires.territories import geo, selectors
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import Territory, TerritoryShape
from territoires.territories.normalize import search_key

router = Router(tags=["territoires"])

KindName = Literal[tuple(TerritoryKind.values)]  # type: ignore[valid-type]


class TerritoryRef(Schema):
    kind: str
    code: str
    name: str
    url: str

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class TerritoryOut(Schema):
    kind: str
    code: str
    name: str
    subkind: str
    population: int | None
    population_source: str
    population_year: int | None
    area_km2: float | None
    density: float | None
    bbox: list[float] | None
    postcodes: list[str]
    url: str
    region: TerritoryRef | None
    departement: TerritoryRef | None
    epci: TerritoryRef | None
    commune: TerritoryRef | None

    @staticmethod
    def resolve_postcodes(obj):
        return obj.postcodes.split() if obj.postcodes else []

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()

    @staticmethod
    def resolve_density(obj):
        return round(obj.density, 1) if obj.density is not None else None


class TerritoryFilters(Schema):
    kind: KindName | None = Field(None, description="Type de territoire")
    parent: str | None = Field(
        None,
        pattern=r"^[a-z-]+:[0-9A-Za-z]+$",
        description="Territoire parent, « type:code », par exemple departement:06",
    )
    name: str | None = Field(None, min_length=1, max_length=100, description="Début du nom")


MAX_LIMIT = 100  # as the initiatives' per_page: one page stays small and quick


class TerritoryPagination(LimitOffsetPagination):
    """Ninja's limit/offset with bounds, so that no request asks for the whole registry."""

    class Input(Schema):
        limit: int = Field(
            MAX_LIMIT, ge=1, le=MAX_LIMIT, description="Territoires par page, 100 au plus"
        )
        # Past the database's integers the query fails: the registry holds far fewer.
        offset: int = Field(0, ge=0, le=1_000_000, description="Territoires à sauter")

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


@router.get("/", response=list[TerritoryOut], summary="Liste des territoires")
@paginate(TerritoryPagination)
def list_territories(request, filters: Query[TerritoryFilters]):
    territories = Territory.objects.select_related("region", "departement", "epci", "commune")
    if filters.kind:
        territories = territories.filter(kind=filters.kind)
    if filters.parent:
        parent_kind, parent_code = filters.parent.split(":", 1)
        parent = selectors.territory_by_code(parent_kind, parent_code)
        if parent is None:
            raise HttpError(400, _("Parent inconnu : %(parent)s") % {"parent": filters.parent})
        territories = territories.filter(pk__in=Territory.objects.members_of(parent).values("pk"))
    if filters.name:
        territories = territories.filter(search_key__startswith=search_key(filters.name))
    return territories.order_by("kind", "code")


@router.get(
    "/search", response=list[TerritoryOut], summary="Recherche par nom, code ou code postal"
)
def search(
    request, q: str = Query(..., min_length=1, max_length=100), limit: int = Query(10, ge=1, le=50)
):
    return selectors.search_territories(q, limit=limit)


@router.get("/{kind}/{code}", response=TerritoryOut, summary="Un territoire")
def detail(request, kind: str, code: str):
    return selectors.territory_or_404(kind, code)


@router.get("/{kind}/{code}/members", response=list[TerritoryRef], summary="Ses membres")
def members(request, kind: str, code: str):
    return list(selectors.members_of(selectors.territory_or_404(kind, code)))


def _geojson_response(payload: dict) -> HttpResponse:
    return HttpResponse(
        json.dumps(payload, separators=(",", ":")), content_type="application/geo+json"
    )


@router.get(
    "/{kind}/{code}/outline.geojson",
    summary="Contour GeoJSON",
    openapi_extra={
        "responses": {
            200: {"description": "Feature GeoJSON", "content": {"application/geo+json": {}}}
        }
    },
)
def outline(request, kind: str, code: str):
    territory = selectors.territory_or_404(kind, code)
    shape = get_object_or_404(TerritoryShape, territory=territory)
    return _geojson_response(_feature(territory, geo.from_wkb(shape.wkb)))


@router.get(
    "/{kind}/{code}/members.geojson",
    summary="Contours GeoJSON de ses membres",
    openapi_extra={
        "responses": {
            200: {
                "description": "FeatureCollection GeoJSON",
                "content": {"application/geo+json": {}},
            }
        }
    },
)
def members_geojson(request, kind: str, code: str):
    territory = selectors.territory_or_404(kind, code)
    members = list(selectors.members_of(territory))
    shapes = dict(
        TerritoryShape.objects.filter(territory__in=[m.pk for m in members]).values_list(
            "territory_id", "wkb"
        )
    )
    # Lighter outlines when there are many members: they are drawn small.
    tolerance = 0.0005 if len(members) < 100 else 0.002
    features = [
        _feature(member, shapely.simplify(geo.from_wkb(shapes[member.pk]), tolerance))
        for member in members
        if member.pk in shapes
    ]
    return _geojson_response({"type": "FeatureCollection", "features": features})


def _feature(territory, geometry) -> dict:
    return {
        "type": "Feature",
        "id": territory.pk,
        "properties": {
            "kind": territory.kind,
            "code": territory.code,
            "name": territory.name,
            "population": territory.population,
            "url": territory.get_absolute_url(),
        },
        "geometry": json.loads(shapely.to_geojson(geometry)),
    }
