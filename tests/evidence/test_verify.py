"""verify: a fresh pack is intact; every kind of change is found and named exactly."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from pathlib import Path

import pytest

from takeback.errors import UsageError
from takeback.evidence import verify
from takeback.evidence.custody import check_chain

from .conftest import Members, members, reseal, rewrite

PDF = importlib.util.find_spec("reportlab") is not None
MEMBERS = [
    "README.txt",
    "originals/WhatsApp Chat with Alex.txt",
    "originals/WhatsApp Chat with Alex.zip.contents/_chat.txt",
    "messages.jsonl",
    "assessment.json",
    "identifiers.json",
    "identifiers.csv",
    "indicators.stix.json",
    "drafts/draft-police.txt",  # the drafts guidance writes for what the pack shows
    "drafts/draft-trusted-adult.txt",
    "case.jsonld",
    "report.html",
    *(["report.pdf"] if PDF else []),
    "custody.jsonl",
    "manifest.json",
    "SHA256SUMS",
]
SPECIAL = ("custody.jsonl", "manifest.json", "SHA256SUMS")


def messages(path: Path) -> list[str]:
    report = verify(path)
    assert not report.intact
    assert report.summary().startswith("NOT intact")
    return [p.message for p in report.problems]


def test_a_fresh_pack_is_intact(packed: Path) -> None:
    report = verify(packed)
    assert report.intact, report.problems
    assert report.summary().startswith(f"intact: {packed}")
    assert report.files == len(MEMBERS)


def test_the_members_are_in_a_fixed_order(packed: Path) -> None:
    assert [info.filename for info, _ in members(packed)] == MEMBERS


def _flip(name: str, where: str):  # type: ignore[no-untyped-def]
    def change(items: Members) -> Members:
        changed = []
        for info, data in items:
            if info.filename == name:
                at = {"first": 0, "middle": len(data) // 2, "last": len(data) - 1}[where]
                data = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
            changed.append((info, data))
        return changed
    return change


@pytest.mark.parametrize("where", ["first", "middle", "last"])
@pytest.mark.parametrize("name", MEMBERS)
def test_any_single_byte_change_in_any_member_is_named(packed: Path, tmp_path: Path, name: str,
                                                       where: str) -> None:
    found = messages(rewrite(packed, tmp_path / "changed.zip", _flip(name, where)))
    assert any(m.startswith(f"altered: {name}") for m in found), found


@pytest.mark.parametrize("name", MEMBERS)
def test_a_removed_member_is_named(packed: Path, tmp_path: Path, name: str) -> None:
    found = messages(rewrite(packed, tmp_path / "less.zip",
                             lambda items: [(i, d) for i, d in items if i.filename != name]))
    assert f"missing: {name}" in found


@pytest.mark.parametrize("position", [0, 5, -1])
def test_an_added_member_is_named(packed: Path, tmp_path: Path, position: int) -> None:
    def add(items: Members) -> Members:
        extra = (zipfile.ZipInfo("originals/extra.txt", (2024, 3, 12, 0, 0, 0)), b"planted")
        items.insert(position if position >= 0 else len(items), extra)
        return items

    found = messages(rewrite(packed, tmp_path / "more.zip", add))
    assert found == ["added: originals/extra.txt (not listed in SHA256SUMS)"]


@pytest.mark.parametrize("name", [m for m in MEMBERS if m not in SPECIAL])
def test_a_renamed_member_is_named(packed: Path, tmp_path: Path, name: str) -> None:
    def rename(items: Members) -> Members:
        for info, _ in items:
            if info.filename == name:
                info.filename = name + ".old"
        return items

    found = messages(rewrite(packed, tmp_path / "renamed.zip", rename))
    assert found == [f"renamed: {name} -> {name}.old"]


def _custody(change):  # type: ignore[no-untyped-def]
    def apply(items: Members) -> Members:
        return [(i, change(d) if i.filename == "custody.jsonl" else d) for i, d in items]
    return apply


def _lines(data: bytes) -> list[bytes]:
    return data.rstrip(b"\n").split(b"\n")


def _edit(entry: int):  # type: ignore[no-untyped-def]
    def change(data: bytes) -> bytes:
        lines = _lines(data)
        record = json.loads(lines[entry - 1])
        record["actor"] = "someone else"
        lines[entry - 1] = json.dumps(record, sort_keys=True, separators=(",", ":")).encode()
        return b"\n".join(lines) + b"\n"
    return change


def _swap(entry: int):  # type: ignore[no-untyped-def]
    def change(data: bytes) -> bytes:
        lines = _lines(data)
        lines[entry - 1], lines[entry] = lines[entry], lines[entry - 1]
        return b"\n".join(lines) + b"\n"
    return change


def _entries(packed: Path) -> int:
    with zipfile.ZipFile(packed) as archive:
        return len(check_chain(archive.read("custody.jsonl")).entries)


@pytest.mark.parametrize("reseal_too", [False, True], ids=["as-is", "resealed"])
@pytest.mark.parametrize("entry", [1, 2, 5, -2])
def test_an_edited_custody_entry_is_named(packed: Path, tmp_path: Path, entry: int, reseal_too: bool) -> None:
    number = entry if entry > 0 else _entries(packed) + entry + 1
    change = _custody(_edit(number))
    found = messages(rewrite(packed, tmp_path / "edited.zip",
                             (lambda items: reseal(change(items))) if reseal_too else change))
    assert any(m.startswith(f"custody entry {number} broken") for m in found), found


def test_an_edited_last_custody_entry_is_named(packed: Path, tmp_path: Path) -> None:
    last = _entries(packed)
    found = messages(rewrite(packed, tmp_path / "edited.zip", lambda i: reseal(_custody(_edit(last))(i))))
    assert found == [f"custody entry {last} broken: it no longer matches the manifest (edited)"]


@pytest.mark.parametrize("reseal_too", [False, True], ids=["as-is", "resealed"])
@pytest.mark.parametrize("entry", [1, 3, -2])
def test_reordered_custody_entries_are_named(packed: Path, tmp_path: Path, entry: int,
                                             reseal_too: bool) -> None:
    number = entry if entry > 0 else _entries(packed) + entry
    change = _custody(_swap(number))
    found = messages(rewrite(packed, tmp_path / "swapped.zip",
                             (lambda items: reseal(change(items))) if reseal_too else change))
    assert any(m.startswith(f"custody entry {number} broken") for m in found), found


def test_a_changed_original_with_resealed_sums_is_still_found(packed: Path, tmp_path: Path) -> None:
    """SHA256SUMS and the manifest recomputed: the custody log still holds the first hash."""
    name = "originals/WhatsApp Chat with Alex.txt"
    found = messages(rewrite(packed, tmp_path / "forged.zip", lambda i: reseal(_flip(name, "middle")(i))))
    with zipfile.ZipFile(packed) as archive:
        chain = check_chain(archive.read("custody.jsonl"))
    copied = next(e.seq for e in chain.entries if e.action == "copied" and e.object == name)
    assert found == [f"altered: {name} (its SHA-256 no longer matches custody entry {copied})"]


@pytest.mark.parametrize("offset", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_raw_damage_anywhere_in_the_file_is_never_intact(packed: Path, tmp_path: Path, offset: float) -> None:
    data = bytearray(packed.read_bytes())
    data[int(len(data) * offset)] ^= 0x20
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    assert messages(damaged)


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "damaged: not a readable zip"),
    (b"PK\x03\x04cut", "damaged: not a readable zip"),
    (b"just text", "damaged: not a readable zip"),
])
def test_files_that_are_not_packs_are_not_intact(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "not.zip"
    path.write_bytes(content)
    assert messages(path)[0].startswith(expected)


def test_an_encrypted_pack_must_be_decrypted_first(tmp_path: Path) -> None:
    path = tmp_path / "case.zip.age"
    path.write_bytes(b"age-encryption.org/v1\n-> X25519 abc\n")
    with pytest.raises(UsageError, match="decrypt it first"):
        verify(path)


def test_a_missing_pack_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        verify(tmp_path / "nowhere.zip")


def test_verify_never_writes_to_disk(packed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Members are streamed in memory: nothing is extracted, not even to a temporary file."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("verify tried to extract")

    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", refuse)
    monkeypatch.setattr("tempfile.mkstemp", refuse)
    monkeypatch.chdir(tmp_path)
    assert verify(packed).intact
    assert list(tmp_path.iterdir()) == []


def test_a_change_anywhere_in_the_zip_directory_is_found(packed: Path, tmp_path: Path) -> None:
    """zipfile itself ignores some of these bytes (counts, disk numbers, lengths of the last entry)."""
    data = packed.read_bytes()
    start = zipfile.ZipFile(packed).start_dir
    damaged = tmp_path / "damaged.zip"
    missed = []
    for at in [*range(start, len(data), 13), *range(len(data) - 22, len(data))]:
        changed = bytearray(data)
        changed[at] ^= 0x01
        damaged.write_bytes(bytes(changed))
        if verify(damaged).intact:
            missed.append(at - start)
    assert missed == []
