"""Open data: the published commons as CSV, JSON and GeoJSON, under a stated licence."""

import csv
import json

import shapely
from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from territoires.core import spreadsheets
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


def _rows():
    initiatives = (
        Initiative.objects.published()
        .select_related("territory")
        .prefetch_related("themes")
        .order_by("pk")
    )
    for initiative in initiatives.iterator(chunk_size=500):
        yield {
            "titre": initiative.title,
            "adresse": settings.SITE_URL + initiative.get_absolute_url(),
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


@require_GET
def initiatives_csv(request):
    writer = csv.DictWriter(_Echo(), COLUMNS)

    def lines():
        yield "\ufeff" + writer.writeheader()  # the BOM lets spreadsheets read UTF-8
        for row in _rows():
            # Hostile titles (=HYPERLINK(…), @SUM(…)) reach spreadsheets as text.
            yield writer.writerow({key: spreadsheets.cell(value) for key, value in row.items()})

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="initiatives.csv"'
    _licence_headers(response)
    return response


@require_GET
def initiatives_json(request):
    payload = {
        "licence": settings.CONTENT_LICENCE,
        "licence_url": settings.CONTENT_LICENCE_URL,
        "source": settings.SITE_URL,
        "initiatives": list(_rows()),
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False), content_type="application/json"
    )
    _licence_headers(response)
    return response


@require_GET
def territories_geojson(request):
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
                    "adresse": settings.SITE_URL + territory.get_absolute_url(),
                },
                "geometry": geometry,
            }
        )
    payload = {
        "type": "FeatureCollection",
        "licence": settings.CONTENT_LICENCE,
        "licence_url": settings.CONTENT_LICENCE_URL,
        "features": features,
    }
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False), content_type="application/geo+json"
    )
    _licence_headers(response)
    return response
