"""The demo content says only what its documents say (territoires/initiatives/demo/README.md).

Every item of demo/content.yaml is read against the seed document it cites: its quotations
(the verbatims, and every « … » of the other fields), its dates, years and numbers must be
in that document; a status other than unknown must quote the document's sentence that states
it; a territory the document does not name must say why it was chosen.

The seed documents are the steering repository's shared data (`../shared/seeds/` beside this
repository), not this repository's: their README allows their facts to be used with the
document as source but not their sentences to be copied into the product, and the texts
carry no licence that would let us redistribute them. So they are not vendored: these tests
find them (TERRITOIRES_SEEDS_DIR, or a `shared/seeds` folder beside this checkout or one of
its parents). Where they cannot, as in a checkout alone on a build machine, they are skipped,
saying where they looked; with TERRITOIRES_REQUIRE_SEEDS=1 they fail instead, so that a
machine meant to check the demo content cannot pass without it.
"""

import functools
import os
import re
import unicodedata
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from territoires.initiatives.demo import CONTENT
from territoires.initiatives.enums import InitiativeStatus
from territoires.territories import cog

SEEDS_VARIABLE = "TERRITOIRES_SEEDS_DIR"
REQUIRE_VARIABLE = "TERRITOIRES_REQUIRE_SEEDS"
EDITOR_READING = "lecture de l’éditeur"


# --- Finding and reading the documents ---------------------------------------------------


@functools.cache
def _content() -> dict:
    return yaml.safe_load(CONTENT.read_text(encoding="utf-8"))


def _candidate_folders() -> list[Path]:
    folders = []
    if os.environ.get(SEEDS_VARIABLE):
        folders.append(Path(os.environ[SEEDS_VARIABLE]))
    folders += [parent / "shared" / "seeds" for parent in Path(__file__).resolve().parents]
    return folders


def _report(problems: list[str], what: str) -> str:
    return f"{len(problems)} {what}:\n  " + "\n  ".join(problems)


def _seeds_folder() -> Path:
    """The folder that holds every document `sources` names; the test is skipped without
    it (fails when TERRITOIRES_REQUIRE_SEEDS=1)."""
    files = [source["file"] for source in _content()["sources"].values()]
    candidates = _candidate_folders()
    for folder in candidates:
        if all((folder / name).is_file() for name in files):
            return folder
    message = (
        "Seed documents not found: the demo content cannot be checked against its sources. "
        f"Looked for {', '.join(files)} in: {', '.join(str(c) for c in candidates)}. "
        f"Set {SEEDS_VARIABLE} to the steering repository's shared/seeds folder."
    )
    if os.environ.get(REQUIRE_VARIABLE) == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


QUOTES = str.maketrans({"«": " ", "»": " ", "“": " ", "”": " ", "„": " ", '"': " "})
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "−": "-"})


def normalise(text: str) -> str:
    """Lower case, one apostrophe, one dash, no quotation marks nor Markdown emphasis nor
    escapes, ligatures spelt out, runs of spaces (line breaks, no-break spaces) as one."""
    text = unicodedata.normalize("NFC", str(text)).casefold()
    text = text.replace("œ", "oe").replace("æ", "ae").replace("…", "...")
    text = text.translate(APOSTROPHES).translate(DASHES).translate(QUOTES)
    text = text.replace("*", "").replace("\\", "")
    return " ".join(text.split())


def _words(text: str) -> str:
    """For names: hyphens as spaces too ("Rouen-Normandie" is "Rouen Normandie")."""
    return " ".join(normalise(text).replace("-", " ").split())


@functools.cache
def _seeds() -> dict[str, str]:
    folder = _seeds_folder()
    return {
        str(key): (folder / source["file"]).read_text(encoding="utf-8")
        for key, source in _content()["sources"].items()
    }


@functools.cache
def _seed(key: str) -> "Seed":
    return Seed(_seeds()[str(key)])


# --- What a text states: quotations, numbers, dates ----------------------------------------

OPENING, CLOSING = "«“", "»”"


def quotations(text: str) -> list[str]:
    """Every « … » (or “ … ”) passage, nested ones included."""
    found, opened = [], []
    for index, character in enumerate(text):
        if character in OPENING:
            opened.append(index)
        elif character in CLOSING and opened:
            found.append(text[opened.pop() + 1 : index])
    return found


# On normalised text, where every run of spaces (no-break ones included) is one space.
NUMBER = re.compile(r"(?<![0-9])[0-9]+(?: [0-9]{3}(?![0-9]))*(?:[.,][0-9]+)?")
# Number words, except « un, une » (articles) and « neuf » (also "new").
NUMBER_WORDS = {
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "quinze": 15,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "cent": 100,
    "mille": 1000,
}
NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b")


def numbers(text: str) -> set[Decimal]:
    """The numbers a text states, in digits ("2 000" is 2000, "2,5" is 2.5) or in words."""
    text = normalise(text)
    found = {
        Decimal(re.sub(r"\s", "", match).replace(",", ".")).normalize()
        for match in NUMBER.findall(text)
    }
    return found | {Decimal(NUMBER_WORDS[word]) for word in NUMBER_WORD.findall(text)}


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("janvier",),
            ("février", "fevrier"),
            ("mars",),
            ("avril",),
            ("mai",),
            ("juin",),
            ("juillet",),
            ("août", "aout"),
            ("septembre",),
            ("octobre",),
            ("novembre",),
            ("décembre", "decembre"),
        ],
        start=1,
    )
    for name in names
}
DAY_MONTH = re.compile(
    r"\b(1er|[0-9]{1,2})(?:\s*(?:et|au|-)\s*([0-9]{1,2}))?\s+("
    + "|".join(MONTHS)
    + r")\b(?:\s+([0-9]{4})\b)?"
)
# A date without its year takes the next one in the same clause ("les 7 mars et 6 avril 2017").
YEAR_AHEAD = re.compile(r"[^.;:!?]{0,40}?\b([0-9]{4})\b")


def dates(text: str) -> set[tuple[int, int, int | None]]:
    """(day, month, year or None) of every French date of a text ("22 et 23 octobre 2013")."""
    text = normalise(text)
    found = set()
    for match in DAY_MONTH.finditer(text):
        day, other_day, month, year = match.groups()
        if year is None and (ahead := YEAR_AHEAD.match(text, match.end())):
            year = ahead.group(1)
        for each in filter(None, (day, other_day)):
            found.add(
                (1 if each == "1er" else int(each), MONTHS[month], int(year) if year else None)
            )
    return found


class Seed:
    def __init__(self, text: str):
        self.text = normalise(text)
        self.words = _words(text)
        self.numbers = numbers(text)
        self.dates = dates(text)

    def says(self, passage: str) -> bool:
        return normalise(passage) in self.text

    def names(self, name: str) -> bool:
        return re.search(r"\b" + re.escape(_words(name)) + r"\b", self.words) is not None

    def has_date(self, day: int, month: int, year: int | None) -> bool:
        return (day, month, year) in self.dates or (
            year is None and any((d, m) == (day, month) for d, m, _y in self.dates)
        )


# --- The items and the fields they state ---------------------------------------------------


def items():
    """(label, item, its source key, its text fields, its stated numbers and ISO dates)."""
    content = _content()
    for key, source in content["sources"].items():
        yield f"source {key}", source, str(key), [source["title"]], [], []
    for portrait in content["portraits"]:
        code = portrait["territory"].get("code")
        yield f"portrait {code}", portrait, portrait.get("source"), [portrait["intro"]], [], []
        for milestone in portrait.get("milestones", []):
            yield (
                f"milestone {code} « {milestone['title']} »",
                milestone,
                milestone.get("source"),
                [milestone["title"], milestone.get("text") or ""],
                [milestone.get("year")],
                [],
            )
    for initiative in content["initiatives"]:
        label = f"initiative « {initiative['title']} »"
        fields = [
            initiative["title"],
            initiative["summary"],
            initiative.get("body") or "",
            initiative.get("territory_note") or "",
            initiative.get("programme") or "",
            *(initiative.get("tags") or []),
        ]
        yield (
            label,
            initiative,
            initiative.get("source"),
            fields,
            [initiative.get("start_year"), initiative.get("end_year")],
            [],
        )
        for result in initiative.get("results") or []:
            yield (
                f"{label}, result « {result['text']} »",
                result,
                result.get("source"),
                [result["text"]],
                [result.get("value"), result.get("year")],
                [],
            )
    for verbatim in content["verbatims"]:
        yield (
            f"verbatim « {verbatim['text'][:50]}… »",
            verbatim,
            verbatim.get("source"),
            [verbatim["speaker_role"], verbatim.get("context") or ""],
            [],
            [verbatim.get("date")],
        )


# --- The checks ----------------------------------------------------------------------------


def test_the_seed_documents_are_found():
    folder = _seeds_folder()
    assert (folder / "README.md").is_file(), f"{folder} is not the shared seeds folder"


def test_every_item_cites_a_declared_document():
    sources = {str(key) for key in _content()["sources"]}
    uncited = [label for label, _item, key, *_ in items() if str(key) not in sources]
    assert not uncited, _report(uncited, "items without a declared `source`")


def test_quotations_are_in_the_cited_document():
    wrong = []
    for label, _item, key, fields, _numbers, _dates in items():
        for field in fields:
            wrong += [
                f"{label}: « {passage.strip()} »"
                for passage in quotations(field)
                if not _seed(key).says(passage)
            ]
    assert not wrong, _report(wrong, "quoted passages that the cited document does not hold")


def test_verbatims_are_exact_quotations_of_their_document():
    wrong = [
        verbatim["text"]
        for verbatim in _content()["verbatims"]
        if not _seed(verbatim["source"]).says(verbatim["text"])
    ]
    assert not wrong, _report(wrong, "verbatims that are not exact quotations")


def test_named_speakers_are_named_by_their_document():
    wrong = [
        verbatim["speaker_name"]
        for verbatim in _content()["verbatims"]
        if verbatim.get("speaker_name")
        and not _seed(verbatim["source"]).names(verbatim["speaker_name"])
    ]
    assert not wrong, _report(wrong, "speakers named whom the document does not name")


def test_numbers_and_years_are_in_the_cited_document():
    wrong = []
    for label, _item, key, fields, stated, _dates in items():
        seed = _seed(key)
        found = set().union(*(numbers(field) for field in fields))
        found |= {Decimal(str(value)).normalize() for value in stated if value is not None}
        wrong += [f"{label}: {number:f}" for number in sorted(found) if number not in seed.numbers]
    assert not wrong, _report(wrong, "numbers, years or figures the cited document does not state")


def test_dates_are_in_the_cited_document():
    wrong = []
    for label, _item, key, fields, _numbers, iso_dates in items():
        seed = _seed(key)
        found = set().union(*(dates(field) for field in fields))
        for value in filter(None, iso_dates):
            year, month, day = (int(part) for part in str(value).split("-"))
            found.add((day, month, year))
        wrong += [f"{label}: {date}" for date in sorted(found, key=str) if not seed.has_date(*date)]
    assert not wrong, _report(wrong, "dates (day, month, year) the cited document does not state")


def test_a_status_is_unknown_unless_the_document_states_it():
    wrong = []
    for initiative in _content()["initiatives"]:
        label = initiative["title"]
        status = initiative.get("status") or InitiativeStatus.UNKNOWN
        evidence = initiative.get("status_evidence")
        if status not in InitiativeStatus.values:
            wrong.append(f"{label}: unknown status {status!r}")
        elif status == InitiativeStatus.UNKNOWN:
            if evidence:
                wrong.append(f"{label}: evidence for no status")
        elif not evidence or len(normalise(evidence)) < 20:
            wrong.append(f"{label}: status {status} without `status_evidence`")
        elif not _seed(initiative["source"]).says(evidence):
            wrong.append(f"{label}: `status_evidence` is not in the document")
    assert not wrong, _report(wrong, "statuses that the document does not state")


def test_every_item_has_its_status_evidence_written_as_a_quotation():
    """`status_evidence` is a passage of the document, without enclosing quotation marks."""
    wrong = [
        initiative["title"]
        for initiative in _content()["initiatives"]
        if (evidence := initiative.get("status_evidence"))
        and evidence.strip()[0] in OPENING + CLOSING + '"'
    ]
    assert not wrong, _report(wrong, "evidence written with quotation marks")


def test_programmes_are_named_by_their_document():
    wrong = [
        f"{initiative['title']}: {initiative['programme']}"
        for initiative in _content()["initiatives"]
        if initiative.get("programme")
        and not _seed(initiative["source"]).says(initiative["programme"])
    ]
    assert not wrong, _report(wrong, "programmes the document does not name")


@pytest.fixture(scope="module")
def registry():
    rows = cog.read_registry().rows
    names = {(row.kind, row.code): row.name for row in rows}
    communes = Counter(_words(row.name) for row in rows if row.kind == "commune")
    return names, communes


LEGAL_FORM = re.compile(
    r"^(?:communauté (?:de communes|d'agglomération|urbaine)|métropole)\s+"
    r"(?:du |de la |de l'|des |de |d')?"
)
LEGAL_SUFFIX = re.compile(r"\s+(?:métropole|agglomération)$")


def _bare_name(name: str) -> str:
    """ "Communauté de communes du Frontonnais" → "frontonnais"."""
    name = LEGAL_FORM.sub("", normalise(name))
    return LEGAL_SUFFIX.sub("", name)


def test_territories_are_named_by_the_document_or_explained(registry):
    """An item sits on a territory its document names, and names alone (no other commune of
    that name); any other attachment says why, and says that it is the editor's reading."""
    registry_names, communes = registry
    wrong = []
    content = _content()
    territory_of = {item["title"]: item["territory"] for item in content["initiatives"]}
    for section in ("portraits", "initiatives", "verbatims"):
        for item in content[section]:
            reference = item["territory"]
            if reference["kind"] == "projet":
                continue  # a project territory is defined by its member communes
            name = registry_names.get((reference["kind"], reference["code"]))
            label = f"{section}: {item.get('title') or item.get('text', '')[:50]}"
            if name is None:
                wrong.append(f"{label}: {reference} is not in the registry")
            elif _seed(item["source"]).names(_bare_name(name)) and (
                reference["kind"] != "commune" or communes[_words(name)] == 1
            ):
                continue
            elif section == "verbatims" and territory_of.get(item.get("initiative")) == reference:
                continue  # the territory of its initiative, checked there
            elif EDITOR_READING not in (item.get("territory_note") or ""):
                wrong.append(f"{label}: {name} is not named by the document, or not alone")
    assert not wrong, _report(
        wrong, f"territories not named by the document, with no note marked « {EDITOR_READING} »"
    )


# --- The checks check ----------------------------------------------------------------------


def test_the_checks_read_quotations_numbers_and_dates():
    assert quotations("le « chef d’orchestre » et « a « b » c »") == [
        " chef d’orchestre ",
        " b ",
        " a « b » c ",
    ]
    assert numbers("2\u202f000 personnes, 2,5 %, les 35 participants, deux à trois") == {
        Decimal(2000),
        Decimal("2.5"),
        Decimal(35),
        Decimal(2),
        Decimal(3),
    }
    assert dates("Les 22 et 23 octobre 2013, puis les 7 mars et 6 avril 2017") == {
        (22, 10, 2013),
        (23, 10, 2013),
        (7, 3, 2017),
        (6, 4, 2017),
    }
    assert dates("le mardi 28 février 2017, le 1er mars") == {(28, 2, 2017), (1, 3, None)}
    seed = Seed("Le **Cerdd** a dit : « l'appui d'une ALE » le 7 mars 2017.\nIl a 2 000 adhérents.")
    assert seed.says("L’appui d’une ALE") and not seed.says("l'appui d'une AGENCE")
    assert seed.has_date(7, 3, 2017) and seed.has_date(7, 3, None)
    assert not seed.has_date(8, 3, 2017)
    assert Decimal(2000) in seed.numbers and Decimal(2017) in seed.numbers
    assert _bare_name("Communauté d'agglomération du Sicoval") == "sicoval"
    assert _bare_name("Métropole Rouen Normandie") == "rouen normandie"
