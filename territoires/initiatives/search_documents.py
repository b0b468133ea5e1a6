"""What the search knows of the commons: initiatives, people's words and portraits, and
the facets of the commons' vocabulary (themes, levers, fundamentals)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from territoires.core import search
from territoires.initiatives.enums import Fundamental, Lever
from territoires.initiatives.models import Initiative, Portrait, Theme, Verbatim
from territoires.territories.search_documents import territory_facets


def initiative_document(initiative: Initiative) -> search.Document:
    body = " ".join(
        filter(
            None,
            [
                initiative.summary,
                initiative.body,
                initiative.territory.name,
                initiative.tags,
                initiative.programme,
                " ".join(result.text for result in initiative.results.all()),
            ],
        )
    )
    return search.Document(
        kind="initiative",
        object_id=initiative.pk,
        title=initiative.title,
        body=body,
        url=initiative.get_absolute_url(),
        published=initiative.is_published,
        territory_id=initiative.territory_id,
        facets={
            **territory_facets(initiative.territory),
            "themes": [theme.slug for theme in initiative.themes.all()],
            "levers": initiative.levers,
            "fundamentals": initiative.fundamentals,
        },
        start_year=initiative.start_year,
        end_year=initiative.end_year,
    )


def verbatim_document(verbatim: Verbatim) -> search.Document:
    initiative = verbatim.initiative
    year = verbatim.said_on.year if verbatim.said_on else None
    return search.Document(
        kind="verbatim",
        object_id=verbatim.pk,
        title=f"{verbatim.speaker} — {verbatim.territory.name}",
        body=" ".join(filter(None, [verbatim.text, verbatim.context])),
        url=f"{verbatim.territory.get_absolute_url()}#verbatim-{verbatim.pk}",
        published=verbatim.is_published,
        territory_id=verbatim.territory_id,
        facets={
            **territory_facets(verbatim.territory),
            "themes": [theme.slug for theme in initiative.themes.all()] if initiative else [],
        },
        start_year=year,
        end_year=year,
    )


def portrait_document(portrait: Portrait) -> search.Document:
    """A portrait is found by its presentation; it links to the territory's page."""
    territory = portrait.territory
    return search.Document(
        kind="portrait",
        object_id=territory.pk,
        title=territory.name,
        body=portrait.presentation,
        url=territory.get_absolute_url(),
        published=bool(portrait.presentation),
        territory_id=territory.pk,
        facets=territory_facets(territory),
    )


def initiative_documents():
    initiatives = Initiative.objects.select_related("territory__region").prefetch_related(
        "themes", "results"
    )
    return map(initiative_document, initiatives.iterator(chunk_size=500))


def verbatim_documents():
    verbatims = Verbatim.objects.select_related("territory__region", "initiative").prefetch_related(
        "initiative__themes"
    )
    return map(verbatim_document, verbatims.iterator(chunk_size=500))


def portrait_documents():
    portraits = Portrait.objects.select_related("territory__region")
    return map(portrait_document, portraits.iterator(chunk_size=500))


# Model -> (kind, document builder): each save or delete, from a service, the admin or a
# workflow's transition, reaches the index once committed (the document is built then, so
# that it holds the themes and results written in the same transaction).
FOLLOWED = {
    Initiative: ("initiative", initiative_document),
    Verbatim: ("verbatim", verbatim_document),
    Portrait: ("portrait", portrait_document),
}


def _saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    _kind, build = FOLLOWED[sender]
    # Read again at commit: the instance may be stale by then (themes, results).
    pk = instance.pk
    transaction.on_commit(lambda: _index(sender, pk, build))


def _index(model, pk, build):
    instance = model.objects.filter(pk=pk).first()
    if instance is not None:
        search.index_documents([build(instance)])


def _deleted(sender, instance, **kwargs):
    kind, _build = FOLLOWED[sender]
    pk = instance.pk
    transaction.on_commit(lambda: search.remove_documents(kind, [pk]))


def register():
    for model in FOLLOWED:
        uid = f"territoires.initiatives.search:{model.__name__}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    for kind in (
        search.SearchKind(
            "initiative",
            _("Initiative"),
            _("Initiatives"),
            order=10,
            documents=initiative_documents,
        ),
        search.SearchKind(
            "verbatim", _("Paroles"), _("Paroles"), order=20, documents=verbatim_documents
        ),
        search.SearchKind(
            "portrait", _("Portrait"), _("Portraits"), order=30, documents=portrait_documents
        ),
    ):
        search.kinds.register(kind)
    for facet in (
        search.SearchFacet(
            "themes",
            "theme",
            _("Thème"),
            choices=lambda: Theme.objects.values_list("slug", "name"),
            order=10,
            multi_valued=True,
        ),
        search.SearchFacet(
            "levers",
            "levier",
            _("Levier"),
            choices=lambda: Lever.choices,
            order=20,
            multi_valued=True,
        ),
        search.SearchFacet(
            "fundamentals",
            "fondamental",
            _("Fondamental"),
            choices=lambda: Fundamental.choices,
            order=30,
            multi_valued=True,
        ),
    ):
        search.facets.register(facet)
