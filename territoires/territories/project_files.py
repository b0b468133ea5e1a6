"""Parser of project-territory files (CSV or YAML). No Django here.

CSV: one member per line, a header naming `projet` (the project's name) and `code`,
optionally `type` and `description`; lines sharing a name make one project. YAML: a
mapping, or a list of them, with `nom`, `membres` (a list of codes), optional `type` and
`description`. Codes are read as text, so 06012 stays 06012 (not the octal number 3082).
"""

import csv
import io
from dataclasses import dataclass, field

import yaml

PROJECT_TYPES = {"petr", "pnr", "pays", "autre"}


class ProjectFileError(ValueError):
    pass


@dataclass
class ProjectDefinition:
    name: str
    subkind: str = "autre"
    description: str = ""
    member_codes: list[str] = field(default_factory=list)


def parse_project_file(filename: str, content: bytes) -> list[ProjectDefinition]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProjectFileError("Le fichier n'est pas encodé en UTF-8.") from None
    lowered = filename.lower()
    if lowered.endswith((".yaml", ".yml")):
        return parse_yaml(text)
    if lowered.endswith(".csv") or lowered.endswith(".txt"):
        return parse_csv(text)
    raise ProjectFileError("Format non reconnu : fournissez un fichier .csv, .yaml ou .yml.")


def parse_csv(text: str) -> list[ProjectDefinition]:
    """Columns: `code` (required), `projet` (the project's name), `type`, `description`."""
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    headers = [name.strip().lower() for name in reader.fieldnames or []]
    if "code" not in headers:
        raise ProjectFileError("La première ligne doit nommer les colonnes, dont « code ».")
    reader.fieldnames = headers
    projects: dict[str, ProjectDefinition] = {}
    errors = []
    for row in reader:
        line = reader.line_num
        code = (row.get("code") or "").strip()
        name = (row.get("projet") or row.get("nom") or "").strip()
        if not code:
            errors.append(f"ligne {line} : code manquant")
            continue
        if not name:
            errors.append(f"ligne {line} : nom du projet manquant (colonne « projet »)")
            continue
        project = projects.setdefault(name, ProjectDefinition(name=name))
        kind = (row.get("type") or "").strip().lower()
        if kind:
            if kind not in PROJECT_TYPES:
                errors.append(
                    f"ligne {line} : type « {kind} » inconnu ({', '.join(sorted(PROJECT_TYPES))})"
                )
                continue
            project.subkind = kind
        if row.get("description"):
            project.description = row["description"].strip()
        project.member_codes.append(code)
    if errors:
        raise ProjectFileError("Lignes invalides : " + " ; ".join(errors))
    if not projects:
        raise ProjectFileError("Le fichier ne contient aucune ligne.")
    return list(projects.values())


# A code is an INSEE code (5 characters) or a SIREN (9 digits): anything longer is refused.
MAX_CODE_LENGTH = 20


def _without_aliases(text: str) -> None:
    """YAML aliases repeat what they point at: a few hundred bytes could stand for
    gigabytes of codes. A list of projects needs none."""
    for event in yaml.parse(text, Loader=yaml.BaseLoader):
        if isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            raise ProjectFileError(
                f"YAML : les alias (*) ne sont pas acceptés (ligne {mark.line + 1})."
            )


def parse_yaml(text: str) -> list[ProjectDefinition]:
    try:
        _without_aliases(text)
        data = yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (ligne {mark.line + 1})" if mark else ""
        raise ProjectFileError(f"YAML illisible{where}.") from None
    entries = data if isinstance(data, list) else [data]
    projects = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ProjectFileError(
                f"Projet n°{index} : une table avec « nom » et « membres » est attendue."
            )
        name = str(entry.get("nom") or "").strip()
        members = entry.get("membres")
        if not name:
            raise ProjectFileError(f"Projet n°{index} : « nom » manquant.")
        if (
            not isinstance(members, list)
            or not members
            or not all(isinstance(code, str) and len(code) <= MAX_CODE_LENGTH for code in members)
        ):
            raise ProjectFileError(f"Projet « {name} » : « membres » doit être une liste de codes.")
        kind = str(entry.get("type") or "autre").strip().lower()
        if kind not in PROJECT_TYPES:
            raise ProjectFileError(f"Projet « {name} » : type « {kind} » inconnu.")
        projects.append(
            ProjectDefinition(
                name=name,
                subkind=kind,
                description=str(entry.get("description") or "").strip(),
                member_codes=[str(code).strip() for code in members],
            )
        )
    return projects
