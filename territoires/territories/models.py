from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territoires.territories.enums import (
    EPCI_TYPES,
    HISTORICAL_KINDS,
    ProjectKind,
    TerritoryKind,
)


class TerritoryQuerySet(models.QuerySet):
    def current(self):
        """Territories that exist today (historical delegated/associated communes left out)."""
        return self.exclude(kind__in=HISTORICAL_KINDS)

    def of_kind(self, kind):
        return self.filter(kind=kind)

    def members_of(self, territory):
        """The territories a territory is made of, one level down."""
        match territory.kind:
            case TerritoryKind.REGION:
                return self.filter(kind=TerritoryKind.DEPARTEMENT, region=territory)
            case TerritoryKind.DEPARTEMENT:
                return self.filter(kind=TerritoryKind.COMMUNE, departement=territory)
            case TerritoryKind.EPCI:
                return self.filter(kind=TerritoryKind.COMMUNE, epci=territory)
            case TerritoryKind.COMMUNE:
                return self.filter(commune=territory)
            case TerritoryKind.PROJECT:
                return self.filter(project_memberships__project=territory)
        return self.none()


class Territory(models.Model):
    """A commune, EPCI, département, région, or a project territory made of communes/EPCI."""

    kind = models.CharField(_("type"), max_length=20, choices=TerritoryKind.choices)
    code = models.CharField(
        _("code"), max_length=20, help_text=_("Code INSEE, SIREN pour un EPCI, P… pour un projet")
    )
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(max_length=200)
    subkind = models.CharField(
        _("catégorie"), max_length=10, blank=True, help_text=_("Type d'EPCI ou de projet")
    )
    search_key = models.CharField(max_length=250, editable=False, db_index=True)
    postcodes = models.CharField(_("codes postaux"), max_length=250, blank=True)

    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_source = models.CharField(_("source de la population"), max_length=200, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("année de la population"), null=True, blank=True
    )
    area_km2 = models.FloatField(_("surface (km²)"), null=True, blank=True)
    # Bounding box in WGS84 degrees, to frame maps without reading the geometry.
    west = models.FloatField(null=True, blank=True, editable=False)
    south = models.FloatField(null=True, blank=True, editable=False)
    east = models.FloatField(null=True, blank=True, editable=False)
    north = models.FloatField(null=True, blank=True, editable=False)

    region = models.ForeignKey(
        "self",
        verbose_name=_("région"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    departement = models.ForeignKey(
        "self",
        verbose_name=_("département"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    epci = models.ForeignKey(
        "self",
        verbose_name=_("intercommunalité"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    commune = models.ForeignKey(
        "self",
        verbose_name=_("commune de rattachement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Pour un arrondissement, une commune déléguée ou associée"),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="territory_unique_kind_code"),
        ]
        indexes = [models.Index(fields=["kind", "population"])]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    def get_absolute_url(self):
        return reverse(
            "www:territory",
            kwargs={"kind": self.kind, "code": self.code, "slug": self.slug},
        )

    @property
    def is_project(self):
        return self.kind == TerritoryKind.PROJECT

    @property
    def is_historical(self):
        return self.kind in HISTORICAL_KINDS

    @property
    def subkind_label(self):
        if self.kind == TerritoryKind.EPCI:
            return EPCI_TYPES.get(self.subkind, self.subkind)
        if self.kind == TerritoryKind.PROJECT and self.subkind:
            return ProjectKind(self.subkind).label
        return ""

    @property
    def density(self):
        """Inhabitants per km², when both figures are known."""
        if self.population is None or not self.area_km2:
            return None
        return self.population / self.area_km2

    @property
    def bbox(self):
        if self.west is None:
            return None
        return [self.west, self.south, self.east, self.north]

    def parents(self):
        """Breadcrumb from the widest territory down to this one's direct parent."""
        chain = [self.region, self.departement, self.epci, self.commune]
        return [parent for parent in chain if parent is not None and parent.pk != self.pk]


class TerritoryShape(models.Model):
    """The outline of a territory, kept apart so that lists never load geometries."""

    territory = models.OneToOneField(
        Territory, primary_key=True, on_delete=models.CASCADE, related_name="shape"
    )
    wkb = models.BinaryField(help_text="MultiPolygon, WGS84, well-known binary")

    class Meta:
        verbose_name = _("contour")

    def __str__(self):
        return f"contour de {self.territory_id}"


class ProjectMembership(models.Model):
    """A commune or an EPCI that belongs to a project territory."""

    project = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="project_members",
        limit_choices_to={"kind": TerritoryKind.PROJECT},
    )
    member = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="project_memberships",
        limit_choices_to={"kind__in": [TerritoryKind.COMMUNE, TerritoryKind.EPCI]},
    )

    class Meta:
        verbose_name = _("membre d'un territoire de projet")
        verbose_name_plural = _("membres d'un territoire de projet")
        constraints = [
            models.UniqueConstraint(fields=["project", "member"], name="project_member_unique"),
        ]

    def __str__(self):
        return f"{self.member} ∈ {self.project}"


class RegistryImport(models.Model):
    """One run of import_territories, with what it changed."""

    source = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # Its territories' search documents were indexed again (a task, after the import).
    indexed = models.BooleanField(default=False)

    class Meta:
        get_latest_by = "finished_at"
        verbose_name = _("import du référentiel")

    def __str__(self):
        return f"{self.source} {self.finished_at:%Y-%m-%d %H:%M}"
