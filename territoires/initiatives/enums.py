from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    REVIEW = "review", _("en relecture")
    PUBLISHED = "published", _("publié")
    ARCHIVED = "archived", _("archivé")


class InitiativeStatus(models.TextChoices):
    """How far an initiative has gone. Unknown unless a source states it: a status is a fact
    like any other, and the default does not guess one."""

    UNKNOWN = "unknown", _("avancement inconnu")
    PLANNED = "planned", _("en projet")
    ONGOING = "ongoing", _("en cours")
    FINISHED = "finished", _("terminée")


class Lever(models.TextChoices):
    """Levers for action of the Observatoire des territoires durables (seed 002)."""

    SAVE = "epargner", _("épargner")
    FINANCE_INVEST = "financer_investir", _("financer et investir")
    PRODUCE_CONSUME = "produire_consommer", _("produire et consommer durablement")


class Fundamental(models.TextChoices):
    """The 4 fundamentals of systemic change of La Fabrique des transitions (seed 001)."""

    ENGAGEMENT = "engagement", _("créer les conditions d'engagement")
    COOPERATION = "cooperation", _("agir en coopération")
    SYSTEMIC = "systemique", _("agir de façon systémique")
    EVALUATION = "evaluation", _("évaluer la valeur créée")


# The managed vocabulary of themes, seeded by migration and editable in the admin.
DEFAULT_THEMES = [
    ("energie", "Énergie"),
    ("alimentation", "Alimentation"),
    ("mobilite", "Mobilité"),
    ("habitat_renovation", "Habitat et rénovation"),
    ("economie_circulaire_dechets", "Économie circulaire et déchets"),
    ("eau", "Eau"),
    ("biodiversite_foncier", "Biodiversité et foncier"),
    ("economie_emploi", "Économie et emploi"),
    ("gouvernance_democratie", "Gouvernance et démocratie"),
    ("culture_education", "Culture et éducation"),
]
