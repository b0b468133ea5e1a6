from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from territoires.api import api
from territoires.core.views import media_file

urlpatterns = [
    path("", include("territoires.www.urls")),
    path("territoires/", include("territoires.territories.urls")),
    path("territoires/", include("territoires.accounts.team_urls")),
    path("territoires/", include("territoires.actors.territory_urls")),
    path("territoires/", include("territoires.controversies.urls")),
    path("territoires/", include("territoires.initiatives.portrait_urls")),
    path("comptes/", include("territoires.accounts.urls")),
    path("initiatives/", include("territoires.initiatives.urls")),
    path("acteurs/", include("territoires.actors.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
if settings.SERVE_MEDIA:
    # Photos and documents uploaded by the teams; names are random, files never change.
    urlpatterns.append(re_path(r"^media/(?P<path>.+)$", media_file))

handler404 = "territoires.www.views.page_not_found"
