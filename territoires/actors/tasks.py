"""Background work of the actors."""

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
