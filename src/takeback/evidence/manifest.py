"""The pack's layout and its fixed, checkable encodings: JSON, SHA256SUMS, member names.

Everything written into a pack goes through these functions, so that the same
content always gives the same bytes (sorted keys, no random ids, UTF-8) and a
recipient can check every file with standard tools.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from datetime import datetime
from typing import Any

SCHEMA = "takeback-evidence-pack/1"

README = "README.txt"
ORIGINALS = "originals/"
MESSAGES = "messages.jsonl"
ASSESSMENT = "assessment.json"
IDENTIFIERS_JSON = "identifiers.json"
IDENTIFIERS_CSV = "identifiers.csv"
REPORT_HTML = "report.html"
REPORT_PDF = "report.pdf"
CASE_JSONLD = "case.jsonld"
STIX = "indicators.stix.json"
DRAFTS = "drafts/"
CUSTODY = "custody.jsonl"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"

# Every member is written with the same zip record: a regular file, rw-r--r--, made on Unix,
# at the pack's creation time (a zip cannot hold a time before 1980).
FILE_MODE = 0o100644 << 16
UNIX = 3
ZIP_EPOCH = 315532800


def zip_time(created: datetime) -> tuple[int, int, int, int, int, int]:
    """The time every member carries, as a zip stores it (to two seconds)."""
    year, month, day, hour, minute, second = time.gmtime(max(int(created.timestamp()), ZIP_EPOCH))[:6]
    return year, month, day, hour, minute, second - second % 2


_HEX64 = re.compile(r"[0-9a-f]{64}")
# Characters that sha256sum would escape, or that no file system takes: kept out of pack names.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f\\:*?"<>|]')


def canonical(value: Any) -> bytes:
    """The one byte form of a JSON value that hashes are taken over (custody lines)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def pretty(value: Any) -> bytes:
    """A JSON document for people and tools: sorted keys, one top-level key per line and one
    list item per line (each compact), newline at the end. Fast for big documents: fully
    indented JSON is written by Python's slow encoder, compact JSON by its fast one."""
    if not isinstance(value, dict):
        return canonical(value) + b"\n"
    parts = []
    for key in sorted(value):
        item = value[key]
        head = canonical(key) + b": "
        if isinstance(item, list) and item:
            parts.append(head + b"[\n    " + b",\n    ".join(canonical(x) for x in item) + b"\n  ]")
        else:
            parts.append(head + canonical(item))
    return b"{\n  " + b",\n  ".join(parts) + b"\n}\n"


def is_sha256(value: object) -> bool:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def safe_part(name: str) -> str:
    """One path component safe in a zip, on any file system and in SHA256SUMS.

    The name as written is kept in the manifest; this is only where the copy lives.
    """
    cleaned = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", name)).strip()
    if cleaned in ("", ".", ".."):
        return "_"
    return cleaned


def safe_path(path: str) -> str:
    """A relative path made of :func:`safe_part` components (no empty, '.' or '..' parts)."""
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(safe_part(p) for p in parts) or "_"


def sums_text(hashes: list[tuple[str, str]]) -> bytes:
    """SHA256SUMS in the format ``sha256sum -c`` reads: hash, two spaces, path."""
    return "".join(f"{sha256}  {path}\n" for path, sha256 in hashes).encode("utf-8")


def parse_sums(data: bytes) -> tuple[dict[str, str], list[int]]:
    """The path -> hash table of a SHA256SUMS file, and the numbers of lines that are not valid.

    Strict: any byte that :func:`sums_text` would not have written makes its line invalid
    (line 0 stands for the file as a whole: not UTF-8, or not ending in a newline).
    """
    table: dict[str, str] = {}
    bad: list[int] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {}, [0]
    if not text.endswith("\n"):
        bad.append(0)
    for number, line in enumerate(text.removesuffix("\n").split("\n"), start=1):
        sha256, sep, path = line.partition("  ")
        if not sep or not is_sha256(sha256) or path != safe_path(path) or path in table:
            bad.append(number)
            continue
        table[path] = sha256
    return table, bad
