"""Video PDQ (vPDQ): Meta's fingerprint for videos, computed on this device.

vPDQ samples a video at a fixed rate (one frame per second of video by
default), hashes each sampled frame with PDQ and keeps each frame's number,
quality and timestamp. This follows the reference in facebook/ThreatExchange
(vpdq/): frames are counted in decoding order from 0, frame i is hashed when i
is a multiple of int(seconds_per_hash x frame rate) (at least 1), the frame
rate is the stream's average rate (its base rate when that is unknown), and a
frame's timestamp is i / frame rate. Two videos are compared as bags of frame
hashes (see match.py).

Frames are decoded in memory by PyAV (the optional `video` extra) and hashed
with the same PDQ path as photos; nothing is written anywhere and nothing is
shown. The demuxer is fixed from the file's first bytes, so FFmpeg never
guesses a playlist or concat format that could make it open other files.

vPDQ hashes travel in two text forms, both read and written here: vpdq's own
file (one `frame,quality,hash,timestamp` line per frame, what
`vpdq-hash-video` writes) and the `vpdq` signal of python-threatexchange and
Hasher-Matcher-Actioner (a JSON list of `hash,quality,timestamp` strings).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from takeback.errors import CorruptInput, UnsafeInput, UnsupportedFormat
from takeback.media.hashing import pdq_of_image, sniff_media_type

SECONDS_PER_HASH = 1.0
MAX_FRAMES = 3600  # hashed frames: an hour of video at one per second; the rest is left out, with a note
MAX_VIDEO_PIXELS = 40_000_000  # 8K is 33 million; larger frames are refused as possible decoder bombs
MAX_FRAME_RATE = 1000  # slow-motion phones record 240; a claim above this is not a real video
INSTALL_HINT = "pip install 'takeback[video]'"

# FFmpeg demuxer for each media type hashing.sniff_media_type recognises.
_DEMUXERS = {
    "video/mp4": "mov",
    "video/quicktime": "mov",
    "video/webm": "matroska",
    "video/x-msvideo": "avi",
    "video/x-flv": "flv",
    "video/mpeg": "mpeg",
}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_VPDQ_LINE = re.compile(r"^\s*\d+\s*,\s*\d+\s*,\s*[0-9a-fA-F]{64}\s*,\s*[0-9.]+\s*$")


@dataclass(frozen=True, slots=True)
class VideoFrame:
    """One sampled frame: its number in decoding order, PDQ hash, PDQ quality and time (s)."""

    frame: int
    pdq: str
    quality: int
    timestamp: float


@dataclass(frozen=True, slots=True)
class VideoHash:
    """A video's sampled frames, in order."""

    frames: tuple[VideoFrame, ...]
    note: str | None = None  # what was left out (a damaged end, frames beyond the limit), in plain words


def available() -> bool:
    """Whether PyAV (the `video` extra) is installed."""
    return importlib.util.find_spec("av") is not None


def _pyav() -> Any:
    try:
        import av
    except ImportError:
        raise UnsupportedFormat(f"video PDQ needs the video extra: {INSTALL_HINT}") from None
    return av


def hash_video(path: str | os.PathLike[str], media_type: str | None = None, *,
               seconds_per_hash: float = SECONDS_PER_HASH, max_frames: int = MAX_FRAMES,
               max_pixels: int = MAX_VIDEO_PIXELS) -> VideoHash:
    """The vPDQ hash of a video file, decoded in memory.

    A video that cannot be opened raises CorruptInput; one too large to decode
    safely raises UnsafeInput. A video that breaks off part-way keeps the frames
    hashed before the break, with a note."""
    av = _pyav()
    path = Path(path)
    if media_type is None:
        with open(path, "rb") as stream:
            media_type = sniff_media_type(stream.read(64))
    demuxer = _DEMUXERS.get(media_type or "")
    if demuxer is None:
        raise UnsupportedFormat("not a video format takeback can decode", str(path))
    with open(path, "rb") as stream:
        try:
            container = av.open(stream, mode="r", format=demuxer)
        except av.error.FFmpegError as error:
            raise CorruptInput(f"video cannot be decoded ({_reason(error)})", str(path)) from None
        with container:
            return _hash_frames(av, container, str(path), seconds_per_hash, max_frames, max_pixels)


def _hash_frames(av: Any, container: Any, where: str, seconds_per_hash: float, max_frames: int,
                 max_pixels: int) -> VideoHash:
    if not container.streams.video:
        raise CorruptInput("file has no video track", where)
    stream = container.streams.video[0]
    width, height = stream.codec_context.width, stream.codec_context.height
    if not width or not height:
        raise CorruptInput("video has no picture size", where)
    if width * height > max_pixels:
        raise UnsafeInput(f"video is {width}x{height} pixels, too large to decode safely", where)
    rate = stream.average_rate or stream.base_rate
    if not rate:
        raise CorruptInput("video has no frame rate", where)
    fps = float(rate)
    if fps > MAX_FRAME_RATE:
        raise UnsafeInput(f"video claims {fps:.0f} frames per second, more than any camera makes", where)
    step = max(1, int(seconds_per_hash * fps))
    stream.thread_type = "AUTO"
    frames: list[VideoFrame] = []
    decoded, note = 0, None
    try:
        for index, picture in enumerate(container.decode(stream)):
            decoded = index + 1
            if index % step:
                continue
            if picture.width * picture.height > max_pixels:
                raise UnsafeInput(f"video frame {index} is {picture.width}x{picture.height} pixels, "
                                  "too large to decode safely", where)
            if len(frames) == max_frames:
                note = (f"only the first {max_frames} sampled frames (about {index / fps / 60:.0f} "
                        "minutes) were hashed; the rest of the video was not")
                break
            pdq, quality, _ = pdq_of_image(picture.to_image())
            frames.append(VideoFrame(index, pdq, quality, round(index / fps, 3)))
    except av.error.FFmpegError as error:
        if not frames:
            raise CorruptInput(f"video cannot be decoded ({_reason(error)})", where) from None
        note = (f"video is damaged or cut short ({_reason(error)}); only its first "
                f"{decoded / fps:.0f} seconds could be hashed")
    if not frames:
        raise CorruptInput("video has no frames that can be decoded", where)
    expected = _duration(stream, container)
    if note is None and expected and decoded / fps + max(1.0, expected / 10) < expected:
        note = (f"video may be cut short or damaged: only {decoded / fps:.0f} of its "
                f"{expected:.0f} seconds could be hashed")
    return VideoHash(tuple(frames), note)


def _duration(stream: Any, container: Any) -> float | None:
    """The length the file's header claims, in seconds (the video track's, else the file's)."""
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if container.duration:
        return float(container.duration) / 1_000_000
    return None


def _reason(error: Any) -> str:
    # FFmpeg's message without the file name it appends
    return str(getattr(error, "strerror", None) or type(error).__name__).rstrip(".")


def usable(frames: Iterable[VideoFrame], quality: int) -> list[str]:
    """The distinct hashes of frames of at least ``quality``, in order: what vPDQ compares
    (python-threatexchange drops low-quality frames, then repeated hashes)."""
    return list(dict.fromkeys(frame.pdq for frame in frames if frame.quality >= quality))


def to_vpdq_file(frames: Iterable[VideoFrame]) -> str:
    """vpdq's file format: `frame,quality,hash,timestamp` lines, timestamps to the millisecond."""
    return "".join(f"{f.frame},{f.quality},{f.pdq},{f.timestamp:.3f}\n" for f in frames)


def to_signal(frames: Iterable[VideoFrame]) -> str:
    """The `vpdq` signal string of python-threatexchange and HMA: a JSON list of
    `hash,quality,timestamp` strings (frame numbers are not part of it)."""
    return json.dumps([f"{f.pdq},{f.quality},{f.timestamp:.3f}" for f in frames])


def is_vpdq_file(text: str) -> bool:
    """Whether text starts like vpdq's file format (so a bank file can be one video's hash)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return bool(_VPDQ_LINE.match(first))


def parse_vpdq(value: object) -> tuple[VideoFrame, ...]:
    """Frames from any form a vPDQ hash travels in: vpdq's file text, HMA's signal (a JSON
    list of `hash,quality,timestamp`), or the frame list `takeback hash --json` writes.
    Raises ValueError saying what is wrong."""
    if isinstance(value, str):
        text = value.strip()
        if not text.startswith("["):
            lines = [line for line in text.splitlines() if line.strip()]
            return _checked([_from_vpdq_line(line) for line in lines])
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            raise ValueError("video PDQ signal is not a JSON list") from None
    if not isinstance(value, list):
        raise ValueError("video PDQ hash is not a list of frames")
    frames: list[VideoFrame] = []
    for position, item in enumerate(value):
        if isinstance(item, str):
            frames.append(_from_signal_item(item, position))
        elif isinstance(item, dict):
            frames.append(_from_record(item, position))
        else:
            raise ValueError(f"video PDQ frame {position} is neither text nor an object")
    return _checked(frames)


def _from_vpdq_line(line: str) -> VideoFrame:
    parts = [part.strip() for part in line.split(",")]
    if len(parts) != 4:
        raise ValueError("a vpdq line has four fields: frame,quality,hash,timestamp")
    return _frame(parts[0], parts[2], parts[1], parts[3])


def _from_signal_item(item: str, position: int) -> VideoFrame:
    parts = [part.strip() for part in item.split(",")]
    if len(parts) != 3:
        raise ValueError("a vpdq signal frame has three fields: hash,quality,timestamp")
    return _frame(position, parts[0], parts[1], parts[2])


def _from_record(item: dict[str, Any], position: int) -> VideoFrame:
    try:
        return _frame(item.get("frame", position), item["pdq"], item["quality"], item["timestamp"])
    except KeyError as missing:
        raise ValueError(f"video PDQ frame {position} has no {missing}") from None


def _frame(frame: object, pdq: object, quality: object, timestamp: object) -> VideoFrame:
    try:
        return VideoFrame(int(str(frame)), str(pdq).lower(), int(str(quality)), float(str(timestamp)))
    except ValueError:
        raise ValueError("video PDQ frame has a field that is not a number") from None


def _checked(frames: list[VideoFrame]) -> tuple[VideoFrame, ...]:
    if not frames:
        raise ValueError("video PDQ hash has no frames")
    for frame in frames:
        if not _HEX64.match(frame.pdq):
            raise ValueError(f"video PDQ frame {frame.frame} has no 64-digit hash")
        if not 0 <= frame.quality <= 100 or frame.frame < 0:
            raise ValueError(f"video PDQ frame {frame.frame} has a quality or number out of range")
        if not math.isfinite(frame.timestamp) or frame.timestamp < 0:
            raise ValueError(f"video PDQ frame {frame.frame} has an impossible timestamp")
    return tuple(frames)
