"""Matching hashes against a bank (a list of known hashes), on this device.

A bank is a file of hashes: what `takeback hash --json` or `--csv` writes, or
a CSV in the shape hash-sharing systems exchange (a signal type column such as
`signal_type` and a value column such as `signal`/`signal_value`), or plain
text with one hash per line. Every other column is kept as the entry's
metadata and returned with each match.

Images match when their PDQ hashes are within a Hamming distance (31 by
default, PDQ's recommended threshold) and both hashes have quality >= 50;
videos and other files match by exact MD5 or SHA-256. A negative bank lists
known false positives that are never reported.

Large banks use a faiss multi-hash index: the 256 bits are cut into 16 chunks
of 16 bits, and since two hashes within distance 31 must agree on some chunk
in all but one bit, probing each chunk with one bit flipped finds every match
(full recall) while touching only a few thousand candidates. Small banks are
compared directly.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from takeback.errors import CorruptInput, UsageError
from takeback.media.hashing import MediaHash

DEFAULT_THRESHOLD = 31
QUALITY_GATE = 50
INDEX_FROM = 20_000  # below this many PDQ hashes a direct comparison is as fast as an index

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_HEX32 = re.compile(r"^[0-9a-fA-F]{32}$")
_TYPE_COLUMNS = ("signal_type", "type", "hash_type", "kind")
_VALUE_COLUMNS = ("signal", "signal_value", "hash", "value", "pdq", "md5", "video_md5", "sha256")
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


@dataclass(frozen=True, slots=True)
class BankEntry:
    signal_type: str  # pdq, md5, video_md5 or sha256
    value: str
    quality: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True, slots=True)
class Match:
    path: str
    entry: BankEntry
    distance: int  # 0 for exact matches
    transform: str = "original"  # which rotation or flip of the image matched


def _signal_type(raw: str, value: str) -> str | None:
    kind = raw.strip().lower().replace("-", "_")
    if kind in ("pdq", "photo_pdq", "pdq_hash"):
        return "pdq"
    if kind in ("video_md5", "md5", "sha256"):
        return kind
    if not kind:  # guess from the value's length
        if _HEX64.match(value):
            return "pdq"
        if _HEX32.match(value):
            return "md5"
    return None


def _entries_from_json_line(record: dict[str, Any], line: int) -> Iterator[BankEntry]:
    meta = {k: str(v) for k, v in record.items() if isinstance(v, str | int | float) and k != "path"}
    if record.get("pdq"):
        yield BankEntry("pdq", str(record["pdq"]).lower(), _int(record.get("pdq_quality")), meta, line)
    if record.get("md5"):
        kind = "video_md5" if str(record.get("media_type") or "").startswith("video/") else "md5"
        yield BankEntry(kind, str(record["md5"]).lower(), None, meta, line)
    if record.get("sha256"):
        yield BankEntry("sha256", str(record["sha256"]).lower(), None, meta, line)
    if record.get("signal_type") and record.get("signal") and not record.get("pdq"):
        signal_kind = _signal_type(str(record["signal_type"]), str(record["signal"]))
        if signal_kind:
            yield BankEntry(signal_kind, str(record["signal"]).lower(), None, meta, line)


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _valid(entry: BankEntry) -> bool:
    pattern = _HEX64 if entry.signal_type in ("pdq", "sha256") else _HEX32
    return bool(pattern.match(entry.value))


def read_bank(path: str | os.PathLike[str]) -> list[BankEntry]:
    """The entries of a bank file. Lines that are not hashes are named in the error."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CorruptInput(f"cannot read the bank ({error})", str(path)) from None
    entries: list[BankEntry] = []
    bad: list[int] = []
    first = text.lstrip()[:1]
    if first == "{":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                bad.append(number)
                continue
            found = list(_entries_from_json_line(record, number)) if isinstance(record, dict) else []
            entries.extend(found) if found else bad.append(number)
    elif "," in text.splitlines()[0] if text.strip() else False:
        reader = csv.DictReader(text.splitlines())
        fields = [f.strip().lower() for f in reader.fieldnames or []]
        type_column = next((c for c in _TYPE_COLUMNS if c in fields), None)
        value_column = next((c for c in _VALUE_COLUMNS if c in fields), None)
        if value_column is None:
            raise CorruptInput(
                f"bank CSV has no hash column (expected one of: {', '.join(_VALUE_COLUMNS)})", str(path)
            )
        for number, row in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            value = row.get(value_column, "").lower()
            kind = _signal_type(row.get(type_column, "") if type_column else value_column, value)
            if kind is None or not value:
                bad.append(number)
                continue
            meta = {k: v for k, v in row.items() if k not in (type_column, value_column) and v}
            entries.append(BankEntry(kind, value, _int(row.get("pdq_quality", "")), meta, number))
    else:
        for number, line in enumerate(text.splitlines(), start=1):
            value = line.strip().lower()
            if not value or value.startswith("#"):
                continue
            kind = _signal_type("", value)
            entries.append(BankEntry(kind, value, None, {}, number)) if kind else bad.append(number)
    invalid = [e.line for e in entries if not _valid(e)]
    if bad or invalid:
        lines = ", ".join(str(n) for n in sorted({*bad, *invalid})[:10])
        raise CorruptInput(f"bank has lines that are not hashes (line {lines})", str(path))
    return entries


def _bits(hex_values: list[str]) -> np.ndarray:
    packed = b"".join(bytes.fromhex(v) for v in hex_values)
    return np.frombuffer(packed, dtype=np.uint8).reshape(-1, 32)


class Bank:
    """Banked hashes, indexed for matching."""

    def __init__(self, entries: list[BankEntry]) -> None:
        self.entries = entries
        self._exact: dict[tuple[str, str], list[BankEntry]] = {}
        for entry in entries:
            if entry.signal_type != "pdq":
                kind = "md5" if entry.signal_type == "video_md5" else entry.signal_type
                self._exact.setdefault((kind, entry.value), []).append(entry)
        self._pdq = [e for e in entries if e.signal_type == "pdq"
                     and (e.quality is None or e.quality >= QUALITY_GATE)]
        self._matrix = _bits([e.value for e in self._pdq])
        self._index: Any = None
        if len(self._pdq) >= INDEX_FROM:
            self._index = _faiss_index(self._matrix)

    def __len__(self) -> int:
        return len(self.entries)

    def near(self, pdq: str, threshold: int) -> list[tuple[BankEntry, int]]:
        """Bank entries whose PDQ hash is within ``threshold`` bits of ``pdq``."""
        if not self._pdq:
            return []
        query = _bits([pdq])
        if self._index is not None:
            limits, distances, labels = self._index.range_search(query, threshold + 1)
            found = zip(labels[limits[0] : limits[1]], distances[limits[0] : limits[1]], strict=True)
        else:
            distances = _POPCOUNT[np.bitwise_xor(self._matrix, query)].sum(axis=1)
            hits = np.nonzero(distances <= threshold)[0]
            found = zip(hits, distances[hits], strict=True)
        return sorted(((self._pdq[int(i)], int(d)) for i, d in found), key=lambda pair: pair[1])

    def exact(self, kind: str, value: str) -> list[BankEntry]:
        return self._exact.get((kind, value), [])


def _faiss_index(matrix: np.ndarray) -> Any:
    try:
        import faiss
    except ImportError:
        return None  # direct comparison still gives every match, only slower
    index = faiss.IndexBinaryMultiHash(256, 16, 16)
    index.nflip = 1
    index.add(matrix)
    return index


def load_bank(path: str | os.PathLike[str]) -> Bank:
    return Bank(read_bank(path))


def match(items: Iterable[MediaHash], bank: Bank, threshold: int = DEFAULT_THRESHOLD,
          negative: Bank | None = None) -> Iterator[Match]:
    """Every bank entry each file matches, closest first; negative-bank hits are dropped."""
    if not 0 <= threshold <= 128:
        raise UsageError("--threshold must be between 0 and 128 (PDQ recommends 31)")
    for item in items:
        found: list[Match] = []
        for kind, value in (("md5", item.md5), ("sha256", item.sha256)):
            if negative is None or not negative.exact(kind, value):
                found.extend(Match(item.path, entry, 0) for entry in bank.exact(kind, value))
        if item.pdq and (item.pdq_quality or 0) >= QUALITY_GATE:
            candidates = {"original": item.pdq, **dict(item.dihedral)}
            seen: set[int] = set()
            for transform, pdq in candidates.items():
                if negative is not None and negative.near(pdq, threshold):
                    continue
                for entry, distance in bank.near(pdq, threshold):
                    if id(entry) not in seen:
                        seen.add(id(entry))
                        found.append(Match(item.path, entry, distance, transform))
        yield from sorted(found, key=lambda m: m.distance)
