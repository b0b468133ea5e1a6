from django.urls import path, register_converter

from territoires.initiatives import views as initiative_views
from territoires.territories import views


class CodeConverter:
    regex = r"[0-9A-Za-z]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CodeConverter, "code")

app_name = "territories"
urlpatterns = [
    path("recherche/", views.search, name="search"),
    path("tuiles/<int:z>/<int:x>/<int:y>.mvt", views.tile, name="tile"),
    path("projets/nouveau/", views.project_form, name="project_create"),
    path("projet/<code:code>/modifier/", views.project_form, name="project_edit"),
    path("<str:kind>/<code:code>/", views.detail, name="detail_short"),
    path("<str:kind>/<code:code>-<slug:slug>/", views.detail, name="detail"),
    path(
        "<str:kind>/<code:code>-<slug:slug>/presentation/",
        views.edit_presentation,
        name="edit_presentation",
    ),
    path("<str:kind>/<code:code>-<slug:slug>/equipe/", views.team, name="team"),
    path("<str:kind>/<code:code>-<slug:slug>/similaires/", views.similar, name="similar"),
    path(
        "<str:kind>/<code:code>-<slug:slug>/initiatives/nouvelle/",
        initiative_views.edit,
        name="initiative_create",
    ),
    path(
        "<str:kind>/<code:code>-<slug:slug>/photo/",
        initiative_views.portrait_photo,
        name="portrait_photo",
    ),
    path(
        "<str:kind>/<code:code>-<slug:slug>/<str:section>/",
        initiative_views.portrait_section,
        name="portrait_section",
    ),
    path(
        "<str:kind>/<code:code>-<slug:slug>/<str:section>/<int:pk>/modifier/",
        initiative_views.portrait_section_edit,
        name="portrait_section_edit",
    ),
    path(
        "<str:kind>/<code:code>-<slug:slug>/<str:section>/<int:pk>/supprimer/",
        initiative_views.portrait_section_delete,
        name="portrait_section_delete",
    ),
    path(
        "<str:kind>/<code:code>-<slug:slug>/equipe/<int:membership_id>/",
        views.team_member,
        name="team_member",
    ),
]
