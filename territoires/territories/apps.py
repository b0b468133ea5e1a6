from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "territoires.territories"
    verbose_name = "Territoires"

    def ready(self):
        from django.db.models.signals import post_delete

        from territoires.core import search, versions
        from territoires.territories import search_documents, sections
        from territoires.territories.models import Territory

        search_documents.register()
        sections.register()
        versions.watch(Territory, versions.TERRITORY, lambda territory: [territory.pk])
        post_delete.connect(
            lambda sender, instance, **kwargs: search.remove_territory_documents([instance.pk]),
            sender=Territory,
            weak=False,
            dispatch_uid="territoires.territories.remove_search_documents",
        )
