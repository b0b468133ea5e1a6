from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "territoires.territories"
    verbose_name = "Territoires"

    def ready(self):
        from django.db.models.signals import post_delete

        from territoires.core import history, search, versions
        from territoires.territories import search_documents, sections
        from territoires.territories.models import ProjectMembership, Territory

        search_documents.register()
        sections.register()
        # Project territories are edited by people (the registry's import writes in bulk,
        # outside the history: its own record is RegistryImport).
        history.track(Territory, territory_of=lambda territory: territory.pk)
        history.track(ProjectMembership, territory_of=lambda item: item.project_id)
        versions.watch(Territory, versions.TERRITORY, lambda territory: [territory.pk])
        post_delete.connect(
            lambda sender, instance, **kwargs: search.remove_territory_documents([instance.pk]),
            sender=Territory,
            weak=False,
            dispatch_uid="territoires.territories.remove_search_documents",
        )
