"""A territory's actors, under its address (/territoires/<kind>/<code>-<slug>/acteurs/)."""

from django.urls import path

from territoires.actors import data_views, network_views, views

TERRITORY = "<str:kind>/<code:code>-<slug:slug>/"

app_name = "territory_actors"
urlpatterns = [
    path(f"{TERRITORY}acteurs/", views.territory_list, name="list"),
    path(f"{TERRITORY}acteurs/nouvelle/", views.create, name="create"),
]

# Seeing the network (network_views.py): the gaps, the graph and its data.
urlpatterns += [
    path(f"{TERRITORY}acteurs/manques/", network_views.gaps, name="gaps"),
    path(f"{TERRITORY}acteurs/reseau/", network_views.graph, name="graph"),
    path(f"{TERRITORY}acteurs/reseau/donnees.json", network_views.graph_data, name="graph_data"),
]

# Files in and out (data_views.py).
urlpatterns += [
    path(f"{TERRITORY}acteurs/importer/", data_views.import_actors, name="import"),
    path(
        f"{TERRITORY}acteurs/importer/modele-<slug:file>.csv",
        data_views.import_template,
        name="import_template",
    ),
    path(f"{TERRITORY}acteurs/<slug:file>.csv", data_views.export_actors, name="export"),
]
