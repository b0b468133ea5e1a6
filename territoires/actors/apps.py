from django.apps import AppConfig


class ActorsConfig(AppConfig):
    name = "territoires.actors"
    verbose_name = "Acteurs et gouvernance"

    def ready(self):
        from territoires.actors import (
            history,
            network_data,
            personal_data,
            search_documents,
            sections,
        )

        sections.register()
        search_documents.register()
        personal_data.register()
        history.register()
        network_data.register()
