"""What accounts keep about a person, and what the third-party apps that store people keep:
how each is exported and erased (core/personal_data.py).

The account is erased last: the other entries still find the person's rows by the links
that point at it. Contributions and history stay, credited to « Personne supprimée »
(`replacement`); what identifies the person goes.
"""

import json
import re
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from territoires.accounts.enums import Role
from territoires.core import personal_data
from territoires.core.personal_data import PersonalData, when

WHILE_THE_ACCOUNT_EXISTS = gettext_lazy(
    "Tant que le compte existe (un compte resté longtemps inactif est supprimé, après un "
    "avertissement)."
)


# --- The account ----------------------------------------------------------------------------


def _export_account(user):
    return [
        {
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "inactivity_warned_at": user.inactivity_warned_at,
            "is_active": user.is_active,
            "is_facilitator": user.is_facilitator,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
    ]


def _erase_account(user, replacement):
    deleted, _by_model = get_user_model().objects.filter(pk=user.pk).delete()
    return deleted


def _describe_account(row):
    line = _("%(email)s, inscrit·e le %(joined)s") % {
        "email": row["email"],
        "joined": when(row["date_joined"]),
    }
    if row["display_name"]:
        line = _("%(name)s (%(rest)s)") % {"name": row["display_name"], "rest": line}
    if row["last_login"]:
        line += _(", dernière connexion le %(date)s") % {"date": when(row["last_login"])}
    return line


# --- Memberships ----------------------------------------------------------------------------


def _export_memberships(user):
    return [
        {
            "territory": membership.territory.name,
            "territory_kind": membership.territory.kind,
            "territory_code": membership.territory.code,
            "role": membership.role,
            "since": membership.created_at,
        }
        for membership in user.memberships.select_related("territory").order_by("territory__name")
    ]


def _erase_memberships(user, replacement):
    deleted, _by_model = user.memberships.all().delete()
    return deleted


def _describe_membership(row):
    role = Role(row["role"]).label if row["role"] in Role.values else row["role"]
    return _("%(territory)s : %(role)s depuis le %(date)s") % {
        "territory": row["territory"],
        "role": role,
        "date": when(row["since"]),
    }


# --- Project territories created ----------------------------------------------------------


def _export_projects(user):
    from territoires.territories.models import Territory

    return list(
        Territory.objects.filter(created_by=user)
        .order_by("name")
        .values("kind", "code", "name", "created_at")
    )


def _erase_projects(user, replacement):
    from territoires.territories.models import Territory

    return Territory.objects.filter(created_by=user).update(created_by=replacement)


def _describe_project(row):
    return _("%(name)s, créé le %(date)s") % {"name": row["name"], "date": when(row["created_at"])}


# --- Sessions -------------------------------------------------------------------------------


def _sessions_of(user):
    """The keys and expiry dates of the person's sessions (their data has no index on the
    user: each is decoded; `apply_retention` keeps the table to unexpired sessions)."""
    from django.contrib.sessions.models import Session

    user_id = user._meta.pk.value_to_string(user)
    for session in Session.objects.order_by("expire_date").iterator(chunk_size=1000):
        if session.get_decoded().get(SESSION_KEY) == user_id:
            yield session.session_key, session.expire_date


def _export_sessions(user):
    # Never the keys: they are what a browser shows to be logged in.
    return [{"expire_date": expire_date} for _key, expire_date in _sessions_of(user)]


def _erase_sessions(user, replacement):
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = [key for key, _expire_date in _sessions_of(user)]
    for key in keys:
        store(session_key=key).delete()  # the row, and its cached copy with cached_db
    return len(keys)


def _describe_session(row):
    return _("Session de connexion, valable jusqu'au %(date)s") % {"date": when(row["expire_date"])}


# --- Workflow transitions (django-fsm-log) --------------------------------------------------


def _export_transitions(user):
    from django_fsm_log.models import StateLog

    return [
        {
            "timestamp": log.timestamp,
            "object": f"{log.content_type.app_label}.{log.content_type.model}",
            "object_id": log.object_id,
            "transition": log.transition,
            "source_state": log.source_state,
            "state": log.state,
        }
        for log in StateLog.objects.filter(by=user).select_related("content_type").order_by("pk")
    ]


def _erase_transitions(user, replacement):
    from django_fsm_log.models import StateLog

    return StateLog.objects.filter(by=user).update(by=replacement)


def _describe_transition(row):
    """« 12 mars 2024 : Publier (initiative n° 3) », with the workflow's own words."""
    try:
        model = apps.get_model(row["object"])
    except (LookupError, ValueError):
        model, kind, label = None, row["object"], row["transition"]
    if model is not None:
        kind = model._meta.verbose_name
        method = getattr(model, row["transition"], None)
        meta = getattr(method, "_django_fsm", None)
        transition = meta.get_transition(row["source_state"]) if meta else None
        label = transition.custom.get("label", row["transition"]) if transition else None
        label = label or row["transition"]
    return _("%(date)s : %(transition)s (%(object)s n° %(id)s)") % {
        "date": when(row["timestamp"]),
        "transition": label,
        "object": kind,
        "id": row["object_id"],
    }


# --- The admin's history (django.contrib.admin) ---------------------------------------------


def _export_admin_log(user):
    from django.contrib.admin.models import LogEntry

    return [
        {
            "action_time": entry.action_time,
            "action": {1: "addition", 2: "change", 3: "deletion"}.get(entry.action_flag),
            "object": f"{entry.content_type.app_label}.{entry.content_type.model}"
            if entry.content_type
            else None,
            "object_id": entry.object_id,
            "object_repr": entry.object_repr,
            "change_message": entry.get_change_message(),
        }
        for entry in LogEntry.objects.filter(user=user).select_related("content_type")
    ]


def _forget_mentions(rows, fields, user, replacement) -> int:
    """Replace the person's name and address by « Personne supprimée » wherever these text
    (or JSON) fields of `rows` mention them; rows rewritten."""
    needles = [needle for needle in {user.display_name.strip(), user.email} if len(needle) >= 3]
    if not needles:
        return 0
    pattern = re.compile("|".join(map(re.escape, needles)), re.IGNORECASE)
    mentions = Q()
    for needle in needles:
        for name in fields:
            mentions |= Q(**{f"{name}__icontains": needle})
    touched = 0
    for row in rows.filter(mentions):
        values = {}
        for name in fields:
            value = getattr(row, name)
            if isinstance(value, str):
                values[name] = pattern.sub(str(replacement), value)
            elif value is not None:  # JSON: rewritten as text, read back
                values[name] = json.loads(pattern.sub(str(replacement), json.dumps(value)))
        # An update, not a save: no signal may stamp the row again (an audit log's actor).
        touched += rows.model.objects.filter(pk=row.pk).update(**values)
    return touched


def _about_account(model_field, user):
    """Rows of a log that are about the person's account itself."""
    from django.contrib.contenttypes.models import ContentType

    return Q(
        content_type=ContentType.objects.get_for_model(get_user_model()),
        **{model_field: str(user.pk)},
    )


def _erase_admin_log(user, replacement):
    """What the person did stays, done by « Personne supprimée »; what was recorded about
    their account and memberships goes; their name and address leave the other entries."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from territoires.accounts.models import Membership

    def about(model, ids):
        return Q(
            content_type=ContentType.objects.get_for_model(model),
            object_id__in=[str(pk) for pk in ids],
        )

    memberships = list(user.memberships.values_list("pk", flat=True))
    deleted, _by_model = LogEntry.objects.filter(
        about(get_user_model(), [user.pk]) | about(Membership, memberships)
    ).delete()
    touched = deleted + LogEntry.objects.filter(user=user).update(user=replacement)
    return touched + _forget_mentions(
        LogEntry.objects.all(), ("object_repr", "change_message"), user, replacement
    )


def _describe_admin_log(row):
    actions = {"addition": _("ajout"), "change": _("modification"), "deletion": _("suppression")}
    return _("%(date)s : %(object)s (%(action)s)") % {
        "date": when(row["action_time"]),
        "object": row["object_repr"],
        "action": actions.get(row["action"], row["action"]),
    }


# --- The history of changes (django-auditlog, when installed) ------------------------------


def _changes():
    from auditlog.models import LogEntry as Change

    return Change.objects


def _export_history(user):
    actions = {0: "create", 1: "update", 2: "delete", 3: "access"}
    return [
        {
            "timestamp": change.timestamp,
            "action": actions.get(change.action, change.action),
            "object": f"{change.content_type.app_label}.{change.content_type.model}",
            "object_id": change.object_pk,
            "object_repr": change.object_repr,
            "changes": change.changes,
        }
        for change in _changes().filter(actor=user).select_related("content_type").order_by("pk")
    ]


def _erase_history(user, replacement):
    """The changes the person made stay, made by « Personne supprimée », without their
    address; the record of their own account goes; their name leaves the other entries."""
    deleted, _by_model = _changes().filter(_about_account("object_pk", user)).delete()
    touched = deleted + _changes().filter(actor_id=user.pk).update(
        actor=replacement, actor_email=None, remote_addr=None
    )
    touched += _changes().filter(actor_email__iexact=user.email).update(actor_email=None)
    return touched + _forget_mentions(
        _changes().all(), ("object_repr", "changes_text", "changes"), user, replacement
    )


def _describe_change(row):
    actions = {"create": _("ajout"), "update": _("modification"), "delete": _("suppression")}
    return _("%(date)s : %(object)s (%(action)s)") % {
        "date": when(row["timestamp"]),
        "object": row["object_repr"],
        "action": actions.get(row["action"], row["action"]),
    }


def _history_entries():
    if not apps.is_installed("auditlog"):
        return []
    return [
        PersonalData(
            name="auditlog.LogEntry",
            order=4,
            label=gettext_lazy("Historique des modifications que vous avez faites"),
            purpose=gettext_lazy(
                "Savoir qui a changé quoi, et quand, dans le contenu des territoires et leurs "
                "équipes."
            ),
            retention=WHILE_THE_ACCOUNT_EXISTS,
            on_erasure=gettext_lazy(
                "Vos modifications restent dans l'historique, attribuées à « Personne "
                "supprimée » ; l'historique de votre compte est supprimé."
            ),
            fields=("actor", "actor_email", "remote_addr", "object_repr", "changes_text"),
            kept={
                "changes": "what changed in the content, kept as the content is (the "
                "person's name and address are taken out)",
                "serialized_data": "the object's fields, kept as the object is (not stored: "
                "no model is registered with serialize_data)",
                "additional_data": "the territory the change concerns",
            },
            export=_export_history,
            erase=_erase_history,
            describe=_describe_change,
        )
    ]


# --- Login attempts (django-axes, when installed) ------------------------------------------


def _axes_entries():
    """django-axes keeps login attempts by the address typed (`username`), with the IP
    address and the browser: each of its models is exported and erased by that address."""
    if not apps.is_installed("axes"):
        return []
    kinds = {
        "AccessAttempt": (gettext_lazy("Tentatives de connexion échouées"), lambda: True),
        "AccessFailureLog": (
            gettext_lazy("Journal des échecs de connexion"),
            lambda: getattr(settings, "AXES_ENABLE_ACCESS_FAILURE_LOG", False),
        ),
        "AccessLog": (
            gettext_lazy("Journal des connexions"),
            lambda: not getattr(settings, "AXES_DISABLE_ACCESS_LOG", False),
        ),
    }
    entries = []
    for order, (model_name, (label, enabled)) in enumerate(kinds.items()):
        try:
            model = apps.get_model("axes", model_name)
        except LookupError:
            continue
        fields = tuple(field.name for field in model._meta.concrete_fields if not field.primary_key)
        entries.append(
            PersonalData(
                name=model._meta.label,
                order=80 + order,
                label=label,
                purpose=gettext_lazy(
                    "Protéger les comptes contre les essais de mots de passe en série."
                ),
                retention=gettext_lazy(
                    "Le temps du délai de blocage des connexions, puis effacées (les journaux, "
                    "s'ils sont activés, jusqu'à leur purge par l'exploitant)."
                ),
                on_erasure=gettext_lazy("Supprimées."),
                fields=fields,
                export=_axes_export(model, fields),
                erase=_axes_erase(model),
                describe=_describe_login_attempt,
                enabled=enabled,
            )
        )
    return entries


def _axes_export(model, fields):
    def export(user):
        return list(model.objects.filter(username__iexact=user.email).values(*fields))

    return export


def _axes_erase(model):
    def erase(user, replacement):
        deleted, _by_model = model.objects.filter(username__iexact=user.email).delete()
        return deleted

    return erase


def _describe_login_attempt(row):
    return _("%(date)s, depuis %(ip)s") % {
        "date": when(row.get("attempt_time")),
        "ip": row.get("ip_address") or "?",
    }


# --- Registration ---------------------------------------------------------------------------


def register():
    user_model = settings.AUTH_USER_MODEL
    entries = [
        PersonalData(
            name="admin.LogEntry",
            order=5,
            label=gettext_lazy("Historique de l'administration"),
            purpose=gettext_lazy(
                "Savoir qui a changé quoi dans l'administration du site (équipe de la plateforme)."
            ),
            retention=WHILE_THE_ACCOUNT_EXISTS,
            on_erasure=gettext_lazy(
                "Vos actions restent, attribuées à « Personne supprimée » ; ce qui était noté "
                "sur votre compte est supprimé."
            ),
            fields=("user", "object_repr", "change_message"),
            kept={"object_id": "the changed object's id; entries about the account go"},
            export=_export_admin_log,
            erase=_erase_admin_log,
            describe=_describe_admin_log,
        ),
        PersonalData(
            name="django_fsm_log.StateLog",
            order=6,
            label=gettext_lazy("Changements d'état que vous avez faits (publication, relecture…)"),
            purpose=gettext_lazy("Garder l'historique de ce qui a été publié, et par qui."),
            retention=WHILE_THE_ACCOUNT_EXISTS,
            on_erasure=gettext_lazy("Conservés, attribués à « Personne supprimée »."),
            fields=("by",),
            # django-fsm-log's description is left empty here (no `fsm_log_description`).
            kept={"description": "written by the program, never by a person; the step stays"},
            export=_export_transitions,
            erase=_erase_transitions,
            describe=_describe_transition,
        ),
        PersonalData(
            name="sessions.Session",
            order=7,
            label=gettext_lazy("Sessions de connexion"),
            purpose=gettext_lazy("Vous garder connecté·e d'une page à l'autre."),
            retention=gettext_lazy(
                "Jusqu'à la déconnexion, ou deux semaines au plus ; effacées ensuite."
            ),
            on_erasure=gettext_lazy("Supprimées : vous êtes déconnecté·e partout."),
            fields=("session_data",),
            export=_export_sessions,
            erase=_erase_sessions,
            describe=_describe_session,
        ),
        PersonalData(
            name="territories.Territory",
            order=20,
            label=gettext_lazy("Territoires de projet que vous avez créés"),
            purpose=gettext_lazy("Savoir qui a déclaré un territoire de projet."),
            retention=WHILE_THE_ACCOUNT_EXISTS,
            on_erasure=gettext_lazy("Conservés, attribués à « Personne supprimée »."),
            fields=("created_by",),
            export=_export_projects,
            erase=_erase_projects,
            describe=_describe_project,
        ),
        PersonalData(
            name="accounts.Membership",
            order=30,
            label=gettext_lazy("Vos équipes et vos rôles"),
            purpose=gettext_lazy("Donner à chacun·e les droits de son rôle dans un territoire."),
            retention=WHILE_THE_ACCOUNT_EXISTS,
            on_erasure=gettext_lazy("Supprimées."),
            fields=("user",),
            export=_export_memberships,
            erase=_erase_memberships,
            describe=_describe_membership,
        ),
        PersonalData(
            name=user_model,
            order=1000,
            label=gettext_lazy("Votre compte"),
            purpose=gettext_lazy(
                "Vous connecter, vous écrire (mot de passe oublié, avertissement avant "
                "suppression), vous nommer auprès de vos équipes."
            ),
            retention=WHILE_THE_ACCOUNT_EXISTS,
            on_erasure=gettext_lazy("Supprimé, avec votre mot de passe."),
            fields=(
                "email",
                "display_name",
                "first_name",
                "last_name",
                "password",
                "last_login",
                "date_joined",
                "inactivity_warned_at",
                "groups",
                "user_permissions",
            ),
            export=_export_account,
            erase=_erase_account,
            describe=_describe_account,
        ),
        *_history_entries(),
        *_axes_entries(),
    ]
    for entry in entries:
        personal_data.holders.register(entry)
