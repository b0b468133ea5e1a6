"""Personal data: each app says, for every model holding some, how a person's rows are
exported and how they are erased.

    personal_data.holders.register(
        PersonalData(
            name="initiatives.Initiative",          # the model's label
            order=50,
            label=LABEL,                            # what it is, for the person (French)
            purpose=PURPOSE,                        # why it is kept
            retention=RETENTION,                    # for how long
            on_erasure=ON_ERASURE,                  # what erasing the account does to it
            fields=("author",),
            kept={"body": "commons content under the content licence: the contribution stays"},
            export=lambda user: [...],              # JSON-able rows
            erase=lambda user, replacement: count,  # delete or anonymise; rows touched
            describe=lambda row: "…",               # one line of a row, for « Mes données »
            enabled=lambda: True,                   # False: this instance keeps none
        )
    )

`fields` are the model's personal fields that the entry exports and erases; `kept` the
personal fields erasure leaves in place, each with the reason. `tests/test_personal_data.py`
finds every model's personal fields itself and fails when one is neither in an entry's
`fields` or `kept` nor allowed, with a reason, as not personal: a new app cannot forget.

`export(user)` and `erase(user, replacement)` run every entry by order. `replacement` is
the account « Personne supprimée » that kept contributions are credited to (the accounts
app provides it); the person's account itself is erased last. `accounts.data` holds the
use cases (« Mes données », the erasure service, retention); the privacy page lists the
entries (what is kept, why, for how long, what erasure does).
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise

from territoires.core.registries import Registry


@dataclass(frozen=True)
class PersonalData:
    name: str  # the model's label, "app_label.ModelName"
    order: int
    label: str | Promise  # what it is, for the person
    purpose: str | Promise  # why it is kept
    retention: str | Promise  # for how long
    on_erasure: str | Promise  # what erasing the account does to it
    fields: tuple[str, ...]
    export: Callable[[Any], list[dict]]
    erase: Callable[[Any, Any], int]
    kept: Mapping[str, str] = field(default_factory=dict)
    describe: Callable[[dict], str] | None = None
    # Whether this instance keeps such data at all (a log a setting turns off): the privacy
    # page lists only what is kept; export and erasure run whatever it says.
    enabled: Callable[[], bool] = lambda: True

    @property
    def model(self):
        return apps.get_model(self.name)


holders: Registry[PersonalData] = Registry("personal data")


def jsonable(value):
    """`value` as JSON would give it back: dates as ISO strings, decimals as strings."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def when(value: str | None) -> str:
    """An exported date or moment (ISO), as the interface writes it ("12 mars 2024")."""
    if not value:
        return ""
    moment = parse_datetime(value)
    if moment is not None:
        return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")
    day = parse_date(value)
    return formats.date_format(day, "DATE_FORMAT") if day else value


def export(user) -> dict[str, list[dict]]:
    """Every entry's rows about `user`, by entry name, as JSON-able values."""
    return {holder.name: jsonable(holder.export(user)) for holder in holders}


def erase(user, replacement) -> dict[str, int]:
    """Erase `user` from every entry, in one transaction; rows touched by entry name.

    Erasing writes too, and may write as the person (a history of the deletions made in
    their request, stamped with their account): a second pass takes what the first one
    wrote, before the transaction ends (links to the deleted account are checked then)."""
    with transaction.atomic():
        touched = {holder.name: holder.erase(user, replacement) for holder in holders}
        for holder in holders:
            touched[holder.name] += holder.erase(user, replacement)
        return touched
