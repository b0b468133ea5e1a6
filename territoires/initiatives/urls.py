from django.urls import path

from territoires.initiatives import views

app_name = "initiatives"
urlpatterns = [
    path("a-verifier/", views.curation_queue, name="curation_queue"),
    path("verifier/<str:kind>/<int:pk>/", views.check, name="check"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:initiative_slug>/modifier/", views.edit, name="edit"),
]
