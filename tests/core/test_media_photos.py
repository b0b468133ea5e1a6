"""Photos: checked by their content, decoded within bounds, stripped of their metadata."""

import io
import json
import struct
import subprocess
import sys
import threading
import time
import zlib
from contextlib import ExitStack
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageCms, ImageDraw, JpegImagePlugin

from territoires.core import media
from territoires.core.media import PHOTO_MAX_BYTES, MediaError, photos, process_photo
from tests.initiatives.factories import phone_exif

NOT_AN_IMAGE = "Ce fichier n'est pas une image JPEG, PNG ou WebP."
TOO_LARGE = "Cette image est trop grande : 52 millions de pixels au plus."
TOO_TALL = "Cette image est trop haute : 16\u00a0383 pixels au plus."
TOO_HEAVY = (
    "Cette image est trop lourde à traiter : réduisez ses dimensions ou enregistrez-la en JPEG."
)
BUSY = "Le serveur traite déjà plusieurs photos : réessayez dans un instant."

RED, BLUE = (220, 20, 20), (20, 40, 200)
ROOT = Path(__file__).resolve().parents[2]


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


def png(width, height, colour_type=2, idat=b""):
    """A PNG written chunk by chunk; without IDAT, it announces dimensions and holds no pixels
    (enough for Image.open)."""

    def chunk(kind, payload):
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    pixels = chunk(b"IDAT", idat) if idat else b""
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + pixels + chunk(b"IEND", b"")


def png_of_one_colour(width, height, colour_type=2):
    """Compressed row by row: 60 Mpx of one colour weigh less than a megabyte."""
    row = b"\0" + b"\x80" * width * {2: 3, 6: 4}[colour_type]  # Filter type 0, then pixels.
    deflate = zlib.compressobj(1)
    idat = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    return png(width, height, colour_type, idat)


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
        process_photo(png(*size))
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


# --- Bounded decoding -----------------------------------------------------------------------

# Run in a subprocess of its own: its peak memory (VmHWM) is then the photo's. getrusage()
# would not do, Linux handing the parent's peak down to what it executes.
PEAK_MEMORY = """
import json, sys
from territoires.core.media import process_photo

def peak():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024

data = open(sys.argv[1], "rb").read()
before = peak()
photo = process_photo(data)
variants = [(v.format, v.width, v.height) for v in photo.variants]
print(json.dumps({"growth": peak() - before, "variants": variants}))
"""


def test_a_png_bomb_is_refused_at_once_without_decoding_its_pixels():
    bomb = png_of_one_colour(7740, 7740)  # 60 Mpx: 240 MB once decoded.
    assert len(bomb) < 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(MediaError) as error:
        process_photo(bomb)
    assert time.perf_counter() - started < 0.25  # Decoding it alone takes seconds.
    assert str(error.value) == TOO_LARGE


@pytest.mark.parametrize("colour_type", [2, 6], ids=["rgb", "rgba"])
def test_a_picture_too_heavy_to_decode_whole_is_refused_before_decoding(colour_type):
    heavy = png_of_one_colour(6000, 6000, colour_type)  # 36 Mpx: under the pixel cap.
    started = time.perf_counter()
    with pytest.raises(MediaError) as error:
        process_photo(heavy)
    assert time.perf_counter() - started < 0.25
    assert str(error.value) == TOO_HEAVY


def test_a_24_mpx_jpeg_is_never_decoded_at_full_size(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(encoded(picture((6000, 4000)), "JPEG", quality=85))

    completed = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    result = json.loads(completed.stdout)
    # Pillow stores RGB in 4 bytes a pixel: the full-size pixels alone would take 96 MB.
    assert result["growth"] < 6000 * 4000 * 4
    assert [tuple(v) for v in result["variants"]] == [
        ("webp", 480, 320),
        ("webp", 960, 640),
        ("webp", 1600, 1067),
        ("webp", 2400, 1600),
        ("jpeg", 1600, 1067),
    ]


def test_a_picture_taller_than_webp_allows_is_refused_but_a_panorama_is_not():
    with pytest.raises(MediaError) as error:
        process_photo(encoded(Image.new("L", (100, 16_384)), "PNG"))
    assert str(error.value) == TOO_TALL
    photo = process_photo(encoded(Image.new("L", (16_384, 100)), "PNG"))
    assert [(v.width, v.height) for v in photo.webp][-1] == (2400, 15)


def test_a_16_bit_greyscale_png_is_scaled_down_not_clipped():
    photo = process_photo(encoded(Image.new("I;16", (600, 400), 40_000), "PNG"))
    grey = Image.open(io.BytesIO(photo.fallback.data)).getpixel((300, 200))
    assert all(150 <= channel <= 162 for channel in grey)  # 40,000 / 256 = 156, not 255.


def test_a_png_carrying_an_exif_orientation_is_turned_upright():
    photo = process_photo(encoded(picture((600, 300)), "PNG", exif=phone_exif(6)))
    assert (photo.width, photo.height) == (300, 600)
    img = Image.open(io.BytesIO(photo.fallback.data)).convert("RGB")
    r, g, b = img.getpixel((img.width - 5, 5))  # The red corner, turned clockwise.
    assert r > 150 and b < 100


# --- Photos processed at once ---------------------------------------------------------------


def test_when_every_slot_is_taken_a_photo_waits_then_is_refused():
    data = encoded(picture((600, 400)), "PNG")
    with ExitStack() as taken:
        for _ in range(photos.PHOTO_DECODE_SLOTS):
            taken.enter_context(photos.decode_slot())
        started = time.perf_counter()
        with pytest.raises(MediaError) as error:
            process_photo(data, wait=0.05)
        assert time.perf_counter() - started >= 0.05
    assert str(error.value) == BUSY
    assert process_photo(data, wait=0).width == 600  # The slots are free again.


def test_a_slot_is_given_back_whatever_becomes_of_the_photo():
    truncated = encoded(picture((800, 600)), "JPEG")[:5000]
    for refused in [truncated, png_of_one_colour(6000, 6000)] * photos.PHOTO_DECODE_SLOTS:
        with pytest.raises(MediaError):
            process_photo(refused, wait=0)
    assert process_photo(encoded(picture((300, 200)), "PNG"), wait=0).width == 300


def test_uploads_arriving_together_are_decoded_a_few_at_a_time(monkeypatch):
    decode, lock = photos._decode_widest, threading.Lock()
    running, most = 0, 0

    def counted(data, plan):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)  # Long enough for the other threads to pile up.
        try:
            return decode(data, plan)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(photos, "_decode_widest", counted)
    data = encoded(picture((600, 400)), "PNG")
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(process_photo(data)))
        for _ in range(photos.PHOTO_DECODE_SLOTS + 3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == len(threads)
    assert most == photos.PHOTO_DECODE_SLOTS


def test_the_media_helpers_import_nothing_from_django():
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, territoires.core.media; print(*sorted(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "territoires.core.media.photos" in imported
    assert not [name for name in imported if name.split(".")[0] == "django"]
