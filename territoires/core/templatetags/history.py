from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def action_label(entry) -> str:
    labels = {0: _("création"), 1: _("modification"), 2: _("suppression"), 3: _("accès")}
    return labels.get(entry.action, str(entry.action))


@register.filter
def changed_fields(entry) -> list[tuple[str, str, str]]:
    """(field, before, after) of a change, as auditlog stored them (personal fields are
    left out when the model is tracked)."""
    changes = entry.changes_dict or {}
    rows = []
    for name, values in changes.items():
        if isinstance(values, dict):  # many-to-many: {"type": …, "operation": …, "objects": …}
            rows.append(
                (name, values.get("operation", ""), ", ".join(map(str, values.get("objects", []))))
            )
        else:
            before, after = (values + [None, None])[:2]
            rows.append(
                (
                    name,
                    "" if before in (None, "None") else str(before),
                    "" if after in (None, "None") else str(after),
                )
            )
    return rows
