from territoires.core.command import TimedCommand
from territoires.initiatives.services import reindex_commons
from territoires.territories.models import Territory
from territoires.territories.services import reindex_territories


class Command(TimedCommand):
    help = "Indexe de nouveau territoires, initiatives et paroles (après une mise à jour)."

    def handle(self, *args, **options):
        reindex_territories()
        reindex_commons()
        if options["verbosity"] >= 1:
            count = Territory.objects.current().count()
            self.stdout.write(f"Index de recherche refait : {count} territoires et les communs.")
