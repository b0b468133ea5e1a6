"""Photos: checked by their content, decoded within bounds, cut into responsive variants.

What a photo may cost the server is known before any pixel is decoded: the headers give its
dimensions and mode, JPEGs are decoded at the reduced scale the widest variant needs, the
picture at full size is shrunk at once and freed, and only ``PHOTO_DECODE_SLOTS`` photos are
processed at a time in a process.
"""

from __future__ import annotations

import io
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from PIL import ExifTags, Image, ImageCms

from .errors import MediaError

MB = 1024 * 1024

PHOTO_MAX_BYTES = 15 * MB
# Phones' 48-50 Mpx modes (8,064 × 6,048 on an iPhone, 8,160 × 6,144 on a Pixel) and 45 Mpx
# full-frame cameras fit. A real photo with more pixels weighs more than PHOTO_MAX_BYTES as a
# JPEG anyway: above this cap come files whose pixels compress to almost nothing, made to
# exhaust the server's memory (a PNG of 7,740 × 7,740 px of one colour weighs 185 KB).
PHOTO_MAX_PIXELS = 52_000_000
# Memory the picture may take at full size, before it is shrunk (see _full_size_bytes). A JPEG
# at least twice as wide as the widest variant is decoded at 1/2, 1/4 or 1/8 scale and stays
# far below; the others are decoded whole. 256 MiB admits any photo up to 33 Mpx decoded whole
# (the portrait of a 33 Mpx camera, whose 2,400 px wide variant needs its full width), and
# caps a PNG or WebP in colour at 33 Mpx.
PHOTO_MAX_FULL_SIZE_BYTES = 256 * MB
# WebP cannot encode a longer side; no variant is taller than the original.
PHOTO_MAX_HEIGHT = 16_383
PHOTO_WIDTHS = (480, 960, 1600, 2400)
PHOTO_FALLBACK_WIDTH = 1600
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
WEBP_QUALITY = 80
JPEG_QUALITY = 82
# Photos processed at once in a process, each within PHOTO_MAX_FULL_SIZE_BYTES and what its
# variants take: two bound photo processing to about 550 MB a process, however many uploads
# arrive together (bench/media_memory.py).
PHOTO_DECODE_SLOTS = 2
PHOTO_DECODE_WAIT = 10.0  # seconds an upload waits for a slot before it is refused

MSG_PHOTO_TOO_BIG = f"Le fichier dépasse {PHOTO_MAX_BYTES // MB} Mo."
MSG_NOT_AN_IMAGE = "Ce fichier n'est pas une image JPEG, PNG ou WebP."
MSG_IMAGE_TOO_LARGE = (
    f"Cette image est trop grande : {PHOTO_MAX_PIXELS // 1_000_000} millions de pixels au plus."
)
MSG_IMAGE_TOO_TALL = "Cette image est trop haute : 16\u00a0383 pixels au plus."
MSG_IMAGE_TOO_HEAVY = (
    "Cette image est trop lourde à traiter : réduisez ses dimensions ou enregistrez-la en JPEG."
)
MSG_IMAGE_DAMAGED = "Cette image est endommagée ou incomplète."
MSG_SERVER_BUSY = "Le serveur traite déjà plusieurs photos : réessayez dans un instant."

# Pillow reports unreadable or malformed files through these.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, TypeError)
_ORIENTATION_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Pillow blends transparent edges correctly only on premultiplied alpha.
_PREMULTIPLIED = {"RGBA": "RGBa", "LA": "La"}
_STRAIGHT = {premultiplied: straight for straight, premultiplied in _PREMULTIPLIED.items()}

_decode_slots = threading.BoundedSemaphore(PHOTO_DECODE_SLOTS)


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    format: str  # "webp" or "jpeg"
    data: bytes = field(repr=False)

    @property
    def content_type(self) -> str:
        return f"image/{self.format}"

    @property
    def extension(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format


@dataclass(frozen=True)
class ProcessedPhoto:
    width: int  # of the original, after EXIF orientation
    height: int
    variants: list[Variant]
    source_format: str = ""  # "JPEG", "PNG", "WEBP" (as detected from the content)

    @property
    def webp(self) -> list[Variant]:
        """WebP variants, narrowest first (for a ``srcset``)."""
        return [v for v in self.variants if v.format == "webp"]

    @property
    def fallback(self) -> Variant:
        """The JPEG for browsers without WebP (the ``src`` of the ``<img>``)."""
        return next(v for v in self.variants if v.format == "jpeg")


@dataclass(frozen=True)
class _Plan:
    """What the headers tell, before any pixel is decoded."""

    source_format: str
    orientation: int
    width: int  # after EXIF orientation
    height: int

    @property
    def widths(self) -> list[int]:
        return photo_widths(self.width)

    @property
    def fallback_width(self) -> int:
        return min(PHOTO_FALLBACK_WIDTH, self.width)

    @property
    def largest(self) -> int:
        return max(self.widths[-1], self.fallback_width)

    def size_at(self, width: int) -> tuple[int, int]:
        return width, max(1, round(self.height * width / self.width))

    def stored_size_at(self, width: int) -> tuple[int, int]:
        """``size_at`` in the file's own orientation, before the EXIF turn."""
        w, h = self.size_at(width)
        return (h, w) if self.orientation in (5, 6, 7, 8) else (w, h)


def check_photo_size(size: int) -> None:
    """Cheap check on the announced size, before reading the upload into memory."""
    if size > PHOTO_MAX_BYTES:
        raise MediaError(MSG_PHOTO_TOO_BIG)


def photo_widths(original_width: int) -> list[int]:
    """Widths of the WebP variants: every standard width the original can fill, at least one."""
    widths = [w for w in PHOTO_WIDTHS if w <= original_width]
    return widths or [original_width]


@dataclass(frozen=True)
class PhotoInfo:
    width: int  # after EXIF orientation
    height: int
    source_format: str


def inspect_photo(data: bytes) -> PhotoInfo:
    """Every check that decodes no pixel (size, format, structure, dimensions, the memory
    decoding would take): what an upload form answers at once, before the variants are
    made in the background (``process_photo``)."""
    check_photo_size(len(data))
    if not data:
        raise MediaError(MSG_NOT_AN_IMAGE)
    plan = _plan(data)
    _opened_for_decoding(data, plan).close()
    return PhotoInfo(plan.width, plan.height, plan.source_format)


def process_photo(data: bytes, *, wait: float = PHOTO_DECODE_WAIT) -> ProcessedPhoto:
    """Check an uploaded photo by its content and make its responsive variants.

    Returns WebP variants (one per width of ``PHOTO_WIDTHS`` the original can fill) and one
    JPEG fallback, all in sRGB and without any metadata (no EXIF, GPS, XMP nor ICC profile).
    The photo waits up to ``wait`` seconds for one of the ``PHOTO_DECODE_SLOTS``.
    """
    check_photo_size(len(data))
    if not data:
        raise MediaError(MSG_NOT_AN_IMAGE)
    plan = _plan(data)
    with decode_slot(wait):
        variants = _variants(_decode_widest(data, plan), plan)
    return ProcessedPhoto(
        width=plan.width, height=plan.height, variants=variants, source_format=plan.source_format
    )


@contextmanager
def decode_slot(wait: float = PHOTO_DECODE_WAIT) -> Iterator[None]:
    """Hold one of the process's ``PHOTO_DECODE_SLOTS``, or refuse after ``wait`` seconds."""
    if not _decode_slots.acquire(timeout=wait):
        raise MediaError(MSG_SERVER_BUSY)
    try:
        yield
    finally:
        _decode_slots.release()


def _plan(data: bytes) -> _Plan:
    """Identify the photo and verify its structure without decoding the pixels."""
    with _open_image(data) as probe:
        source_format = "JPEG" if probe.format == "MPO" else probe.format
        orientation = _orientation(probe)
        stored_width, stored_height = probe.size
        try:
            probe.verify()
        except _DECODE_ERRORS as exc:
            raise MediaError(MSG_IMAGE_DAMAGED) from exc
    if orientation in (5, 6, 7, 8):
        stored_width, stored_height = stored_height, stored_width
    if stored_height > PHOTO_MAX_HEIGHT:
        raise MediaError(MSG_IMAGE_TOO_TALL)
    return _Plan(source_format, orientation, stored_width, stored_height)


def _open_image(data: bytes) -> Image.Image:
    try:
        img = Image.open(io.BytesIO(data), formats=PHOTO_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # The warning is raised as an error only where warnings are errors (the tests); in
        # production Pillow just warns and the pixel check below refuses the image.
        raise MediaError(MSG_IMAGE_TOO_LARGE) from exc
    except _DECODE_ERRORS as exc:
        raise MediaError(MSG_NOT_AN_IMAGE) from exc
    if img.format not in (*PHOTO_FORMATS, "MPO"):  # MPO: a JPEG from a multi-shot camera
        img.close()
        raise MediaError(MSG_NOT_AN_IMAGE)
    w, h = img.size
    if w < 1 or h < 1:
        img.close()
        raise MediaError(MSG_IMAGE_DAMAGED)
    if w * h > PHOTO_MAX_PIXELS:
        img.close()
        raise MediaError(MSG_IMAGE_TOO_LARGE)
    return img


def _orientation(img: Image.Image) -> int:
    # From the metadata before the pixels only: a PNG's own getexif() decodes the whole
    # picture in search of an eXIf chunk after them.
    try:
        return int(Image.Image.getexif(img).get(ExifTags.Base.Orientation, 1))
    except _DECODE_ERRORS:
        return 1


def _opened_for_decoding(data: bytes, plan: _Plan) -> Image.Image:
    """The image, not yet decoded, at the scale it will be decoded at; refused if that
    would take too much memory."""
    img = _open_image(data)
    if img.format in ("JPEG", "MPO") and plan.largest < plan.width:
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale, never below what we need.
        img.draft(None, plan.stored_size_at(plan.largest))
    if _full_size_bytes(img) > PHOTO_MAX_FULL_SIZE_BYTES:
        img.close()
        raise MediaError(MSG_IMAGE_TOO_HEAVY)
    return img


def _decode_widest(data: bytes, plan: _Plan) -> Image.Image:
    """The widest variant, upright and in sRGB: the picture at full size is freed at once."""
    img = _opened_for_decoding(data, plan)
    icc = img.info.get("icc_profile")
    try:
        img.load()
        widest = _shrink(img, plan.stored_size_at(plan.largest))
    except _DECODE_ERRORS as exc:
        img.close()  # The traceback would keep what was decoded alive.
        raise MediaError(MSG_IMAGE_DAMAGED) from exc
    if widest.mode in _STRAIGHT:
        widest = widest.convert(_STRAIGHT[widest.mode])
    if plan.orientation in _ORIENTATION_TRANSPOSE:
        widest = widest.transpose(_ORIENTATION_TRANSPOSE[plan.orientation])
    return _to_srgb(widest, icc)


def _conversions(img: Image.Image) -> list[str]:
    """Modes to go through before resampling: Pillow resamples palette and bilevel pictures
    with the nearest pixel, cannot reduce 16-bit ones, and blends alpha only premultiplied."""
    if img.mode == "I;16":
        return ["L"]  # Once scaled down to 8 bits (see _shrink).
    mode, modes = img.mode, []
    if mode not in ("L", "LA", "RGB", "RGBA", "CMYK") or "transparency" in img.info:
        mode = "RGBA" if _has_alpha(img) else "RGB"
        modes.append(mode)
    if mode in _PREMULTIPLIED:
        modes.append(_PREMULTIPLIED[mode])
    return modes


def _pixel_bytes(mode: str) -> int:
    """As Pillow stores pixels: one byte for 1, L and P, two for 16-bit grey, else four (RGB
    is padded to four)."""
    return {"1": 1, "L": 1, "P": 1, "I;16": 2}.get(mode, 4)


def _full_size_bytes(img: Image.Image) -> int:
    """Peak memory of the picture at full size: _shrink keeps two full-size copies at most,
    the decoded pixels and their conversion, two successive conversions, or the last one and
    the resampler's first pass, none larger per pixel than the decoded or the working mode."""
    working = (_conversions(img) or [img.mode])[-1]
    per_pixel = max(_pixel_bytes(img.mode), _pixel_bytes(working))
    return 2 * per_pixel * img.width * img.height


def _shrink(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The picture at ``size``, in a mode ready for sRGB; each full-size copy, the decoded one
    included, is closed as soon as the next one exists, not when the garbage collector runs."""
    current = img
    if img.mode == "I;16":
        # Scale down instead of clipping at 255.
        current = _closing(current, current.point(lambda v: v * (1 / 256)))
    for mode in _conversions(img):
        current = _closing(current, current.convert(mode))
    if current.size != size:
        current = _closing(current, _resized(current, size))
    return current


def _closing(old: Image.Image, new: Image.Image) -> Image.Image:
    old.close()
    return new


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info


def _to_srgb(img: Image.Image, icc: bytes | None) -> Image.Image:
    """8-bit RGB or RGBA in sRGB, with an empty ``info`` (no metadata travels further)."""
    alpha = img.mode in ("RGBA", "LA")
    target = "RGBA" if alpha else "RGB"
    if img.mode not in ("RGB", "RGBA", "L", "CMYK"):
        img = img.convert(target)
    if icc:
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            img = ImageCms.profileToProfile(
                img, src, ImageCms.createProfile("sRGB"), outputMode=target
            )
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # A broken or unusable profile is dropped: the pixels are taken as sRGB.
    if img.mode != target:
        img = img.convert(target)
    if alpha and img.getextrema()[3][0] == 255:
        img = img.convert("RGB")  # The alpha channel is fully opaque: not worth keeping.
    img.info = {}
    return img


def _variants(widest: Image.Image, plan: _Plan) -> list[Variant]:
    """WebP variants narrowest first, then the JPEG fallback.

    Widest first, each size resampled from the previous one: much cheaper than going back to
    the full picture every time, and as sharp with LANCZOS at these ratios. Each size is
    encoded as soon as it exists and dropped once the next one is made.
    """
    webp, fallback, current = [], None, widest
    for width in sorted({*plan.widths, plan.fallback_width}, reverse=True):
        current = _resized(current, plan.size_at(width))
        if width in plan.widths:
            webp.insert(0, _encode(current, "webp"))
        if width == plan.fallback_width:
            fallback = _encode(_flatten(current), "jpeg")
    return [*webp, fallback]


def _resized(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    if img.size == size:
        return img
    return img.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _flatten(img: Image.Image) -> Image.Image:
    """JPEG has no transparency: put transparent areas on white."""
    if img.mode != "RGBA":
        return img
    background = Image.new("RGB", img.size, (255, 255, 255))
    background.paste(img, mask=img.getchannel("A"))
    return background


def _encode(img: Image.Image, fmt: str) -> Variant:
    out = io.BytesIO()
    img.info = {}
    # Explicitly empty metadata, whatever the Pillow version's defaults.
    if fmt == "webp":
        img.save(out, "WEBP", quality=WEBP_QUALITY, method=4, exif=b"", icc_profile=b"", xmp=b"")
    else:
        img.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return Variant(width=img.width, height=img.height, format=fmt, data=out.getvalue())
