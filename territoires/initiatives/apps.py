from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "territoires.initiatives"
    verbose_name = "Communs des transitions"

    def ready(self):
        from territoires.initiatives import search_documents, sections

        search_documents.register()
        sections.register()
