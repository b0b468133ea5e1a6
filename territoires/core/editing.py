"""Rows edited through forms. No lost update: an edit carries the version of the row it
read, and is refused when the row changed since, with both versions shown.

    form.fields["edit_version"] = EditVersionField(instance)        # a hidden field
    claim(instance, form.cleaned_data["edit_version"])              # in the service, first
    except StaleEdit as conflict: … conflict_rows(form, conflict.current) …   # 409

`claim` locks the stored row (select_for_update; SQLite's single writer does the same) and
compares versions, so that of many edits made from the same reading, exactly one is
applied and every other one is told.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaleEdit(Exception):
    """The row changed (or went) since the edit's form was read; nothing was written."""

    def __init__(self, current):
        super().__init__("stale edit")
        self.current = current  # the row as stored now, None if it was deleted


class EditVersionField(forms.IntegerField):
    """The version the form was read at, sent back with the edit."""

    def __init__(self, instance, **kwargs):
        super().__init__(
            widget=forms.HiddenInput,
            min_value=0,
            initial=instance.edit_version,
            error_messages={
                "required": _("Ce formulaire est incomplet : rechargez la page."),
                "invalid": _("Ce formulaire est incomplet : rechargez la page."),
            },
            **kwargs,
        )


def claim(instance, read_version: int | None) -> None:
    """Lock the stored row of `instance` until the transaction ends; StaleEdit unless it
    is still at `read_version` (None: no check, for writes that read nothing)."""
    if instance._state.adding:
        return
    model = type(instance)
    stored = (
        model.objects.select_for_update()
        .filter(pk=instance.pk)
        .values_list("edit_version", flat=True)
        .first()
    )
    if stored is None or (read_version is not None and stored != read_version):
        raise StaleEdit(model.objects.filter(pk=instance.pk).first())
    instance.edit_version = stored


@dataclass(frozen=True)
class Difference:
    label: str
    mine: str
    stored: str


def _shown(value) -> str:
    if isinstance(value, models.QuerySet | list | tuple | set):
        return ", ".join(sorted(str(item) for item in value))
    if value is None:
        return ""
    return str(value)


def conflict_rows(form, current) -> list[Difference]:
    """The fields where the edit and the stored row differ: what to show side by side."""
    rows = []
    for name, field in form.fields.items():
        if name not in form.cleaned_data or not hasattr(current, name):
            continue
        stored = getattr(current, name)
        if isinstance(stored, models.Manager):
            stored = list(stored.all())
        mine, kept = _shown(form.cleaned_data[name]), _shown(stored)
        if mine != kept:
            rows.append(Difference(str(field.label), mine, kept))
    return rows


def rebase(form, current) -> None:
    """Have the form carry the stored version: sent again, it replaces the stored row,
    knowingly."""
    data = form.data.copy()
    data[form.add_prefix("edit_version")] = current.edit_version
    form.data = data


# --- Rows edited through forms ------------------------------------------------------------


def save_inline(rows, **parent) -> None:
    """Rows of an inline formset saved with their parent, in the caller's transaction:
    `rows` are (row, delete) pairs; those to delete are deleted (if they were stored), the
    others given `parent`'s fields, validated whole and saved."""
    for row, delete in rows:
        if delete:
            if row.pk:
                row.delete()
            continue
        for name, value in parent.items():
            setattr(row, name, value)
        row.full_clean()
        row.save()


def call_service(form, save):
    """What `save()` (a service called for a valid form) returns; None when it refused:
    a rule only the service could check (its ValidationError) becomes the form's error,
    field by field where it names one."""
    try:
        return save()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
    return None
