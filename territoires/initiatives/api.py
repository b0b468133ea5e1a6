from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from territoires.core import search
from territoires.core.search_form import SearchForm
from territoires.initiatives.models import Initiative, KeyFigure, Milestone, Verbatim
from territoires.territories.api import CodeParam, KindParam, Text, errors
from territoires.territories.selectors import territory_or_404

router = Router(tags=[gettext_lazy("communs")])


class TerritoryLink(Schema):
    kind: str
    code: str
    name: str


class ResultOut(Schema):
    text: str
    value: Decimal | None
    unit: str
    year: int | None
    source: str


class InitiativeOut(Schema):
    slug: str
    title: str
    summary: str
    body: str
    url: str
    territory: TerritoryLink
    status: str
    start_year: int | None
    end_year: int | None
    themes: list[str]
    levers: list[str]
    fundamentals: list[str]
    programme: str
    tags: list[str]
    results: list[ResultOut]
    source: str

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()

    @staticmethod
    def resolve_themes(obj):
        return [theme.slug for theme in obj.themes.all()]

    @staticmethod
    def resolve_tags(obj):
        return obj.tag_list

    @staticmethod
    def resolve_results(obj):
        return list(obj.results.all())


class InitiativePage(Schema):
    count: int
    page: int
    per_page: int
    items: list[InitiativeOut]


class InitiativeFilters(Schema):
    q: str = Field(
        "",
        max_length=200,
        description=gettext_lazy("Texte recherché (français, sans accents ni pluriels requis)"),
    )
    theme: list[str] = Field([], description=gettext_lazy("Thème (identifiant), répétable"))
    levier: list[str] = Field(
        [], description=gettext_lazy("Levier : epargner, financer_investir, produire_consommer")
    )
    fondamental: list[str] = Field(
        [], description=gettext_lazy("engagement, cooperation, systemique, evaluation")
    )
    territoire: list[str] = Field([], description=gettext_lazy("Type de territoire"))
    region: list[str] = Field([], description=gettext_lazy("Code INSEE de région"))
    population: list[str] = Field([], description=gettext_lazy("Tranche de population"))
    de: int | None = Field(
        None, ge=1800, le=2100, description=gettext_lazy("Période : à partir de")
    )
    a: int | None = Field(None, ge=1800, le=2100, description=gettext_lazy("Période : jusqu'à"))
    page: int = Field(1, ge=1, le=500)
    per_page: int = Field(20, ge=1, le=100)


@router.get(
    "/initiatives",
    response={200: InitiativePage, **errors(400)},
    summary=gettext_lazy("Initiatives publiées, filtrées comme la recherche"),
)
def list_initiatives(request, filters: Query[InitiativeFilters]):
    # The schema documents the parameters; the search page's form reads them, so that the
    # API refuses exactly what the page refuses.
    form = SearchForm(request.GET)
    if not form.is_valid():
        raise HttpError(400, _("Paramètres invalides : ") + form.error_text(by_parameter=True))
    query = form.query(per_page=filters.per_page, **{search.KINDS: ("initiative",)})
    results = search.search(query)
    ids = [hit.object_id for hit in results.hits]
    found = {
        initiative.pk: initiative
        for initiative in Initiative.objects.published()
        .filter(pk__in=ids)
        .select_related("territory")
        .prefetch_related("themes", "results")
    }
    return {
        "count": results.total,
        "page": results.page,
        "per_page": results.per_page,
        "items": [found[pk] for pk in ids if pk in found],
    }


SlugParam = Annotated[
    Text,
    Path(
        description=gettext_lazy("Identifiant de l'initiative"),
        example="pact2-rendre-transmissible-lexperience-pionniere-de-mouans-sartoux",
    ),
]


@router.get(
    "/initiatives/{slug}",
    response={200: InitiativeOut, **errors(400, 404)},
    summary=gettext_lazy("Une initiative publiée"),
)
def initiative_detail(request, slug: SlugParam):
    initiative = Initiative.objects.published().filter(slug=slug).first()
    if initiative is None:
        raise Http404(_("Aucune initiative publiée à cette adresse."))
    return initiative


class VerbatimOut(Schema):
    id: int
    text: str
    speaker: str
    speaker_role: str
    category: str
    said_on: date | None
    context: str
    territory: TerritoryLink
    initiative: str | None
    source: str

    @staticmethod
    def resolve_initiative(obj):
        # Published words may belong to an initiative still in draft: it stays unnamed.
        initiative = obj.initiative if obj.initiative_id else None
        return initiative.slug if initiative and initiative.is_published else None


class MilestoneOut(Schema):
    year: int | None
    phase: str
    title: str
    text: str
    source: str


class KeyFigureOut(Schema):
    label: str
    value: Decimal
    unit: str
    year: int
    source: str


@router.get(
    "/verbatims",
    response={200: list[VerbatimOut], **errors(400, 404)},
    summary=gettext_lazy("Paroles publiées dont l'auteur·ice a accepté d'être nommé·e"),
)
def list_verbatims(request, territory: str | None = Query(None, pattern=r"^[a-z-]+:[0-9A-Za-z]+$")):
    verbatims = (
        Verbatim.objects.published()
        .filter(consent_to_name=True)
        .select_related("territory", "initiative")
    )
    if territory:
        verbatims = verbatims.filter(territory=territory_or_404(*territory.split(":", 1)))
    return list(verbatims)


@router.get(
    "/territories/{kind}/{code}/milestones",
    response={200: list[MilestoneOut], **errors(400, 404)},
    summary=gettext_lazy("Trajectoire publiée d'un territoire"),
)
def milestones(request, kind: KindParam, code: CodeParam):
    return list(Milestone.objects.published().filter(territory=territory_or_404(kind, code)))


@router.get(
    "/territories/{kind}/{code}/figures",
    response={200: list[KeyFigureOut], **errors(400, 404)},
    summary=gettext_lazy("Chiffres clés saisis par l'équipe du territoire, avec leur source"),
)
def figures(request, kind: KindParam, code: CodeParam):
    return list(KeyFigure.objects.filter(territory=territory_or_404(kind, code)))
