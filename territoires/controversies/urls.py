"""A territory's controversies log, under its address
(/territoires/<kind>/<code>-<slug>/controverses/)."""

from django.urls import path

from territoires.controversies import views

LOG = "<str:kind>/<code:code>-<slug:slug>/controverses/"
ONE = f"{LOG}<int:pk>/"

app_name = "controversies"
urlpatterns = [
    path(LOG, views.controversy_list, name="list"),
    path(f"{LOG}nouvelle/", views.edit, name="create"),
    path(ONE, views.detail, name="detail"),
    path(f"{ONE}modifier/", views.edit, name="edit"),
    path(f"{ONE}supprimer/", views.delete, name="delete"),
    path(f"{ONE}publication/", views.change_state, name="state"),
    path(f"{ONE}positions/nouvelle/", views.position_edit, name="position_create"),
    path(f"{ONE}positions/<int:position_pk>/modifier/", views.position_edit, name="position_edit"),
    path(f"{ONE}lieux/nouveau/", views.venue_edit, name="venue_create"),
    path(f"{ONE}lieux/<int:venue_pk>/modifier/", views.venue_edit, name="venue_edit"),
    path(
        f"{ONE}positions/<int:part_pk>/supprimer/",
        views.remove,
        {"part": "positions"},
        name="position_delete",
    ),
    path(
        f"{ONE}lieux/<int:part_pk>/supprimer/", views.remove, {"part": "lieux"}, name="venue_delete"
    ),
]
