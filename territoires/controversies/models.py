"""A territory's controversies log (issue 20, seed 001's lessons): what people disagree
about, who holds which position and why, where it was worked, what was decided and what
stays open. Private to the territory's team; its summary is public once the team's admins
publish it (the house's workflow, territoires.core.workflows)."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from django_fsm_log.decorators import fsm_log_by

from territoires.core.models import EditVersioned, check_dates

PUBLISH = "controversies.publish_controversies"


class ControversyState(models.TextChoices):
    PRIVATE = "private", _("réservée à l'équipe")
    PUBLISHED = "published", _("résumé publié")


def _may_publish(instance, user) -> bool:
    return user.has_perm(PUBLISH, instance.territory)


def _has_summary(instance) -> bool:
    return bool(instance.summary.strip())


class ControversyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=ControversyState.PUBLISHED)


class Controversy(FSMModelMixin, EditVersioned):
    territory = models.ForeignKey(
        "territories.Territory",
        on_delete=models.CASCADE,
        related_name="controversies",
        verbose_name=_("territoire"),
    )
    subject = models.CharField(_("sujet"), max_length=200)
    context = models.TextField(
        _("contexte"), blank=True, help_text=_("D'où vient le désaccord, ce qui est en jeu.")
    )
    opened_on = models.DateField(_("apparue le"), null=True, blank=True)
    decided = models.TextField(_("décisions prises"), blank=True)
    open_points = models.TextField(_("ce qui reste ouvert"), blank=True)
    summary = models.TextField(
        _("résumé public"),
        blank=True,
        help_text=_(
            "Ce que voient les visiteurs une fois le résumé publié ; les positions, arguments "
            "et lieux restent réservés à l'équipe."
        ),
    )
    state = FSMField(
        _("visibilité"),
        max_length=10,
        choices=ControversyState.choices,
        default=ControversyState.PRIVATE,
        protected=True,
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ControversyQuerySet.as_manager()

    class Meta:
        verbose_name = _("controverse")
        verbose_name_plural = _("controverses")
        ordering = ["-opened_on", "-created_at", "pk"]

    def __str__(self):
        return self.subject

    def clean(self):
        check_dates(self, "opened_on")

    @property
    def is_published(self) -> bool:
        return self.state == ControversyState.PUBLISHED

    def get_absolute_url(self):
        territory = self.territory
        return reverse(
            "controversies:detail", args=[territory.kind, territory.code, territory.slug, self.pk]
        )

    @fsm_log_by
    @transition(
        state,
        source=ControversyState.PRIVATE,
        target=ControversyState.PUBLISHED,
        permission=_may_publish,
        conditions=[_has_summary],
        custom={"label": _("Publier le résumé")},
    )
    def publish(self, by=None):
        self.published_at = timezone.now()

    @fsm_log_by
    @transition(
        state,
        source=ControversyState.PUBLISHED,
        target=ControversyState.PRIVATE,
        permission=_may_publish,
        custom={"label": _("Retirer la publication")},
    )
    def withdraw(self, by=None):
        self.published_at = None


class Position(models.Model):
    """A position held in the controversy, by organisations of the territory and others."""

    controversy = models.ForeignKey(Controversy, on_delete=models.CASCADE, related_name="positions")
    label = models.CharField(_("position"), max_length=200)
    holders = models.ManyToManyField(
        "actors.Organisation",
        blank=True,
        related_name="controversy_positions",
        verbose_name=_("organisations qui la portent"),
    )
    other_holders = models.CharField(
        _("autres porteurs"),
        max_length=255,
        blank=True,
        help_text=_("Ceux qui ne sont pas des organisations : « des habitants du quartier »."),
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.label


class Argument(models.Model):
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="arguments")
    text = models.CharField(_("argument"), max_length=500)
    source = models.CharField(
        _("source"), max_length=255, blank=True, help_text=_("Un document, une étude, une date.")
    )

    class Meta:
        verbose_name = _("argument")
        verbose_name_plural = _("arguments")
        ordering = ["pk"]

    def __str__(self):
        return self.text


class Venue(models.Model):
    """A place or moment where the controversy was worked: a governance meeting, a workshop,
    a public meeting."""

    controversy = models.ForeignKey(Controversy, on_delete=models.CASCADE, related_name="venues")
    date = models.DateField(_("date"), null=True, blank=True)
    label = models.CharField(
        _("lieu ou moment"),
        max_length=200,
        help_text=_("« Conseil participatif », « World Café du plan climat »…"),
    )
    meeting = models.ForeignKey(
        "actors.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="controversies_worked",
        verbose_name=_("réunion d'une instance"),
    )
    outcome = models.TextField(_("ce qui en est sorti"), blank=True)

    class Meta:
        verbose_name = _("lieu de travail")
        verbose_name_plural = _("lieux de travail")
        ordering = ["date", "pk"]

    def __str__(self):
        return self.label

    def clean(self):
        check_dates(self, "date")
