"""Media helpers: photos checked by content and stripped of metadata, video links, PDFs."""

import io
import struct
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, ImageDraw, JpegImagePlugin

from territoires.core import media
from territoires.core.media import (
    DOCUMENT_MAX_BYTES,
    PHOTO_MAX_BYTES,
    MediaError,
    check_pdf,
    parse_video_url,
    process_photo,
)
from tests.factories import phone_exif

NOT_AN_IMAGE = "Ce fichier n'est pas une image JPEG, PNG ou WebP."
TOO_LARGE = "Cette image est trop grande : 60 millions de pixels au plus."
NOT_A_PDF = "Ce fichier n'est pas un PDF."
BAD_VIDEO = "Lien vidéo non reconnu : YouTube, Vimeo ou PeerTube."

RED, BLUE = (220, 20, 20), (20, 40, 200)


# --- Building test files in memory ----------------------------------------------------------


def picture(size, mode="RGB"):
    """A plain picture with a red block in its top-left corner, to follow its orientation."""
    img = Image.new(mode, size, BLUE if mode == "RGB" else (*BLUE, 255))
    ImageDraw.Draw(img).rectangle((0, 0, size[0] // 4, size[1] // 4), fill=RED)
    return img


def jpeg_with_metadata(size=(2000, 1000), orientation=6):
    exif = phone_exif(orientation)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    picture(size).save(
        out, "JPEG", quality=90, exif=exif, icc_profile=icc, xmp=b"<x:xmpmeta>Lille</x:xmpmeta>"
    )
    return out.getvalue()


def encoded(img, fmt, **options):
    out = io.BytesIO()
    img.save(out, fmt, **options)
    return out.getvalue()


def png_header(width, height):
    """A PNG that announces its dimensions and holds no pixels (enough for Image.open)."""

    def chunk(kind, payload):
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def jpeg_segments(data):
    """Markers of a JPEG's segments up to the image data (APP1 = EXIF or XMP, APP2 = ICC)."""
    markers, pos = [], 2
    while pos < len(data):
        marker = data[pos + 1]
        markers.append(marker)
        if marker == 0xDA:  # Start of scan: pixels follow.
            break
        pos += 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]
    return markers


def assert_no_metadata(variant):
    img = Image.open(io.BytesIO(variant.data))
    assert img.format == variant.format.upper()
    assert (img.width, img.height) == (variant.width, variant.height)
    assert not set(img.info) & {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"}
    assert len(img.getexif()) == 0
    if variant.format == "webp":
        assert not any(tag in variant.data for tag in (b"EXIF", b"ICCP", b"XMP "))
    else:
        assert not {0xE1, 0xE2, 0xED, 0xFE} & set(jpeg_segments(variant.data))
    return img


# --- Photos ---------------------------------------------------------------------------------


def test_a_phone_photo_is_turned_upright_and_loses_its_location():
    source = jpeg_with_metadata(size=(2000, 1000), orientation=6)
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # Sanity.

    photo = process_photo(source)

    assert (photo.width, photo.height) == (1000, 2000)  # Orientation 6: a quarter turn.
    assert photo.source_format == "JPEG"
    assert [(v.format, v.width, v.height) for v in photo.variants] == [
        ("webp", 480, 960),
        ("webp", 960, 1920),
        ("jpeg", 1000, 2000),  # The fallback: 1600 wide at most, here the original width.
    ]
    for variant in photo.variants:
        img = assert_no_metadata(variant).convert("RGB")
        # The red corner was top-left before the turn: clockwise, it is now top-right.
        r, g, b = img.getpixel((img.width - 5, 5))
        assert r > 150 and b < 100
        r, g, b = img.getpixel((5, 5))
        assert b > 150 and r < 100
    assert photo.webp == photo.variants[:2]
    assert photo.fallback.content_type == "image/jpeg" and photo.fallback.extension == "jpg"
    assert photo.webp[0].content_type == "image/webp" and photo.webp[0].extension == "webp"


def test_a_large_jpeg_is_decoded_at_reduced_scale_and_gets_every_width(monkeypatch):
    drafts = []
    draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        drafts.append(draft(self, mode, size))
        return drafts[-1]

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    photo = process_photo(encoded(picture((4800, 3600)), "JPEG", quality=85))

    assert drafts == [("RGB", (0, 0, 2400, 1800))]  # libjpeg decoded it at half scale.
    assert (photo.width, photo.height) == (4800, 3600)
    assert [(v.format, v.width, v.height) for v in photo.variants] == [
        ("webp", 480, 360),
        ("webp", 960, 720),
        ("webp", 1600, 1200),
        ("webp", 2400, 1800),
        ("jpeg", 1600, 1200),
    ]
    for variant in photo.variants:
        assert_no_metadata(variant)


def test_a_small_picture_keeps_its_own_width():
    photo = process_photo(encoded(picture((300, 200)), "PNG"))
    assert [(v.format, v.width, v.height) for v in photo.variants] == [
        ("webp", 300, 200),
        ("jpeg", 300, 200),
    ]


def test_a_png_with_transparency_stays_transparent_in_webp_and_goes_on_white_in_jpeg():
    img = picture((600, 400), mode="RGBA")
    ImageDraw.Draw(img).rectangle((300, 0, 599, 399), fill=(0, 0, 0, 0))

    photo = process_photo(encoded(img, "PNG"))

    assert photo.source_format == "PNG"
    assert [(v.format, v.width) for v in photo.variants] == [("webp", 480), ("jpeg", 600)]
    webp = assert_no_metadata(photo.webp[0])
    assert webp.mode == "RGBA"
    assert webp.getpixel((470, 200))[3] == 0
    assert webp.getpixel((100, 200))[3] == 255
    jpeg = assert_no_metadata(photo.fallback)
    assert all(channel > 240 for channel in jpeg.getpixel((590, 200)))


def test_an_opaque_alpha_channel_is_dropped():
    photo = process_photo(encoded(picture((500, 300), mode="RGBA"), "PNG"))
    assert Image.open(io.BytesIO(photo.webp[0].data)).mode == "RGB"


def test_a_palette_png_with_a_transparent_colour_and_a_webp_are_accepted():
    palette = picture((500, 300)).convert("P")
    photo = process_photo(encoded(palette, "PNG", transparency=0))
    assert Image.open(io.BytesIO(photo.webp[0].data)).mode in ("RGB", "RGBA")

    photo = process_photo(encoded(picture((700, 500)), "WEBP"))
    assert photo.source_format == "WEBP"
    assert [v.width for v in photo.variants] == [480, 700]


def test_a_cmyk_jpeg_and_a_greyscale_png_become_rgb():
    for data in (
        encoded(picture((500, 300)).convert("CMYK"), "JPEG"),
        encoded(picture((500, 300)).convert("L"), "PNG"),
    ):
        photo = process_photo(data)
        assert {Image.open(io.BytesIO(v.data)).mode for v in photo.variants} == {"RGB"}


@pytest.mark.parametrize(
    "data",
    [
        b"Bonjour, ceci est un texte.\n",  # A text file renamed photo.jpg.
        b"",
        b"\x89PNG\r\n\x1a\n",  # A signature, nothing else.
        b"%PDF-1.4\n%%EOF\n",
        pytest.param(encoded(picture((50, 50)), "GIF"), id="gif"),
        pytest.param(encoded(picture((50, 50)), "BMP"), id="bmp"),
        pytest.param(encoded(picture((50, 50)), "TIFF"), id="tiff"),
    ],
)
def test_what_is_not_a_jpeg_png_or_webp_is_refused_whatever_its_name(data):
    with pytest.raises(MediaError) as error:
        process_photo(data)
    assert str(error.value) == NOT_AN_IMAGE


def test_a_truncated_photo_is_refused():
    data = encoded(picture((800, 600)), "JPEG")
    with pytest.raises(MediaError, match="endommagée ou incomplète"):
        process_photo(data[: len(data) // 2])


@pytest.mark.parametrize(
    "size",
    [
        (8000, 8000),  # 64 Mpx: over our limit, under Pillow's.
        (10_000, 10_000),  # Over Pillow's warning threshold.
        (100_000, 100_000),  # Over Pillow's error threshold.
    ],
)
def test_an_image_announcing_huge_dimensions_is_refused_before_decoding(size):
    with pytest.raises(MediaError) as error:
        process_photo(png_header(*size))
    assert str(error.value) == TOO_LARGE


def test_a_photo_over_15_mb_is_refused():
    with pytest.raises(MediaError) as error:
        process_photo(b"\xff\xd8" + b"\0" * PHOTO_MAX_BYTES)
    assert str(error.value) == "Le fichier dépasse 15 Mo."
    media.check_photo_size(PHOTO_MAX_BYTES)
    with pytest.raises(MediaError):
        media.check_photo_size(PHOTO_MAX_BYTES + 1)


def test_media_errors_are_value_errors():
    assert issubclass(MediaError, ValueError)
    assert MediaError("Message.").message == "Message."


# --- Videos ---------------------------------------------------------------------------------

YT = "dQw4w9WgXcQ"
NOCOOKIE = f"https://www.youtube-nocookie.com/embed/{YT}"
WATCH = f"https://www.youtube.com/watch?v={YT}"
UUID = "9c9de5e8-0a1e-484a-b099-e80766180a6d"
SHORT = "kkGMgK9ZtnKfYAgnEtQxbv"


@pytest.mark.parametrize(
    ("url", "provider", "video_id", "embed_url", "watch_url", "host"),
    [
        (WATCH, "youtube", YT, NOCOOKIE, WATCH, "youtube.com"),
        (f"https://youtube.com/watch?v={YT}&feature=share", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"https://m.youtube.com/watch?app=desktop&v={YT}", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"http://www.youtube.com/watch?v={YT}&t=1m30s", "youtube", YT,
         f"{NOCOOKIE}?start=90", f"{WATCH}&t=90s", None),
        (f"https://youtu.be/{YT}?t=42", "youtube", YT, f"{NOCOOKIE}?start=42", f"{WATCH}&t=42s",
         None),
        (f"https://youtu.be/{YT}?si=AbCdEf", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"youtu.be/{YT}", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"  https://www.youtube.com/shorts/{YT}  ", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"https://www.youtube.com/embed/{YT}?start=10", "youtube", YT, f"{NOCOOKIE}?start=10",
         f"{WATCH}&t=10s", None),
        (f"https://www.youtube-nocookie.com/embed/{YT}", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"https://www.youtube.com/live/{YT}", "youtube", YT, NOCOOKIE, WATCH, None),
        (f"https://www.youtube.com/watch?v={YT}#t=1h2m3s", "youtube", YT,
         f"{NOCOOKIE}?start=3723", f"{WATCH}&t=3723s", None),
        ("https://vimeo.com/76979871", "vimeo", "76979871",
         "https://player.vimeo.com/video/76979871?dnt=1", "https://vimeo.com/76979871",
         "vimeo.com"),
        ("https://vimeo.com/76979871/8272103f6e", "vimeo", "76979871",
         "https://player.vimeo.com/video/76979871?h=8272103f6e&dnt=1",
         "https://vimeo.com/76979871/8272103f6e", None),
        ("https://player.vimeo.com/video/76979871?h=8272103f6e&autoplay=1", "vimeo", "76979871",
         "https://player.vimeo.com/video/76979871?h=8272103f6e&dnt=1",
         "https://vimeo.com/76979871/8272103f6e", None),
        ("https://vimeo.com/channels/staffpicks/76979871", "vimeo", "76979871",
         "https://player.vimeo.com/video/76979871?dnt=1", "https://vimeo.com/76979871", None),
        (f"https://peertube.example.org/w/{UUID}", "peertube", UUID,
         f"https://peertube.example.org/videos/embed/{UUID}?p2p=0",
         f"https://peertube.example.org/videos/watch/{UUID}", "peertube.example.org"),
        (f"https://framatube.org/w/{SHORT}", "peertube", SHORT,
         f"https://framatube.org/videos/embed/{SHORT}?p2p=0",
         f"https://framatube.org/videos/watch/{SHORT}", "framatube.org"),
        (f"http://Tube.Example.FR/videos/watch/{UUID.upper()}", "peertube", UUID,
         f"https://tube.example.fr/videos/embed/{UUID}?p2p=0",
         f"https://tube.example.fr/videos/watch/{UUID}", "tube.example.fr"),
        (f"https://tube.example.fr/videos/embed/{SHORT}?start=1m", "peertube", SHORT,
         f"https://tube.example.fr/videos/embed/{SHORT}?p2p=0&start=60",
         f"https://tube.example.fr/videos/watch/{SHORT}?start=60", None),
    ],
)  # fmt: skip
def test_video_links_are_recognised(url, provider, video_id, embed_url, watch_url, host):
    video = parse_video_url(url)
    assert video.provider == provider
    assert video.video_id == video_id
    assert video.embed_url == embed_url
    assert video.watch_url == watch_url
    if host:
        assert video.host == host
    assert video.embed_url.startswith("https://") and video.watch_url.startswith("https://")
    assert "youtube.com/embed" not in video.embed_url  # Only the no-cookie player.


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/watch?v=x",
        f"https://evil.example/watch?v={YT}",
        f"https://youtube.com.evil.example/watch?v={YT}",
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)//youtube.com/watch?v=dQw4w9WgXcQ",
        "data:text/html,<script>alert(1)</script>",
        f"ftp://youtube.com/watch?v={YT}",
        f"//www.youtube.com/watch?v={YT}",
        "https://www.youtube.com/watch?v=x",
        f'https://www.youtube.com/watch?v={YT}"onload="alert(1)',
        f"https://www.youtube.com/watch?v={YT}\n<script>",
        "https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw",
        "https://www.youtube.com/",
        f"https://user:secret@www.youtube.com/watch?v={YT}",
        "https://vimeo.com/about",
        "https://vimeo.com/76979871/not-a-hash!",
        f"https://192.168.0.1/w/{SHORT}",
        f"https://localhost/w/{SHORT}",
        f"https://tube.example.fr:8443/w/{SHORT}",
        f"https://tube.example.fr/w/p/{SHORT}",  # A playlist.
        "https://tube.example.fr/w/not-an-id",
        "https://tube.example.fr/videos/watch/../../admin",
        "",
        "   ",
        "une vidéo sur youtube",
        "https://" + "a" * 3000 + ".example/w/" + SHORT,
    ],
)
def test_other_links_are_refused(url):
    with pytest.raises(MediaError) as error:
        parse_video_url(url)
    assert str(error.value) == BAD_VIDEO


def test_a_video_names_its_provider():
    assert parse_video_url(f"https://youtu.be/{YT}").provider_label == "YouTube"
    assert parse_video_url(f"https://framatube.org/w/{SHORT}").provider_label == "PeerTube"


# --- Documents ------------------------------------------------------------------------------


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


def test_a_real_pdf_is_accepted_as_bytes_or_as_a_file():
    check_pdf(MINIMAL_PDF)
    stream = io.BytesIO(MINIMAL_PDF)
    stream.seek(10)
    check_pdf(stream, len(MINIMAL_PDF))
    assert stream.tell() == 0  # Ready to be saved.
    check_pdf(io.BytesIO(MINIMAL_PDF))  # The size found by seeking.


def test_leading_bytes_and_trailing_garbage_are_tolerated_within_1024_bytes():
    check_pdf(b"\0" * 1000 + MINIMAL_PDF + b"\r\n" + b" " * 900)
    with pytest.raises(MediaError):
        check_pdf(b"\0" * 1100 + MINIMAL_PDF)
    with pytest.raises(MediaError):
        check_pdf(MINIMAL_PDF + b"\0" * 1100)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(encoded(picture((40, 40)), "PNG"), id="png-renamed-pdf"),
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


def test_a_document_over_20_mb_is_refused():
    big = MINIMAL_PDF + b"\0" * (21 * 1024 * 1024)
    for attempt in (lambda: check_pdf(big), lambda: check_pdf(io.BytesIO(big), len(big))):
        with pytest.raises(MediaError) as error:
            attempt()
        assert str(error.value) == "Le document dépasse 20 Mo."
    # The announced size is enough: nothing is read.
    with pytest.raises(MediaError):
        check_pdf(io.BytesIO(b""), DOCUMENT_MAX_BYTES + 1)
