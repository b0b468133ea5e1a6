from django.apps import AppConfig


class ControversiesConfig(AppConfig):
    name = "territoires.controversies"
    verbose_name = "Controverses"

    def ready(self):
        from territoires.controversies import history, search_documents, sections

        sections.register()
        history.register()
        search_documents.register()
