"""State changes: each model declares its states and transitions, one mechanism fires them.

A model's states are an `FSMField(protected=True)` and its transitions methods decorated
with django-fsm-2's `@transition` (source, target, `permission=` who may fire it, a
`custom={"label": …}` shown to users) and django-fsm-log's `@fsm_log_by`, which records
every transition with who fired it (`StateLog`). Initiatives, words and milestones share
draft → review → published → archived (`initiatives.models.Publishable`); calls, stories
and contributions declare their own states the same way.

Services change a state only through `fire` (or `fire_to`, which finds the transition
leading to a state): an illegal transition, or one the user may not fire, raises
`WorkflowError` with a French message for the person — never a 500.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm


class WorkflowError(Exception):
    """A transition refused; `str(error)` is a French message for the user."""


@dataclass(frozen=True)
class Choice:
    name: str  # the transition method
    label: str
    target: str


def _field(obj):
    return obj._meta.get_field("state")


def _transitions(obj):
    return _field(obj).get_all_transitions(obj.__class__)


def choices(obj, user) -> list[Choice]:
    """The transitions `user` may fire from the object's current state."""
    return [
        Choice(
            transition.name, str(transition.custom.get("label", transition.name)), transition.target
        )
        for transition in obj.get_available_user_state_transitions(user)
    ]


def _state_label(obj, state) -> str:
    return str(dict(_field(obj).flatchoices).get(state, state))


def fire(obj, name: str, *, by):
    """Fire the transition `name` as `by` and save the object (and the log), atomically."""
    method = getattr(obj, name, None)
    if method is None or not hasattr(method, "_django_fsm"):
        raise WorkflowError(_("Action inconnue : %(name)s.") % {"name": name})
    if not can_proceed(method):
        raise WorkflowError(
            _("Impossible depuis l'état « %(state)s ».") % {"state": _state_label(obj, obj.state)}
        )
    if not has_transition_perm(method, by):
        raise WorkflowError(_("Vous n'avez pas le droit de faire cela."))
    with transaction.atomic():
        method(by=by)
        obj.save()
    return obj


def fire_to(obj, target: str, *, by):
    """Bring the object to the state `target` by the transition leading there from its
    current state; nothing to do if it is there already."""
    if obj.state == target:
        return obj
    for transition in _transitions(obj):
        if transition.source in (obj.state, "*") and transition.target == target:
            return fire(obj, transition.name, by=by)
    raise WorkflowError(
        _("On ne passe pas de « %(source)s » à « %(target)s ».")
        % {"source": _state_label(obj, obj.state), "target": _state_label(obj, target)}
    )
