"""Translation catalogues: complete, compiled, and in step with the marked strings.

msgids are French: the English catalogue translates every one of them, the French one
leaves them as they are. To refresh both after changing strings (needs gettext):

    manage.py makemessages -l en -l fr --ignore=.venv --ignore=var --ignore=tests \
        --ignore=bench --no-obsolete
    (translate the new entries of territoires/locale/en, remove their fuzzy flags)
    manage.py compilemessages -l en -l fr --ignore=.venv
"""

import gettext as stdlib_gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "territoires"
LOCALE = SOURCES / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
ENGLISH = LOCALE / "en" / "LC_MESSAGES" / "django.po"
FRENCH = LOCALE / "fr" / "LC_MESSAGES" / "django.po"
REFRESH = "refresh the catalogues (see this module's docstring)"


@pytest.fixture(autouse=True)
def _db_for_all():
    """Overrides the conftest's fixture: these checks read files, never the database."""


# A minimal reader of .po files (no dependency): entries, flags, plural forms.


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def fuzzy(self):
        return "fuzzy" in self.flags


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f"}
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def _unquote(text, where):
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{where}: not a quoted string: {text}")

    def unescape(match):
        if match.group(1) not in ESCAPES:
            raise ValueError(f"{where}: unknown escape \\{match.group(1)}")
        return ESCAPES[match.group(1)]

    return re.sub(r"\\(.)", unescape, text[1:-1])


def parse_po(path):
    """Entries of a .po file, the header (msgid "") first; obsolete (#~) ones left out."""
    entries = []
    entry, target = None, None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        where = f"{path.name}:{number}"
        if not line or line.startswith("#~"):
            target = None
            continue
        if line.startswith("#"):
            if entry is not None and entry.msgstr:  # comments open the next entry
                entry, target = None, None
            if entry is None:
                entry = Entry(line=number)
                entries.append(entry)
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"{where}: string continues nothing")
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += _unquote(line, where)
            else:
                setattr(entry, kind, getattr(entry, kind) + _unquote(line, where))
            continue
        match = KEYWORD.match(line)
        if match is None:
            raise ValueError(f"{where}: unreadable line: {raw}")
        keyword, index, value = match.groups()
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
            entry = Entry(line=number)
            entries.append(entry)
        if keyword.startswith("msgstr"):
            target = ("msgstr", int(index or 0))
            entry.msgstr[target[1]] = _unquote(value, where)
        else:
            target = (keyword, None)
            setattr(entry, keyword, _unquote(value, where))
    for entry in entries:
        if not entry.msgstr:
            raise ValueError(f"{path.name}:{entry.line}: entry without msgstr")
    return entries


def messages_of(path):
    """Entries without the header."""
    entries = parse_po(path)
    assert entries and entries[0].msgid == "" and entries[0].msgctxt is None, "header missing"
    return entries[1:]


def header_of(path):
    text = parse_po(path)[0].msgstr[0]
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


def test_the_reader_handles_plural_forms_flags_and_continued_strings(tmp_path):
    po = tmp_path / "sample.po"
    po.write_text(
        '# header\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid ""\n"Un « %(x)s » "\n"long\\n"\n'
        'msgstr "A \\"%(x)s\\" long\\n"\n\n'
        'msgctxt "menu"\nmsgid "%(n)s membre"\nmsgid_plural "%(n)s membres"\n'
        'msgstr[0] "%(n)s member"\nmsgstr[1] ""\n"%(n)s members"\n\n'
        '#~ msgid "ancien"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    header, first, second = parse_po(po)
    assert header.fuzzy and header_of(po) == {"Language": "en"}
    assert first.msgid == "Un « %(x)s » long\n"
    assert first.msgstr == {0: 'A "%(x)s" long\n'}
    assert first.flags == {"fuzzy", "python-format"}
    assert (second.msgctxt, second.msgid_plural) == ("menu", "%(n)s membres")
    assert second.msgstr == {0: "%(n)s member", 1: "%(n)s members"} and not second.fuzzy


# The catalogues themselves.


def test_both_catalogues_exist():
    assert ENGLISH in CATALOGUES and FRENCH in CATALOGUES, REFRESH


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_no_catalogue_has_fuzzy_entries(path):
    fuzzy = [entry.msgid for entry in parse_po(path) if entry.fuzzy]
    assert not fuzzy, f"{path.relative_to(ROOT)}: check, then unflag: {fuzzy}"


def test_headers_name_the_language_and_its_plural_rule():
    english, french = header_of(ENGLISH), header_of(FRENCH)
    assert english["Language"] == "en"
    assert english["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert french["Language"] == "fr"
    assert french["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    assert english["Project-Id-Version"] == french["Project-Id-Version"] == "Territoires"


def test_every_english_entry_is_translated():
    untranslated = [
        entry.msgid
        for entry in messages_of(ENGLISH)
        if not all(entry.msgstr.values())
        or len(entry.msgstr) != (2 if entry.msgid_plural is not None else 1)
    ]
    assert not untranslated, f"untranslated English entries: {untranslated}"


PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sdif]")


def test_english_translations_keep_the_placeholders():
    for entry in messages_of(ENGLISH):
        for index, text in entry.msgstr.items():
            source = entry.msgid if index == 0 else entry.msgid_plural
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (
                f"placeholders differ: {entry.msgid!r} -> {text!r}"
            )


def test_both_catalogues_have_the_same_msgids():
    def keys(path):
        return {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in messages_of(path)}

    assert keys(ENGLISH) == keys(FRENCH), REFRESH


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.parent.parent.name)
def test_every_catalogue_is_compiled_from_its_current_text(path):
    """The .mo says what the .po says (file dates mean nothing after a git checkout)."""
    compiled = path.with_suffix(".mo")
    assert compiled.is_file(), f"{compiled.relative_to(ROOT)} is missing: {REFRESH}"
    with compiled.open("rb") as file:
        catalogue = stdlib_gettext.GNUTranslations(file)
    for entry in messages_of(path):
        # An empty msgstr is left out of the .mo: the msgid is shown as it is.
        if entry.msgid_plural is None:
            expected = entry.msgstr[0] or entry.msgid
            if entry.msgctxt is None:
                found = catalogue.gettext(entry.msgid)
            else:
                found = catalogue.pgettext(entry.msgctxt, entry.msgid)
            assert found == expected, f"{compiled.relative_to(ROOT)} is stale: {REFRESH}"
        else:
            # Both languages here read n = 1 as form 0 and n = 2 as form 1.
            for n, index, source in ((1, 0, entry.msgid), (2, 1, entry.msgid_plural)):
                expected = entry.msgstr[index] or source
                if entry.msgctxt is None:
                    found = catalogue.ngettext(entry.msgid, entry.msgid_plural, n)
                else:
                    found = catalogue.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
                assert found == expected, f"{compiled.relative_to(ROOT)} is stale: {REFRESH}"


def test_django_uses_the_catalogues():
    with translation.override("en"):
        assert translation.gettext("Atlas des territoires") == "Atlas of territories"
        assert translation.ngettext("%(counter)s membre", "%(counter)s membres", 3) == (
            "%(counter)s members"
        )
    with translation.override("fr"):
        assert translation.gettext("Atlas des territoires") == "Atlas des territoires"


# Strings marked in the code must all be in the catalogue. A cheap stand-in for
# makemessages (CI may lack gettext): single literals only; what the patterns cannot
# read surely (escapes, concatenations, plural or trimmed blocks) is left to makemessages.

PYTHON_CALL = re.compile(
    r"""(?<![\w.])(?:_|gettext|gettext_lazy|gettext_noop)\(\s*"""
    r"""(?:"([^"\\\n]*)"|'([^'\\\n]*)')\s*\)"""
)
TEMPLATE_TAG = re.compile(
    r"""\{%\s*trans(?:late)?\s+(?:"([^"\\]*)"|'([^'\\]*)')"""
    r"""(?:\s+noop|\s+as\s+\w+)*\s*%\}"""
)
TEMPLATE_BLOCK = re.compile(
    r"\{%\s*blocktrans(?:late)?\b([^%]*)%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.DOTALL
)
BLOCK_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def marked_strings():
    found = {}
    for path in sorted(SOURCES.rglob("*.py")):
        for match in PYTHON_CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(1) or match.group(2), path)
    templates = [*SOURCES.rglob("templates/**/*.html"), *SOURCES.rglob("templates/**/*.txt")]
    for path in sorted(templates):
        text = path.read_text(encoding="utf-8")
        for match in TEMPLATE_TAG.finditer(text):
            found.setdefault(match.group(1) if match.group(1) is not None else match.group(2), path)
        for match in TEMPLATE_BLOCK.finditer(text):
            options, body = match.groups()
            if re.search(r"\b(count|trimmed|context|asvar)\b", options) or "%" in body:
                continue
            msgid = BLOCK_VARIABLE.sub(r"%(\1)s", body)
            if "{" not in msgid:
                found.setdefault(msgid, path)
    found.pop("", None)
    return found


def test_every_marked_string_is_in_the_english_catalogue():
    marked = marked_strings()
    assert len(marked) > 100, "the patterns no longer find the marked strings"
    msgids = {entry.msgid for entry in messages_of(ENGLISH) if entry.msgctxt is None}
    missing = sorted(
        f"{path.relative_to(ROOT)}: {msgid!r}"
        for msgid, path in marked.items()
        if msgid not in msgids
    )
    assert not missing, f"{len(missing)} string(s) to translate, {REFRESH}:\n" + "\n".join(missing)
