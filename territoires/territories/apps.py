from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "territoires.territories"
    verbose_name = "Territoires"
