from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from territoires.core.command import TimedCommand
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import Territory
from territoires.territories.project_files import ProjectFileError, parse_project_file
from territoires.territories.services.projects import UnknownCodes
from territoires.www.services import save_project


class Command(TimedCommand):
    help = (
        "Crée ou met à jour des territoires de projet (PETR, PNR, Pays…) depuis un CSV ou un YAML."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            type=Path,
            help="Fichier .csv (colonnes projet, code[, type, description]) ou .yaml",
        )

    def handle(self, *args, file: Path, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Lecture impossible : {error}") from None
        try:
            projects = parse_project_file(file.name, content)
        except ProjectFileError as error:
            raise CommandError(str(error)) from None
        try:
            with transaction.atomic():
                for project in projects:
                    existing = Territory.objects.filter(
                        kind=TerritoryKind.PROJECT, name=project.name
                    ).first()
                    territory, created = save_project(
                        name=project.name,
                        subkind=project.subkind,
                        presentation=project.description or None,
                        member_codes=project.member_codes,
                        code=existing.code if existing else None,
                    )
                    verb = "créé" if created else "mis à jour"
                    self.stdout.write(
                        f"{territory.name} ({territory.code}) {verb} : {len(project.member_codes)} membres, "
                        f"population {territory.population or 'inconnue'}."
                    )
        except UnknownCodes as error:
            raise CommandError(
                "Codes inconnus, rien n'a été écrit : " + ", ".join(error.codes)
            ) from None
