from django.urls import path

from territoires.actors import category_views, views

app_name = "actors"
urlpatterns = [
    path("categories/", category_views.categories, name="categories"),
    path("<int:pk>-<slug:slug>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/personnes/nouvelle/", views.person_edit, name="person_create"),
    path("personnes/<int:person_pk>/modifier/", views.person_edit, name="person_edit"),
    path("personnes/<int:person_pk>/supprimer/", views.person_delete, name="person_delete"),
    path("<int:pk>/relations/nouvelle/", views.relation_create, name="relation_create"),
    path("relations/<int:relation_pk>/supprimer/", views.relation_delete, name="relation_delete"),
]
