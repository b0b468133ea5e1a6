"""Pure media helpers: photos, video links and PDF documents.

No Django here: the models and forms call these functions on uploaded bytes and store what
comes back through Django's storage API. Every refusal is a ``MediaError`` whose message is
written for the person who uploaded the file (in French).
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import parse_qs, quote, urlsplit

from PIL import Image, ImageCms, ImageOps

MB = 1024 * 1024

PHOTO_MAX_BYTES = 15 * MB
PHOTO_MAX_PIXELS = 60_000_000
PHOTO_WIDTHS = (480, 960, 1600, 2400)
PHOTO_FALLBACK_WIDTH = 1600
PHOTO_FORMATS = ("JPEG", "PNG", "WEBP")
WEBP_QUALITY = 80
JPEG_QUALITY = 82

DOCUMENT_MAX_BYTES = 20 * MB
PDF_HEADER_WINDOW = 1024
PDF_TRAILER_WINDOW = 1024

VIDEO_URL_MAX_LENGTH = 2048


class MediaError(ValueError):
    """A file or link refused; ``str(error)`` is a French message for the uploader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Photos ---------------------------------------------------------------------------------

MSG_PHOTO_TOO_BIG = f"Le fichier dépasse {PHOTO_MAX_BYTES // MB} Mo."
MSG_NOT_AN_IMAGE = "Ce fichier n'est pas une image JPEG, PNG ou WebP."
MSG_IMAGE_TOO_LARGE = (
    f"Cette image est trop grande : {PHOTO_MAX_PIXELS // 1_000_000} millions de pixels au plus."
)
MSG_IMAGE_DAMAGED = "Cette image est endommagée ou incomplète."

# Pillow reports unreadable or malformed files through these.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, TypeError)


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


def check_photo_size(size: int) -> None:
    """Cheap check on the announced size, before reading the upload into memory."""
    if size > PHOTO_MAX_BYTES:
        raise MediaError(MSG_PHOTO_TOO_BIG)


def photo_widths(original_width: int) -> list[int]:
    """Widths of the WebP variants: every standard width the original can fill, at least one."""
    widths = [w for w in PHOTO_WIDTHS if w <= original_width]
    return widths or [original_width]


def process_photo(data: bytes) -> ProcessedPhoto:
    """Check an uploaded photo by its content and make its responsive variants.

    Returns WebP variants (one per width of ``PHOTO_WIDTHS`` the original can fill) and one
    JPEG fallback, all in sRGB and without any metadata (no EXIF, GPS, XMP nor ICC profile).
    """
    check_photo_size(len(data))
    if not data:
        raise MediaError(MSG_NOT_AN_IMAGE)

    # First pass: identify and verify the structure without decoding the pixels.
    with _open_image(data) as probe:
        source_format = "JPEG" if probe.format == "MPO" else probe.format
        try:
            probe.verify()
        except _DECODE_ERRORS as exc:
            raise MediaError(MSG_IMAGE_DAMAGED) from exc

    # Second pass (a verified image cannot be used any more): decode at the size we need.
    with _open_image(data) as img:
        transposed = _orientation(img) in (5, 6, 7, 8)
        raw_w, raw_h = img.size
        width, height = (raw_h, raw_w) if transposed else (raw_w, raw_h)
        widths = photo_widths(width)
        largest = max(widths[-1], min(PHOTO_FALLBACK_WIDTH, width))
        if img.format in ("JPEG", "MPO") and largest < width:
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale, never below what we need.
            need_h = max(1, round(height * largest / width))
            img.draft(None, (need_h, largest) if transposed else (largest, need_h))
        try:
            img.load()
            base = ImageOps.exif_transpose(img)
            base = _to_srgb(base)
        except _DECODE_ERRORS as exc:
            raise MediaError(MSG_IMAGE_DAMAGED) from exc

    # Widest first, each size resampled from the previous one: much cheaper than going back
    # to the full picture every time, and as sharp with LANCZOS at these ratios.
    fallback_width = min(PHOTO_FALLBACK_WIDTH, width)
    resized, current = {}, base
    for w in sorted({*widths, fallback_width}, reverse=True):
        current = resized[w] = _resize(current, (width, height), w)
    variants = [_encode(resized[w], "webp") for w in widths]
    variants.append(_encode(_flatten(resized[fallback_width]), "jpeg"))
    return ProcessedPhoto(
        width=width, height=height, variants=variants, source_format=source_format
    )


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
    try:
        return int(img.getexif().get(ImageOps.ExifTags.Base.Orientation, 1))
    except _DECODE_ERRORS:
        return 1


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info


def _to_srgb(img: Image.Image) -> Image.Image:
    """8-bit RGB or RGBA in sRGB, with an empty ``info`` (no metadata travels further)."""
    icc = img.info.get("icc_profile")
    alpha = _has_alpha(img)
    target = "RGBA" if alpha else "RGB"

    if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N"):
        # 16-bit greyscale: scale down instead of clipping at 255.
        img = img.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif img.mode not in ("RGB", "RGBA", "L", "CMYK") or "transparency" in img.info:
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


def _resize(img: Image.Image, full_size: tuple[int, int], width: int) -> Image.Image:
    """``img`` may be smaller than the original (JPEG draft): sizes follow the original."""
    full_width, full_height = full_size
    height = max(1, round(full_height * width / full_width))
    if (width, height) == img.size:
        return img
    return img.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


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


# --- Videos ---------------------------------------------------------------------------------

MSG_VIDEO_URL = "Lien vidéo non reconnu : YouTube, Vimeo ou PeerTube."

PROVIDER_LABELS = {"youtube": "YouTube", "vimeo": "Vimeo", "peertube": "PeerTube"}

_YOUTUBE_HOSTS = {
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "music.youtube.com",
    "youtube-nocookie.com",
    "www.youtube-nocookie.com",
}
_VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"[0-9]{1,12}")
_VIMEO_HASH = re.compile(r"[0-9a-f]{6,20}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
# PeerTube short UUIDs: a UUID in base 58 (Flickr alphabet), 22 characters, sometimes fewer.
_SHORT_UUID = re.compile(r"[1-9A-HJ-NP-Za-km-z]{18,22}")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TIME = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?")


@dataclass(frozen=True)
class VideoEmbed:
    provider: str  # "youtube", "vimeo" or "peertube"
    video_id: str
    embed_url: str  # privacy-friendly player, to load only after the visitor's click
    watch_url: str  # the video's page on its site
    host: str  # the site the video comes from, for "chargée depuis …" and "Voir sur …"

    @property
    def provider_label(self) -> str:
        return PROVIDER_LABELS[self.provider]


def parse_video_url(url: str) -> VideoEmbed:
    """Recognise a YouTube, Vimeo or PeerTube link and give its privacy-friendly embed."""
    url = (url or "").strip()
    if not url or len(url) > VIDEO_URL_MAX_LENGTH or re.search(r"[\s\x00-\x1f\x7f\\]", url):
        raise MediaError(MSG_VIDEO_URL)
    if "://" not in url and re.match(r"(?:www\.|m\.)?(?:youtube\.com|youtu\.be|vimeo\.com)/", url):
        url = "https://" + url  # Pasted without its scheme.
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise MediaError(MSG_VIDEO_URL) from exc
    host = (parts.hostname or "").rstrip(".")
    if (
        parts.scheme.lower() not in ("http", "https")  # http is upgraded; javascript:, ftp: no
        or parts.username is not None
        or parts.password is not None
        or port not in (None, 80, 443)
        or not _valid_host(host)
    ):
        raise MediaError(MSG_VIDEO_URL)

    query = parse_qs(parts.query)
    fragment = parse_qs(parts.fragment)
    segments = [s for s in parts.path.split("/") if s]

    if host in _YOUTUBE_HOSTS or host == "youtu.be":
        return _youtube(host, segments, query, fragment)
    if host in _VIMEO_HOSTS:
        return _vimeo(host, segments, query)
    return _peertube(host, segments, query)


def _valid_host(host: str) -> bool:
    labels = host.split(".")
    return (
        len(host) <= 253
        and len(labels) >= 2
        and all(_HOST_LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()  # No IP addresses.
    )


def _first(query: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        if query.get(name):
            return query[name][0]
    return None


def _seconds(value: str | None) -> int:
    """'90', '90s', '1m30s', '1h2m3s' → seconds; anything else → 0."""
    if not value:
        return 0
    match = _TIME.fullmatch(value.strip().lower())
    if not match or not any(match.groups()):
        return 0
    h, m, s = (int(g or 0) for g in match.groups())
    return h * 3600 + m * 60 + s


def _youtube(host, segments, query, fragment) -> VideoEmbed:
    video_id = None
    if host == "youtu.be":
        video_id = segments[0] if len(segments) == 1 else None
    elif segments == ["watch"]:
        video_id = _first(query, "v")
    elif len(segments) == 2 and segments[0] in ("shorts", "embed", "live", "v"):
        video_id = segments[1]
    if not video_id or not _YOUTUBE_ID.fullmatch(video_id):
        raise MediaError(MSG_VIDEO_URL)
    start = _seconds(_first(query, "t", "start") or _first(fragment, "t"))
    embed = f"https://www.youtube-nocookie.com/embed/{video_id}"
    watch = f"https://www.youtube.com/watch?v={video_id}"
    if start:
        embed += f"?start={start}"
        watch += f"&t={start}s"
    return VideoEmbed("youtube", video_id, embed, watch, "youtube.com")


def _vimeo(host, segments, query) -> VideoEmbed:
    video_id = unlisted_hash = None
    if host == "player.vimeo.com":
        if len(segments) == 2 and segments[0] == "video":
            video_id = segments[1]
            unlisted_hash = _first(query, "h")
    elif len(segments) in (1, 2) and _VIMEO_ID.fullmatch(segments[0]):
        video_id = segments[0]
        unlisted_hash = segments[1] if len(segments) == 2 else None
    elif len(segments) == 3 and segments[0] == "channels":
        video_id = segments[2]
    elif len(segments) == 4 and segments[0] == "groups" and segments[2] == "videos":
        video_id = segments[3]
    if not video_id or not _VIMEO_ID.fullmatch(video_id):
        raise MediaError(MSG_VIDEO_URL)
    if unlisted_hash is not None and not _VIMEO_HASH.fullmatch(unlisted_hash):
        raise MediaError(MSG_VIDEO_URL)
    embed = f"https://player.vimeo.com/video/{video_id}?"
    watch = f"https://vimeo.com/{video_id}"
    if unlisted_hash:
        embed += f"h={unlisted_hash}&"
        watch += f"/{unlisted_hash}"
    return VideoEmbed("vimeo", video_id, embed + "dnt=1", watch, "vimeo.com")


def _peertube(host, segments, query) -> VideoEmbed:
    video_id = None
    if len(segments) == 2 and segments[0] == "w":
        video_id = segments[1]
    elif len(segments) == 3 and segments[0] == "videos" and segments[1] in ("watch", "embed"):
        video_id = segments[2]
    if not video_id or not (_UUID.fullmatch(video_id) or _SHORT_UUID.fullmatch(video_id)):
        raise MediaError(MSG_VIDEO_URL)
    video_id = video_id.lower() if _UUID.fullmatch(video_id) else video_id
    start = _seconds(_first(query, "start", "t"))
    # p2p=0: the player would otherwise share the visitor's IP address with other viewers.
    embed = f"https://{host}/videos/embed/{quote(video_id)}?p2p=0"
    watch = f"https://{host}/videos/watch/{quote(video_id)}"
    if start:
        embed += f"&start={start}"
        watch += f"?start={start}"
    return VideoEmbed("peertube", video_id, embed, watch, host)


# --- Documents ------------------------------------------------------------------------------

MSG_DOCUMENT_TOO_BIG = f"Le document dépasse {DOCUMENT_MAX_BYTES // MB} Mo."
MSG_NOT_A_PDF = "Ce fichier n'est pas un PDF."


def check_pdf(
    data_or_stream: bytes | bytearray | memoryview | BinaryIO, size: int | None = None
) -> None:
    """Refuse documents over 20 Mo and files that are not PDFs, judging by the content.

    Accepts bytes or a seekable binary file (a Django ``UploadedFile``: pass ``upload.size``);
    a file is read at its start and end only, and left at position 0.
    """
    if isinstance(data_or_stream, bytes | bytearray | memoryview):
        data = bytes(data_or_stream)
        size = len(data)
        if size > DOCUMENT_MAX_BYTES:
            raise MediaError(MSG_DOCUMENT_TOO_BIG)
        head = data[: PDF_HEADER_WINDOW + 5]
        tail = data[-PDF_TRAILER_WINDOW:]
    else:
        stream = data_or_stream
        if size is None:
            size = stream.seek(0, io.SEEK_END)
        if size > DOCUMENT_MAX_BYTES:
            raise MediaError(MSG_DOCUMENT_TOO_BIG)
        stream.seek(0)
        head = stream.read(PDF_HEADER_WINDOW + 5)
        stream.seek(max(0, size - PDF_TRAILER_WINDOW))
        tail = stream.read(PDF_TRAILER_WINDOW)
        stream.seek(0)
    if size == 0 or b"%PDF-" not in head or b"%%EOF" not in tail:
        raise MediaError(MSG_NOT_A_PDF)
