"""Hashes of media files, computed on this device: SHA-256, MD5, PDQ and video PDQ.

These are the fingerprints StopNCII and Take It Down accept: PDQ for images,
MD5 for videos. An image is decoded once, in memory, only to compute its PDQ
hash; nothing is written anywhere and nothing is shown. Videos also get video
PDQ (vPDQ, see video.py) on request, when the optional `video` extra is
installed.

PDQ decode path: Meta's Python reference shrinks the image to fit 512x512
(bicubic) before hashing; doing the same reproduces its reference hashes
exactly. Large JPEGs are first decoded at a reduced scale (JPEG "draft" mode),
so a 12 MP photo never pays for a full decode.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from takeback.errors import CorruptInput, UnsafeInput, UnsupportedFormat

if TYPE_CHECKING:
    from takeback.media.video import VideoFrame

PDQ_SIZE = 512
MAX_IMAGE_PIXELS = 120_000_000  # larger images are refused as possible decompression bombs
_CHUNK = 1 << 20

_VIDEO_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (4, b"ftypqt", "video/quicktime"),
    (4, b"ftyp", "video/mp4"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm"),
    (8, b"AVI ", "video/x-msvideo"),
    (0, b"FLV", "video/x-flv"),
    (0, b"\x00\x00\x01\xba", "video/mpeg"),
)
_IMAGE_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF8", "image/gif"),
    (8, b"WEBP", "image/webp"),
    (0, b"BM", "image/bmp"),
    (4, b"ftypheic", "image/heic"),
    (4, b"ftypheix", "image/heic"),
    (4, b"ftypmif1", "image/heif"),
    (4, b"ftypavif", "image/avif"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
)


@dataclass(frozen=True, slots=True)
class MediaHash:
    """The fingerprints of one file. ``pdq`` is None for files that are not images;
    ``vpdq`` holds a video's sampled frames when video PDQ was asked for and could be made."""

    path: str
    size: int
    sha256: str
    md5: str
    media_type: str | None
    pdq: str | None = None
    pdq_quality: int | None = None
    note: str | None = None  # why a PDQ hash is missing, in plain words
    dihedral: tuple[tuple[str, str], ...] = ()  # (transform, pdq) of rotations and flips, on request
    vpdq: tuple[VideoFrame, ...] = ()


# The order in which PDQ's dihedral hashes come (Meta's reference implementation).
DIHEDRAL = ("original", "rotate90", "rotate180", "rotate270", "flip_x", "flip_y", "flip_plus1", "flip_minus1")


def sniff_media_type(head: bytes) -> str | None:
    """The media type from a file's first bytes (images are checked before videos:
    HEIC and MP4 share the ``ftyp`` box)."""
    for offset, magic, media_type in (*_IMAGE_MAGIC, *_VIDEO_MAGIC):
        if head[offset : offset + len(magic)] == magic:
            return media_type
    return None


def _pillow() -> Any:
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a core dependency
        raise UnsafeInput("Pillow is not installed; run: pip install takeback") from None
    try:  # HEIC photos from iPhones, when the optional extra is installed
        from pillow_heif import register_heif_opener

        register_heif_opener()
    except ImportError:
        pass
    return Image


def _hex(bits: Any) -> str:
    import numpy as np

    return bytes(np.packbits(np.asarray(bits, dtype=np.uint8))).hex()


def pdq_of_image_bytes(data: bytes, where: str = "", dihedral: bool = False,
                       ) -> tuple[str, int, tuple[tuple[str, str], ...]]:
    """PDQ hash (64 hex digits), quality (0-100) and, on request, the hashes of the
    image's rotations and flips, from an encoded image decoded in memory."""
    image_module = _pillow()
    from PIL import ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("error", image_module.DecompressionBombWarning)
        try:
            image = image_module.open(io.BytesIO(data))
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise UnsafeInput(
                    f"image is {image.width}x{image.height} pixels, too large to decode safely "
                    "(decompression bomb?)",
                    where,
                )
            if image.format == "JPEG":
                image.draft("RGB", (PDQ_SIZE, PDQ_SIZE))
            image.seek(0)  # GIF and other animations: the first frame
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
        except (image_module.DecompressionBombError, image_module.DecompressionBombWarning):
            raise UnsafeInput("image is too large to decode safely (decompression bomb?)", where) from None
        except (OSError, ValueError, SyntaxError) as error:
            raise UnsafeInput(f"image cannot be decoded ({error})", where) from None
    return pdq_of_image(image, dihedral)


def pdq_of_image(image: Any, dihedral: bool = False) -> tuple[str, int, tuple[tuple[str, str], ...]]:
    """PDQ hash, quality and (on request) dihedral hashes of a decoded RGB Pillow image.

    The image is shrunk in place to fit 512x512 (bicubic), as Meta's Python
    reference does; photos and video frames both come through here."""
    import numpy as np
    import pdqhash

    image.thumbnail((PDQ_SIZE, PDQ_SIZE), _pillow().Resampling.BICUBIC)
    pixels = np.asarray(image)
    if dihedral:
        hashes, quality = pdqhash.compute_dihedral(pixels)
        others = tuple((name, _hex(bits)) for name, bits in zip(DIHEDRAL, hashes, strict=True))
        return others[0][1], int(quality), others[1:]
    bits, quality = pdqhash.compute(pixels)
    return _hex(bits), int(quality), ()


def hash_file(path: str | os.PathLike[str], dihedral: bool = False, vpdq: bool = False) -> MediaHash:
    """SHA-256 and MD5 of any file, plus PDQ for images (read once) and, with ``vpdq``,
    video PDQ for videos when the `video` extra is installed (decoded once more)."""
    path = Path(path)
    sha256, md5 = hashlib.sha256(), hashlib.md5()
    with open(path, "rb") as stream:
        head = stream.read(64)
        media_type = sniff_media_type(head)
        keep = media_type is not None and media_type.startswith("image/")
        kept = [head] if keep else []
        sha256.update(head)
        md5.update(head)
        size = len(head)
        while chunk := stream.read(_CHUNK):
            sha256.update(chunk)
            md5.update(chunk)
            size += len(chunk)
            if keep:
                kept.append(chunk)
    result = MediaHash(str(path), size, sha256.hexdigest(), md5.hexdigest(), media_type)
    if vpdq and media_type is not None and media_type.startswith("video/"):
        return _with_video_pdq(result)
    if not keep:
        return result
    try:
        pdq, quality, turned = pdq_of_image_bytes(b"".join(kept), str(path), dihedral)
    except UnsafeInput as error:
        return _with(result, note=error.message)
    note = None if quality >= 50 else "low-quality PDQ hash (too plain or too small to match reliably)"
    return _with(result, pdq=pdq, pdq_quality=quality, note=note, dihedral=turned)


def _with(result: MediaHash, **changes: Any) -> MediaHash:
    return replace(result, **changes)


def _with_video_pdq(result: MediaHash) -> MediaHash:
    from takeback.media import video  # video.py hashes its frames with this module's PDQ

    if not video.available():  # the CLI says once how to add it; MD5 still identifies the file
        return result
    try:
        found = video.hash_video(result.path, result.media_type)
    except (CorruptInput, UnsafeInput, UnsupportedFormat) as error:
        return _with(result, note=error.message)
    return _with(result, vpdq=found.frames, note=found.note)


def hash_paths(paths: Iterable[str | os.PathLike[str]], dihedral: bool = False,
               vpdq: bool = False) -> Iterator[MediaHash]:
    """Hashes of every file in the paths (folders walked in name order, links not followed)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for folder, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    child = Path(folder) / name
                    if child.is_file() and not child.is_symlink():
                        yield hash_file(child, dihedral, vpdq)
        else:
            yield hash_file(path, dihedral, vpdq)
