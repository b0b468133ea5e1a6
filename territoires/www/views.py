from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from territoires.territories import selectors, services
from territoires.territories.enums import TerritoryKind
from territoires.territories.views import legend_breaks


@require_GET
def home(request):
    """The atlas of France: régions, départements, EPCI and communes following the zoom."""
    regions = selectors.Territory.objects.of_kind(TerritoryKind.REGION).order_by("name")
    context = {
        "tiles_version": services.tiles_version(),
        "breaks": legend_breaks(),
        "regions": regions,
        "counts": selectors.count_by_kind(),
    }
    return render(request, "www/home.html", context)


@require_GET
def about_data(request):
    return render(request, "www/data.html", {"counts": selectors.count_by_kind()})


def page_not_found(request, exception):
    # Only our own messages are shown: the resolver's would list the URL patterns.
    args = getattr(exception, "args", ())
    reason = args[0] if args and isinstance(args[0], str) else ""
    return render(request, "404.html", {"reason": reason}, status=404)


@require_GET
def hello(request):
    """A minimal page, the floor against which page speed is measured in bench/."""
    return HttpResponse("Bonjour")
