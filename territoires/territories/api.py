import json
from typing import Annotated, Literal

import shapely
from django.core.validators import ProhibitNullCharactersValidator
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import AfterValidator, ConfigDict

from territoires.territories import geo, selectors
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import Territory, TerritoryShape
from territoires.territories.normalize import search_key

router = Router(tags=[gettext_lazy("territoires")])


# The error answers of the whole API (territoires/api.py gives them), declared here, in the
# foundation's router, so that every app's router can name them in its operations.
# The schemas' descriptions are in the request's language, not their docstrings.
class ErrorOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "description": gettext_lazy(
                "Une réponse d'erreur : ce qui ne va pas, en français (en anglais avec "
                "Accept-Language: en)."
            )
        }
    )

    message: str = Field(
        description=gettext_lazy("Message en français, ou dans la langue demandée")
    )


class InvalidParameter(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "description": gettext_lazy("Un paramètre refusé, tel que le décrit pydantic.")
        }
    )

    type: str
    loc: list[str | int] = Field(
        description=gettext_lazy("Où : query, path, puis le nom du paramètre")
    )
    msg: str
    ctx: dict | None = None


class InvalidOut(ErrorOut):
    model_config = ConfigDict(
        json_schema_extra={
            "description": gettext_lazy(
                "Paramètres invalides : le message les nomme tous, `errors` les détaille "
                "s'il y a lieu."
            )
        }
    )

    errors: list[InvalidParameter] | None = None


def errors(*codes: int) -> dict[int, type[Schema]]:
    """The error answers an operation gives, for its `response`: 400 with the details."""
    return {code: InvalidOut if code == 400 else ErrorOut for code in codes}


def _without_nul(value: str) -> str:
    # PostgreSQL refuses the NUL character in a query: a 400 with Django's French message.
    if "\x00" in value:
        raise ValueError(str(ProhibitNullCharactersValidator.message))
    return value


# Text taken from an address, in every router: anything but the NUL character.
Text = Annotated[str, AfterValidator(_without_nul)]
# The address of a territory: any text (an unknown one is a 404).
KindParam = Annotated[
    Text,
    Path(
        description=gettext_lazy("Type de territoire : region, departement, epci, commune…"),
        example="commune",
    ),
]
CodeParam = Annotated[
    Text,
    Path(description=gettext_lazy("Code officiel (INSEE ; SIREN pour un EPCI)"), example="06084"),
]


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
    kind: KindName | None = Field(None, description=gettext_lazy("Type de territoire"))
    parent: str | None = Field(
        None,
        pattern=r"^[a-z-]+:[0-9A-Za-z]+$",
        description=gettext_lazy("Territoire parent, « type:code », par exemple departement:06"),
    )
    name: Text | None = Field(
        None, min_length=1, max_length=100, description=gettext_lazy("Début du nom")
    )


MAX_LIMIT = 100  # as the initiatives' per_page: one page stays small and quick


class TerritoryPagination(LimitOffsetPagination):
    """Ninja's limit/offset with bounds, so that no request asks for the whole registry."""

    class Input(Schema):
        limit: int = Field(
            MAX_LIMIT,
            ge=1,
            le=MAX_LIMIT,
            description=gettext_lazy("Territoires par page, 100 au plus"),
        )
        # Past the database's integers the query fails: the registry holds far fewer.
        offset: int = Field(0, ge=0, le=1_000_000, description=gettext_lazy("Territoires à sauter"))

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


@router.get(
    "/",
    response={200: list[TerritoryOut], **errors(400)},
    summary=gettext_lazy("Liste des territoires"),
)
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
    "/search",
    response={200: list[TerritoryOut], **errors(400)},
    summary=gettext_lazy("Recherche par nom, code ou code postal"),
)
def search(
    request,
    q: Annotated[Text, Query(min_length=1, max_length=100, examples=["mouans"])],
    limit: int = Query(10, ge=1, le=50),
):
    return selectors.search_territories(q, limit=limit)


@router.get(
    "/{kind}/{code}",
    response={200: TerritoryOut, **errors(400, 404)},
    summary=gettext_lazy("Un territoire"),
)
def detail(request, kind: KindParam, code: CodeParam):
    return selectors.territory_or_404(kind, code)


@router.get(
    "/{kind}/{code}/members",
    response={200: list[TerritoryRef], **errors(400, 404)},
    summary=gettext_lazy("Ses membres"),
)
def members(request, kind: KindParam, code: CodeParam):
    return list(selectors.members_of(selectors.territory_or_404(kind, code)))


def _geojson_response(payload: dict) -> HttpResponse:
    return HttpResponse(
        json.dumps(payload, separators=(",", ":")), content_type="application/geo+json"
    )


@router.get(
    "/{kind}/{code}/outline.geojson",
    response=errors(400, 404),
    summary=gettext_lazy("Contour GeoJSON"),
    openapi_extra={
        "responses": {
            200: {"description": "Feature GeoJSON", "content": {"application/geo+json": {}}}
        }
    },
)
def outline(request, kind: KindParam, code: CodeParam):
    territory = selectors.territory_or_404(kind, code)
    shape = TerritoryShape.objects.filter(territory=territory).first()
    if shape is None:  # the registry gives no outline for some territories
        raise Http404(_("Aucun contour connu pour ce territoire."))
    return _geojson_response(_feature(territory, geo.from_wkb(shape.wkb)))


@router.get(
    "/{kind}/{code}/members.geojson",
    response=errors(400, 404),
    summary=gettext_lazy("Contours GeoJSON de ses membres"),
    openapi_extra={
        "responses": {
            200: {
                "description": "FeatureCollection GeoJSON",
                "content": {"application/geo+json": {}},
            }
        }
    },
)
def members_geojson(request, kind: KindParam, code: CodeParam):
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
