import json

import shapely
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from territoires.core import atlas, history, portrait, search
from territoires.core.addresses import site_url
from territoires.core.permissions import require_perm
from territoires.initiatives import selectors as commons
from territoires.initiatives.models import Portrait
from territoires.territories import geo, selectors
from territoires.territories.enums import TerritoryKind
from territoires.territories.forms import ProjectTerritoryForm
from territoires.territories.models import Territory, TerritoryShape
from territoires.territories.services import atlas as atlas_tiles
from territoires.territories.services.projects import UnknownCodes
from territoires.www import atlas_map, exports, services


@require_GET
def home(request):
    """The atlas of France: régions, départements, EPCI and communes following the zoom,
    the layers the apps contribute, and where to start reading the commons. The page first
    shows the régions drawn on the server (links, and the first layer's territories as
    dots); the interactive map starts on demand (js/atlas-on-demand.js)."""
    regions = list(Territory.objects.of_kind(TerritoryKind.REGION).order_by("name"))
    breaks = legend_breaks()
    layers = [(layer, layer.territories({})) for layer in atlas.layers]
    context = {
        "tiles_version": atlas_tiles.tiles_version(),
        "breaks": breaks,
        "regions": regions,
        "counts": selectors.count_by_kind(),
        "layers": [_layer_context(layer, marked) for layer, marked in layers],
        "portraits": commons.portraits(limit=6),
        "latest_initiatives": commons.latest_initiatives(limit=4),
        "latest_verbatims": commons.latest_verbatims(limit=2),
        # The first view, drawn on the server; the interactive map is started on demand.
        **atlas_map.first_view(regions, layers, breaks),
    }
    return render(request, "www/home.html", context)


def _layer_context(layer, marked: dict) -> dict:
    return {
        "name": layer.name,
        "label": str(layer.label),
        "description": str(layer.description),
        "shape": layer.shape,
        "count": len(marked),
        "filters": [
            (facet.parameter, facet.label, list(facet.choices()))
            for facet in search.facets
            if facet.name in layer.filters
        ],
    }


def legend_breaks():
    """Class breaks of the atlas colour scale, cached until the next import."""
    key = f"atlas-breaks-{atlas_tiles.registry_fingerprint()}"
    breaks = cache.get(key)
    if breaks is None:
        breaks = atlas_tiles.colour_breaks()
        cache.set(key, breaks, None)
    return breaks


@require_GET
def atlas_layer(request, name):
    """A layer of the atlas as GeoJSON: a point per territory (the middle of its outline's
    box) or its outline, its name and page, and what the layer says of it; narrowed by
    the layer's filters (the search's parameters: ?theme=…&levier=…)."""
    layer = atlas.layers.get(name)
    if layer is None:
        raise Http404(_("Couche inconnue."))
    filters = _layer_filters(request, layer)
    properties = layer.territories(filters)
    territories = Territory.objects.filter(pk__in=properties, west__isnull=False).only(
        "kind", "code", "name", "slug", "west", "south", "east", "north"
    )
    outlines = _outlines(properties) if layer.shape == atlas.OUTLINE else {}
    features = [
        {
            "type": "Feature",
            "id": territory.pk,
            "geometry": outlines.get(territory.pk) or _middle(territory),
            "properties": {
                "name": territory.name,
                "kind": territory.kind,
                "url": territory.get_absolute_url(),
                **properties[territory.pk],
            },
        }
        for territory in territories.order_by("pk")
    ]
    payload = {"type": "FeatureCollection", "name": layer.name, "features": features}
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        content_type="application/geo+json",
    )


def _layer_filters(request, layer) -> dict[str, tuple[str, ...]]:
    """The layer's filters from the query string, checked against their facets' values
    (a French 400 for an unknown one)."""
    filters = {}
    for facet in search.facets:
        if facet.name not in layer.filters:
            continue
        chosen = tuple(value for value in request.GET.getlist(facet.parameter) if value)
        known = {value for value, _label in facet.choices()}
        unknown = [value for value in chosen if value not in known]
        if unknown:
            raise BadRequest(
                _("%(parameter)s : valeur inconnue %(values)s")
                % {"parameter": facet.parameter, "values": ", ".join(unknown)}
            )
        if chosen:
            filters[facet.name] = chosen
    return filters


def _middle(territory) -> dict:
    return {
        "type": "Point",
        "coordinates": [
            round((territory.west + territory.east) / 2, 5),
            round((territory.south + territory.north) / 2, 5),
        ],
    }


def _outlines(territory_ids) -> dict[int, dict]:
    shapes = TerritoryShape.objects.filter(territory_id__in=territory_ids)
    return {
        territory_id: json.loads(shapely.to_geojson(shapely.simplify(geo.from_wkb(wkb), 0.002)))
        for territory_id, wkb in shapes.values_list("territory_id", "wkb")
    }


@require_GET
def territory(request, kind, code, slug=None):
    """A territory's page: its portrait, made of the sections the apps register; a
    visitor's is served whole from the cache until the territory's content changes."""
    found = selectors.territory_key_or_404(kind, code)
    if slug != found.slug:
        return redirect(selectors.territory_or_404(kind, code), permanent=True)
    return portrait.visitor_page(request, found, lambda: _territory_page(request, kind, code))


def _territory_page(request, kind, code):
    found = selectors.territory_or_404(kind, code)
    sections = portrait.render_all(request, found)
    context = {
        "territory": found,
        "top": [html for section, html in sections if section.region == portrait.TOP],
        "sections": [html for section, html in sections if section.region == portrait.MAIN],
        "can_see_team": request.user.has_perm("territories.view_members", found),
        "sparse": not commons.is_documented(found),
        "can_see_history": request.user.has_perm("territories.manage_members", found),
        "can_edit_project": found.is_project
        and request.user.has_perm("territories.change_project", found),
    }
    return render(request, "www/territory.html", context)


HISTORY_PAGE_SIZE = 50


@require_GET
def territory_history(request, kind, code, slug):
    """Who changed what in the territory's content, and when: for its admins."""
    found = selectors.territory_or_404(kind, code)
    require_perm(request.user, "territories.manage_members", found)
    paginator = Paginator(history.territory_changes(found.pk), HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "www/territory_history.html", {"territory": found, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def project_form(request, code=None):
    project = None
    if code:
        project = selectors.territory_or_404(TerritoryKind.PROJECT, code)
        require_perm(request.user, "territories.change_project", project)
    else:
        require_perm(request.user, "territories.add_project")
    form = ProjectTerritoryForm(
        request.POST or None, request.FILES or None, initial=_initial(project)
    )
    if request.method == "POST" and form.is_valid():
        try:
            project, _created = services.save_project(
                name=form.cleaned_data["name"],
                subkind=form.cleaned_data["subkind"],
                presentation=form.cleaned_data["description"],
                member_codes=form.cleaned_data["codes"],
                code=project.code if project else None,
                by=request.user,
            )
        except UnknownCodes as error:
            form.add_error(
                None,
                _("Codes inconnus, rien n'a été enregistré : %(codes)s")
                % {"codes": ", ".join(error.codes)},
            )
        else:
            messages.success(request, _("Territoire de projet enregistré."))
            return redirect(project)
    return render(
        request,
        "www/project_form.html",
        {"form": form, "project": project},
        status=400 if form.errors else 200,
    )


def _initial(project) -> dict:
    if project is None:
        return {}
    presentation = Portrait.objects.filter(territory=project).values_list("presentation", flat=True)
    return {
        "name": project.name,
        "subkind": project.subkind,
        "description": presentation.first() or "",
        "member_codes": " ".join(project.project_members.values_list("member__code", flat=True)),
    }


@require_GET
def open_data(request):
    """Every export and the API in one place, each with its licence, size and last update."""
    base = site_url(request)
    return render(
        request,
        "www/open_data.html",
        {
            "exports": exports.catalogue(base),
            "layers": list(atlas.layers),
            "licence": settings.CONTENT_LICENCE,
            "licence_url": settings.CONTENT_LICENCE_URL,
            "base": base,
        },
    )


@require_GET
def about_data(request):
    return render(request, "www/data.html", {"counts": selectors.count_by_kind()})


def page_not_found(request, exception):
    # Only our own messages are shown: the resolver's would list the URL patterns.
    args = getattr(exception, "args", ())
    reason = args[0] if args and isinstance(args[0], str) else ""
    if request.path.startswith("/api/"):  # an address no API route matches: JSON all the same
        return JsonResponse({"message": reason or _("Introuvable.")}, status=404)
    return render(request, "404.html", {"reason": reason}, status=404)


@require_GET
def hello(request):
    """A minimal page, the floor against which page speed is measured in bench/."""
    return HttpResponse("Bonjour")
