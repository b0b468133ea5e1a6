"""History of changes: who changed what and when, on every model people edit.

django-auditlog keeps the trail (one `LogEntry` per change: the fields changed, before and
after, who, when). Apps declare their models in `AppConfig.ready()`:

    history.track(Milestone, territory_of=lambda milestone: milestone.territory_id)
    history.track(User, include=["is_staff", …], personal=True)

`territory_of` files each change under the territory it concerns, so that the territory's
admins read its history (`territory_changes`). A model holding personal data says
`personal=True`: its entries are labelled by its kind and number, never by its text (a
person's name would otherwise be kept in the trail after their erasure), and its personal
fields stay out of the changes (`exclude`, or `include` the others). The actor's address
and IP address are never kept: the actor is the account (emptied on its erasure).
"""

from collections.abc import Callable

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.db.models.signals import pre_save

_personal_models: set[str] = set()


def track(
    model,
    *,
    territory_of: Callable[[object], int | None] | None = None,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    m2m: set[str] | None = None,
    personal: bool = False,
) -> None:
    if territory_of is not None:
        # auditlog reads it from the instance: the territory the change concerns.
        model.get_additional_data = lambda instance: {"territory": territory_of(instance)}
    if personal:
        _personal_models.add(model._meta.label_lower)
    auditlog.register(
        model, include_fields=include, exclude_fields=exclude, m2m_fields=m2m or set()
    )


def territory_changes(territory_id: int):
    """The trail of a territory's content, newest first."""
    return (
        LogEntry.objects.filter(additional_data__territory=territory_id)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def _without_personal_data(sender, instance, **kwargs):
    instance.actor_email = None
    label = f"{instance.content_type.app_label}.{instance.content_type.model}"
    if label in _personal_models:
        instance.object_repr = f"{instance.content_type.name} n° {instance.object_pk}"


pre_save.connect(_without_personal_data, sender=LogEntry, dispatch_uid="territoires.history")
