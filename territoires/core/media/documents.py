"""PDF documents: accepted only if a PDF parser reads them, within bounds."""

from __future__ import annotations

import io
from typing import BinaryIO

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError

from .errors import MediaError

MB = 1024 * 1024

DOCUMENT_MAX_BYTES = 20 * MB
PDF_HEADER_WINDOW = 1024
PDF_TRAILER_WINDOW = 1024
# Reports, guides and proceedings stay far below; the cap bounds the page tree walked here.
PDF_MAX_PAGES = 2000

MSG_DOCUMENT_TOO_BIG = f"Le document dépasse {DOCUMENT_MAX_BYTES // MB} Mo."
MSG_NOT_A_PDF = "Ce fichier n'est pas un PDF."
MSG_PDF_DAMAGED = (
    "Ce PDF est endommagé ou illisible : enregistrez-le de nouveau depuis le logiciel qui l'a créé."
)
MSG_PDF_ENCRYPTED = (
    "Ce PDF est protégé par un mot de passe ou chiffré : déposez-en une version sans protection."
)
MSG_PDF_TOO_MANY_PAGES = (
    f"Ce PDF compte plus de {PDF_MAX_PAGES:,} pages : découpez-le en plusieurs documents."
).replace(",", "\u00a0")


def check_pdf(
    data_or_stream: bytes | bytearray | memoryview | BinaryIO, size: int | None = None
) -> None:
    """Refuse documents over 20 Mo, files that are not PDFs, encrypted PDFs and PDFs of more
    than ``PDF_MAX_PAGES`` pages.

    Accepts bytes or a seekable binary file (a Django ``UploadedFile``: pass ``upload.size``),
    left at position 0. The cheap checks come first: the size, then a ``%PDF-`` header and an
    ``%%EOF`` marker near the ends. Then a parser reads the cross-reference table, the
    catalogue and the page tree, not the pages' content.
    """
    if isinstance(data_or_stream, bytes | bytearray | memoryview):
        stream, size = io.BytesIO(data_or_stream), len(data_or_stream)
    else:
        stream = data_or_stream
        if size is None:
            size = stream.seek(0, io.SEEK_END)
    if size > DOCUMENT_MAX_BYTES:
        raise MediaError(MSG_DOCUMENT_TOO_BIG)
    try:
        _check_ends(stream, size)
        _check_structure(stream)
    finally:
        stream.seek(0)


def _check_ends(stream: BinaryIO, size: int) -> None:
    stream.seek(0)
    head = stream.read(PDF_HEADER_WINDOW + 5)
    stream.seek(max(0, size - PDF_TRAILER_WINDOW))
    tail = stream.read(PDF_TRAILER_WINDOW)
    if size == 0 or b"%PDF-" not in head or b"%%EOF" not in tail:
        raise MediaError(MSG_NOT_A_PDF)


def _check_structure(stream: BinaryIO) -> None:
    try:
        reader = PdfReader(stream)  # Lenient, like PDF viewers, within pypdf's own limits.
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else _count_pages(reader)
    except Exception as exc:
        # Malformed input surfaces through pypdf's own errors but also KeyError, TypeError,
        # RecursionError…: whatever the parser cannot read is refused.
        raise MediaError(MSG_PDF_DAMAGED) from exc
    if encrypted:
        raise MediaError(MSG_PDF_ENCRYPTED)
    if pages == 0:
        raise MediaError(MSG_PDF_DAMAGED)
    if pages > PDF_MAX_PAGES:
        raise MediaError(MSG_PDF_TOO_MANY_PAGES)


def _count_pages(reader: PdfReader) -> int:
    """The pages found by walking the page tree, stopped early on a tree too large for
    ``PDF_MAX_PAGES`` pages: each inner node of a real tree has several children, so the tree
    has fewer than twice as many nodes as pages."""
    try:
        with apply_configuration(page_tree_maximum_entries=2 * PDF_MAX_PAGES):
            return len(reader.pages)
    except LimitReachedError:
        return PDF_MAX_PAGES + 1
