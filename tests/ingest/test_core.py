"""The reading machinery every parser shares: discovery, archives, encodings, bad input."""

from __future__ import annotations

import codecs
import io
import os
import zipfile
from pathlib import Path

import pytest

from takeback.errors import UnsafeInput, UnsupportedFormat, UsageError
from takeback.ingest import PARSERS, ReadOptions, Skipped, discover, parse, read
from takeback.ingest.archive import ArchiveLimits, zip_inputs
from takeback.ingest.encoding import decode, detect_encoding, iter_lines, zone
from takeback.registry import Registry

PASTED = "Alex: hi there\nSam: who is this?\nAlex: a friend\nof a friend\n"


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\xef\xbb\xbfAlex: hi", "utf-8-sig"),
        ("Alex: hi".encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + "Alex: hi".encode("utf-16-be"), "utf-16"),
        ("Alex: hi".encode("utf-16-be"), "utf-16-be"),
        ("Alex: hi".encode("utf-16-le"), "utf-16-le"),
        ("Zoë: café".encode("cp1252"), "cp1252"),
        ("Zoë: café 😀".encode(), "utf-8"),
        ("Zoë: café 😀".encode()[:-2], "utf-8"),  # a character cut by the end of the head
    ],
)
def test_detect_encoding(data: bytes, encoding: str) -> None:
    assert detect_encoding(data) == encoding


def test_decode_warns_about_invalid_utf8_and_keeps_the_rest() -> None:
    warnings: list[str] = []
    text = decode(b"hello " * 20 + b"\xff\xfe bad " + "then more é".encode(), warnings, "f.txt")
    assert text.endswith("then more é")
    assert warnings and warnings[0].startswith("f.txt:")


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_iter_lines_handles_every_line_ending(ending: str) -> None:
    data = ending.join(["one", "two\u2028still two", "three"]).encode()
    assert list(iter_lines(io.BytesIO(data), data[:64])) == ["one", "two\u2028still two", "three"]


def test_unknown_zone_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="Mars/Olympus"):
        zone("Mars/Olympus")


def test_registry_refuses_duplicate_names() -> None:
    class Thing:
        NAME = "x"

    registry: Registry[Thing] = Registry("thing")
    registry.register(Thing())
    with pytest.raises(ValueError, match="twice"):
        registry.register(Thing())


def test_every_parser_has_the_contract_fields() -> None:
    for parser in PARSERS:
        assert parser.NAME and parser.PLATFORM and parser.LABEL and parser.HOW_TO_EXPORT


def test_plain_text_speakers(tmp_path: Path) -> None:
    [conversation] = read([write(tmp_path / "pasted.txt", PASTED)]).conversations
    assert [(m.sender, m.text) for m in conversation.messages] == [
        ("Alex", "hi there"), ("Sam", "who is this?"), ("Alex", "a friend\nof a friend"),
    ]
    assert conversation.source.sha256 and conversation.source.format == "text"


def test_plain_text_keeps_the_times_apps_copy_in_brackets(tmp_path: Path) -> None:
    pasted = "[21:02] Alex: hi there\n[Fri 21:03] Sam: who is this?\n[Seen] ok\nAlex: me\n"
    [conversation] = read([write(tmp_path / "pasted.txt", pasted)]).conversations
    assert [(m.sender, m.time_text, m.timestamp, m.text) for m in conversation.messages] == [
        ("Alex", "21:02", None, "hi there"),
        ("Sam", "Fri 21:03", None, "who is this?\n[Seen] ok"),
        ("Alex", None, None, "me"),
    ]


def test_plain_text_without_speakers_is_one_message(tmp_path: Path) -> None:
    body = "They said they would send my photos to everyone.\nhttps://example.org: link\n"
    [conversation] = read([write(tmp_path / "note.txt", body)]).conversations
    assert len(conversation.messages) == 1 and conversation.messages[0].sender is None


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.bin", b""),
        ("junk.bin", os.urandom(4096)),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + os.urandom(1000)),
        ("empty.txt", b""),
    ],
)
def test_unsupported_files_name_the_file_and_the_formats(tmp_path: Path, name: str, data: bytes) -> None:
    path = write(tmp_path / name, data)
    [item] = discover([path])
    assert not isinstance(item, Skipped)
    with pytest.raises(UnsupportedFormat) as error:
        list(parse(item, ReadOptions()))
    assert name in str(error.value) and "text" in str(error.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    [item] = discover([tmp_path / "nope.txt"])
    assert isinstance(item, Skipped) and item.explicit and "no such file" in item.reason


def test_forced_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    [item] = discover([write(tmp_path / "a.txt", PASTED)])
    assert not isinstance(item, Skipped)
    with pytest.raises(UsageError, match="unknown format"):
        list(parse(item, ReadOptions(format="nonsense")))


def test_folder_walk_skips_symlinks_and_names_what_it_skipped(tmp_path: Path) -> None:
    write(tmp_path / "chat.txt", PASTED)
    write(tmp_path / "photo.jpg", b"\xff\xd8\xff\xe0 not really")
    outside = write(tmp_path.parent / f"{tmp_path.name}-secret.txt", PASTED)
    (tmp_path / "link.txt").symlink_to(outside)
    reading = read([tmp_path])
    assert len(reading.conversations) == 1
    reasons = {Path(s.path).name: s.reason for s in reading.skipped}
    assert "symbolic link" in reasons["link.txt"]
    assert "not a chat" in reasons["photo.jpg"]


def make_zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_is_read_in_place_and_media_is_hashed_not_copied(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "export.zip", {"chat.txt": PASTED.encode(), "IMG-1.jpg": b"\xff\xd8x"})
    before = sorted(p.name for p in tmp_path.iterdir())
    reading = read([archive])
    [conversation] = reading.conversations
    assert conversation.source.member == "chat.txt" and conversation.source.path == str(archive)
    assert [Path(s.path).name for s in reading.skipped] == ["export.zip!IMG-1.jpg"]
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing extracted
    [chat] = [i for i in zip_inputs(str(archive)) if not isinstance(i, Skipped) and i.name == "chat.txt"]
    photo = chat.attachment("IMG-1.jpg")
    assert photo.present and photo.size == 3 and photo.media_type == "image/jpeg"
    assert not chat.attachment("../../etc/passwd").present


def test_zip_with_traversal_names_is_skipped_with_a_reason(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "evil.zip", {"../../evil.txt": PASTED.encode(),
                                               "/abs.txt": PASTED.encode(), "ok.txt": PASTED.encode()})
    reading = read([archive])
    assert [c.source.member for c in reading.conversations] == ["ok.txt"]
    unsafe = [s for s in reading.skipped if "outside the archive" in s.reason]
    assert len(unsafe) == 2


def test_zip_bomb_by_ratio_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "bomb.zip", {"chat.txt": b"a" * (20 << 20)})
    reading = read([archive])
    assert not reading.conversations
    assert any("ratio" in s.reason for s in reading.skipped)


def test_zip_bomb_by_total_size_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "big.zip", {f"{n}.txt": b"x" * 4096 for n in range(4)})
    with pytest.raises(UnsafeInput, match="zip bomb"):
        list(zip_inputs(str(archive), ArchiveLimits(max_total_bytes=10_000)))


def test_zip_member_larger_than_declared_is_refused(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "liar.zip", {"chat.txt": PASTED.encode() * 10}, zipfile.ZIP_STORED)
    data = bytearray(archive.read_bytes())
    real = len(PASTED.encode() * 10)
    # Lower the declared size in both headers so the reader sees more bytes than promised.
    for offset in (22, data.rfind(b"PK\x01\x02") + 24):
        data[offset : offset + 4] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    [item] = [i for i in zip_inputs(str(archive)) if not isinstance(i, Skipped)]
    assert item.size == 10 < real
    with pytest.raises((UnsafeInput, zipfile.BadZipFile)):
        with item.open() as stream:
            stream.read()


def test_corrupt_zip_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.zip", b"PK\x03\x04" + b"\x00" * 40)
    reading = read([path])
    assert not reading.conversations
    assert reading.skipped and "zip" in reading.skipped[0].reason


def test_media_is_found_from_the_export_root_when_a_file_is_named_alone(tmp_path: Path) -> None:
    chat = tmp_path / "export" / "messages" / "inbox" / "alex_1"
    chat.mkdir(parents=True)
    photo = tmp_path / "export" / "media" / "p.jpg"
    photo.parent.mkdir()
    photo.write_bytes(b"\xff\xd8photo")
    [item] = discover([write(chat / "chat.txt", PASTED)])
    assert not isinstance(item, Skipped)
    assert item.attachment("media/p.jpg").present
    assert not item.attachment("media/../../../etc/passwd").present


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-32"])
def test_first_line_has_no_byte_order_mark(codec: str) -> None:
    data = "Alex: hi\nSam: yo\n".encode(codec)
    if codec in ("utf-16-le", "utf-16-be"):
        data = (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) + data
    assert list(iter_lines(io.BytesIO(data), data[:64])) == ["Alex: hi", "Sam: yo"]
