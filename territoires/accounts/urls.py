from django.contrib.auth import views as auth_views
from django.urls import path

from territoires.accounts import data_views, views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("inscription/", views.signup, name="signup"),
    path("inscription/envoyee/", views.signup_done, name="signup_done"),
    path("inscription/confirmer/<uidb64>/<token>/", views.signup_confirm, name="signup_confirm"),
    path("mon-espace/", views.dashboard, name="dashboard"),
    path("mon-espace/mes-donnees/", data_views.my_data, name="my_data"),
    path(
        "mon-espace/mes-donnees/telecharger/",
        data_views.my_data_download,
        name="my_data_download",
    ),
    path("mon-espace/supprimer-mon-compte/", data_views.erase_account, name="erase_account"),
    path("compte-supprime/", data_views.account_erased, name="account_erased"),
    path("mot-de-passe/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
