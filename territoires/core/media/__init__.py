"""Pure media helpers: photos, video links and PDF documents.

No Django here: the models and forms call these functions on uploaded bytes and store what
comes back through Django's storage API. Every refusal is a ``MediaError`` whose message is
written for the person who uploaded the file (in French).
"""

from .documents import DOCUMENT_MAX_BYTES, PDF_MAX_PAGES, check_pdf
from .embeds import PROVIDER_LABELS, VideoEmbed, parse_video_url
from .errors import MediaError
from .photos import (
    PHOTO_MAX_BYTES,
    PHOTO_MAX_PIXELS,
    PHOTO_WIDTHS,
    PhotoInfo,
    ProcessedPhoto,
    Variant,
    check_photo_size,
    inspect_photo,
    photo_widths,
    process_photo,
)

__all__ = [
    "DOCUMENT_MAX_BYTES",
    "PDF_MAX_PAGES",
    "PHOTO_MAX_BYTES",
    "PHOTO_MAX_PIXELS",
    "PHOTO_WIDTHS",
    "PROVIDER_LABELS",
    "MediaError",
    "PhotoInfo",
    "ProcessedPhoto",
    "Variant",
    "VideoEmbed",
    "check_pdf",
    "check_photo_size",
    "inspect_photo",
    "parse_video_url",
    "photo_widths",
    "process_photo",
]
