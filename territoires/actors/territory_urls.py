"""A territory's actors, under its address (/territoires/<kind>/<code>-<slug>/acteurs/)."""

from django.urls import path

from territoires.actors import views

TERRITORY = "<str:kind>/<code:code>-<slug:slug>/"

app_name = "territory_actors"
urlpatterns = [
    path(f"{TERRITORY}acteurs/", views.territory_list, name="list"),
    path(f"{TERRITORY}acteurs/nouvelle/", views.create, name="create"),
]
