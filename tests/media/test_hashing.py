"""Media hashing: PDQ compliance, robustness to edits, and nothing written to disk."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFilter

from takeback.media import hash_file
from takeback.media.hashing import sniff_media_type

from .writes import watch_writes


def distance(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def scene(size: tuple[int, int] = (640, 480), seed: int = 0) -> Image.Image:
    """A deterministic picture with structure at several scales (no randomness)."""
    image = Image.new("RGB", size, (20 + seed * 40, 60, 90))
    draw = ImageDraw.Draw(image)
    w, h = size
    for i in range(12):
        x = (i * 97 + seed * 131) % w
        y = (i * 53 + seed * 71) % h
        draw.ellipse((x, y, x + w // 5, y + h // 4), fill=((i * 40) % 256, (i * 90 + seed * 50) % 256, 200))
    draw.rectangle((w // 3, h // 3, w // 3 + w // 4, h // 3 + h // 5), fill=(250, 240, 30))
    return image


def save(image: Image.Image, path: Path, **options: object) -> Path:
    image.save(path, **options)
    return path


def test_reference_images_are_compliant(shared: Path) -> None:
    """PDQ's rule: for quality >= 80, within Hamming distance 10 of the reference."""
    folder = shared / "reference" / "pdq"
    checked = 0
    for table in ("expected-pdq.csv", "expected-pdq-cpp.csv"):
        for row in csv.DictReader((folder / table).open(encoding="utf-8")):
            result = hash_file(folder / "images" / row["file"])
            assert result.pdq is not None and result.pdq_quality is not None
            if result.pdq_quality >= 80:
                checked += 1
                assert distance(result.pdq, row["pdq_hex"]) <= 10, row["file"]
    assert checked >= 20


# The project's own image, its hash stored: catches a changed decode path.
OWN_PDQ = "471876b5b2c639624da928696d4654bde6393b2778522e9984b9d14eb36327bc"


def test_own_image_hash_is_stable(tmp_path: Path) -> None:
    result = hash_file(save(scene(), tmp_path / "scene.png"))
    assert result.pdq_quality is not None and result.pdq_quality >= 80
    assert result.pdq is not None and distance(result.pdq, OWN_PDQ) <= 4
    assert result.sha256 == hashlib.sha256((tmp_path / "scene.png").read_bytes()).hexdigest()
    assert result.media_type == "image/png"


def _edits(image: Image.Image) -> dict[str, Image.Image]:
    w, h = image.size
    return {
        "resize": image.resize((w // 2, h // 2)),
        "blur": image.filter(ImageFilter.GaussianBlur(2)),
        "crop": image.crop((8, 6, w - 8, h - 6)),
        "grey": image.convert("L").convert("RGB"),
    }


@pytest.mark.parametrize("edit", ["resize", "blur", "crop", "grey", "recompress"])
def test_edited_copies_match(tmp_path: Path, edit: str) -> None:
    original = hash_file(save(scene(), tmp_path / "a.png"))
    if edit == "recompress":
        copy = save(scene(), tmp_path / "b.jpg", quality=40)
    else:
        copy = save(_edits(scene())[edit], tmp_path / "b.png")
    edited = hash_file(copy)
    assert original.pdq and edited.pdq
    assert distance(original.pdq, edited.pdq) <= 31


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_unrelated_images_do_not_match(tmp_path: Path, seed: int) -> None:
    a = hash_file(save(scene(), tmp_path / "a.png"))
    b = hash_file(save(scene(seed=seed).rotate(90, expand=True), tmp_path / "b.png"))
    assert a.pdq and b.pdq and distance(a.pdq, b.pdq) > 31


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    upright = hash_file(save(scene(), tmp_path / "up.jpg", quality=95))
    rotated = scene().rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view": undoes the counter-clockwise turn
    tagged = hash_file(save(rotated, tmp_path / "tagged.jpg", quality=95, exif=exif.tobytes()))
    assert upright.pdq and tagged.pdq and distance(upright.pdq, tagged.pdq) <= 31


def test_large_photo_uses_draft_decode_and_matches(tmp_path: Path) -> None:
    big = scene((4000, 3000))
    large = hash_file(save(big, tmp_path / "big.jpg", quality=90))
    small = hash_file(save(big.resize((400, 300)), tmp_path / "small.png"))
    assert large.pdq and small.pdq and distance(large.pdq, small.pdq) <= 31


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  ", "video/quicktime"),
        (b"\x00\x00\x00\x18ftypheic", "image/heic"),
        (b"\x1a\x45\xdf\xa3\x01", "video/webm"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"hello", None),
    ],
)
def test_media_type_from_magic(head: bytes, media_type: str | None) -> None:
    assert sniff_media_type(head) == media_type


def test_video_gets_md5_and_no_pdq(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(5000))
    result = hash_file(path)
    assert result.pdq is None and result.md5 == hashlib.md5(path.read_bytes()).hexdigest()


def test_broken_image_is_a_note_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "broken.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    result = hash_file(path)
    assert result.pdq is None and result.note and "cannot be decoded" in result.note
    assert result.sha256


def test_decompression_bomb_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, "PNG")  # 144 Mpx, a few KB compressed
    path = tmp_path / "bomb.png"
    path.write_bytes(buffer.getvalue())
    result = hash_file(path)
    assert result.pdq is None and result.note and "too large" in result.note


def test_hashing_writes_nothing_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save(scene(), tmp_path / "photo.jpg")
    written = watch_writes(monkeypatch)
    before = {p.name for p in tmp_path.iterdir()}
    hash_file(path)
    assert written == [] and {p.name for p in tmp_path.iterdir()} == before


def test_heic_photos_are_hashed(tmp_path: Path) -> None:
    pillow_heif = pytest.importorskip("pillow_heif", reason="the heic extra is not installed")
    pillow_heif.register_heif_opener()
    heic = save(scene(), tmp_path / "photo.heic", quality=90)
    png = save(scene(), tmp_path / "photo.png")
    a, b = hash_file(heic), hash_file(png)
    assert a.media_type in ("image/heic", "image/heif")
    assert a.pdq and b.pdq and distance(a.pdq, b.pdq) <= 31


def test_gif_first_frame_is_hashed(tmp_path: Path) -> None:
    frames = [scene(), scene(seed=3)]
    gif = tmp_path / "anim.gif"
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=100)
    first = hash_file(save(scene(), tmp_path / "first.png"))
    result = hash_file(gif)
    assert result.media_type == "image/gif"
    assert result.pdq and first.pdq and distance(result.pdq, first.pdq) <= 31
