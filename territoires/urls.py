from django.contrib import admin
from django.urls import include, path

from territoires.api import api

urlpatterns = [
    path("", include("territoires.www.urls")),
    path("territoires/", include("territoires.territories.urls")),
    path("comptes/", include("territoires.accounts.urls")),
    path("initiatives/", include("territoires.initiatives.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "territoires.www.views.page_not_found"
