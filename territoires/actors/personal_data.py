"""What the actors app keeps about a person (core/personal_data.py).

People of organisations are third parties the territory's team registers: their name,
e-mail and phone are theirs, not the account holder's who typed them, and are shown only as
their switches say (the name only with their consent). Erasing an account credits the people
it registered to « Personne supprimée », and erases the entries that are the account holder
themselves (their own e-mail). A person's own request about an entry goes to the territory's
team or the operator (see the privacy page).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from territoires.actors.models import Person
from territoires.core import personal_data
from territoires.core.personal_data import PersonalData, when


def _export(user):
    return [
        {
            "organisation": person.organisation.name,
            "name": person.name,
            "consent_to_name": person.consent_to_name,
            "role": person.role,
            "role_public": person.role_public,
            "team_role": person.team_role,
            "email": person.email,
            "email_public": person.email_public,
            "phone": person.phone,
            "phone_public": person.phone_public,
            "created_at": person.created_at,
        }
        for person in Person.objects.filter(created_by=user)
        .select_related("organisation")
        .order_by("created_at", "pk")
    ]


def _erase(user, replacement):
    touched = 0
    if user.email:
        touched += Person.objects.filter(email__iexact=user.email).delete()[0]
    return touched + Person.objects.filter(created_by=user).update(created_by=replacement)


def _describe(row):
    return _("%(name)s (%(organisation)s), saisie le %(date)s") % {
        "name": row["name"],
        "organisation": row["organisation"],
        "date": when(row["created_at"]),
    }


def register():
    personal_data.holders.register(
        PersonalData(
            name="actors.Person",
            order=60,
            label=gettext_lazy("Personnes d'organisations que vous avez saisies"),
            purpose=gettext_lazy(
                "Savoir qui a saisi une personne, pour l'équipe du territoire et ses questions."
            ),
            retention=gettext_lazy("Tant que le compte existe."),
            on_erasure=gettext_lazy(
                "Les personnes saisies restent, attribuées à « Personne supprimée » ; une "
                "fiche à votre propre adresse électronique est effacée."
            ),
            fields=("created_by",),
            kept={
                "name": "a third person's name, given to the team and shown only with their "
                "consent: theirs, not the account holder's (erased when it is the account "
                "holder's own entry, found by its e-mail)",
                "email": "a third person's e-mail, public only if its switch says so; the "
                "account holder's own entry is erased",
                "phone": "a third person's phone, public only if its switch says so",
            },
            export=_export,
            erase=_erase,
            describe=_describe,
        )
    )
