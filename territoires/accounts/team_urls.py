"""The team of a territory, under its address (/territoires/<kind>/<code>-<slug>/equipe/)."""

from django.urls import path

from territoires.accounts import views

app_name = "teams"
urlpatterns = [
    path("<str:kind>/<code:code>-<slug:slug>/equipe/", views.team, name="team"),
    path(
        "<str:kind>/<code:code>-<slug:slug>/equipe/<int:membership_id>/",
        views.team_member,
        name="team_member",
    ),
]
