"""Memory and time of photo processing under a decompression-bomb attack, printed as Markdown.

    python bench/media_memory.py

Generates, in a temporary folder and without network:
- the attack: a PNG of 7,740 × 7,740 px (60 Mpx) of one colour, which deflate packs into
  about 180 KB; before bounded decoding, each upload cost the server about half a gigabyte;
- the largest PNGs still accepted, in RGB and with an alpha channel (just under the cap on
  the memory a picture may take at full size): the worst an upload can cost;
- a realistic 12 Mpx phone photo (4,000 × 3,000 JPEG with texture, EXIF orientation 6).

Each case runs in a fresh subprocess, which calls ``media.process_photo`` from parallel
threads at once (four uploads arriving together) and reports its own peak RSS
(``getrusage(RUSAGE_SELF).ru_maxrss``), the RSS before processing, the wall time and what
became of each upload.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

from PIL import ExifTags, Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ATTACK_SIDE = 7740
# 33 Mpx: at 2 × 4 bytes per pixel, just under PHOTO_MAX_FULL_SIZE_BYTES (256 MiB).
LARGEST_ACCEPTED_PNG = (6000, 5500)
PHOTO_SIZE = (4000, 3000)
CASES = [  # (label, file, parallel uploads)
    ("attack PNG 7,740 × 7,740 (60 Mpx), 4 at once", "attack.png", 4),
    ("largest accepted PNG 6,000 × 5,500 (33 Mpx), RGB, 4 at once", "largest-rgb.png", 4),
    ("largest accepted PNG 6,000 × 5,500 (33 Mpx), RGBA, 4 at once", "largest-rgba.png", 4),
    ("phone JPEG 4,000 × 3,000 (12 Mpx), alone", "photo.jpg", 1),
    ("phone JPEG 4,000 × 3,000 (12 Mpx), 4 at once", "photo.jpg", 4),
]


def png_of_one_colour(width: int, height: int, pixel: tuple[int, ...]) -> bytes:
    """RGB or RGBA after ``pixel``, written row by row: the decoded picture is never held."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\0" + bytes(pixel) * width  # Filter type 0, then the pixels.
    deflate = zlib.compressobj(9)
    idat = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    colour_type = 6 if len(pixel) == 4 else 2
    ihdr = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def phone_photo(size: tuple[int, int]) -> bytes:
    """Gradients and grain, so that the JPEG weighs what a phone's does (a few MB)."""
    width, height = size
    grain = Image.effect_noise(size, 40)
    red = Image.linear_gradient("L").resize(size)
    blue = red.rotate(90).resize(size)
    green = Image.blend(grain, red, 0.5).filter(ImageFilter.GaussianBlur(1))
    img = Image.merge("RGB", (red, green, Image.blend(blue, grain, 0.3)))
    draw = ImageDraw.Draw(img)
    for i in range(0, width, 250):
        draw.ellipse((i, i * height // width, i + 400, i * height // width + 300), outline="white")
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # Taken holding the phone upright.
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def make_files(folder: Path) -> None:
    (folder / "attack.png").write_bytes(png_of_one_colour(ATTACK_SIDE, ATTACK_SIDE, (30, 120, 80)))
    largest = LARGEST_ACCEPTED_PNG
    (folder / "largest-rgb.png").write_bytes(png_of_one_colour(*largest, (200, 180, 40)))
    (folder / "largest-rgba.png").write_bytes(png_of_one_colour(*largest, (200, 180, 40, 128)))
    (folder / "photo.jpg").write_bytes(phone_photo(PHOTO_SIZE))


def child_command(path: Path, uploads: int) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", str(path), str(uploads)]


def run(command: list[str]) -> str:
    """Linux hands a process's peak RSS down to what it executes: the parent stays lean, and
    the files are made in a subprocess of their own."""
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if completed.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{completed.stderr}")
    return completed.stdout


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes.


def child(path: Path, uploads: int, media) -> dict:
    """Runs in the fresh subprocess: ``uploads`` threads process the same file at once."""
    data = path.read_bytes()
    before = rss_mb()
    start_line = threading.Barrier(uploads)
    outcomes = [""] * uploads

    def upload(i: int) -> None:
        start_line.wait()
        try:
            photo = media.process_photo(data)
        except media.MediaError as error:
            outcomes[i] = f"refused: {error}"
        else:
            outcomes[i] = f"{len(photo.variants)} variants"

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(uploads)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "size_kb": len(data) / 1024,
        "rss_before_mb": before,
        "peak_rss_mb": rss_mb(),
        "wall_s": wall,
        "outcomes": sorted(set(outcomes)),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--make", metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=2, metavar=("FILE", "UPLOADS"), help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.make:
        make_files(Path(options.make))
        return 0
    if options.child:
        from territoires.core import media

        print(json.dumps(child(Path(options.child[0]), int(options.child[1]), media)))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-media-") as folder:
        run([sys.executable, str(Path(__file__).resolve()), "--make", folder])
        print("| case | file | peak RSS | RSS before | wall time | outcome |")
        print("|---|---:|---:|---:|---:|---|")
        for label, name, uploads in CASES:
            result = json.loads(run(child_command(Path(folder, name), uploads)))
            print(
                f"| {label} | {result['size_kb']:,.0f} KB | {result['peak_rss_mb']:,.0f} MB "
                f"| {result['rss_before_mb']:,.0f} MB | {result['wall_s']:.2f} s "
                f"| {'; '.join(result['outcomes'])} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
