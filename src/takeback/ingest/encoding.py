"""Decoding the text encodings real exports come in, and the times they write.

Exports arrive as UTF-8 (with or without a BOM), UTF-16 (Windows tools, some
SMS apps) and now and then Latin-1/cp1252. The encoding is chosen from the
BOM, else UTF-8 if the start of the file decodes, else cp1252; a UTF-8 file
with stray invalid bytes is read with replacement characters and a warning,
so nothing after the bad byte is lost.
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from takeback.errors import UsageError

# The generic "utf-16"/"utf-32" codecs read the BOM for the byte order and drop it.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(head: bytes) -> str:
    """The encoding of a file from its first bytes."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    # UTF-16 without a BOM: every other byte of ASCII text is zero.
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        return "utf-16-le"
    if len(head) >= 4 and head[0] == 0 and head[2] == 0 and head[1] != 0:
        return "utf-16-be"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the end of the head is still UTF-8, and so is
        # UTF-8 text with a stray bad byte: Latin-1 text almost never contains a valid
        # multi-byte UTF-8 sequence, so only a head with none is read as cp1252.
        if error.start < len(head) - 3:
            decoded = head.decode("utf-8", errors="ignore")
            if decoded.isascii():
                return "cp1252"
    return "utf-8"


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def head_text(head: bytes) -> str:
    """The head of a file as text, for sniffing (never fails)."""
    return _strip_bom(head.decode(detect_encoding(head), errors="ignore"))


def decode(data: bytes, warnings: list[str] | None = None, where: str = "") -> str:
    """A whole file's bytes as text; problems become warnings, never errors."""
    encoding = detect_encoding(data[:65536])
    if encoding in ("utf-8", "utf-8-sig"):
        text = data.decode("utf-8-sig", errors="replace")
        if warnings is not None and "\ufffd" in text and b"\xef\xbf\xbd" not in data:
            warnings.append(f"{where}: invalid UTF-8 bytes were replaced with \ufffd")
        return text
    if encoding == "cp1252" and warnings is not None:
        warnings.append(f"{where}: not UTF-8; read as Windows-1252 (Latin-1)")
    return _strip_bom(data.decode(encoding, errors="replace"))


def open_text(stream: BinaryIO, head: bytes) -> io.TextIOWrapper:
    """A text reader over ``stream`` in the encoding its head shows.

    Line endings are left as written (``newline=""``) so parsers see CRLF too.
    Invalid bytes become U+FFFD, so one bad byte never loses the rest.
    """
    encoding = detect_encoding(head)
    if encoding == "utf-8":
        encoding = "utf-8-sig"
    return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")


def iter_lines(stream: BinaryIO, head: bytes) -> Iterator[str]:
    """Lines without their endings, streamed. Only CR, LF and CRLF end a line
    (not U+2028 and friends, which can sit inside a message)."""
    with open_text(stream, head) as text:
        for line in text:
            yield line.rstrip("\r\n")


# --- time ---------------------------------------------------------------------------------


def local_zone_name() -> str:
    """This machine's time zone name (IANA), or UTC when it cannot be told."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        return name
    try:
        name = Path("/etc/timezone").read_text(encoding="utf-8").strip()
        if name:
            return name
    except OSError:
        pass
    try:
        link = os.readlink("/etc/localtime")
        if "zoneinfo/" in link:
            return link.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return "UTC"


def zone(name: str | None) -> ZoneInfo:
    """A ZoneInfo for ``name`` (default: the machine's zone), or a clear UsageError."""
    name = name or local_zone_name()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"unknown time zone {name!r}: use an IANA name like Europe/London or UTC"
        ) from None


def local_to_utc(naive: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time written with no zone, read in ``tz``, as aware UTC."""
    return naive.replace(tzinfo=tz).astimezone(UTC)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_to_utc(seconds: int | float) -> datetime:
    """Seconds since 1970 as aware UTC."""
    return _EPOCH + timedelta(seconds=seconds)


def epoch_ms_to_utc(milliseconds: int) -> datetime:
    """Milliseconds since 1970 as aware UTC, exactly."""
    return _EPOCH + timedelta(milliseconds=milliseconds)
