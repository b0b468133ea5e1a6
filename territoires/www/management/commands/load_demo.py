from django.core.management.base import CommandError

from territoires.accounts.enums import Role
from territoires.accounts.models import User
from territoires.accounts.services import grant_membership
from territoires.actors.demo import load_demo_actors
from territoires.core.command import TimedCommand
from territoires.initiatives.demo import load_demo_commons
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import Territory

DEMO_PASSWORD_HELP = "Mot de passe des comptes de démonstration (local seulement)"
# Local demonstration accounts, named as in the permission tests (alice, bob, charlie).
DEMO_ACCOUNTS = [
    (
        "admin@demo.territoires.localhost",
        "Administrateur·ice",
        {"is_staff": True, "is_superuser": True},
        [],
    ),
    ("animation@demo.territoires.localhost", "Animatrice de réseau", {"is_facilitator": True}, []),
    (
        "alice@demo.territoires.localhost",
        "Alice",
        {},
        [("06084", Role.ADMIN), ("59271", Role.ADMIN)],
    ),
    (
        "bob@demo.territoires.localhost",
        "Bob",
        {},
        [("06084", Role.CONTRIBUTOR), ("68343", Role.READER)],
    ),
    ("charlie@demo.territoires.localhost", "Charlie", {}, []),
]


class Command(TimedCommand):
    help = "Charge le contenu de démonstration (comptes locaux ; les tickets suivants y ajoutent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--accounts", action="store_true", help="Crée les comptes de démonstration"
        )
        parser.add_argument("--password", default="territoires-demo", help=DEMO_PASSWORD_HELP)

    def handle(self, *args, accounts=False, password="territoires-demo", **options):
        if not Territory.objects.filter(kind=TerritoryKind.COMMUNE).exists():
            raise CommandError("Le référentiel est vide : lancez d'abord import_territories.")
        counts = load_demo_commons()
        if any(counts.values()):
            self.stdout.write(
                "Communs de démonstration (documents sources) : "
                + ", ".join(f"{value} {key}" for key, value in counts.items())
            )
        counts = load_demo_actors()
        if any(counts.values()):
            self.stdout.write(
                "Acteurs de démonstration (documents sources) : "
                + ", ".join(f"{value} {key}" for key, value in counts.items())
            )
        if accounts:
            self._accounts(password)

    def _accounts(self, password):
        created = 0
        for email, name, flags, memberships in DEMO_ACCOUNTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, password, display_name=name, **flags)
                created += 1
            for code, role in memberships:
                territory = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=code).first()
                if territory:
                    grant_membership(user, territory, role)
        if created:
            self.stdout.write(
                f"{created} comptes de démonstration créés (mot de passe : {password}) : "
                + ", ".join(email for email, *_ in DEMO_ACCOUNTS)
            )
