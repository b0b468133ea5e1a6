"""What the search knows of territories: their documents, and the facets every document
located in a territory has (its kind, région and population band)."""

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from territoires.core import search
from territoires.territories.enums import PopulationBand, TerritoryKind
from territoires.territories.models import Territory

KIND = "territory"
BATCH_SIZE = 2000


def territory_facets(territory: Territory) -> dict[str, tuple[str, ...]]:
    """The facets a document inherits from the territory it belongs to."""
    if territory.kind == TerritoryKind.REGION:
        region_code = territory.code
    else:
        region_code = territory.region.code if territory.region_id else ""
    return {
        "territory_kinds": (territory.kind,),
        "regions": (region_code,),
        "population_bands": (PopulationBand.of(territory.population),),
    }


def territory_document(territory: Territory) -> search.Document:
    """Its body reads as the search result's snippet: kind, parents, postcodes."""
    facts = [
        territory.get_kind_display(),
        territory.subkind_label,
        *(parent.name for parent in territory.parents()),
        territory.postcodes,
    ]
    return search.Document(
        kind=KIND,
        object_id=territory.pk,
        title=territory.name,
        body=capfirst(" · ".join(str(fact) for fact in facts if fact)),
        url=territory.get_absolute_url(),
        published=True,
        territory_id=territory.pk,
        facets=territory_facets(territory),
        popularity=territory.population or 0,
    )


def territory_documents(territories=None):
    """Documents of territories (every current one by default), read in batches."""
    queryset = territories if territories is not None else Territory.objects.current()
    queryset = queryset.select_related("region", "departement", "epci", "commune")
    for territory in queryset.iterator(chunk_size=BATCH_SIZE):
        yield territory_document(territory)


def register():
    search.kinds.register(
        search.SearchKind(
            KIND,
            _("Territoire"),
            _("Territoires"),
            order=90,
            documents=territory_documents,
            browsed=False,
        )
    )
    search.facets.register(
        search.SearchFacet(
            "territory_kinds",
            "territoire",
            _("Type de territoire"),
            choices=lambda: TerritoryKind.choices,
            order=50,
        )
    )
    search.facets.register(
        search.SearchFacet(
            "regions",
            "region",
            _("Région"),
            choices=lambda: (
                Territory.objects.filter(kind=TerritoryKind.REGION)
                .order_by("name")
                .values_list("code", "name")
            ),
            order=60,
        )
    )
    search.facets.register(
        search.SearchFacet(
            "population_bands",
            "population",
            _("Population"),
            choices=lambda: PopulationBand.choices,
            order=70,
            value_order=tuple(PopulationBand.values),
        )
    )
