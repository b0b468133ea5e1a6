from django.urls import path

from territoires.territories import views

app_name = "territories"
urlpatterns = [
    path("recherche/", views.search, name="search"),
    path("tuiles/<int:z>/<int:x>/<int:y>.mvt", views.tile, name="tile"),
    path("<str:kind>/<code:code>/", views.detail_short, name="detail_short"),
]
