from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "territoires.initiatives"
    verbose_name = "Communs des transitions"

    def ready(self):
        from territoires.core import files
        from territoires.initiatives import history, personal_data, search_documents, sections
        from territoires.initiatives.models import InitiativeResource

        search_documents.register()
        sections.register()
        personal_data.register()
        history.register()
        files.follow_files(InitiativeResource)
