"""Uploaded files follow their rows: a file a row no longer points at (the row deleted, or
its file replaced) is deleted from the storage once the change is committed — never
before, so that a rolled-back change keeps its file."""

from django.db import models, transaction
from django.db.models.signals import post_delete, pre_save


def delete_on_commit(storage, names) -> None:
    kept = [name for name in names if name]
    if kept:
        transaction.on_commit(lambda: [storage.delete(name) for name in kept])


def _file_fields(model) -> list[models.FileField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def follow_files(model) -> None:
    """Delete the files of `model`'s FileFields when their row goes or their file changes."""
    fields = _file_fields(model)

    def replaced(sender, instance, raw=False, **kwargs):
        if raw or instance.pk is None:
            return
        stored = sender.objects.filter(pk=instance.pk).values(*(f.attname for f in fields)).first()
        for field in fields:
            old = (stored or {}).get(field.attname)
            if old and old != getattr(instance, field.attname).name:
                delete_on_commit(field.storage, [old])

    def deleted(sender, instance, **kwargs):
        for field in fields:
            delete_on_commit(field.storage, [getattr(instance, field.attname).name])

    uid = f"territoires.files:{model._meta.label}"
    pre_save.connect(replaced, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=uid)
