import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by

from territoires.core.enums import TeamRole
from territoires.core.models import Checked, EditVersioned
from territoires.core.trajectory import Phase
from territoires.initiatives.enums import (
    Fundamental,
    InitiativeStatus,
    Lever,
    PublicationState,
)

EDIT_PORTRAIT = "initiatives.edit_portrait"


def _may_edit(instance, user) -> bool:
    return user.has_perm(EDIT_PORTRAIT, instance.territory)


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=PublicationState.PUBLISHED)

    def in_territory(self, territory):
        return self.filter(territory=territory)

    def visible_to(self, user, territory=None):
        """Published content, plus drafts, items in review and archives for the team of
        their territory."""
        if (
            user.is_authenticated
            and territory is not None
            and user.has_perm(EDIT_PORTRAIT, territory)
        ):
            return self
        return self.published()


class Publishable(FSMModelMixin, models.Model):
    """Content of a territory that its team writes in draft, may send for review, publishes
    and archives: the workflow every such model shares (territoires.core.workflows).

    The state changes only through its transitions (`protected`), each allowed to the
    territory's team and logged (django-fsm-log) with who fired it.
    """

    state = FSMField(
        _("publication"),
        max_length=10,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        protected=True,
    )

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.state == PublicationState.PUBLISHED

    @fsm_log_by
    @transition(
        state,
        source=PublicationState.DRAFT,
        target=PublicationState.REVIEW,
        permission=_may_edit,
        custom={"label": _("Envoyer en relecture")},
    )
    def submit(self, by=None):
        pass

    @fsm_log_by
    @transition(
        state,
        source=[PublicationState.DRAFT, PublicationState.REVIEW, PublicationState.ARCHIVED],
        target=PublicationState.PUBLISHED,
        permission=_may_edit,
        custom={"label": _("Publier")},
    )
    def publish(self, by=None):
        pass

    @fsm_log_by
    @transition(
        state,
        source=[PublicationState.REVIEW, PublicationState.PUBLISHED, PublicationState.ARCHIVED],
        target=PublicationState.DRAFT,
        permission=_may_edit,
        custom={"label": _("Repasser en brouillon")},
    )
    def unpublish(self, by=None):
        pass

    @fsm_log_by
    @transition(
        state,
        source=PublicationState.PUBLISHED,
        target=PublicationState.ARCHIVED,
        permission=_may_edit,
        custom={"label": _("Archiver")},
    )
    def archive(self, by=None):
        pass


class Contribution(Publishable):
    """What users write for the commons: a publication state, an author, a date."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Theme(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=80)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")

    def __str__(self):
        return self.name


class Initiative(EditVersioned, Checked, Contribution):
    """Something a territory did, with themes, levers, fundamentals and results."""

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(_("résumé"), max_length=400)
    body = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    territory = models.ForeignKey(
        "territories.Territory",
        verbose_name=_("territoire"),
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    territory_note = models.CharField(
        _("note sur le territoire"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple : territoire officiel le plus proche d'un territoire de projet."),
    )
    status = models.CharField(
        _("état d'avancement"),
        max_length=10,
        choices=InitiativeStatus.choices,
        default=InitiativeStatus.UNKNOWN,
    )
    start_year = models.PositiveSmallIntegerField(_("début"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("fin"), null=True, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes"), blank=True)
    levers = models.JSONField(_("leviers"), default=list, blank=True)
    fundamentals = models.JSONField(_("fondamentaux"), default=list, blank=True)
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    tags = models.CharField(
        _("mots-clés"), max_length=300, blank=True, help_text=_("Séparés par des virgules.")
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(start_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="initiative_period_in_order",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("initiatives:detail", kwargs={"slug": self.slug})

    def clean(self):
        unknown = [lever for lever in self.levers if lever not in Lever.values]
        unknown += [f for f in self.fundamentals if f not in Fundamental.values]
        if unknown:
            raise ValidationError(
                _("Valeurs inconnues : %(values)s") % {"values": ", ".join(unknown)}
            )

    @property
    def tag_list(self):
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    @property
    def lever_labels(self):
        return [Lever(value).label for value in self.levers if value in Lever.values]

    @property
    def fundamental_labels(self):
        return [
            Fundamental(value).label for value in self.fundamentals if value in Fundamental.values
        ]

    @property
    def period_label(self):
        if self.start_year and self.end_year == self.start_year:
            return str(self.start_year)  # a year, not « 2017–2017 »
        if self.start_year and self.end_year:
            return f"{self.start_year}–{self.end_year}"
        if self.start_year:
            return _("depuis %(year)s") % {"year": self.start_year}
        return ""


class InitiativeResult(models.Model):
    """A result, in words, optionally with a figure that must say its unit, year and source."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="results")
    text = models.CharField(_("résultat"), max_length=400)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("résultat")

    def __str__(self):
        return self.text

    def clean(self):
        if self.value is not None and not (self.unit and self.year and self.source):
            raise ValidationError(_("Un chiffre demande son unité, son année et sa source."))


class InitiativeContact(models.Model):
    """An organisation to contact (private people are not listed by default)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="contacts")
    # The actors app's organisations, named by their model's label: the commons import
    # nothing of that app, which depends on them (docs/architecture.md).
    organisation = models.ForeignKey(
        "actors.Organisation",
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("structure"),
    )
    role = models.CharField(_("rôle dans l'initiative"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact")

    def __str__(self):
        return str(self.organisation)


def document_path(instance, filename):
    return f"documents/{uuid.uuid4().hex}.pdf"


class InitiativeResource(models.Model):
    """A link or a PDF document about the initiative."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("titre"), max_length=200)
    url = models.URLField(_("lien"), blank=True)
    document = models.FileField(_("document PDF"), upload_to=document_path, blank=True)

    class Meta:
        verbose_name = _("ressource")

    def __str__(self):
        return self.title

    def clean(self):
        if bool(self.url) == bool(self.document):
            raise ValidationError(_("Indiquez un lien ou un document PDF (l'un des deux)."))


class Verbatim(Checked, Contribution):
    """A person's own words, with the speaker named only when they consented."""

    text = models.TextField(_("paroles"), max_length=1500)
    speaker_name = models.CharField(_("nom de la personne"), max_length=120, blank=True)
    consent_to_name = models.BooleanField(
        _("accepte d'être nommée"),
        default=False,
        help_text=_("Sans accord, seul son rôle est affiché."),
    )
    speaker_role = models.CharField(_("rôle"), max_length=200)
    category = models.CharField(_("catégorie"), max_length=20, choices=TeamRole.choices)
    said_on = models.DateField(_("date"), null=True, blank=True)
    context = models.CharField(_("contexte"), max_length=300, blank=True)
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.CASCADE,
        related_name="verbatims",
        verbose_name=_("territoire"),
    )
    initiative = models.ForeignKey(
        Initiative,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="verbatims",
        verbose_name=_("initiative"),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["-said_on", "-created_at"]
        verbose_name = _("verbatim")
        verbose_name_plural = _("verbatims")

    def __str__(self):
        return f"{self.speaker} : {self.text[:60]}"

    @property
    def speaker(self):
        if self.consent_to_name and self.speaker_name:
            return self.speaker_name
        return self.speaker_role


class AttachedMedia(models.Model):
    """A medium shown on a territory's portrait or on an initiative."""

    territory = models.ForeignKey(
        "territories.Territory",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="%(class)ss",
    )
    initiative = models.ForeignKey(
        Initiative, null=True, blank=True, on_delete=models.CASCADE, related_name="%(class)ss"
    )

    class Meta:
        abstract = True


class Photo(AttachedMedia):
    """An uploaded photograph, kept only as resized variants stripped of metadata.

    The variants are made in the background (tasks.make_photo_variants) from the upload,
    kept meanwhile in `PhotoUpload`: until then `variants` is empty and the photo is shown
    to its team only, as being prepared; `problem` says why they could not be made.
    """

    alt = models.CharField(
        _("texte alternatif"),
        max_length=250,
        help_text=_("Ce que montre la photo, pour qui ne la voit pas."),
    )
    credit = models.CharField(_("crédit"), max_length=150)
    caption = models.CharField(_("légende"), max_length=300, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    variants = models.JSONField(default=list, editable=False)
    problem = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")

    def __str__(self):
        return self.alt

    @property
    def is_ready(self) -> bool:
        return bool(self.variants)

    @property
    def webp_variants(self) -> list[dict]:
        return [variant for variant in self.variants if variant["format"] == "webp"]

    @property
    def fallback(self) -> dict | None:
        """The JPEG for browsers without WebP."""
        return next((variant for variant in self.variants if variant["format"] == "jpeg"), None)


class PhotoUpload(models.Model):
    """A photo's uploaded file, until its variants are made: in the database, so that it is
    written in the same transaction as the photo (a rolled-back upload leaves no file)."""

    photo = models.OneToOneField(
        Photo, primary_key=True, on_delete=models.CASCADE, related_name="upload"
    )
    data = models.BinaryField()

    def __str__(self):
        return f"envoi de la photo {self.photo_id}"


class Video(AttachedMedia):
    """A YouTube, Vimeo or PeerTube video, embedded only once the visitor asks for it."""

    title = models.CharField(_("titre"), max_length=200)
    url = models.URLField(_("lien de la vidéo"))
    provider = models.CharField(max_length=20, editable=False)
    host = models.CharField(max_length=200, editable=False)
    embed_url = models.URLField(editable=False)
    watch_url = models.URLField(editable=False)
    credit = models.CharField(_("crédit"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("vidéo")

    def __str__(self):
        return self.title


class Milestone(EditVersioned, Publishable):
    """A dated step of a territory's trajectory: past, present or vision."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="milestones"
    )
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    phase = models.CharField(_("temps"), max_length=10, choices=Phase.choices)
    title = models.CharField(_("titre"), max_length=200)
    text = models.TextField(_("texte"), blank=True)
    photo = models.ForeignKey(
        Photo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    initiatives = models.ManyToManyField(Initiative, blank=True, related_name="milestones")
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["year", "pk"]
        verbose_name = _("jalon")

    def __str__(self):
        return f"{self.year or '…'} {self.title}"

    def clean(self):
        if self.year is None and self.phase != Phase.VISION:
            raise ValidationError(_("Un jalon passé ou présent demande son année."))


class Portrait(EditVersioned, Checked):
    """What a territory's team tells of it beyond the registry: its presentation, where that
    text comes from, and the portrait's large photograph."""

    territory = models.OneToOneField(
        "territories.Territory", primary_key=True, on_delete=models.CASCADE, related_name="portrait"
    )
    presentation = models.TextField(_("présentation"), blank=True)
    hero_photo = models.ForeignKey(
        Photo,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("grande photo"),
    )
    # A source describes the text it came with: the seed's citation, or, once the team has
    # written its own text, none — the text is then the team's, of that date.
    source = models.CharField(_("source de la présentation"), max_length=300, blank=True)
    presentation_edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("portrait")

    def __str__(self):
        return f"portrait de {self.territory}"

    def written_at(self):
        return self.presentation_edited_at or self.updated_at


class KeyFigure(models.Model):
    """A figure entered by the territory's team: its source is required."""

    territory = models.ForeignKey(
        "territories.Territory", on_delete=models.CASCADE, related_name="key_figures"
    )
    label = models.CharField(_("intitulé"), max_length=150)
    value = models.DecimalField(_("valeur"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("année"))
    source = models.CharField(_("source"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("chiffre clé")
        verbose_name_plural = _("chiffres clés")

    def __str__(self):
        return f"{self.label} : {self.value} {self.unit} ({self.year})"
