"""Open data: the published commons as CSV, JSON and GeoJSON, under a stated licence."""

import csv
import json
from dataclasses import dataclass
from datetime import datetime

import shapely
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territoires.core import spreadsheets
from territoires.core.addresses import site_url
from territoires.core.models import SearchIndexState
from territoires.initiatives.enums import PublicationState
from territoires.initiatives.models import Initiative
from territoires.territories import geo
from territoires.territories.models import Territory, TerritoryShape

COLUMNS = [
    "titre",
    "adresse",
    "territoire_type",
    "territoire_code",
    "territoire_nom",
    "resume",
    "etat",
    "debut",
    "fin",
    "themes",
    "leviers",
    "fondamentaux",
    "programme",
    "mots_cles",
    "source",
    "mise_a_jour",
]


def _licence_headers(response):
    response["Link"] = f'<{settings.CONTENT_LICENCE_URL}>; rel="license"'
    response["X-Licence"] = settings.CONTENT_LICENCE


def _rows(base: str):
    initiatives = (
        Initiative.objects.published()
        .select_related("territory")
        .prefetch_related("themes")
        .order_by("pk")
    )
    for initiative in initiatives.iterator(chunk_size=500):
        yield {
            "titre": initiative.title,
            "adresse": base + initiative.get_absolute_url(),
            "territoire_type": initiative.territory.kind,
            "territoire_code": initiative.territory.code,
            "territoire_nom": initiative.territory.name,
            "resume": initiative.summary,
            "etat": initiative.status,
            "debut": initiative.start_year,
            "fin": initiative.end_year,
            "themes": [theme.slug for theme in initiative.themes.all()],
            "leviers": initiative.levers,
            "fondamentaux": initiative.fundamentals,
            "programme": initiative.programme,
            "mots_cles": initiative.tag_list,
            "source": initiative.source,
            "mise_a_jour": initiative.updated_at.isoformat(),
        }


class _Echo:
    def write(self, value):
        return value


def csv_lines(base: str):
    writer = csv.DictWriter(_Echo(), COLUMNS)
    yield "\ufeff" + writer.writeheader()  # the BOM lets spreadsheets read UTF-8
    for row in _rows(base):
        # Hostile titles (=HYPERLINK(…), @SUM(…)) reach spreadsheets as text.
        yield writer.writerow({key: spreadsheets.cell(value) for key, value in row.items()})


def initiatives_document(base: str) -> str:
    return json.dumps(
        {
            "licence": settings.CONTENT_LICENCE,
            "licence_url": settings.CONTENT_LICENCE_URL,
            "source": base,
            "initiatives": list(_rows(base)),
        },
        ensure_ascii=False,
    )


def territories_document(base: str) -> str:
    """Territories that have published initiatives, with their counts and outlines."""
    published = Q(initiatives__state=PublicationState.PUBLISHED)
    territories = (
        Territory.objects.annotate(initiative_count=Count("initiatives", filter=published))
        .filter(initiative_count__gt=0)
        .order_by("kind", "code")
    )
    shapes = dict(
        TerritoryShape.objects.filter(territory__in=territories).values_list("territory_id", "wkb")
    )
    features = []
    for territory in territories:
        geometry = None
        if territory.pk in shapes:
            simplified = shapely.simplify(geo.from_wkb(shapes[territory.pk]), 0.001)
            geometry = json.loads(shapely.to_geojson(simplified))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "type": territory.kind,
                    "code": territory.code,
                    "nom": territory.name,
                    "population": territory.population,
                    "initiatives": territory.initiative_count,
                    "adresse": base + territory.get_absolute_url(),
                },
                "geometry": geometry,
            }
        )
    return json.dumps(
        {
            "type": "FeatureCollection",
            "licence": settings.CONTENT_LICENCE,
            "licence_url": settings.CONTENT_LICENCE_URL,
            "features": features,
        },
        ensure_ascii=False,
    )


@require_GET
def initiatives_csv(request):
    response = StreamingHttpResponse(
        csv_lines(site_url(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="initiatives.csv"'
    _licence_headers(response)
    return response


@require_GET
def initiatives_json(request):
    response = HttpResponse(
        initiatives_document(site_url(request)), content_type="application/json"
    )
    _licence_headers(response)
    return response


@require_GET
def territories_geojson(request):
    response = HttpResponse(
        territories_document(site_url(request)), content_type="application/geo+json"
    )
    _licence_headers(response)
    return response


@dataclass(frozen=True)
class Export:
    name: str  # the URL name, in www
    label: str
    format: str
    rows: int
    size: int  # bytes
    updated: datetime | None


def catalogue(base: str) -> list[Export]:
    """The exports with their size and last update, computed once per version of the
    search index (every write to the commons or the registry changes it)."""
    version = SearchIndexState.objects.values_list("version", flat=True).first()
    key = f"open-data:{version}:{base}:{get_language()}"
    found = cache.get(key)
    if found is None:
        found = _catalogue(base)
        cache.set(key, found, 3600)
    return found


def _catalogue(base: str) -> list[Export]:
    published = Initiative.objects.published()
    updated = published.aggregate(last=Max("updated_at"))["last"]
    initiatives = published.count()
    territories = json.loads(territories_document(base))["features"]
    return [
        Export(
            "export_initiatives_csv",
            _("Initiatives publiées"),
            "CSV",
            initiatives,
            sum(len(line.encode()) for line in csv_lines(base)),
            updated,
        ),
        Export(
            "export_initiatives_json",
            _("Initiatives publiées"),
            "JSON",
            initiatives,
            len(initiatives_document(base).encode()),
            updated,
        ),
        Export(
            "export_territories",
            _("Territoires qui ont des initiatives publiées, avec leurs contours"),
            "GeoJSON",
            len(territories),
            len(territories_document(base).encode()),
            updated,
        ),
    ]
