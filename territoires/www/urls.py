from django.conf import settings
from django.urls import path

from territoires.www import exports, language_views, privacy_views, search_views, views

app_name = "www"
urlpatterns = [
    path("", views.home, name="home"),
    path("atlas/couches/<slug:name>.geojson", views.atlas_layer, name="atlas_layer"),
    path("donnees/", views.open_data, name="open_data"),
    path("donnees/sources/", views.about_data, name="data"),
    path("confidentialite/", privacy_views.privacy, name="privacy"),
    path("langue/<str:code>/", language_views.switch_language, name="language"),
    path("recherche/", search_views.commons_search, name="search"),
    path("recherche/suggestions/", search_views.suggestions, name="suggestions"),
    path("donnees/initiatives.csv", exports.initiatives_csv, name="export_initiatives_csv"),
    path("donnees/initiatives.json", exports.initiatives_json, name="export_initiatives_json"),
    path("donnees/territoires.geojson", exports.territories_geojson, name="export_territories"),
    path("territoires/projets/nouveau/", views.project_form, name="project_create"),
    path("territoires/projet/<code:code>/modifier/", views.project_form, name="project_edit"),
    path("territoires/<str:kind>/<code:code>-<slug:slug>/", views.territory, name="territory"),
    path(
        "territoires/<str:kind>/<code:code>-<slug:slug>/historique/",
        views.territory_history,
        name="territory_history",
    ),
]
if settings.BENCH_FLOOR:
    urlpatterns.append(path("bench/bonjour/", views.hello, name="hello"))
