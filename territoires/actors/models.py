"""Organisations and people who act in territories, their categories and relations.

An initiative's contacts (`initiatives.InitiativeContact`) point at an `Organisation`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from territoires.actors import identifiers
from territoires.actors.enums import OrganisationKind, RelationKind
from territoires.core.enums import TeamRole
from territoires.core.models import EditVersioned, check_dates
from territoires.territories.models import Territory


class OrganisationQuerySet(models.QuerySet):
    def in_territory(self, territory):
        """Organisations the team says act in the territory, or that its initiatives name."""
        return self.filter(
            Q(territories=territory) | Q(contacts__initiative__territory=territory)
        ).distinct()

    def current(self):
        return self.filter(ended=False)


class Category(models.Model):
    """A category of local actors (seed 003's list, extended by facilitators on the
    vocabulary's page, /acteurs/categories/)."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=150)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("catégorie parente"),
    )
    reason = models.CharField(_("pourquoi l'impliquer"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("catégorie d'acteurs")
        verbose_name_plural = _("catégories d'acteurs")
        ordering = ["order", "name"]

    def __str__(self):
        return f"{self.parent.name} › {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id and (self.parent_id == self.pk or self.parent.parent_id):
            raise ValidationError(
                {"parent": _("Une sous-catégorie se range sous une catégorie de premier niveau.")}
            )

    @property
    def top(self):
        return self.parent if self.parent_id else self


def _siren_error(value):
    problem = identifiers.siren_problem(value)
    if problem == "length":
        raise ValidationError(_("Un SIREN compte 9 chiffres."), code="siren")
    if problem:
        raise ValidationError(
            _("Ce SIREN n'est pas valide (sa clé de contrôle ne correspond pas)."), code="siren"
        )


def _siret_error(value):
    problem = identifiers.siret_problem(value)
    if problem == "length":
        raise ValidationError(_("Un SIRET compte 14 chiffres."), code="siret")
    if problem:
        raise ValidationError(
            _("Ce SIRET n'est pas valide (sa clé de contrôle ne correspond pas)."), code="siret"
        )


class Organisation(EditVersioned):
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("catégorie"),
    )
    siren = models.CharField(
        _("SIREN"), max_length=9, blank=True, validators=[_siren_error], db_index=True
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[_siret_error])
    website = models.URLField(_("site"), blank=True)
    description = models.CharField(_("en quelques mots"), max_length=255, blank=True)
    territories = models.ManyToManyField(
        "territories.Territory",
        blank=True,
        related_name="organisations",
        verbose_name=_("territoires où elle agit"),
    )
    ended = models.BooleanField(
        _("n'existe plus"),
        default=False,
        help_text=_("Dissoute, fusionnée ou absorbée : elle est montrée comme historique."),
    )
    ended_on = models.DateField(_("fin le"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
        verbose_name=_("devenue"),
    )
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("D'où viennent ces informations (un document, un registre, un site)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended=True) | (Q(ended_on__isnull=True) & Q(successor__isnull=True)),
                name="actors_organisation_end_needs_ended",
            ),
            models.CheckConstraint(
                condition=~Q(successor=models.F("pk")), name="actors_organisation_not_own_successor"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("actors:detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def slug(self):
        return slugify(self.name)[:60] or "organisation"

    def territories_for_teams(self):
        """Whose teams answer for it: the territories where it acts, and those of the
        initiatives that name it."""
        return Territory.objects.filter(
            Q(organisations=self) | Q(initiatives__contacts__organisation=self)
        ).distinct()

    def clean(self):
        self.siren = identifiers.compact(self.siren)
        self.siret = identifiers.compact(self.siret)
        errors = {}
        if self.siren and self.siret and not self.siret.startswith(self.siren):
            errors["siret"] = _("Un SIRET commence par le SIREN de l'organisation.")
        if (self.ended_on or self.successor_id) and not self.ended:
            errors["ended"] = _(
                "Une date de fin ou une organisation qui lui succède suppose qu'elle n'existe plus."
            )
        if self.successor_id and self.successor_id == self.pk:
            errors["successor"] = _("Une organisation ne peut pas se succéder à elle-même.")
        if self.ended and not self.source:
            errors["source"] = _("Dites d'où vient qu'elle n'existe plus (la source).")
        if errors:
            raise ValidationError(errors)


class Person(models.Model):
    """Someone in an organisation: shown by name only with their consent, each other field
    only when its switch says it is public."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("nom"), max_length=120)
    consent_to_name = models.BooleanField(
        _("accepte d'être nommée"),
        default=False,
        help_text=_("Sans accord, la personne est montrée par son rôle seulement."),
    )
    role = models.CharField(_("rôle"), max_length=200)
    role_public = models.BooleanField(_("rôle public"), default=True)
    team_role = models.CharField(
        _("place parmi les 4 Fantastiques"), max_length=20, choices=TeamRole.choices, blank=True
    )
    email = models.EmailField(_("courriel"), blank=True)
    email_public = models.BooleanField(_("courriel public"), default=False)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    phone_public = models.BooleanField(_("téléphone public"), default=False)
    since = models.DateField(_("en fonction depuis le"), null=True, blank=True)
    source = models.CharField(
        _("source"),
        max_length=255,
        blank=True,
        help_text=_("Vide quand l'équipe l'a saisie ; le registre d'où elle vient sinon."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("saisie par"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["organisation", "role", "pk"]

    def __str__(self):
        return self.public_label

    @property
    def public_label(self) -> str:
        """How visitors see the person: named with consent, else « une personne, <rôle> »."""
        if self.consent_to_name:
            return f"{self.name}, {self.role}" if self.role_public and self.role else self.name
        if self.role_public and self.role:
            return _("une personne, %(role)s") % {"role": self.role}
        return str(_("une personne"))


class Relation(models.Model):
    """A dated, sourced link between two organisations: `source` <kind> `target`."""

    source_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="relations_from",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)
    target_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="relations_to",
        verbose_name=_("avec"),
    )
    started_on = models.DateField(_("depuis le"), null=True, blank=True)
    ended_on = models.DateField(_("jusqu'au"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("relation entre organisations")
        verbose_name_plural = _("relations entre organisations")
        ordering = ["started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_organisation=models.F("target_organisation")),
                name="actors_relation_between_two",
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="actors_relation_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.source_organisation} {self.get_kind_display()} {self.target_organisation}"

    def clean(self):
        check_dates(self, "started_on", "ended_on")
        errors = {}
        if self._same_exists():
            errors["kind"] = _("Cette relation est déjà enregistrée (mêmes organisations, dates).")
        if (
            self.source_organisation_id
            and self.source_organisation_id == self.target_organisation_id
        ):
            errors["target_organisation"] = _("Une relation relie deux organisations différentes.")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("La fin d'une relation ne précède pas son début.")
        if errors:
            raise ValidationError(errors)

    def _same_exists(self) -> bool:
        if not (self.source_organisation_id and self.target_organisation_id and self.kind):
            return False
        same = Relation.objects.filter(
            source_organisation=self.source_organisation_id,
            target_organisation=self.target_organisation_id,
            kind=self.kind,
            started_on=self.started_on,
            ended_on=self.ended_on,
        )
        return same.exclude(pk=self.pk).exists() if self.pk else same.exists()


class NetworkAnalysis(models.Model):
    """The metrics and gaps of a territory's network of organisations (`network.py`),
    computed for one version of the territory's content (`actors.network_data`): kept in the
    database so that the task queue's worker and every web process share it."""

    territory = models.OneToOneField(
        "territories.Territory", on_delete=models.CASCADE, related_name="+"
    )
    version = models.CharField(max_length=80, blank=True)  # of the data below
    requested = models.CharField(max_length=80, blank=True)  # enqueued for this version
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("analyse du réseau d'acteurs")
        verbose_name_plural = _("analyses du réseau d'acteurs")

    def __str__(self):
        return f"{self.territory_id}: {self.version}"


# --- Governance of the territory's transition (issue 20) --------------------------------


def _dates_in_order(start, end, field_name, message):
    if start and end and end < start:
        raise ValidationError({field_name: message})


class GovernanceBody(models.Model):
    """A body that steers, advises or validates the transition of a territory (seed 003)."""

    class Kind(models.TextChoices):
        STEERING = "pilotage", _("comité de pilotage")
        PARTICIPATORY = "participatif", _("conseil participatif")
        SCIENTIFIC = "scientifique", _("conseil scientifique")
        VALIDATION = "validation", _("commission de validation")
        OTHER = "autre", _("autre instance")

    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.CASCADE,
        related_name="governance_bodies",
        verbose_name=_("territoire"),
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    purpose = models.CharField(_("rôle de l'instance"), max_length=255, blank=True)
    mandate = models.TextField(_("mandat"), blank=True)
    created_on = models.DateField(_("créée le"), null=True, blank=True)
    ended_on = models.DateField(_("dissoute le"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("instance de gouvernance")
        verbose_name_plural = _("instances de gouvernance")
        ordering = ["kind", "name", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        check_dates(self, "created_on", "ended_on")
        _dates_in_order(
            self.created_on,
            self.ended_on,
            "ended_on",
            _("Une instance n'est pas dissoute avant d'être créée."),
        )


class BodyMember(models.Model):
    """An organisation, a person, or a person for an organisation, in a body. A person's
    organisation need not act in the territory. People are already tracked as personal data
    (Person, in history.py and personal_data.py): this row holds none of its own."""

    body = models.ForeignKey(
        GovernanceBody, on_delete=models.CASCADE, related_name="members", verbose_name=_("instance")
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="body_seats",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="body_seats",
        verbose_name=_("personne"),
    )
    role = models.CharField(
        _("rôle dans l'instance"), max_length=120, help_text=_("président·e, référent·e, membre…")
    )
    since = models.DateField(_("depuis le"), null=True, blank=True)
    until = models.DateField(_("jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("membre d'une instance")
        verbose_name_plural = _("membres d'une instance")
        ordering = ["body", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(person__isnull=False),
                name="actors_bodymember_someone",
                violation_error_message=_("Un membre est une organisation ou une personne."),
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.role})"

    @property
    def label(self) -> str:
        if self.person_id:
            return self.person.public_label
        return self.organisation.name if self.organisation_id else ""

    def clean(self):
        check_dates(self, "since", "until")
        _dates_in_order(
            self.since, self.until, "until", _("La fin d'un mandat ne précède pas son début.")
        )


class Meeting(models.Model):
    body = models.ForeignKey(
        GovernanceBody,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("instance"),
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("titre"), max_length=200)
    minutes = models.TextField(_("compte rendu"), blank=True, help_text=_("En Markdown."))
    published = models.BooleanField(_("publiée"), default=False)

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.title} ({self.date})"

    def clean(self):
        check_dates(self, "date")

    @property
    def minutes_html(self) -> str:
        from territoires.core.markup import render_markdown

        return render_markdown(self.minutes)


class Decision(models.Model):
    class Status(models.TextChoices):
        ADOPTED = "adoptee", _("adoptée")
        POSTPONED = "reportee", _("reportée")
        REJECTED = "rejetee", _("rejetée")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("réunion")
    )
    text = models.CharField(_("décision"), max_length=500)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.ADOPTED
    )

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["meeting", "pk"]

    def __str__(self):
        return self.text


class Charter(models.Model):
    """A charter gathering the partners of a territory's transition."""

    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.CASCADE,
        related_name="charters",
        verbose_name=_("territoire"),
    )
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"), blank=True)
    adopted_on = models.DateField(_("adoptée le"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("charte")
        verbose_name_plural = _("chartes")
        ordering = ["-adopted_on", "title", "pk"]

    def __str__(self):
        return self.title

    def clean(self):
        check_dates(self, "adopted_on")


class Signatory(models.Model):
    charter = models.ForeignKey(
        Charter, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("charte")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="signatures",
        verbose_name=_("organisation"),
    )
    signed_on = models.DateField(_("signée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signataire")
        verbose_name_plural = _("signataires")
        ordering = ["charter", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["charter", "organisation"], name="actors_signatory_once"
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.charter}"

    def clean(self):
        check_dates(self, "signed_on")
        if (
            self.charter_id
            and self.signed_on
            and self.charter.adopted_on
            and self.signed_on < self.charter.adopted_on
        ):
            raise ValidationError({"signed_on": _("Une charte se signe après son adoption.")})


class Chain(models.Model):
    """A chain of actors (seed 003): links that must harmonise their choices for a result,
    « le promoteur …, l'architecte, son réseau d'artisans et d'entreprises »."""

    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.CASCADE,
        related_name="actor_chains",
        verbose_name=_("territoire"),
    )
    name = models.CharField(_("nom"), max_length=200)
    purpose = models.CharField(_("ce qu'elle doit accomplir ensemble"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chaîne d'acteurs")
        verbose_name_plural = _("chaînes d'acteurs")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class ChainLink(models.Model):
    """A link of a chain: an organisation of the territory, or a category of actors when no
    organisation is named yet (a link the territory still has to find)."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="links")
    order = models.PositiveSmallIntegerField(_("rang"), default=0)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chain_links",
        verbose_name=_("organisation"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chain_links",
        verbose_name=_("ou une catégorie d'acteurs"),
    )
    role = models.CharField(_("rôle dans la chaîne"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("maillon")
        verbose_name_plural = _("maillons")
        ordering = ["chain", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(category__isnull=False),
                name="actors_chainlink_names_someone",
                violation_error_message=_(
                    "Un maillon est une organisation ou une catégorie d'acteurs."
                ),
            )
        ]

    def __str__(self):
        return str(self.organisation or self.category)
