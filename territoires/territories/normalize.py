"""Search keys for territory names, insensitive to accents, case, hyphens and apostrophes."""

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑–—'’ʼ`´.,;:/()]+")
# "St" and "Ste" are how many people type Saint and Sainte.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def search_key(text: str) -> str:
    """'Saint-Étienne-du-Rouvray' -> 'saint etienne du rouvray'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    ascii_text = ascii_text.replace("œ", "oe").replace("æ", "ae")
    words = _SEPARATORS.sub(" ", ascii_text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def looks_like_code(query: str) -> bool:
    """An INSEE code, a postcode or a SIREN: digits, or a Corsican '2A…'/'2B…'."""
    compact = query.replace(" ", "")
    return bool(re.fullmatch(r"\d{2,9}|2[abAB]\d{0,3}", compact))
