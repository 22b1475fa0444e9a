"""Files to read, wherever they live: on disk or inside an export archive.

An :class:`Input` hides whether a chat file is on disk or a member of a zip,
hashes it once (before any parser reads it), and finds the media a message
refers to so that it can be hashed where it lies. Media is never extracted,
copied or written anywhere: it is streamed through a hash and forgotten.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import posixpath
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from takeback.model import Attachment, Source

HEAD_BYTES = 8192
_EXPORT_DEPTH = 6  # how many folders above a file its export's root may be
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was passed over, and why (shown to the person, never silently dropped)."""

    path: str
    reason: str
    explicit: bool = False  # the person named this file themselves


def hash_stream(stream: BinaryIO) -> tuple[str, int]:
    """SHA-256 and size of a stream, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def guess_media_type(name: str) -> str | None:
    return mimetypes.guess_type(name, strict=False)[0]


class Input:
    """One file to parse. ``display`` names it for people: ``path`` or ``archive!member``."""

    def __init__(
        self,
        path: str,
        size: int,
        opener: Callable[[], BinaryIO],
        member: str | None = None,
        finder: Callable[[str], Input | None] | None = None,
    ) -> None:
        self.path = path
        self.member = member
        self.size = size
        self._opener = opener
        self._finder = finder
        self._head: bytes | None = None
        self._digest: tuple[str, int] | None = None

    @property
    def display(self) -> str:
        return f"{self.path}!{self.member}" if self.member else self.path

    @property
    def name(self) -> str:
        return posixpath.basename(self.member) if self.member else os.path.basename(self.path)

    def open(self) -> BinaryIO:
        return self._opener()

    def head(self) -> bytes:
        if self._head is None:
            with self.open() as stream:
                self._head = stream.read(HEAD_BYTES)
        return self._head

    def source(self, format_name: str) -> Source:
        """The provenance record: hashes the whole file once."""
        if self._digest is None:
            with self.open() as stream:
                self._digest = hash_stream(stream)
        sha256, size = self._digest
        return Source(self.path, sha256, size, format_name, self.member)

    def find(self, reference: str) -> Input | None:
        """The file a message refers to (relative to this file or the export's root)."""
        if not reference or self._finder is None:
            return None
        return self._finder(reference)

    def attachment(self, reference: str, media_type: str | None = None) -> Attachment:
        """An attachment record for ``reference``: hashed if the file is there, never copied."""
        name = reference.strip()
        media_type = media_type or guess_media_type(name)
        found = self.find(name)
        if found is None:
            return Attachment(name=name, media_type=media_type, present=False)
        try:
            with found.open() as stream:
                sha256, size = hash_stream(stream)
        except OSError:
            return Attachment(name=name, media_type=media_type, present=False)
        return Attachment(name=name, media_type=media_type, present=True, size=size, sha256=sha256)


def _safe_relative(reference: str) -> str | None:
    """A normalised relative path, or None if it tries to leave its folder."""
    ref = reference.replace("\\", "/").strip()
    if not ref or ref.startswith("/") or (len(ref) > 1 and ref[1] == ":"):
        return None
    norm = posixpath.normpath(ref)
    if norm == ".." or norm.startswith("../"):
        return None
    return norm


def disk_input(path: Path, root: Path | None = None) -> Input:
    """An input on disk. Attachments are looked up beside it, then in the folders above
    it up to ``root`` (a folder being read), or up to a few levels for a file named on its
    own: exports refer to media from their root folder."""
    path = Path(path)
    if root is None:
        ancestors = path.resolve().parents
        root = ancestors[min(_EXPORT_DEPTH, len(ancestors) - 1)]
    root = root.resolve()
    size = path.stat().st_size

    # The folders to search, nearest first, and what each holds (listed once, when first
    # needed): an export refers to thousands of files, many of them not in the export.
    home = path.parent.resolve()
    folders = [home] + [p for p in home.parents if p == root or root in p.parents]
    if root not in (home, *home.parents):
        folders = [home]
    listings: dict[Path, frozenset[str]] = {}

    def listing(folder: Path) -> frozenset[str]:
        names = listings.get(folder)
        if names is None:
            try:
                names = frozenset(os.listdir(folder))
            except OSError:
                names = frozenset()
            listings[folder] = names
        return names

    def finder(reference: str) -> Input | None:
        rel = _safe_relative(reference)
        if rel is None:
            return None
        first = rel.split("/", 1)[0]
        for folder in folders:
            if first not in listing(folder):
                continue
            candidate = folder / rel
            try:
                info = candidate.lstat()
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                return disk_input(candidate, root)
        return None

    return Input(str(path), size, lambda: open(path, "rb"), finder=finder)
