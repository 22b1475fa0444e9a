"""Reading export archives (.zip) without extracting them, and refusing hostile ones.

Nothing is ever written to disk: members are streamed straight to a parser or
a hash. Limits stop zip bombs (total size and compression ratio, checked on the
declared sizes and again on the bytes actually read), names that try to leave
the archive are skipped with a warning, and encrypted members are named.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, BinaryIO

from takeback.errors import CorruptInput, UnsafeInput
from takeback.ingest.inputs import Input, Skipped, _safe_relative


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    max_total_bytes: int = 16 << 30  # 16 GiB of uncompressed members in one archive
    max_ratio: int = 200  # a member may inflate at most this many times ...
    ratio_floor: int = 8 << 20  # ... once it is bigger than 8 MiB
    max_members: int = 200_000


class _BoundedReader(io.RawIOBase):
    """Reads a member but refuses to yield more than it declared (lying headers)."""

    def __init__(self, raw: IO[bytes], limit: int, where: str) -> None:
        self._raw = raw
        self._left = limit
        self._where = where

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            raise UnsafeInput("archive member is larger than it declares (zip bomb?)", self._where)
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def is_zip(head: bytes) -> bool:
    return head[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def zip_inputs(path: str, limits: ArchiveLimits | None = None) -> Iterator[Input | Skipped]:
    """Every readable member of a zip as an :class:`Input`; unsafe ones as :class:`Skipped`."""
    limits = limits or ArchiveLimits()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise CorruptInput(f"not a readable zip archive ({error})", path) from None
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise UnsafeInput(f"archive has {len(infos)} members, more than {limits.max_members}", path)
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_bytes:
        raise UnsafeInput(
            f"archive would expand to {total} bytes, more than the limit of "
            f"{limits.max_total_bytes} (zip bomb?)",
            path,
        )
    members: dict[str, zipfile.ZipInfo] = {}
    by_basename: dict[str, zipfile.ZipInfo] = {}
    skipped: list[Skipped] = []
    for info in infos:
        if info.is_dir():
            continue
        where = f"{path}!{info.filename}"
        name = _safe_relative(info.filename)
        if name is None:
            skipped.append(Skipped(where, "unsafe name that points outside the archive"))
            continue
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            skipped.append(Skipped(where, "compression ratio too high (zip bomb?)"))
            continue
        if info.flag_bits & 0x1:
            skipped.append(Skipped(where, "encrypted member (takeback cannot read it)"))
            continue
        members[name] = info
        by_basename.setdefault(posixpath.basename(name), info)

    def opener(info: zipfile.ZipInfo) -> BinaryIO:
        where = f"{path}!{info.filename}"
        try:
            raw = archive.open(info)
        except (zipfile.BadZipFile, NotImplementedError, OSError) as error:
            raise CorruptInput(f"cannot read archive member ({error})", where) from None
        return io.BufferedReader(_BoundedReader(raw, info.file_size, where), 1 << 16)

    def make(info: zipfile.ZipInfo) -> Input:
        base = posixpath.dirname(_safe_relative(info.filename) or "")

        def finder(reference: str) -> Input | None:
            rel = _safe_relative(reference)
            if rel is None:
                return None
            found = (
                members.get(posixpath.normpath(posixpath.join(base, rel)))
                or members.get(rel)
                or by_basename.get(posixpath.basename(rel))
            )
            return make(found) if found is not None else None

        return Input(path, info.file_size, lambda: opener(info), info.filename, finder)

    yield from skipped
    for info in members.values():
        yield make(info)
