from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "territoires.accounts"
    verbose_name = "Comptes"
