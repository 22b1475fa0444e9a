"""The chain-of-custody log: who did what to which file, when, linked by hashes.

``custody.jsonl`` holds one JSON object per line, in canonical form (sorted
keys, no spaces, UTF-8). Each entry names its sequence number, the time (UTC),
the actor, the action, the object and the object's SHA-256, and carries in
``prev`` the SHA-256 of the previous line's bytes (64 zeros for the first).
Editing, removing or moving any entry breaks the link after it; the manifest
records the hash of the last line, so the last entry is covered too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from takeback.evidence.manifest import canonical, is_sha256

GENESIS = "0" * 64
FIELDS = ("action", "actor", "detail", "object", "prev", "seq", "sha256", "time")


@dataclass(frozen=True, slots=True)
class CustodyEntry:
    seq: int
    time: str
    actor: str
    action: str
    object: str
    sha256: str | None
    prev: str
    detail: str = ""

    def line(self) -> bytes:
        return canonical(
            {
                "seq": self.seq,
                "time": self.time,
                "actor": self.actor,
                "action": self.action,
                "object": self.object,
                "sha256": self.sha256,
                "prev": self.prev,
                "detail": self.detail,
            }
        )


def utc_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class CustodyLog:
    """An append-only log being written; each entry is linked to the one before."""

    def __init__(self, actor: str, clock: Callable[[], datetime]) -> None:
        self.actor = actor
        self._clock = clock
        self.entries: list[CustodyEntry] = []
        self._prev = GENESIS

    def append(self, action: str, obj: str, sha256: str | None = None, detail: str = "") -> CustodyEntry:
        entry = CustodyEntry(
            seq=len(self.entries) + 1,
            time=utc_text(self._clock()),
            actor=self.actor,
            action=action,
            object=obj,
            sha256=sha256,
            prev=self._prev,
            detail=detail,
        )
        self.entries.append(entry)
        self._prev = hashlib.sha256(entry.line()).hexdigest()
        return entry

    @property
    def head(self) -> str:
        """SHA-256 of the last line (what the manifest records)."""
        return self._prev

    def data(self) -> bytes:
        return b"".join(entry.line() + b"\n" for entry in self.entries)


@dataclass(frozen=True, slots=True)
class ChainCheck:
    entries: tuple[CustodyEntry, ...]  # the entries that could be read, in file order
    head: str  # SHA-256 of the last line
    problems: tuple[str, ...]


def check_chain(data: bytes) -> ChainCheck:
    """Checks every link. Problems name the entry: ``custody entry N broken: why``."""
    problems: list[str] = []
    entries: list[CustodyEntry] = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    else:
        problems.append("custody log does not end with a newline (cut short?)")
    prev_hash = GENESIS
    for number, line in enumerate(lines, start=1):
        entry = _entry(line)
        if entry is None:
            problems.append(f"custody entry {number} broken: not a valid entry")
        else:
            entries.append(entry)
            if entry.line() != line:
                problems.append(f"custody entry {number} broken: not in canonical form (edited)")
            if entry.seq != number:
                problems.append(
                    f"custody entry {number} broken: line {number} holds entry {entry.seq} "
                    "(entries removed or reordered)"
                )
            if entry.prev != prev_hash and number > 1:
                problems.append(
                    f"custody entry {number - 1} broken: entry {number} no longer matches it "
                    "(edited, removed or moved)"
                )
            elif entry.prev != prev_hash:
                problems.append("custody entry 1 broken: it does not start the chain")
        prev_hash = hashlib.sha256(line).hexdigest()
    return ChainCheck(tuple(entries), prev_hash, tuple(problems))


def _entry(line: bytes) -> CustodyEntry | None:
    try:
        raw = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(raw, dict) or tuple(sorted(raw)) != FIELDS:
        return None
    seq, sha256 = raw["seq"], raw["sha256"]
    text_fields = ("time", "actor", "action", "object", "prev", "detail")
    if not isinstance(seq, int) or isinstance(seq, bool):
        return None
    if not all(isinstance(raw[k], str) for k in text_fields):
        return None
    if not (sha256 is None or is_sha256(sha256)) or not is_sha256(raw["prev"]):
        return None
    return CustodyEntry(
        seq, raw["time"], raw["actor"], raw["action"], raw["object"], sha256, raw["prev"], raw["detail"]
    )
