"""Check an evidence pack: every file's hash, the custody chain and the manifest.

Nothing is extracted: each member is streamed through SHA-256 in memory. A
pack is intact when every member matches SHA256SUMS and the manifest, no
member is missing or added, and the custody chain holds from its first entry
to the last one the manifest records. Otherwise each problem names exactly what
changed: ``altered: originals/chat.txt``, ``missing: report.html``,
``added: notes.txt``, ``renamed: a.txt -> b.txt``, ``custody entry 4 broken: ...``.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from takeback.errors import UsageError
from takeback.evidence import manifest as layout
from takeback.evidence.custody import check_chain

_CHUNK = 1 << 20
_SMALL = (layout.SUMS, layout.MANIFEST, layout.CUSTODY)
_SMALL_LIMIT = 256 << 20  # the manifest, SHA256SUMS and custody log are read whole up to this size
AGE_MAGIC = b"age-encryption.org/v1"
_LOCAL = struct.Struct("<4s5H3L2H")  # a zip member's local header
_DESCRIPTOR = struct.Struct("<4s3L")  # the crc and sizes written after a member's data
_DESCRIPTOR64 = struct.Struct("<4sL2Q")
_END = struct.Struct("<4s4H2LH")  # the end of the central directory
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # one member's entry in the central directory
_STRUCTURE = "altered: the zip's structure"


@dataclass(frozen=True, slots=True)
class Problem:
    kind: str  # altered, missing, added, renamed, custody, manifest, damaged
    path: str | None
    message: str


@dataclass(frozen=True)
class VerifyReport:
    path: str
    sha256: str
    files: int
    custody_entries: int
    created: str | None
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def intact(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.intact:
            return (
                f"intact: {self.path} ({self.files} files, {self.custody_entries} custody entries, "
                f"sha256 {self.sha256})"
            )
        count = len(self.problems)
        return f"NOT intact: {self.path} ({count} problem{'s' if count != 1 else ''})"


def report_to_dict(report: VerifyReport) -> dict[str, Any]:
    return {
        "path": report.path,
        "intact": report.intact,
        "sha256": report.sha256,
        "files": report.files,
        "custody_entries": report.custody_entries,
        "created": report.created,
        "problems": [{"kind": p.kind, "path": p.path, "message": p.message} for p in report.problems],
    }


class _Problems:
    def __init__(self) -> None:
        self.found: list[Problem] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, kind: str, path: str | None, message: str) -> None:
        key = (kind, path) if path is not None else (kind, message)
        if key not in self._seen:
            self._seen.add(key)
            self.found.append(Problem(kind, path, message))

    def has(self, kind: str, path: str) -> bool:
        return (kind, path) in self._seen

    def mentions(self, path: str) -> bool:
        return any(p.path == path for p in self.found)


def verify(path: str | Path) -> VerifyReport:
    """Checks the pack at ``path`` without extracting it."""
    pack_path = Path(path)
    try:
        with open(pack_path, "rb") as stream:
            head = stream.read(len(AGE_MAGIC))
            digest = hashlib.sha256(head)
            while chunk := stream.read(_CHUNK):
                digest.update(chunk)
    except FileNotFoundError:
        raise UsageError("no such file", str(pack_path)) from None
    except IsADirectoryError:
        raise UsageError("is a folder; give the pack's .zip file", str(pack_path)) from None
    if head == AGE_MAGIC:
        raise UsageError(
            "this pack is encrypted: decrypt it first (age -d -o case.zip case.zip.age), "
            "then verify case.zip",
            str(pack_path),
        )
    problems = _Problems()
    try:
        archive = zipfile.ZipFile(pack_path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as error:
        problems.add("damaged", None, f"damaged: not a readable zip ({error}); cut short, or not a pack")
        return VerifyReport(str(pack_path), digest.hexdigest(), 0, 0, None, tuple(problems.found))
    with archive:
        actual, small = _hash_members(archive, problems)
        _check_layout(pack_path, archive, problems)
    sums = _read_sums(small.get(layout.SUMS), actual, problems)
    manifest, listed = _read_manifest(small.get(layout.MANIFEST), actual, problems)
    _compare(actual, sums, listed, problems)
    entries = _check_custody(small.get(layout.CUSTODY), manifest, actual, problems)
    _find_renames(problems, sums, actual)
    created = manifest.get("created") if isinstance(manifest.get("created"), str) else None
    _check_records(archive, created, problems)
    return VerifyReport(
        str(pack_path), digest.hexdigest(), len(actual), entries, created, tuple(problems.found)
    )


def _check_records(archive: zipfile.ZipFile, created: str | None, problems: _Problems) -> None:
    """The zip's own records (times, permissions, comments) are fixed: a change there is a change too."""
    expected = None
    if created:
        try:
            expected = layout.zip_time(datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC))
        except ValueError:
            problems.add(
                "altered", layout.MANIFEST, f"altered: {layout.MANIFEST} (its creation time is damaged)"
            )
    if archive.comment:
        problems.add("altered", None, "altered: the zip's comment was added or changed")
    for info in archive.infolist():
        wrong = [
            what
            for what, bad in (
                ("time", expected is not None and info.date_time != expected),
                ("permissions", info.external_attr != layout.FILE_MODE),
                ("system", info.create_system != layout.UNIX),
                ("attributes", info.internal_attr != 0 or info.reserved != 0 or info.volume != 0),
                ("comment", bool(info.comment)),
            )
            if bad
        ]
        if wrong and not problems.mentions(info.filename):
            problems.add(
                "altered",
                info.filename,
                f"altered: {info.filename} (its zip record was "
                f"changed: {', '.join(wrong)}; its content is unchanged)",
            )


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def _check_layout(path: Path, archive: zipfile.ZipFile, problems: _Problems) -> None:
    """Each member's local header and data descriptor agree with the central directory, and no
    byte lies between members or after the end: zipfile itself reads none of these."""
    try:
        _walk_layout(path, archive, problems)
    except (OSError, ValueError, struct.error) as error:
        problems.add("altered", None, f"{_STRUCTURE} (cannot be followed: {error})")


def _walk_layout(path: Path, archive: zipfile.ZipFile, problems: _Problems) -> None:
    infos = sorted(archive.infolist(), key=lambda info: info.header_offset)
    with open(path, "rb") as stream:
        position = 0
        for info in infos:
            if info.header_offset != position:
                problems.add("altered", None, f"{_STRUCTURE} (bytes added or removed before {info.filename})")
            stream.seek(info.header_offset)
            raw = stream.read(_LOCAL.size)
            if len(raw) < _LOCAL.size:
                problems.add(
                    "altered", info.filename, f"altered: {info.filename} (its zip header is cut short)"
                )
                return
            magic, version, flags, method, time, date, crc, packed, size, name_length, extra_length = (
                _LOCAL.unpack(raw)
            )
            name = stream.read(name_length)
            extra = stream.read(extra_length)
            encoding = "utf-8" if flags & 0x800 else "cp437"
            wrong = [
                what
                for what, bad in (
                    ("header", magic != b"PK\x03\x04"),
                    (
                        "version",
                        version != info.extract_version or info.create_version != info.extract_version,
                    ),
                    ("flags", flags != info.flag_bits),
                    ("method", method != info.compress_type),
                    ("time", (time, date) != _dos_time(info.date_time)),
                    ("name", name != info.orig_filename.encode(encoding, "replace")),
                )
                if bad
            ]
            end = stream.tell() + info.compress_size
            if flags & 0x08:  # crc and sizes follow the data; a zip64 extra field holds only zeros
                zip64 = struct.pack("<HHQQ", 1, 16, 0, 0) if packed == 0xFFFFFFFF else b""
                if crc or packed not in (0, 0xFFFFFFFF) or size != packed or extra != zip64:
                    wrong.append("header")
                stream.seek(end)
                shape = _DESCRIPTOR64 if packed == 0xFFFFFFFF else _DESCRIPTOR
                tail = stream.read(shape.size)
                end += shape.size
                if len(tail) < shape.size or shape.unpack(tail) != (
                    b"PK\x07\x08",
                    info.CRC,
                    info.compress_size,
                    info.file_size,
                ):
                    wrong.append("data descriptor")
            elif (crc, packed, size) != (info.CRC, info.compress_size, info.file_size):
                wrong.append("header")
            if wrong and not problems.mentions(info.filename):
                problems.add(
                    "altered",
                    info.filename,
                    f"altered: {info.filename} (its zip record was changed: "
                    f"{', '.join(wrong)}; its content is unchanged)",
                )
            position = end
        if position != archive.start_dir:
            problems.add("altered", None, f"{_STRUCTURE} (bytes added or removed before its directory)")
        end = stream.seek(-_END.size, 2)
        magic, disk, first_disk, here, total, size, offset, comment = _END.unpack(stream.read(_END.size))
        if magic != b"PK\x05\x06" or comment != 0:
            problems.add("altered", None, f"{_STRUCTURE} (bytes added after its end, or a comment)")
            return
        stream.seek(archive.start_dir)
        walked = _walk_directory(stream.read(end - archive.start_dir), archive.infolist())
        count = len(archive.infolist())
        # 0xFFFF and 0xFFFFFFFF say "see the zip64 record" (very large packs).
        agrees = (walked is not None and not disk and not first_disk and here in (count, 0xFFFF)
                  and total in (count, 0xFFFF) and size in (walked, 0xFFFFFFFF)
                  and offset in (archive.start_dir, 0xFFFFFFFF))
        if not agrees:
            problems.add("altered", None, f"{_STRUCTURE} (its directory of members was changed)")


def _walk_directory(data: bytes, infos: list[zipfile.ZipInfo]) -> int | None:
    """The length of the central directory, walked entry by entry as written; None when an
    entry's own lengths or name disagree with what the zip module read, or bytes are left over
    (other than the zip64 end records of a very large pack)."""
    position = 0
    for info in infos:
        if len(data) < position + _CENTRAL.size:
            return None
        fields = _CENTRAL.unpack_from(data, position)
        magic, name_length, extra_length, comment_length = fields[0], fields[10], fields[11], fields[12]
        encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
        name = data[position + _CENTRAL.size: position + _CENTRAL.size + name_length]
        if magic != b"PK\x01\x02" or name != info.orig_filename.encode(encoding, "replace") or (
                extra_length, comment_length) != (len(info.extra), len(info.comment)):
            return None
        position += _CENTRAL.size + name_length + extra_length + comment_length
    rest = data[position:]
    return position if not rest or rest.startswith(b"PK\x06\x06") else None


def _hash_members(
    archive: zipfile.ZipFile, problems: _Problems
) -> tuple[dict[str, tuple[str, int] | None], dict[str, bytes]]:
    """SHA-256 and size of every member (None when it cannot be read), and the small files' bytes."""
    actual: dict[str, tuple[str, int] | None] = {}
    small: dict[str, bytes] = {}
    for info in archive.infolist():
        if info.is_dir():
            continue
        name = info.filename
        if name in actual:
            problems.add("added", name, f"added: {name} (a second member with this name)")
            continue
        keep = name in _SMALL and info.file_size <= _SMALL_LIMIT
        digest, size, kept = hashlib.sha256(), 0, []
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    if keep:
                        kept.append(chunk)
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            RuntimeError,
            ValueError,
            OSError,
        ) as error:  # RuntimeError: a member flagged as encrypted
            problems.add("altered", name, f"altered: {name} (damaged, cannot be read: {error})")
            actual[name] = None
            continue
        actual[name] = (digest.hexdigest(), size)
        if keep:
            small[name] = b"".join(kept)
    return actual, small


def _read_sums(
    data: bytes | None, actual: dict[str, tuple[str, int] | None], problems: _Problems
) -> dict[str, str]:
    if data is None:
        if layout.SUMS not in actual:
            problems.add("missing", layout.SUMS, f"missing: {layout.SUMS}")
        return {}
    table, bad = layout.parse_sums(data)
    for number in bad:
        where = f"line {number} is not a valid line" if number else "not in its exact form"
        problems.add("altered", layout.SUMS, f"altered: {layout.SUMS} ({where})")
    return table


def _read_manifest(
    data: bytes | None, actual: dict[str, tuple[str, int] | None], problems: _Problems
) -> tuple[dict[str, Any], dict[str, tuple[str, int]]]:
    """The manifest, and its table of pack members: path -> (sha256, size)."""
    if data is None:
        if layout.MANIFEST not in actual:
            problems.add("missing", layout.MANIFEST, f"missing: {layout.MANIFEST}")
        return {}, {}
    try:
        manifest = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        problems.add("altered", layout.MANIFEST, f"altered: {layout.MANIFEST} (not valid JSON)")
        return {}, {}
    if not isinstance(manifest, dict) or manifest.get("schema") != layout.SCHEMA:
        problems.add("altered", layout.MANIFEST, f"altered: {layout.MANIFEST} (not a takeback pack manifest)")
        return {}, {}
    listed: dict[str, tuple[str, int]] = {}
    records = manifest.get("pack")
    for record in records if isinstance(records, list) else [None]:
        if (
            not isinstance(record, dict)
            or not isinstance(record.get("path"), str)
            or not layout.is_sha256(record.get("sha256"))
            or not isinstance(record.get("size"), int)
        ):
            problems.add(
                "altered", layout.MANIFEST, f"altered: {layout.MANIFEST} (its list of files is damaged)"
            )
            continue
        listed[record["path"]] = (record["sha256"], record["size"])
    return manifest, listed


def _compare(
    actual: dict[str, tuple[str, int] | None],
    sums: dict[str, str],
    listed: dict[str, tuple[str, int]],
    problems: _Problems,
) -> None:
    """Each member against SHA256SUMS and the manifest; where only one record disagrees, that
    record is what was changed (SHA256SUMS has no hash of its own; the manifest's is in SHA256SUMS)."""
    manifest_intact = layout.MANIFEST in sums and _matches(actual.get(layout.MANIFEST), sums[layout.MANIFEST])
    for name in dict.fromkeys([*sums, *listed]):
        found = actual.get(name, "absent")
        in_sums, in_manifest = sums.get(name), listed.get(name)
        if found == "absent" and in_manifest is None and listed and manifest_intact:
            problems.add(
                "altered", layout.SUMS, f"altered: {layout.SUMS} (it lists {name}, never in the pack)"
            )
            continue
        if found == "absent":
            problems.add("missing", name, f"missing: {name}")
            continue
        if found is None:
            continue  # damaged, already reported
        sums_ok = in_sums is None or found[0] == in_sums
        manifest_ok = in_manifest is None or found == in_manifest
        if name == layout.MANIFEST:
            manifest_ok = True
        if not sums_ok and not manifest_ok:
            problems.add("altered", name, f"altered: {name}")
        elif not sums_ok and in_manifest is not None:
            problems.add("altered", layout.SUMS, f"altered: {layout.SUMS} (its line for {name} was changed)")
        elif not sums_ok:
            problems.add("altered", name, f"altered: {name} (its SHA-256 no longer matches {layout.SUMS})")
        elif not manifest_ok and manifest_intact:
            problems.add(
                "altered",
                name,
                f"altered: {name} (its SHA-256 no longer matches "
                f"{layout.MANIFEST}; {layout.SUMS} was changed to match it)",
            )
        elif not manifest_ok:
            problems.add(
                "altered", layout.MANIFEST, f"altered: {layout.MANIFEST} (its record for {name} was changed)"
            )
    for name in actual:
        if name == layout.SUMS:
            continue
        found = actual[name]
        if name not in sums and name in listed and found == listed[name] and manifest_intact:
            problems.add("altered", layout.SUMS, f"altered: {layout.SUMS} (its line for {name} was removed)")
        elif name not in sums and sums:
            problems.add("added", name, f"added: {name} (not listed in {layout.SUMS})")
        elif name not in listed and name != layout.MANIFEST and listed:
            problems.add("added", name, f"added: {name} (not listed in {layout.MANIFEST})")


def _matches(found: tuple[str, int] | None, sha256: str) -> bool:
    return found is not None and found[0] == sha256


def _check_custody(
    data: bytes | None,
    manifest: dict[str, Any],
    actual: dict[str, tuple[str, int] | None],
    problems: _Problems,
) -> int:
    if data is None:
        if layout.CUSTODY not in actual:
            problems.add("missing", layout.CUSTODY, f"missing: {layout.CUSTODY}")
        return 0
    chain = check_chain(data)
    for message in chain.problems:
        problems.add("custody", None, message)
    recorded = manifest.get("custody") if isinstance(manifest.get("custody"), dict) else {}
    count = len(chain.entries)
    if recorded:
        if recorded.get("entries") != count:
            problems.add(
                "custody",
                None,
                f"custody log has {count} entries; the manifest records "
                f"{recorded.get('entries')} (entries removed or added)",
            )
        elif recorded.get("head") != chain.head and not chain.problems:
            problems.add(
                "custody", None, f"custody entry {count} broken: it no longer matches the manifest (edited)"
            )
    for entry in chain.entries:
        if entry.action not in ("copied", "wrote") or entry.object not in actual or entry.sha256 is None:
            continue
        found = actual[entry.object]
        if found is not None and found[0] != entry.sha256 and not problems.has("altered", entry.object):
            problems.add(
                "altered",
                entry.object,
                f"altered: {entry.object} (its SHA-256 no longer matches custody entry {entry.seq})",
            )
    return count


def _find_renames(
    problems: _Problems, sums: dict[str, str], actual: dict[str, tuple[str, int] | None]
) -> None:
    """A member missing under its name and added under another with the same hash was renamed."""
    missing = {p.path: p for p in problems.found if p.kind == "missing" and p.path in sums}
    added = {p.path: p for p in problems.found if p.kind == "added" and p.path is not None}
    renamed: set[str] = set()
    for old, problem in missing.items():
        for new in added:
            found = actual.get(new)
            if new not in renamed and found is not None and found[0] == sums[old]:
                renamed |= {old, new}
                problems.found = [p for p in problems.found if p is not problem and p is not added[new]]
                problems.found.append(Problem("renamed", new, f"renamed: {old} -> {new}"))
                break
