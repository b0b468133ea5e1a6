"""Reading a problem from JSON or from a CSV of participants, refusing bad input in French."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

from territoires.workshops.rotation.instance import check_problem
from territoires.workshops.rotation.model import (
    DEFAULT_WEIGHTS,
    Participant,
    Problem,
    RotationError,
    Table,
)

CSV_COLUMNS = ("id", "name", "category", "host_of", "organisation", "absent_rounds")


def _identifier(value: object, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise RotationError(f"{what} : identifiant manquant ou invalide.")
    return str(value).strip()


def _positive_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RotationError(f"{what} doit être un entier positif.")
    return value


def _id_lists(data: Mapping, key: str, exact_two: bool) -> list[tuple[str, ...]]:
    groups = data.get(key) or []
    if not isinstance(groups, list):
        raise RotationError(f"Le champ « {key} » doit être une liste de paires d'identifiants.")
    result = []
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, list) or len(group) < 2 or (exact_two and len(group) != 2):
            size = "deux" if exact_two else "au moins deux"
            raise RotationError(f"« {key} » n°{number} : il faut {size} identifiants.")
        result.append(tuple(_identifier(m, f"« {key} » n°{number}") for m in group))
    return result


def _absent_rounds(value: object, what: str) -> frozenset[int]:
    if value in (None, ""):
        return frozenset()
    if isinstance(value, str):
        try:
            value = [int(v) for v in value.replace(",", " ").replace(";", " ").split()]
        except ValueError:
            raise RotationError(f"{what} : tours d'absence illisibles « {value} ».") from None
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise RotationError(f"{what} : « absent_rounds » doit être une liste de numéros de tour.")
    return frozenset(value)


def _participant(raw: object, number: int) -> Participant:
    what = f"Participant n°{number}"
    if not isinstance(raw, dict):
        raise RotationError(f"{what} : un objet JSON est attendu.")
    host = raw.get("host_of")
    if isinstance(host, list):
        hosts = sorted({_identifier(h, what) for h in host})
        if len(hosts) > 1:
            person = raw.get("id", number)
            raise RotationError(
                f"Le participant « {person} » ne peut pas animer deux tables "
                f"({' et '.join(hosts)})."
            )
        host = hosts[0] if hosts else None
    category = raw.get("category", "")
    organisation = raw.get("organisation")
    return Participant(
        id=_identifier(raw.get("id"), what),
        category="" if category is None else str(category),
        organisation=str(organisation) if organisation not in (None, "") else None,
        host_of=_identifier(host, what) if host not in (None, "") else None,
        absent_rounds=_absent_rounds(raw.get("absent_rounds"), what),
        name=raw.get("name"),
    )


def problem_from_dict(data: object) -> Problem:
    """Build a Problem from the JSON structure, refusing malformed data in French."""
    if not isinstance(data, dict):
        raise RotationError("Le fichier doit contenir un objet JSON (entre accolades).")
    rounds = _positive_int(data.get("rounds"), "Le champ « rounds » (nombre de tours)")
    raw_tables = data.get("tables")
    if not isinstance(raw_tables, list) or not raw_tables:
        raise RotationError("Le champ « tables » doit être une liste non vide.")
    tables = []
    for number, raw in enumerate(raw_tables, start=1):
        if not isinstance(raw, dict):
            raise RotationError(f"Table n°{number} : un objet JSON est attendu.")
        tables.append(
            Table(
                id=_identifier(raw.get("id"), f"Table n°{number}"),
                capacity=_positive_int(raw.get("capacity"), f"Table n°{number} : « capacity »"),
            )
        )
    raw_people = data.get("participants")
    if not isinstance(raw_people, list) or not raw_people:
        raise RotationError("Le champ « participants » doit être une liste non vide.")
    participants = [_participant(raw, n) for n, raw in enumerate(raw_people, start=1)]
    weights = data.get("weights") or {}
    if not isinstance(weights, dict):
        raise RotationError("Le champ « weights » doit être un objet.")
    problem = Problem(
        rounds=rounds,
        tables=tables,
        participants=participants,
        together=_id_lists(data, "together", exact_two=False),
        apart=[(a, b) for a, b in _id_lists(data, "apart", exact_two=True)],
        history=[(a, b) for a, b in _id_lists(data, "history", exact_two=True)],
        weights=_weights(weights),
    )
    check_problem(problem)
    return problem


def _weights(given: Mapping[str, object]) -> dict[str, float]:
    weights = dict(DEFAULT_WEIGHTS)
    for key, value in given.items():
        if key not in DEFAULT_WEIGHTS:
            raise RotationError(
                f"Poids inconnu « {key} » (attendus : {', '.join(DEFAULT_WEIGHTS)})."
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise RotationError(f"Le poids « {key} » doit être un nombre positif ou nul.")
        if not math.isfinite(value):
            raise RotationError(f"Le poids « {key} » doit être un nombre fini.")
        weights[key] = value
    return weights


def parse_tables(spec: str) -> list[Table]:
    """``7x5`` (seven tables of five, named T1..T7) or ``A:4,B:6`` (named tables)."""
    spec = spec.strip()
    try:
        if "x" in spec.lower() and ":" not in spec:
            count, capacity = (int(v) for v in spec.lower().split("x"))
            if count < 1 or capacity < 1:
                raise ValueError
            return [Table(f"T{i}", capacity) for i in range(1, count + 1)]
        tables = []
        for item in spec.split(","):
            name, capacity = item.rsplit(":", 1)
            if not name.strip() or int(capacity) < 1:
                raise ValueError
            tables.append(Table(name.strip(), int(capacity)))
        return tables
    except ValueError:
        raise RotationError(
            f"Description des tables illisible « {spec} » : écrire par exemple 7x5 "
            "(sept tables de cinq) ou T1:4,T2:6."
        ) from None


def problem_from_csv(text: str, rounds: int, tables: Sequence[Table]) -> Problem:
    """Participants from a spreadsheet: ``id, name, category, host_of`` a line.

    A header line naming the columns is optional; with it, the columns may come in any order
    and ``organisation`` and ``absent_rounds`` (``3;4``) may be added. Commas, semicolons and
    tabs are all accepted as separators, as spreadsheets export them.
    """
    # The separator is the one the first line uses most: spreadsheets in French export ";".
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first_line.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    columns = list(CSV_COLUMNS[:4])
    start = 0
    if rows and rows[0] and rows[0][0].strip().lower() == "id":
        columns = [c.strip().lower() for c in rows[0]]
        unknown = [c for c in columns if c not in CSV_COLUMNS]
        if unknown:
            raise RotationError(
                f"Ligne 1 du CSV : colonne inconnue « {unknown[0]} » "
                f"(colonnes possibles : {', '.join(CSV_COLUMNS)})."
            )
        start = 1
    participants = []
    for line_number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns):
            raise RotationError(
                f"Ligne {line_number} du CSV : {len(row)} colonnes, "
                f"{len(columns)} au plus sont attendues ({', '.join(columns)})."
            )
        cells = dict(zip(columns, (cell.strip() for cell in row), strict=False))
        if not cells.get("id"):
            raise RotationError(f"Ligne {line_number} du CSV : identifiant manquant.")
        participants.append(
            Participant(
                id=cells["id"],
                name=cells.get("name") or None,
                category=cells.get("category", ""),
                host_of=cells.get("host_of") or None,
                organisation=cells.get("organisation") or None,
                absent_rounds=_absent_rounds(
                    cells.get("absent_rounds"), f"Ligne {line_number} du CSV"
                ),
            )
        )
    if not participants:
        raise RotationError("Le fichier CSV ne contient aucun participant.")
    problem = Problem(rounds=rounds, tables=list(tables), participants=participants)
    check_problem(problem)
    return problem


def load_problem(path: Path, rounds: int | None = None, tables: str | None = None) -> Problem:
    """Read INPUT.json, or a CSV of participants with ``rounds`` and ``tables`` given apart."""
    try:
        raw = path.read_bytes()
    except OSError:
        raise RotationError(f"Fichier introuvable ou illisible : {path}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RotationError(
            f"Le fichier {path.name} n'est pas en UTF-8 : l'enregistrer en « CSV UTF-8 »."
        ) from None
    if path.suffix.lower() == ".csv":
        if rounds is None or tables is None:
            raise RotationError(
                "Pour un fichier CSV, préciser le nombre de tours et les tables, par exemple "
                "--rounds 4 --tables 7x5."
            )
        if rounds < 1:
            raise RotationError("Le nombre de tours (--rounds) doit être un entier positif.")
        return problem_from_csv(text, rounds, parse_tables(tables))
    if rounds is not None or tables is not None:
        raise RotationError("Les options --rounds et --tables ne servent qu'avec un fichier CSV.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise RotationError(
            f"JSON mal formé dans {path.name}, ligne {error.lineno}, colonne {error.colno}."
        ) from None
    return problem_from_dict(data)
