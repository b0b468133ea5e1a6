"""Organisations in the API: the public ones (`selectors.is_public`: registered by a team
in a territory, or named by a published initiative), historical ones flagged, people only
when they consented to be named, with only what their switches make public."""

from datetime import date
from typing import Annotated

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from territoires.actors.models import Category, Organisation, Person
from territoires.initiatives.enums import PublicationState
from territoires.initiatives.models import InitiativeContact
from territoires.territories import selectors as territory_selectors
from territoires.territories.api import TerritoryRef, Text, errors

router = Router(tags=[gettext_lazy("acteurs")])

PUBLISHED = PublicationState.PUBLISHED
MAX_LIMIT = 100  # as the territories' list


class CategoryOut(Schema):
    slug: str
    name: str
    parent: str | None = Field(description=gettext_lazy("Catégorie de premier niveau (code)"))

    @staticmethod
    def resolve_parent(obj):
        return obj.parent.slug if obj.parent_id else None


class PersonOut(Schema):
    name: str
    role: str | None = Field(description=gettext_lazy("Rôle, s'il est public"))
    team_role: str
    email: str | None = Field(description=gettext_lazy("Courriel, s'il est public"))
    phone: str | None = Field(description=gettext_lazy("Téléphone, s'il est public"))

    @staticmethod
    def resolve_role(obj):
        return obj.role if obj.role_public else None

    @staticmethod
    def resolve_email(obj):
        return (obj.email or None) if obj.email_public else None

    @staticmethod
    def resolve_phone(obj):
        return (obj.phone or None) if obj.phone_public else None


class OrganisationOut(Schema):
    id: int
    name: str
    url: str
    kind: str
    category: CategoryOut | None
    siren: str
    siret: str
    website: str
    description: str
    territories: list[TerritoryRef] = Field(
        description=gettext_lazy(
            "Où elle agit : les territoires où l'équipe l'a enregistrée, ceux des initiatives "
            "publiées qui la nomment"
        )
    )
    historical: bool = Field(description=gettext_lazy("Elle n'existe plus"))
    ended_on: date | None
    successor: int | None = Field(
        description=gettext_lazy("L'organisation qu'elle est devenue (identifiant), si publique")
    )
    source: str
    people: list[PersonOut] = Field(
        description=gettext_lazy("Les personnes qui ont accepté d'être nommées")
    )

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()

    @staticmethod
    def resolve_territories(obj):
        territories = {t.pk: t for t in obj.territories.all()}
        for contact in obj.published_contacts:
            territory = contact.initiative.territory
            territories.setdefault(territory.pk, territory)
        return sorted(territories.values(), key=lambda t: (t.name, t.pk))

    @staticmethod
    def resolve_historical(obj):
        return obj.ended

    @staticmethod
    def resolve_successor(obj):
        return obj.successor_id if obj.successor_id in obj.public_successors else None

    @staticmethod
    def resolve_people(obj):
        return obj.public_people


def _public():
    """Registered in a territory, or named by a published initiative."""
    return Organisation.objects.filter(
        Q(territories__isnull=False) | Q(contacts__initiative__state=PUBLISHED)
    ).distinct()


def _with_related(organisations):
    """One query per relation, whatever the page's length; successors kept only when
    public (`_public_successors`)."""
    found = list(
        organisations.select_related("category__parent").prefetch_related(
            "territories",
            Prefetch(
                "contacts",
                InitiativeContact.objects.filter(initiative__state=PUBLISHED).select_related(
                    "initiative__territory"
                ),
                to_attr="published_contacts",
            ),
            Prefetch(
                "people",
                Person.objects.filter(consent_to_name=True).order_by("role", "pk"),
                to_attr="public_people",
            ),
        )
    )
    successors = {o.successor_id for o in found} - {None}
    public = set(_public().filter(pk__in=successors).values_list("pk", flat=True))
    for organisation in found:
        organisation.public_successors = public
    return found


class OrganisationFilters(Schema):
    territory: str | None = Field(
        None,
        pattern=r"^[a-z-]+:[0-9A-Za-z]+$",
        description=gettext_lazy(
            "Territoire où elle agit, « type:code », par exemple commune:06084"
        ),
    )
    category: Text | None = Field(
        None,
        min_length=1,
        max_length=60,
        description=gettext_lazy(
            "Catégorie (code) ; une catégorie de premier niveau comprend ses sous-catégories"
        ),
    )


class OrganisationPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(
            MAX_LIMIT, ge=1, le=MAX_LIMIT, description=gettext_lazy("Organisations par page")
        )
        offset: int = Field(
            0, ge=0, le=1_000_000, description=gettext_lazy("Organisations à sauter")
        )

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)

    def paginate_queryset(self, queryset, pagination, **params):
        page = super().paginate_queryset(queryset, pagination, **params)
        page["items"] = _with_related(page["items"])
        return page


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **errors(400)},
    summary=gettext_lazy("Organisations publiques, par territoire et par catégorie"),
)
@paginate(OrganisationPagination)
def list_organisations(request, filters: Query[OrganisationFilters]):
    organisations = _public()
    if filters.territory:
        kind, code = filters.territory.split(":", 1)
        territory = territory_selectors.territory_by_code(kind, code)
        if territory is None:
            raise HttpError(
                400, _("Territoire inconnu : %(territory)s") % {"territory": filters.territory}
            )
        organisations = organisations.filter(
            Q(territories=territory)
            | Q(contacts__initiative__territory=territory, contacts__initiative__state=PUBLISHED)
        )
    if filters.category:
        category = Category.objects.filter(slug=filters.category).first()
        if category is None:
            raise HttpError(
                400, _("Catégorie inconnue : %(category)s") % {"category": filters.category}
            )
        organisations = organisations.filter(Q(category=category) | Q(category__parent=category))
    return organisations.order_by("name", "pk")


IdParam = Annotated[
    int,
    Path(ge=1, le=2_147_483_647, description=gettext_lazy("Identifiant de l'organisation")),
]


@router.get(
    "/organisations/{id}",
    response={200: OrganisationOut, **errors(400, 404)},
    summary=gettext_lazy("Une organisation publique"),
)
def organisation_detail(request, id: IdParam):  # noqa: A002 (the address's name)
    found = _with_related(_public().filter(pk=id))
    if not found:
        raise Http404(_("Aucune organisation publique à cette adresse."))
    return found[0]
