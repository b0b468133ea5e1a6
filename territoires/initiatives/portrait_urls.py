"""The portrait's parts a territory's team edits, under the territory's address
(/territoires/<kind>/<code>-<slug>/…)."""

from django.urls import path

from territoires.initiatives import views

TERRITORY = "<str:kind>/<code:code>-<slug:slug>/"

app_name = "portraits"
urlpatterns = [
    path(f"{TERRITORY}presentation/", views.presentation, name="presentation"),
    path(f"{TERRITORY}similaires/", views.similar, name="similar"),
    path(f"{TERRITORY}initiatives/nouvelle/", views.edit, name="initiative_create"),
    path(f"{TERRITORY}photo/", views.portrait_photo, name="photo"),
    path(f"{TERRITORY}<str:section>/", views.portrait_section, name="section"),
    path(
        f"{TERRITORY}<str:section>/<int:pk>/modifier/",
        views.portrait_section_edit,
        name="section_edit",
    ),
    path(
        f"{TERRITORY}<str:section>/<int:pk>/supprimer/",
        views.portrait_section_delete,
        name="section_delete",
    ),
]
