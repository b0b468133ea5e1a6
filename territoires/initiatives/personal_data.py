"""What the commons keep about a person: the initiatives and words they wrote
(core/personal_data.py).

Erasing an account keeps what it wrote for the commons, published under the content
licence and part of a territory's story, credited to « Personne supprimée »: the link to
the person goes, the contribution stays.

Words (`Verbatim`) name their speaker only with the speaker's consent. That name is a
third person's, given to the team about someone else: it is theirs, not the account
holder's, and stays when the account that typed it is erased (the speaker's own request
goes to the territory's team or the operator, see the privacy page). The exception: words
whose speaker is the account holder themselves (their own name as speaker) lose that name
and are shown with the speaker's role only, as words without consent are.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from territoires.core import personal_data
from territoires.core.addresses import site_url
from territoires.core.personal_data import PersonalData, when
from territoires.core.text import unaccent
from territoires.initiatives.models import Initiative, Portrait, Verbatim

WHILE_THE_ACCOUNT_EXISTS = gettext_lazy("Tant que le compte existe.")
KEPT_AS_CONTRIBUTION = gettext_lazy(
    "Conservées dans les communs (sous leur licence), attribuées à « Personne supprimée »."
)


def _export_initiatives(user):
    return [
        {
            "title": initiative.title,
            "url": site_url() + initiative.get_absolute_url(),
            "territory": initiative.territory.name,
            "state": initiative.state,
            "summary": initiative.summary,
            "body": initiative.body,
            "created_at": initiative.created_at,
            "updated_at": initiative.updated_at,
        }
        for initiative in Initiative.objects.filter(author=user)
        .select_related("territory")
        .order_by("created_at", "pk")
    ]


def _erase_initiatives(user, replacement):
    # An update, not a save: crediting them to someone else is not a change of content
    # (nor of its date), and the author is shown nowhere the caches or the search keep.
    return Initiative.objects.filter(author=user).update(author=replacement) + _erase_checks(
        Initiative, user, replacement
    )


def _erase_checks(model, user, replacement):
    """Checks the person made stay (the content was checked), credited to the replacement;
    a save, as the pages show who checked."""
    touched = 0
    for item in model.objects.filter(checked_by=user):
        item.checked_by = replacement
        item.save(update_fields=["checked_by"])
        touched += 1
    return touched


def _export_checks(model, user, describe):
    return [
        {"checked": describe(item), "checked_at": item.checked_at}
        for item in model.objects.filter(checked_by=user).order_by("checked_at", "pk")
    ]


def _export_portraits(user):
    return _export_checks(Portrait, user, lambda portrait: portrait.territory.name)


def _erase_portraits(user, replacement):
    return _erase_checks(Portrait, user, replacement)


def _describe_portrait(row):
    return _("Portrait de %(territory)s, vérifié le %(date)s") % {
        "territory": row["checked"],
        "date": when(row["checked_at"]),
    }


def _describe_initiative(row):
    return _("« %(title)s » (%(territory)s), écrite le %(date)s") % {
        "title": row["title"],
        "territory": row["territory"],
        "date": when(row["created_at"]),
    }


def _export_verbatims(user):
    return [
        {
            "text": verbatim.text,
            "speaker_name": verbatim.speaker_name,
            "consent_to_name": verbatim.consent_to_name,
            "speaker_role": verbatim.speaker_role,
            "category": verbatim.category,
            "said_on": verbatim.said_on,
            "context": verbatim.context,
            "territory": verbatim.territory.name,
            "state": verbatim.state,
            "created_at": verbatim.created_at,
        }
        for verbatim in Verbatim.objects.filter(author=user)
        .select_related("territory")
        .order_by("created_at", "pk")
    ]


def _name_key(name: str) -> str:
    return " ".join(unaccent(name).casefold().split())


def _erase_verbatims(user, replacement):
    own_names = {
        _name_key(name)
        for name in (user.display_name, f"{user.first_name} {user.last_name}")
        if name.strip()
    }
    touched = 0
    for verbatim in Verbatim.objects.filter(author=user).exclude(speaker_name=""):
        if _name_key(verbatim.speaker_name) in own_names:
            verbatim.author = replacement
            verbatim.speaker_name = ""
            verbatim.consent_to_name = False
            # A save: the page and the search show the speaker, they must follow.
            verbatim.save(update_fields=["author", "speaker_name", "consent_to_name"])
            touched += 1
    touched += Verbatim.objects.filter(author=user).update(author=replacement)
    return touched + _erase_checks(Verbatim, user, replacement)


def _describe_verbatim(row):
    text = row["text"] if len(row["text"]) <= 80 else row["text"][:79] + "…"
    return _("« %(text)s » (%(territory)s), écrites le %(date)s") % {
        "text": text,
        "territory": row["territory"],
        "date": when(row["created_at"]),
    }


def register():
    personal_data.holders.register(
        PersonalData(
            name="initiatives.Initiative",
            order=50,
            label=gettext_lazy("Initiatives que vous avez écrites"),
            purpose=gettext_lazy(
                "Savoir qui a documenté une initiative, pour son équipe et les relectures."
            ),
            retention=WHILE_THE_ACCOUNT_EXISTS,
            on_erasure=KEPT_AS_CONTRIBUTION,
            fields=("author", "checked_by"),
            kept={
                "summary": "the commons' content under the content licence: the contribution "
                "stays, credited to « Personne supprimée »",
                "body": "the commons' content, kept as its summary is",
            },
            export=_export_initiatives,
            erase=_erase_initiatives,
            describe=_describe_initiative,
        )
    )
    personal_data.holders.register(
        PersonalData(
            name="initiatives.Verbatim",
            order=51,
            label=gettext_lazy("Paroles que vous avez saisies"),
            purpose=gettext_lazy("Savoir qui a recueilli des paroles, pour son équipe."),
            retention=WHILE_THE_ACCOUNT_EXISTS,
            on_erasure=KEPT_AS_CONTRIBUTION,
            fields=("author", "checked_by"),
            kept={
                "text": "the commons' content under the content licence: the words stay, "
                "credited to « Personne supprimée »",
                "speaker_name": "a third person's name, given with their consent: theirs, "
                "not the account holder's (blanked when it is the account holder's own)",
                "speaker_role": "the speaker's role (an office, a trade), shown instead of a "
                "name: kept with the words",
                "context": "where the words were said (a meeting, a visit): kept with them",
            },
            export=_export_verbatims,
            erase=_erase_verbatims,
            describe=_describe_verbatim,
        )
    )
    personal_data.holders.register(
        PersonalData(
            name="initiatives.Portrait",
            order=52,
            label=gettext_lazy("Portraits de territoires que vous avez vérifiés"),
            purpose=gettext_lazy("Dire qui se porte garant d'un portrait, et depuis quand."),
            retention=WHILE_THE_ACCOUNT_EXISTS,
            on_erasure=gettext_lazy(
                "Les vérifications restent, attribuées à « Personne supprimée »."
            ),
            fields=("checked_by",),
            kept={
                "presentation": "the commons' content under the content licence: a "
                "territory's presentation, written by its team or from a source",
            },
            export=_export_portraits,
            erase=_erase_portraits,
            describe=_describe_portrait,
        )
    )
