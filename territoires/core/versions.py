"""Versions of content, so that what is built from it can be cached until it changes.

A version is a random number stored in the database under a scope and a key (a
territory's content: `("territory", territory.pk)`), changed in the same transaction as
the write it follows: every process reads it before using its cache, so an edit shows at
once everywhere, whatever process wrote it. Random rather than counted, so that a version
seen inside a transaction later rolled back never comes back with other contents.

Apps declare what their content depends on with `watch` (in `AppConfig.ready()`): every
save or delete of a watched model, and every change of a watched many-to-many relation,
changes the version of the scope and key it belongs to.
"""

import secrets
from collections.abc import Callable

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from territoires.core.models import ContentVersion

TERRITORY = "territory"
# Content every territory's page may show (the registry, vocabularies such as themes): key 0.
SHARED = "shared"


def new_version() -> int:
    return secrets.randbits(62)


def bump(scope: str, *keys: int) -> None:
    """Give new versions to these keys of a scope (one statement, an upsert)."""
    wanted = {key for key in keys if key is not None}
    if not wanted:
        return
    ContentVersion.objects.bulk_create(
        [ContentVersion(scope=scope, key=key, version=new_version()) for key in wanted],
        update_conflicts=True,
        unique_fields=["scope", "key"],
        update_fields=["version"],
    )


def of(*pairs: tuple[str, int]) -> str:
    """The versions of these (scope, key) pairs, in one query, as one string for a cache
    key (0 for a key never bumped)."""
    wanted = Q()
    for scope, key in pairs:
        wanted |= Q(scope=scope, key=key)
    found = {
        (scope, key): version
        for scope, key, version in ContentVersion.objects.filter(wanted).values_list(
            "scope", "key", "version"
        )
    }
    return "-".join(str(found.get(pair, 0)) for pair in pairs)


def watch(model, scope: str, keys_of: Callable[[object], list[int | None]]) -> None:
    """Bump `keys_of(instance)` of `scope` whenever an instance of `model` is saved or deleted.

    For a many-to-many through model, the instance is the object whose relation changed.
    """

    def changed(sender, instance, **kwargs):
        if kwargs.get("raw"):  # fixtures being loaded
            return
        bump(scope, *keys_of(instance))

    def relation_changed(sender, instance, action, **kwargs):
        if action.startswith("post_"):
            bump(scope, *keys_of(instance))

    uid = f"territoires.versions:{model._meta.label}:{scope}"
    if model._meta.auto_created:  # a many-to-many relation's table
        m2m_changed.connect(relation_changed, sender=model, weak=False, dispatch_uid=uid)
        return
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)
