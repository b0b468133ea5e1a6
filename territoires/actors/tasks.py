"""Background work of the actors."""

from territoires.actors import search_documents
from territoires.core.tasks import retried_task
from territoires.territories.models import Territory


@retried_task()
def analyse_network(territory_id: int):
    """The metrics and gaps of a large territory's network, for its current content.
    Idempotent: nothing to do once the analysis of this version is kept."""
    from territoires.actors import network_data  # it enqueues this task

    territory = Territory.objects.filter(pk=territory_id).first()
    if territory is not None:
        network_data.refresh(territory)


@retried_task()
def index_organisations(pks: list[int]) -> int:
    """The search documents of organisations an import wrote (thousands at once: the
    import does not wait for them)."""
    search_documents._reindex(pks)
    return len(pks)
