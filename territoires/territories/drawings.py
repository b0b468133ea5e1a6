"""Drawings of the registry made on the server and cached (territories/outline.py draws):
the map of the régions that the atlas shows first, before any map library."""

import hashlib

from django.core.cache import cache

from territoires.territories import outline
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import Territory

# Drawings are kept by what they are drawn from (the outlines' bytes): a new import that
# changes a geometry changes the key, and nothing else has to forget them.
DRAWING_SECONDS = 30 * 24 * 3600


def is_overseas(code: str) -> bool:
    """Overseas régions have one-digit INSEE codes (01 Guadeloupe … 06 Mayotte)."""
    return len(code) == 2 and code < "10"


def regions_map() -> outline.Map | None:
    """The map of France's régions: metropolitan France, the overseas régions as insets in
    a row below; its paths are keyed by the régions' codes. Cached by a digest of the
    outlines (reading them is a few milliseconds; drawing them, a few hundred)."""
    rows = list(
        Territory.objects.of_kind(TerritoryKind.REGION)
        .filter(shape__isnull=False)
        .values_list("code", "shape__wkb")
        .order_by("code")
    )
    digest = hashlib.blake2b(digest_size=16)
    for code, wkb in rows:
        digest.update(code.encode() + b"\0" + len(wkb).to_bytes(4, "big"))
        digest.update(wkb)
    key = f"territories:regions-map:{outline.VERSION}:{digest.hexdigest()}"
    drawing = cache.get(key)
    if drawing is None:
        drawing = _draw(rows)
        cache.set(key, drawing, DRAWING_SECONDS)
    return drawing


def _draw(rows):
    names = dict(Territory.objects.of_kind(TerritoryKind.REGION).values_list("code", "name"))
    main = {code: bytes(wkb) for code, wkb in rows if not is_overseas(code)}
    # West to east then: the Antilles, Guyane, La Réunion, Mayotte (their codes' order).
    insets = [
        (names.get(code, code), {code: bytes(wkb)}) for code, wkb in rows if is_overseas(code)
    ]
    return outline.draw_map(main, insets)
