"""Organisations, people and relations as CSV files: read them, check them, write them.

No Django here (the import service applies what this module parsed, inside a transaction).
A file is read whole and either every line is good, and all rows come back, or the faulty
lines come back with their number as a spreadsheet shows it (the header is line 1; a line
holding a quoted line break counts its physical lines, as a text editor would), the column
and the reason. Files are what spreadsheets write: UTF-8 with or without a BOM, else
Windows-1252 (Excel's « CSV (séparateur : point-virgule) » in France), separated by `;` or
`,` (whichever the header line holds more of), French headers in any case, with or without
accents. Blank lines are skipped.

Organisations and relations name each other by name (an organisation's name is its
reference in these files): a person's organisation and a relation's two ends must be among
the names the caller knows (the territory's organisations) or the organisations of the same
import (`parse_import`). Names match without regard to case, accents or repeated spaces
(`name_key`), and come back spelt as the organisation's own line or the caller spells them.

Problems carry a code and parameters, with French wording in `FRENCH` (the interface speaks
French first; a pure module cannot mark strings for gettext, see network.py): the Django
side may phrase codes itself for other languages.

Written files use the same format: UTF-8 with a BOM (so that Excel recognises it), `;`,
dates as JJ/MM/AAAA, oui/non; text cells that a spreadsheet would run as a formula get a
leading quote (`core.spreadsheets`), which reading takes off again.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Generic, TypeVar

from territoires.actors import identifiers
from territoires.core.spreadsheets import FORMULA_TRIGGERS, LIST_SEPARATOR, neutralise_formula

# --- Rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationRow:
    name: str
    category: str = ""  # a category key
    kind: str = ""  # an OrganisationKind code
    siren: str = ""
    siret: str = ""
    website: str = ""
    description: str = ""
    territories: tuple[str, ...] = ()  # INSEE codes or SIREN (EPCI)
    source: str = ""
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class PersonRow:
    name: str
    organisation: str
    role: str
    team_role: str = ""  # a TeamRole code
    email: str = ""
    phone: str = ""
    name_public: bool = False
    role_public: bool = True
    email_public: bool = False
    phone_public: bool = False
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class RelationRow:
    source: str  # organisation names
    kind: str  # a RelationKind code
    target: str
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None
    information_source: str = ""
    line: int = field(default=0, compare=False)


# --- Problems --------------------------------------------------------------------------

FRENCH = {
    "empty": "Le fichier est vide.",
    "encoding": (
        "Le fichier n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le au format « CSV UTF-8 »."
    ),
    "unknown_column": "Colonne « %(column)s » inconnue ; colonnes possibles : %(expected)s.",
    "missing_column": "Colonne obligatoire « %(column)s » absente.",
    "duplicate_column": "Colonne « %(column)s » présente deux fois.",
    "too_many_cells": "La ligne compte %(count)s cellules, l'en-tête %(expected)s.",
    "required": "Valeur obligatoire manquante.",
    "too_long": "Texte trop long : %(length)s caractères, %(max)s au plus.",
    "siren_length": "Un SIREN compte 9 chiffres.",
    "siren_checksum": "Ce SIREN n'est pas valide (sa clé de contrôle ne correspond pas).",
    "siret_length": "Un SIRET compte 14 chiffres.",
    "siret_checksum": "Ce SIRET n'est pas valide (sa clé de contrôle ne correspond pas).",
    "siret_siren": "Un SIRET commence par le SIREN de l'organisation.",
    "website": "« %(value)s » n'est pas une adresse de site (http:// ou https://…).",
    "territory_code": "« %(value)s » n'est pas un code INSEE ni un SIREN de territoire.",
    "unknown_territory": "Territoire « %(value)s » inconnu.",
    "unknown_value": "« %(value)s » inconnu ; valeurs possibles : %(expected)s.",
    "email": "« %(value)s » n'est pas une adresse de courriel.",
    "yes_no": "« %(value)s » : répondez oui ou non.",
    "date": "Date « %(value)s » illisible : écrivez JJ/MM/AAAA.",
    "dates_order": "La fin (%(end)s) précède le début (%(start)s).",
    "unknown_organisation": (
        "Organisation « %(value)s » introuvable : ni dans l'import ni déjà enregistrée."
    ),
    "same_organisation": "Une relation relie deux organisations différentes.",
    "duplicate_name": "Organisation « %(value)s » déjà présente ligne %(other)s.",
    "duplicate_row": "Ligne identique à la ligne %(other)s.",
}


@dataclass(frozen=True)
class Problem:
    line: int  # as a spreadsheet numbers it, the header being 1
    column: str  # the header as the file spells it, "" for the whole line or file
    code: str
    params: Mapping[str, object] = field(default_factory=dict)
    file: str = ""  # which file of an import (`parse_import`)

    @property
    def french(self) -> str:
        return FRENCH[self.code] % self.params


Row = TypeVar("Row")


@dataclass
class Parsed(Generic[Row]):  # noqa: UP046 (Python 3.11)
    rows: list[Row]  # every row, or none when there are problems
    problems: list[Problem]
    encoding: str = ""
    delimiter: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


class _LineProblem(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


# --- Text ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65_536)
def name_key(name: str) -> str:
    """How names are compared: no accents, no case, single spaces, typographic apostrophes
    as plain ones. Cached: an import compares each organisation's name once per line that
    names it."""
    if name.isascii():  # nothing to decompose
        return " ".join(name.casefold().split())
    text = unicodedata.normalize("NFKD", name.replace("’", "'"))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().split())


def _header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", name_key(header).replace("*", "")).strip()


def _vocabulary_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name_key(text))


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (BOM or not), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _LineProblem("encoding")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise _LineProblem("encoding") from None


def sniff_delimiter(text: str) -> str:
    """`;` or `,`, whichever the header line holds more of (`;` when neither)."""
    header = text.split("\n", 1)[0]
    return "," if header.count(",") > header.count(";") else ";"


def _unneutralise(text: str) -> str:
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def _cell(value) -> str:
    """A cell to write: formulas neutralised, and a quote already leading a formula-like
    text doubled, so that reading gives the text back exactly."""
    text = "" if value is None else str(value)
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_TRIGGERS):
        return "'" + text
    return neutralise_formula(text)


# --- Values ----------------------------------------------------------------------------

YES = {"oui", "o", "vrai", "1", "x", "yes", "y", "true"}
NO = {"non", "n", "faux", "0", "no", "false"}
DATE_PATTERNS = (
    re.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
)
WEBSITE = re.compile(r"https?://[^\s/]+\.[^\s/]+(/\S*)?", re.IGNORECASE)
# « www.exemple.fr » as people type it: read as https://www.exemple.fr.
BARE_WEBSITE = re.compile(r"[\w-]+(\.[\w-]+)*\.[a-z]{2,}(/\S*)?", re.IGNORECASE)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
# Région (2 digits), département (2 or 3, Corsica 2A/2B), commune (5), EPCI (SIREN, 9).
TERRITORY_CODE = re.compile(r"\d{2,3}|2[AB]|(?:\d{2}|2[AB])\d{3}|\d{9}")


def parse_yes_no(text: str, default: bool) -> bool:
    if not text:
        return default
    key = name_key(text)
    if key in YES:
        return True
    if key in NO:
        return False
    raise _LineProblem("yes_no", value=text)


def parse_date(text: str) -> datetime.date | None:
    if not text:
        return None
    for pattern in DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise _LineProblem("date", value=text)


def format_date(value: datetime.date | None) -> str:
    # Four digits for the year whatever it is (strftime writes « 1 » for year 1).
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}" if value else ""


class Vocabulary:
    """Codes and their labels; a cell may hold either, in any case, with or without accents
    or the inclusive point (« élu·e », « élue », « élu » and « elu » are all `elu`; « agente »
    is `agent`, the first word of its label)."""

    def __init__(self, labels: Mapping[str, str]):
        self.labels = dict(labels)
        self._lookup = {}
        for code, label in self.labels.items():
            first_word = (label.split() or [""])[0]
            variants = {code, label, label.replace("·", ""), label.split("·")[0]}
            variants |= {first_word.replace("·", ""), first_word.split("·")[0]}
            for variant in variants:
                self._lookup.setdefault(_vocabulary_key(variant), code)

    def code(self, text: str) -> str:
        if not text:
            return ""
        found = self._lookup.get(_vocabulary_key(text))
        if found is None:
            raise _LineProblem(
                "unknown_value", value=text, expected=", ".join(self.labels.values())
            )
        return found


# --- Columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    attribute: str
    header: str  # as written
    aliases: tuple[str, ...] = ()
    required: bool = False
    max_length: int = 0


ORGANISATION_COLUMNS = (
    Column("name", "nom", ("nom de l'organisation", "organisation", "raison sociale"), True, 200),
    Column("category", "catégorie", ("categorie d'acteurs",)),
    Column("kind", "type", ("type d'organisation",)),
    Column("siren", "siren"),
    Column("siret", "siret"),
    Column("website", "site web", ("site", "site internet", "url"), max_length=200),
    Column("description", "description", ("en quelques mots",), max_length=255),
    Column("territories", "territoires", ("territoire", "codes territoires", "code insee")),
    Column("source", "source", ("source de l'information",), max_length=255),
)
PERSON_COLUMNS = (
    Column("name", "nom", ("nom de la personne", "prenom et nom", "personne"), True, 120),
    Column("organisation", "organisation", ("structure",), True, 200),
    Column("role", "fonction", ("role", "poste"), True, 200),
    Column("team_role", "rôle d'équipe", ("role dans l'equipe", "4 fantastiques")),
    Column("email", "courriel", ("email", "e-mail", "mail", "adresse electronique"), False, 254),
    Column("phone", "téléphone", ("tel",), max_length=30),
    Column("name_public", "nom public", ("accepte d'etre nommee", "nommer")),
    Column("role_public", "fonction affichée", ("fonction publique", "role public")),
    Column("email_public", "courriel public", ("email public",)),
    Column("phone_public", "téléphone public", ("tel public",)),
)
RELATION_COLUMNS = (
    Column("source", "source", ("organisation", "de"), True, 200),
    Column("kind", "relation", ("type de relation", "lien"), True),
    Column("target", "cible", ("avec", "vers"), True, 200),
    Column("started_on", "début", ("depuis", "depuis le", "date de debut")),
    Column("ended_on", "fin", ("jusqu'au", "date de fin")),
    Column(
        "information_source", "source de l'information", ("d'ou vient l'information",), True, 255
    ),
)


def _fail(problems, written, label, line, attribute, code, **params):
    """Report a problem of `line` on the column holding `attribute`."""
    problems.append(Problem(line, written.get(attribute, attribute), code, params, label))


def _read(data: bytes, columns: tuple[Column, ...], convert: Callable, label: str = ""):
    """Decode, split, map headers, then `convert(cells, line)` each line: a row, or
    _LineProblem(s). Returns Parsed; rows only if nothing is wrong."""
    problems: list[Problem] = []
    try:
        text, encoding = decode(data)
    except _LineProblem as problem:
        return Parsed([], [Problem(1, "", problem.code, problem.params, label)])
    if not text.strip():
        return Parsed([], [Problem(1, "", "empty", {}, label)], encoding)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader)

    by_key = {}
    for column in columns:
        for name in (column.header, column.attribute, *column.aliases):
            by_key.setdefault(_header_key(name), column)
    positions: dict[str, int] = {}  # attribute -> index
    written: dict[str, str] = {}  # attribute -> header as the file spells it
    for index, raw in enumerate(header):
        spelt = raw.strip().lstrip("\ufeff")
        if not spelt:
            continue
        column = by_key.get(_header_key(spelt))
        if column is None:
            expected = ", ".join(c.header for c in columns)
            problems.append(
                Problem(1, spelt, "unknown_column", {"column": spelt, "expected": expected}, label)
            )
        elif column.attribute in positions:
            problems.append(Problem(1, spelt, "duplicate_column", {"column": column.header}, label))
        else:
            positions[column.attribute] = index
            written[column.attribute] = spelt
    for column in columns:
        if column.required and column.attribute not in positions:
            problems.append(
                Problem(1, column.header, "missing_column", {"column": column.header}, label)
            )
    if problems:
        return Parsed([], problems, encoding, delimiter)

    width = len(header)
    rows = []
    previous_end = reader.line_num
    for cells in reader:
        line, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > width and any(cell.strip() for cell in cells[width:]):
            problems.append(
                Problem(line, "", "too_many_cells", {"count": len(cells), "expected": width}, label)
            )
            continue
        values, line_problems = {}, []
        for column in columns:
            index = positions.get(column.attribute)
            value = cells[index].strip() if index is not None and index < len(cells) else ""
            value = _unneutralise(value)
            where = written.get(column.attribute, column.header)
            if column.required and not value:
                line_problems.append(Problem(line, where, "required", {}, label))
            elif column.max_length and len(value) > column.max_length:
                line_problems.append(
                    Problem(
                        line,
                        where,
                        "too_long",
                        {"length": len(value), "max": column.max_length},
                        label,
                    )
                )
            values[column.attribute] = value
        if line_problems:
            problems += line_problems
            continue

        fail = functools.partial(_fail, problems, written, label, line)
        row = convert(values, line, fail)
        if row is not None:
            rows.append(row)
    return Parsed([] if problems else rows, problems, encoding, delimiter)


_FAILED = object()


def _checked(values, attribute, fail, parse, *args):
    try:
        return parse(values[attribute], *args)
    except _LineProblem as problem:
        fail(attribute, problem.code, **problem.params)
        return _FAILED


# --- Organisations ---------------------------------------------------------------------


def parse_organisations(
    data: bytes,
    *,
    categories: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    territories: Collection[str] | None = None,
    label: str = "",
) -> Parsed[OrganisationRow]:
    """`categories` and `kinds`: codes to labels, the accepted values (any text when None);
    `territories`: the known territory codes (any well-formed code when None)."""
    category_vocabulary = Vocabulary(categories) if categories is not None else None
    kind_vocabulary = Vocabulary(kinds) if kinds is not None else None
    known_territories = set(territories) if territories is not None else None
    seen: dict[str, int] = {}

    def convert(values, line, fail):
        failed = False
        result = dict(values)
        for attribute, vocabulary in (("category", category_vocabulary), ("kind", kind_vocabulary)):
            if vocabulary is not None:
                code = _checked(values, attribute, fail, vocabulary.code)
                failed |= code is _FAILED
                result[attribute] = code
        siren, siret = identifiers.compact(values["siren"]), identifiers.compact(values["siret"])
        result["siren"], result["siret"] = siren, siret
        if siren and (problem := identifiers.siren_problem(siren)):
            fail("siren", f"siren_{problem}")
            failed = True
        if siret and (problem := identifiers.siret_problem(siret)):
            fail("siret", "siret_length" if problem == "length" else "siret_checksum")
            failed = True
        elif siren and siret and not siret.startswith(siren):
            fail("siret", "siret_siren")
            failed = True
        website = values["website"]
        if website and BARE_WEBSITE.fullmatch(website):
            website = result["website"] = "https://" + website
        if website and not WEBSITE.fullmatch(website):
            fail("website", "website", value=website)
            failed = True
        codes = tuple(c.strip().upper() for c in values["territories"].split(LIST_SEPARATOR))
        codes = tuple(dict.fromkeys(c for c in codes if c))
        for code in codes:
            if known_territories is not None and code not in known_territories:
                fail("territories", "unknown_territory", value=code)
                failed = True
            elif known_territories is None and not TERRITORY_CODE.fullmatch(code):
                fail("territories", "territory_code", value=code)
                failed = True
        result["territories"] = codes
        key = name_key(values["name"])
        if key in seen:
            fail("name", "duplicate_name", value=values["name"], other=seen[key])
            failed = True
        else:
            seen[key] = line
        return None if failed else OrganisationRow(**result, line=line)

    return _read(data, ORGANISATION_COLUMNS, convert, label)


# --- People ----------------------------------------------------------------------------


class Names:
    """Organisation names known to an import: key -> spelling."""

    def __init__(self, *groups: Iterable[str]):
        self.spelling: dict[str, str] = {}
        for group in groups:
            for name in group:
                self.spelling.setdefault(name_key(name), name)

    def resolve(self, text: str) -> str:
        try:
            return self.spelling[name_key(text)]
        except KeyError:
            raise _LineProblem("unknown_organisation", value=text) from None


def parse_people(
    data: bytes,
    *,
    organisations: Iterable[str] | Names = (),
    team_roles: Mapping[str, str] | None = None,
    label: str = "",
) -> Parsed[PersonRow]:
    """`organisations`: the names a person's organisation may take; `team_roles`: codes to
    labels of the team roles (TeamRole), any text when None."""
    names = organisations if isinstance(organisations, Names) else Names(organisations)
    roles = Vocabulary(team_roles) if team_roles is not None else None
    defaults = {f.name: f.default for f in fields(PersonRow)}

    def convert(values, line, fail):
        result = dict(values)
        result["organisation"] = _checked(values, "organisation", fail, names.resolve)
        if roles is not None:
            result["team_role"] = _checked(values, "team_role", fail, roles.code)
        email = values["email"]
        if email and not EMAIL.fullmatch(email):
            fail("email", "email", value=email)
            result["email"] = _FAILED
        for attribute in ("name_public", "role_public", "email_public", "phone_public"):
            result[attribute] = _checked(values, attribute, fail, parse_yes_no, defaults[attribute])
        if any(value is _FAILED for value in result.values()):
            return None
        return PersonRow(**result, line=line)

    return _read(data, PERSON_COLUMNS, convert, label)


# --- Relations -------------------------------------------------------------------------


def parse_relations(
    data: bytes,
    *,
    organisations: Iterable[str] | Names = (),
    kinds: Mapping[str, str] | None = None,
    label: str = "",
) -> Parsed[RelationRow]:
    """`organisations`: the names either end may take; `kinds`: codes to labels of the
    relation kinds (RelationKind), any text when None."""
    names = organisations if isinstance(organisations, Names) else Names(organisations)
    vocabulary = Vocabulary(kinds) if kinds is not None else None
    seen: dict[tuple, int] = {}

    def convert(values, line, fail):
        result = dict(values)
        result["source"] = _checked(values, "source", fail, names.resolve)
        result["target"] = _checked(values, "target", fail, names.resolve)
        if vocabulary is not None:
            result["kind"] = _checked(values, "kind", fail, vocabulary.code)
        result["started_on"] = _checked(values, "started_on", fail, parse_date)
        result["ended_on"] = _checked(values, "ended_on", fail, parse_date)
        if any(value is _FAILED for value in result.values()):
            return None
        if name_key(result["source"]) == name_key(result["target"]):
            fail("target", "same_organisation")
            return None
        start, end = result["started_on"], result["ended_on"]
        if start and end and end < start:
            fail("ended_on", "dates_order", start=format_date(start), end=format_date(end))
            return None
        identity = (
            name_key(result["source"]),
            result["kind"],
            name_key(result["target"]),
            start,
            end,
        )
        if identity in seen:
            fail("", "duplicate_row", other=seen[identity])
            return None
        seen[identity] = line
        return RelationRow(**result, line=line)

    return _read(data, RELATION_COLUMNS, convert, label)


# --- An import of the three files ------------------------------------------------------


@dataclass
class Import:
    organisations: list[OrganisationRow]
    people: list[PersonRow]
    relations: list[RelationRow]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_import(
    *,
    organisations: bytes | None = None,
    people: bytes | None = None,
    relations: bytes | None = None,
    known_organisations: Iterable[str] = (),
    categories: Mapping[str, str] | None = None,
    organisation_kinds: Mapping[str, str] | None = None,
    territories: Collection[str] | None = None,
    team_roles: Mapping[str, str] | None = None,
    relation_kinds: Mapping[str, str] | None = None,
) -> Import:
    """Any of the three files, all or nothing: every row of every file, or every problem
    (each tagged with its file: `organisations`, `personnes`, `relations`). People and
    relations may name the organisations of the organisations file."""
    problems: list[Problem] = []
    parsed_organisations = Parsed([], [])
    if organisations is not None:
        parsed_organisations = parse_organisations(
            organisations,
            categories=categories,
            kinds=organisation_kinds,
            territories=territories,
            label="organisations",
        )
        problems += parsed_organisations.problems
    imported_names = []
    if organisations is not None and not parsed_organisations.ok:
        # Names of lines that failed for another reason still count as known, so that a
        # typo in a SIRET does not also flag every person of that organisation.
        imported_names = _names_in(organisations)
    names = Names(
        [row.name for row in parsed_organisations.rows], imported_names, known_organisations
    )
    parsed_people = (
        parse_people(people, organisations=names, team_roles=team_roles, label="personnes")
        if people is not None
        else Parsed([], [])
    )
    parsed_relations = (
        parse_relations(relations, organisations=names, kinds=relation_kinds, label="relations")
        if relations is not None
        else (Parsed([], []))
    )
    problems += parsed_people.problems + parsed_relations.problems
    if problems:
        return Import([], [], [], problems)
    return Import(parsed_organisations.rows, parsed_people.rows, parsed_relations.rows, [])


def _names_in(data: bytes) -> list[str]:
    found = []

    def convert(values, line, fail):
        found.append(values["name"])

    _read(data, ORGANISATION_COLUMNS, convert)
    return found


# --- Writing ---------------------------------------------------------------------------


def _write(columns: tuple[Column, ...], rows: Iterable[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in columns])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


def write_organisations(rows: Iterable[OrganisationRow]) -> bytes:
    return _write(
        ORGANISATION_COLUMNS,
        (
            [
                r.name,
                r.category,
                r.kind,
                r.siren,
                r.siret,
                r.website,
                r.description,
                LIST_SEPARATOR.join(r.territories),
                r.source,
            ]
            for r in rows
        ),
    )


def write_people(rows: Iterable[PersonRow]) -> bytes:
    return _write(
        PERSON_COLUMNS,
        (
            [
                r.name,
                r.organisation,
                r.role,
                r.team_role,
                r.email,
                r.phone,
                _yes_no(r.name_public),
                _yes_no(r.role_public),
                _yes_no(r.email_public),
                _yes_no(r.phone_public),
            ]
            for r in rows
        ),
    )


def write_relations(rows: Iterable[RelationRow]) -> bytes:
    return _write(
        RELATION_COLUMNS,
        (
            [
                r.source,
                r.kind,
                r.target,
                format_date(r.started_on),
                format_date(r.ended_on),
                r.information_source,
            ]
            for r in rows
        ),
    )
