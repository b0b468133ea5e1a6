from territoires.core import search
from territoires.core.command import TimedCommand


class Command(TimedCommand):
    help = "Indexe de nouveau tous les documents de la recherche (après une mise à jour)."

    def add_arguments(self, parser):
        parser.add_argument(
            "kinds",
            nargs="*",
            help="Genres de documents à indexer : " + ", ".join(search.kinds.names()),
        )

    def handle(self, *args, kinds=(), **options):
        unknown = sorted(set(kinds) - set(search.kinds.names()))
        if unknown:
            self.stderr.write(f"Genres inconnus : {', '.join(unknown)}")
            return
        written = search.reindex(kinds or None)
        if options["verbosity"] >= 1:
            self.stdout.write(f"Index de recherche refait : {written} documents.")
