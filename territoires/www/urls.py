from django.conf import settings
from django.urls import path

from territoires.www import exports, search_views, views

app_name = "www"
urlpatterns = [
    path("", views.home, name="home"),
    path("donnees/sources/", views.about_data, name="data"),
    path("recherche/", search_views.commons_search, name="search"),
    path("donnees/initiatives.csv", exports.initiatives_csv, name="export_initiatives_csv"),
    path("donnees/initiatives.json", exports.initiatives_json, name="export_initiatives_json"),
    path("donnees/territoires.geojson", exports.territories_geojson, name="export_territories"),
]
if settings.BENCH_FLOOR:
    urlpatterns.append(path("bench/bonjour/", views.hello, name="hello"))
