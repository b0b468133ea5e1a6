from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "territoires.initiatives"
    verbose_name = "Communs des transitions"
