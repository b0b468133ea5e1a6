from territoires.accounts import data
from territoires.core.command import TimedCommand


class Command(TimedCommand):
    help = (
        "Avertit les comptes inactifs, supprime ceux avertis sans connexion depuis, et efface "
        "les sessions expirées (à lancer chaque jour)."
    )

    def handle(self, *args, **options):
        report = data.apply_retention()
        if options["verbosity"] >= 1:
            for line in report.lines():
                self.stdout.write(line)
