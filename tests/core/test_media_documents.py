"""PDF documents: judged by their content, read by a real parser, within bounds."""

import io

import pytest
from PIL import Image
from pypdf import PdfWriter

from territoires.core.media import DOCUMENT_MAX_BYTES, PDF_MAX_PAGES, MediaError, check_pdf

NOT_A_PDF = "Ce fichier n'est pas un PDF."
DAMAGED = (
    "Ce PDF est endommagé ou illisible : enregistrez-le de nouveau depuis le logiciel qui l'a créé."
)
ENCRYPTED = (
    "Ce PDF est protégé par un mot de passe ou chiffré : déposez-en une version sans protection."
)
TOO_MANY_PAGES = "Ce PDF compte plus de 2\u00a0000 pages : découpez-le en plusieurs documents."


def minimal_pdf():
    """A valid one-page PDF, its cross-reference table pointing at the right offsets."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


MINIMAL_PDF = minimal_pdf()


def written_pdf(pages=1, **encryption):
    """A PDF as pypdf writes it: A4 blank pages, encrypted when passwords are given."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if encryption:
        writer.encrypt(**encryption)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (40, 40), (20, 40, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("data", [MINIMAL_PDF, written_pdf(), written_pdf(PDF_MAX_PAGES)])
def test_a_real_pdf_is_accepted_as_bytes_or_as_a_file(data):
    check_pdf(data)
    stream = io.BytesIO(data)
    stream.seek(10)
    check_pdf(stream, len(data))
    assert stream.tell() == 0  # Ready to be saved.
    check_pdf(io.BytesIO(data))  # The size found by seeking.


def test_leading_bytes_and_trailing_garbage_are_tolerated_within_1024_bytes():
    check_pdf(b"\0" * 1000 + MINIMAL_PDF + b"\r\n" + b" " * 900)
    with pytest.raises(MediaError):
        check_pdf(b"\0" * 1100 + MINIMAL_PDF)
    with pytest.raises(MediaError):
        check_pdf(MINIMAL_PDF + b"\0" * 1100)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(png_bytes(), id="png-renamed-pdf"),
        pytest.param(MINIMAL_PDF[:120], id="truncated"),
        pytest.param(b"", id="empty"),
        pytest.param(b"Ceci est un texte qui parle de %PDF-1.4 mais pas plus.", id="text"),
    ],
)
def test_what_is_not_a_pdf_is_refused_whatever_its_name(data):
    with pytest.raises(MediaError) as error:
        check_pdf(data)
    assert str(error.value) == NOT_A_PDF
    with pytest.raises(MediaError):
        check_pdf(io.BytesIO(data), len(data))


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            b"%PDF-1.4\n" + b"Pas un PDF, juste un en-tete.\n" * 20 + b"%%EOF\n", id="junk"
        ),
        pytest.param(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", id="no-catalogue"),
        pytest.param(MINIMAL_PDF.replace(b"/Pages 2 0 R", b"/Pages 9 0 R"), id="no-page-tree"),
        pytest.param(written_pdf(pages=0), id="no-page"),
    ],
)
def test_a_file_dressed_as_a_pdf_is_refused_by_the_parser(data):
    stream = io.BytesIO(data)
    with pytest.raises(MediaError) as error:
        check_pdf(stream, len(data))
    assert str(error.value) == DAMAGED
    assert stream.tell() == 0


@pytest.mark.parametrize(
    "encryption",
    [
        pytest.param({"user_password": "secret"}, id="password-to-open"),
        pytest.param({"user_password": "", "owner_password": "secret"}, id="opens-without"),
    ],
)
def test_an_encrypted_pdf_is_refused(encryption):
    with pytest.raises(MediaError) as error:
        check_pdf(written_pdf(**encryption))
    assert str(error.value) == ENCRYPTED


@pytest.mark.parametrize("pages", [PDF_MAX_PAGES + 1, 4 * PDF_MAX_PAGES])
def test_a_pdf_of_too_many_pages_is_refused(pages):
    with pytest.raises(MediaError) as error:
        check_pdf(written_pdf(pages))
    assert str(error.value) == TOO_MANY_PAGES


def test_a_document_over_20_mb_is_refused():
    big = MINIMAL_PDF + b"\0" * (21 * 1024 * 1024)
    for attempt in (lambda: check_pdf(big), lambda: check_pdf(io.BytesIO(big), len(big))):
        with pytest.raises(MediaError) as error:
            attempt()
        assert str(error.value) == "Le document dépasse 20 Mo."
    # The announced size is enough: nothing is read.
    with pytest.raises(MediaError):
        check_pdf(io.BytesIO(b""), DOCUMENT_MAX_BYTES + 1)
