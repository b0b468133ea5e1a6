from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territoires.territories import selectors
from territoires.territories.services import atlas


@require_GET
def detail_short(request, kind, code):
    """/territoires/commune/06084/ → the territory's page under its full address."""
    return redirect(selectors.territory_or_404(kind, code), permanent=True)


@require_GET
def search(request):
    """Territories by name, code or postcode: a page of results."""
    query = request.GET.get("q", "")[:100]
    results = selectors.search_territories(query, limit=50)
    return render(request, "territories/search.html", {"results": results, "query": query})


@require_GET
def tile(request, z, x, y):
    archive = atlas.open_archive()
    if archive is None:
        raise Http404(_("L'atlas n'a pas encore été construit."))
    if not archive.covers(z, x, y):
        raise Http404(
            _("Tuile hors de l'atlas : le zoom va de %(first)s à %(last)s, x et y de 0 à 2^z − 1.")
            % {"first": archive.zooms.start, "last": archive.zooms.stop - 1}
        )
    data = archive.tile(z, x, y)
    if data is None:
        response = HttpResponse(status=204)
    else:
        response = HttpResponse(data, content_type="application/vnd.mapbox-vector-tile")
        response["Content-Encoding"] = "gzip"
    # The address carries the archive's version, so the tile never changes under it.
    patch_cache_control(response, public=True, max_age=365 * 24 * 3600, immutable=True)
    return response
