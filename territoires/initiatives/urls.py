from django.urls import path

from territoires.initiatives import views

app_name = "initiatives"
urlpatterns = [
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:initiative_slug>/modifier/", views.edit, name="edit"),
]
