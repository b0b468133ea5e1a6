"""French text analysis for search: words, stems, stop words, highlighted snippets.

Pure Python (no Django), so that the SQLite index, the query parser and the highlighter
agree on what a word is, and can be tested alone.

    analyze("Les centrales photovoltaïques de l'énergie") == ["central", "photovolta", "energ"]

A word is a run of letters or digits: apostrophes, hyphens and punctuation separate words,
so "l'énergie" gives "energie" and "Mouans-Sartoux" gives "mouans", "sartoux". Each word is
casefolded and unaccented, dropped when it is a stop word, then reduced to its Snowball
French stem, the algorithm PostgreSQL's `french_stem` dictionary runs too.
"""

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[^\W_]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})

# PostgreSQL's French stop words (tsearch_data/french.stop, unaccented, as the
# `french_unaccent` configuration sees them) and a few more articles, pronouns and
# conjunctions. Keeping this list a superset of PostgreSQL's means the query words sent to
# either backend are the same ones.
STOP_WORDS = frozenset(
    str.split(
        """
    a ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez
    aurions aurons auront aussi autre autres aux avaient avais avait avec avez aviez avions
    avons ayant ayante ayantes ayants ayez ayons c car ce ceci cela celle celles celui ces
    cet cette ceux chaque chez comme d dans de des donc dont du elle elles en entre es est
    et etaient etais etait etant etante etantes etants ete etee etees etes etiez etions eu
    eue eues eumes eurent eus eusse eussent eusses eussiez eussions eut eutes eux fumes
    furent fus fusse fussent fusses fussiez fussions fut futes ici il ils j je l la le les
    leur leurs lui m ma mais me meme memes mes moi mon n ne ni nos notre nous on ont or ou
    par parce pas pendant peu peut plus pour qu quand que quel quelle quelles quels qui
    quoi s sa sans se sera serai seraient serais serait seras serez seriez serions serons
    seront ses si soi soient sois soit sommes son sont sous soyez soyons suis sur t ta te
    tes toi ton tous tout toute toutes tres tu un une unes uns vers via vos votre vous y
    """
    )
)

# Below this length a typed last word is not completed: "bio" would find "biodiversité".
MIN_PREFIX_LENGTH = 4
# French suffixes the Snowball stemmer removes (unaccented). A word it leaves whole and
# whose end begins one of them ("ecologiq", "renouvelab") may stand for the stem before.
# Three letters at least, or two that end no French word: "at" would make "habitat" find
# "habitants", "it" "circuit" find "circulation".
_SUFFIXES = str.split(
    """ance ique isme able ible iste eux atrice ateur ation logie usion ution ence ement
    issement amment emment ment ite ive euse eaux ier iere ion issant issante"""
)
_SUFFIX_STARTS = frozenset(
    {suffix[:n] for suffix in _SUFFIXES for n in range(3, len(suffix))} | {"iq", "ab", "ib", "iv"}
)

_stemmer = snowballstemmer.stemmer("french")


def unaccent(text: str) -> str:
    """Casefolded, without diacritics or ligatures: 'Œuvre Écologique' -> 'oeuvre ecologique'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The unaccented words of a text, stop words left out, in order."""
    found = (unaccent(word) for word in _WORD.findall(text))
    return [word for word in found if word and word not in STOP_WORDS]


def title_key(text: str) -> int:
    """A stable 64-bit number for the words of a title (stop words, accents and case aside),
    0 for none: a search whose words are exactly a title ranks that title first.

    "Nice" and "nice" have one key, "Nicey" another: the stems would not tell them apart.
    """
    key = " ".join(words(text))
    if not key:
        return 0
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True) or 1


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball French stem of an unaccented, casefolded word."""
    return _stemmer.stemWord(word)


@lru_cache(maxsize=200_000)
def _stem_of_token(token: str) -> str | None:
    """A token as found in text -> its stem, or None for a stop word (cached: texts repeat)."""
    word = unaccent(token)
    if not word or word in STOP_WORDS:
        return None
    return stem(word)


def analyze(text: str) -> list[str]:
    """The stems of a text's words, stop words left out, in order."""
    stems = (_stem_of_token(token) for token in _WORD.findall(text))
    return [item for item in stems if item]


def number_variants(word: str) -> list[str]:
    """The word and its other grammatical number, as far as a final s or x tells.

    Snowball keeps the s of "vélos" or "bus" (it only removes an s after some letters), so
    a query also looks for the other form: "vélo" also finds "vélos" and the reverse.
    """
    if word[-1] in "sx":
        return [word, word[:-1]] if len(word) > 3 else [word]
    return [word, word + "s"] if word[-1].isalpha() else [word]


@dataclass(frozen=True)
class QueryWord:
    """One word of a query, matched by any of:

    - `stems`: the stems of the word and of its other number (`variants`, the unaccented
      words they come from, for engines that stem by themselves);
    - `completions` (last word only): stems the word may have been typed past, as is;
    - `prefix` (last word only): the start of a stem, as typed.
    """

    word: str
    variants: tuple[str, ...]
    stems: tuple[str, ...]
    completions: tuple[str, ...] = ()
    prefix: str = ""

    @property
    def terms(self) -> tuple[str, ...]:
        """Every stem that matches exactly, those the prefix covers left out."""
        terms = dict.fromkeys((*self.stems, *self.completions))
        return tuple(term for term in terms if not (self.prefix and term.startswith(self.prefix)))


def parse_query(text: str) -> list[QueryWord]:
    """What the user typed -> the words that must all match, stop words left out.

    The last word may be unfinished (search as you type): see `completion`.
    """
    query_words = []
    unique_words = list(dict.fromkeys(words(text)))
    for position, word in enumerate(unique_words):
        variants = tuple(number_variants(word))
        stems = tuple(dict.fromkeys(stem(variant) for variant in variants))
        completions, prefix = completion(word) if position == len(unique_words) - 1 else ((), "")
        query_words.append(QueryWord(word, variants, stems, completions, prefix))
    return query_words


def completion(word: str) -> tuple[tuple[str, ...], str]:
    """How an unfinished last word may match: (stems it was typed past, a prefix).

    An indexed stem comes from a word that starts with what was typed when either the
    stem starts with the typed word ("photovolt" -> "photovolta": the prefix, as typed),
    or the typed word went a little past the stem ("écologiq" -> "ecolog": the
    completions). Completions are never shorter than what the stemmer keeps of the word,
    so that "centrale" does not find "centre"; when it keeps all of it ("ecologiq"), only
    where the rest begins a suffix the stemmer would remove ("iq…" of "ique"), so that
    "compost" does not find "composition". Short words are not completed: "bio" would
    find "biodiversité".
    """
    if len(word) < MIN_PREFIX_LENGTH or not word.isalpha():
        return (), ""
    word_stem = stem(word)
    if word_stem != word:
        lengths = range(len(word_stem), len(word))
    else:
        lengths = [n for n in range(MIN_PREFIX_LENGTH, len(word)) if word[n:] in _SUFFIX_STARTS]
    return tuple(word[:length] for length in lengths), word


def highlight(
    text: str,
    query_terms: Iterable[str],
    max_chars: int = 240,
    *,
    prefixes: Iterable[str] = (),
) -> str:
    """An HTML-escaped snippet of `text` around its first match, matches wrapped in <mark>.

    `query_terms` are stems (as `analyze` gives them): a word of the text matches when its
    stem is one of them, so "photovoltaïques" marks "photovoltaïque". `prefixes` are the
    starts a word's stem may have. Without a match, the snippet is the start of the text.
    """
    stems = frozenset(query_terms)
    prefix_tuple = tuple(prefixes)

    def matches(token: str) -> bool:
        token_stem = _stem_of_token(token)
        return token_stem is not None and (
            token_stem in stems or (bool(prefix_tuple) and token_stem.startswith(prefix_tuple))
        )

    first = None
    if stems or prefix_tuple:
        first = next((found for found in _WORD.finditer(text) if matches(found.group())), None)
    start, end = _window(text, first.start() if first else 0, max_chars)
    pieces = ["…"] if start > 0 else []
    position = start
    for found in _WORD.finditer(text, start):
        if found.end() > end:
            break
        if first is not None and matches(found.group()):
            pieces.append(html.escape(text[position : found.start()]))
            pieces.append(f"<mark>{html.escape(found.group())}</mark>")
            position = found.end()
    pieces.append(html.escape(text[position:end]))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces).strip()


def _window(text: str, anchor: int, max_chars: int) -> tuple[int, int]:
    """Bounds of at most `max_chars` characters showing `anchor`, cut between words.

    The first match sits about a fifth of the way in, so it keeps a little context before.
    """
    if len(text) <= max_chars:
        return 0, len(text)
    start = max(0, anchor - max_chars // 5)
    if start > 0:
        next_space = text.find(" ", start, anchor)
        start = next_space + 1 if next_space != -1 else start
    end = min(len(text), start + max_chars)
    if end < len(text):
        last_space = text.rfind(" ", start, end)
        end = last_space if last_space > anchor else end
    return start, end


# Periods offered as a facet: before 2000, the 2000s, then five years at a time. A document
# counts in every period its [start year, end year or this year] overlaps.
FIRST_FIVE_YEAR_PERIOD = 2010


def periods(current_year: int) -> list[tuple[str, int | None, int | None]]:
    """(label, first year, last year) up to the period holding `current_year`."""
    found = [("<2000", None, 1999), ("2000-2009", 2000, 2009)]
    start = FIRST_FIVE_YEAR_PERIOD
    while start <= current_year:
        found.append((f"{start}-{start + 4}", start, start + 4))
        start += 5
    return found


def periods_overlapping(start_year: int, end_year: int | None, current_year: int) -> list[str]:
    """Labels of the periods that [start_year, end_year] meets (no end year: ongoing)."""
    last = end_year if end_year is not None else max(current_year, start_year)
    return [
        label
        for label, first, final in periods(current_year)
        if (final is None or start_year <= final) and (first is None or last >= first)
    ]
