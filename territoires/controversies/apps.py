from django.apps import AppConfig


class ControversiesConfig(AppConfig):
    name = "territoires.controversies"
    verbose_name = "Controverses"

    def ready(self):
        from territoires.controversies import history, sections

        sections.register()
        history.register()
