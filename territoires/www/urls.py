from django.conf import settings
from django.urls import path

from territoires.www import views

app_name = "www"
urlpatterns = [
    path("", views.home, name="home"),
    path("donnees/sources/", views.about_data, name="data"),
]
if settings.BENCH_FLOOR:
    urlpatterns.append(path("bench/bonjour/", views.hello, name="hello"))
