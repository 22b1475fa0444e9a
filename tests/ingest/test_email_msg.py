"""Outlook .msg files: built here with a minimal Compound File writer, plus the shared real sample.

olefile only reads, so the tests write their own small .msg files: every stream goes in
the mini stream (all are under 4096 bytes), the directory is a chain of right siblings
(olefile does not require a balanced tree), and property streams follow [MS-OXMSG].
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from takeback.errors import CorruptInput
from takeback.ingest import ReadOptions, parse, read
from takeback.ingest.inputs import Input, disk_input
from takeback.ingest.outlook_msg import (
    OLE_MAGIC,
    OutlookMsgParser,
    codepage_codec,
    filetime_to_utc,
    msg_headers,
    property_entries,
    string_value,
)
from takeback.model import Conversation

# --- a minimal Compound File (CFB v3) writer -------------------------------------------

_FREE, _END, _FATSECT, _NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
Tree = dict[str, "bytes | Tree"]


def write_cfb(tree: Tree) -> bytes:
    entries: list[tuple[str, int, list[int], bytes]] = []  # name, type, children, data

    def add(name: str, node: bytes | Tree, kind: int) -> int:
        index = len(entries)
        entries.append((name, kind, [], node if isinstance(node, bytes) else b""))
        if not isinstance(node, bytes):
            entries[index][2].extend(
                add(child, value, 2 if isinstance(value, bytes) else 1) for child, value in node.items()
            )
        return index

    add("Root Entry", tree, 5)
    mini = bytearray()
    mini_fat: list[int] = []
    starts: dict[int, int] = {}
    for index, (_, kind, _, data) in enumerate(entries):
        if kind != 2 or not data:
            continue
        assert len(data) < 4096, "this writer keeps every stream in the mini stream"
        first = len(mini_fat)
        count = -(-len(data) // 64)
        mini_fat.extend(range(first + 1, first + count))
        mini_fat.append(_END)
        mini.extend(data.ljust(count * 64, b"\0"))
        starts[index] = first
    right_of = {
        child: after
        for _, _, children, _ in entries
        if children
        for child, after in zip(children, [*children[1:], _NONE], strict=True)
    }
    directory = bytearray()
    for index, (name, kind, children, data) in enumerate(entries):
        encoded = (name + "\0").encode("utf-16-le")
        right = right_of.get(index, _NONE)
        start = 0 if kind == 5 else starts.get(index, _END)
        size = len(mini) if kind == 5 else len(data)
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, _NONE, right,
            children[0] if children else _NONE, b"\0" * 16, 0, 0, 0, start, size,
        )  # fmt: skip
    directory = directory.ljust(-(-len(directory) // 512) * 512, b"\0")
    mini_fat_bytes = b"".join(struct.pack("<I", v) for v in mini_fat).ljust(
        -(-len(mini_fat) * 4 // 512) * 512, b"\xff"
    )
    mini_bytes = bytes(mini).ljust(-(-len(mini) // 512) * 512, b"\0")
    parts = [directory, mini_fat_bytes, mini_bytes]
    others = sum(len(p) // 512 for p in parts)
    fat_sectors = 1
    while (others + fat_sectors) > fat_sectors * 128:
        fat_sectors += 1
    fat = [_FATSECT] * fat_sectors
    firsts = []
    for part in parts:
        count = len(part) // 512
        firsts.append(len(fat) if count else _END)
        fat.extend([*range(len(fat) + 1, len(fat) + count), _END][:count])
    fat += [_FREE] * (fat_sectors * 128 - len(fat))
    # The root entry's start is the first sector of the mini stream.
    root = bytearray(directory[:128])
    struct.pack_into("<I", root, 116, firsts[2])
    directory[:128] = root
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII", OLE_MAGIC, b"\0" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6,
        0, fat_sectors, firsts[0], 0, 4096, firsts[1], len(mini_fat_bytes) // 512, _END, 0,
    )  # fmt: skip
    difat = [*range(fat_sectors), *([_FREE] * (109 - fat_sectors))]
    header += b"".join(struct.pack("<I", v) for v in difat)
    return header + b"".join(struct.pack("<I", v) for v in fat) + directory + mini_fat_bytes + mini_bytes


# --- .msg property storages -----------------------------------------------------------


@dataclass(frozen=True)
class String8:
    data: bytes


def filetime(moment: datetime) -> int:
    return (moment - datetime(1601, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1) * 10


def storage(props: dict[int, object], header: int, children: Tree | None = None) -> Tree:
    """A property storage: fixed values in the property stream, the others as streams."""
    entries = b""
    tree: Tree = {}
    for prop, value in props.items():
        if isinstance(value, str):
            data, kind = value.encode("utf-16-le"), 0x001F
        elif isinstance(value, String8):
            data, kind = value.data, 0x001E
        elif isinstance(value, bytes):
            data, kind = value, 0x0102
        elif isinstance(value, datetime):
            entries += struct.pack("<IIQ", prop << 16 | 0x0040, 2, filetime(value))
            continue
        else:
            assert isinstance(value, int)
            entries += struct.pack("<IIiI", prop << 16 | 0x0003, 2, value, 0)
            continue
        tree[f"__substg1.0_{prop:04X}{kind:04X}"] = data
        entries += struct.pack("<IIII", prop << 16 | kind, 6, len(data), 0)
    tree["__properties_version1.0"] = b"\0" * header + entries
    tree.update(children or {})
    return tree


SENT = datetime(2025, 3, 20, 18, 45, 10, tzinfo=UTC)
HEADERS = (
    "Received: from mail.scam.example (mail.scam.example [203.0.113.9])\r\n"
    "\tby mx.example.org; Thu, 20 Mar 2025 18:45:12 +0000\r\n"
    "Date: Thu, 20 Mar 2025 19:45:10 +0100\r\n"
    'From: "Your Hacker" <hacker@scam.example>\r\n'
    "To: Sam Victim <sam.victim@example.org>\r\n"
    "Subject: I recorded you\r\n"
    "Message-ID: <msg-1@scam.example>\r\n"
    "\r\n"
)
PAYLOAD = b"fictional attachment bytes\n" * 4


def full_message() -> Tree:
    inner = storage(
        {0x0037: "Earlier warning", 0x0C1A: "Your Hacker", 0x5D01: "hacker@scam.example",
         0x0E06: datetime(2025, 3, 19, 8, 0, tzinfo=UTC), 0x1000: "This is the first email."},
        24,
    )  # fmt: skip
    return storage(
        {
            0x0037: "I recorded you",
            0x0C1A: "Your Hacker",
            0x5D01: "hacker@scam.example",
            0x007D: HEADERS,
            0x1035: "<msg-1@scam.example>",
            0x0039: SENT,
            0x0E06: SENT + timedelta(seconds=5),
            0x1000: "Pay 900 USD in Bitcoin\r\nor I send the video.",
            0x1013: b"<p>Pay <b>900 USD</b></p>",
        },
        32,
        {
            "__recip_version1.0_#00000000": storage(
                {0x3001: "Sam Victim", 0x39FE: "sam.victim@example.org", 0x0C15: 1}, 8
            ),
            "__attach_version1.0_#00000000": storage(
                {0x3707: "proof.pdf", 0x370E: "application/pdf", 0x3701: PAYLOAD, 0x3705: 1}, 8
            ),
            "__attach_version1.0_#00000001": storage(
                {0x3001: "Earlier warning", 0x3705: 5}, 8, {"__substg1.0_3701000D": inner}
            ),
        },
    )


def read_msg(tree: Tree, name: str = "mail.msg") -> list[Conversation]:
    data = write_cfb(tree)
    source = Input(name, len(data), lambda: io.BytesIO(data))
    return [stream.collect() for stream in parse(source, ReadOptions())]


# --- tests ----------------------------------------------------------------------------


def test_full_message() -> None:
    (conversation,) = read_msg(full_message())
    outer, inner = conversation.messages
    assert conversation.title == "I recorded you"
    assert outer.id == "<msg-1@scam.example>"
    assert outer.sender == '"Your Hacker" <hacker@scam.example>'  # as the From header wrote it
    assert (outer.timestamp, outer.time_text) == (SENT, str(filetime(SENT)))
    assert outer.text == "Pay 900 USD in Bitcoin\nor I send the video."  # plain body wins over HTML
    pdf, item = outer.attachments
    assert (pdf.name, pdf.media_type, pdf.size) == ("proof.pdf", "application/pdf", len(PAYLOAD))
    assert pdf.sha256 == hashlib.sha256(PAYLOAD).hexdigest()
    assert (item.name, item.present) == ("Earlier warning", True)
    assert inner.id == "<msg-1@scam.example>/attached-2"
    assert inner.sender == "Your Hacker <hacker@scam.example>"
    assert inner.timestamp == datetime(2025, 3, 19, 8, 0, tzinfo=UTC)
    assert inner.text == "This is the first email."
    assert inner.location == "message, attached item 2"
    assert [(p.name, p.account_id) for p in conversation.participants] == [
        ("Your Hacker", "hacker@scam.example"),
        ("Sam Victim", "sam.victim@example.org"),
    ]
    assert conversation.warnings == ()
    assert not outer.corrupt and not inner.corrupt


def test_headers_for_evidence() -> None:
    headers = msg_headers(write_cfb(full_message()))
    assert [name for name, _ in headers] == ["Received", "Date", "From", "To", "Subject", "Message-ID"]
    assert headers[0][1].startswith("from mail.scam.example (mail.scam.example [203.0.113.9])")


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        # HTML only: read as text, links kept visible.
        ({0x1013: b'<p>Pay <a href="https://pay.example/x">here</a></p><script>x()</script>',
          0x3FDE: 65001}, {"text": "Pay here (https://pay.example/x)"}),
        # 8-bit strings in the message code page.
        ({0x1000: String8(b"Gr\xfc\xdfe"), 0x0C1A: String8(b"J\xfcrgen"), 0x3FFD: 1252},
         {"text": "Grüße", "sender": "Jürgen"}),
        # No submit time: the Date transport header, as written.
        ({0x007D: "Date: Fri, 21 Mar 2025 10:00:00 -0500\r\n\r\n"},
         {"timestamp": datetime(2025, 3, 21, 15, 0, tzinfo=UTC),
          "time_text": "Fri, 21 Mar 2025 10:00:00 -0500"}),
        # Only a delivery time.
        ({0x0E06: SENT}, {"timestamp": SENT, "id": "msg"}),
        # Sender address for an Exchange user is not an email address: only the name is kept.
        ({0x0C1A: "Internal", 0x0C1E: "EX", 0x0C1F: "/O=ORG/OU=GROUP/CN=RECIPIENTS/CN=X"},
         {"sender": "Internal"}),
    ],
)
def test_message_properties(props: dict[int, object], expected: dict[str, object]) -> None:
    (conversation,) = read_msg(storage(props, 32))
    message = conversation.messages[0]
    assert {key: getattr(message, key) for key in expected} == expected


def test_unsent_item_has_no_time_and_says_when_it_was_made() -> None:
    created = datetime(2016, 2, 23, 14, 57, 50, tzinfo=UTC)
    (conversation,) = read_msg(storage({0x3007: created, 0x1000: "draft"}, 32))
    assert conversation.messages[0].timestamp is None
    assert conversation.warnings == (
        "mail.msg: message: no sent or delivery time (the file was created 2016-02-23T14:57:50+00:00)",
    )


def test_rtf_only_body_is_named() -> None:
    (conversation,) = read_msg(storage({0x1009: b"\x00" * 16, 0x0E06: SENT}, 32))
    assert conversation.messages[0].text == ""
    assert "compressed RTF" in conversation.warnings[0]


def test_damaged_property_stream_marks_the_message_corrupt() -> None:
    tree = storage({0x1000: "kept text", 0x0E06: SENT}, 32)
    assert isinstance(tree["__properties_version1.0"], bytes)
    tree["__properties_version1.0"] += b"\x01\x02\x03"
    (conversation,) = read_msg(tree)
    message = conversation.messages[0]
    assert message.corrupt and message.text == "kept text" and message.timestamp == SENT
    assert conversation.warnings == ("mail.msg: message: the property stream has a partial entry",)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"not a compound file at all" * 100, "no Compound File signature"),
        (OLE_MAGIC + b"\0" * 2000, "the Compound File cannot be read"),
        (write_cfb({"WordDocument": b"\0" * 100}), "no message properties"),
    ],
)
def test_not_a_msg_raises_one_line(data: bytes, error: str) -> None:
    source = Input("bad.msg", len(data), lambda: io.BytesIO(data))
    with pytest.raises(CorruptInput, match=error):
        list(OutlookMsgParser().stream(source, ReadOptions()))


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (OLE_MAGIC + b"\0" * 100, "mail.msg", True),
        (OLE_MAGIC + b"\0" * 100, "MAIL.MSG", True),
        (OLE_MAGIC + b"\0" * 100 + "__substg1.0_0037001F".encode("utf-16-le"), "item", True),
        (OLE_MAGIC + b"\0" * 100, "report.doc", False),
        (b"From: a@b.c\n", "mail.msg", False),
    ],
)
def test_sniff(head: bytes, name: str, expected: bool) -> None:
    assert OutlookMsgParser.sniff(head, name) is expected


def test_property_entries() -> None:
    data = b"\0" * 8 + struct.pack("<IIQ", 0x0E060040, 2, 42) + struct.pack("<IIII", 0x0037001F, 6, 10, 0)
    assert property_entries(data, 8) == {
        0x0E06: (0x0040, struct.pack("<Q", 42)),
        0x0037: (0x001F, struct.pack("<II", 10, 0)),
    }
    assert property_entries(data + b"\x01\x02", 8) == property_entries(data, 8)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (130_000_000_000_000_000, datetime(2012, 12, 14, 23, 6, 40, tzinfo=UTC)),
        (116_444_736_000_000_000, datetime(1970, 1, 1, tzinfo=UTC)),
        (0, None),
        (0x7FFF_FFFF_FFFF_FFFF, None),
    ],
)
def test_filetime_to_utc(value: int, expected: datetime | None) -> None:
    assert filetime_to_utc(value) == expected


@pytest.mark.parametrize(
    ("data", "kind", "codepage", "text"),
    [
        ("hello".encode("utf-16-le") + b"\0\0", 0x001F, None, "hello"),
        ("odd".encode("utf-16-le") + b"\x00", 0x001F, None, "odd"),
        (b"caf\xe9\0", 0x001E, 1252, "café"),
        (b"\xcf\xf0\xe8\xe2\xe5\xf2", 0x001E, 1251, "Привет"),
        (b"caf\xc3\xa9", 0x001E, 65001, "café"),
    ],
)
def test_string_value(data: bytes, kind: int, codepage: int | None, text: str) -> None:
    assert string_value(data, kind, codepage) == text


@pytest.mark.parametrize(
    ("codepage", "codec"),
    [
        (65001, "utf-8"),
        (1252, "cp1252"),
        (20127, "ascii"),
        (932, "cp932"),
        (None, "cp1252"),
        (99999, "cp1252"),
    ],
)
def test_codepage_codec(codepage: int | None, codec: str) -> None:
    assert codepage_codec(codepage) == codec


def test_msg_headers_of_an_unreadable_file() -> None:
    with pytest.raises(CorruptInput, match="the Compound File cannot be read"):
        msg_headers(OLE_MAGIC + b"\0" * 2000)


def test_display_to_names_when_there_are_no_recipient_storages() -> None:
    (conversation,) = read_msg(storage({0x0E04: "Sam Victim; Alex", 0x0E06: SENT}, 32))
    assert [(p.name, p.account_id) for p in conversation.participants] == [
        ("Sam Victim", None),
        ("Alex", None),
    ]


def test_msg_inside_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "saved.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("emails/scam.msg", write_cfb(full_message()))
    reading = read([archive])
    assert not reading.errors and not reading.skipped
    (conversation,) = reading.conversations
    assert (conversation.source.member, conversation.title) == ("emails/scam.msg", "I recorded you")


def test_real_msg(shared: Path) -> None:
    path = shared / "corpora/formats/more/email/msgextractor_strangeDate.msg"
    if not path.exists():
        pytest.skip("sample .msg not present")
    (conversation,) = [stream.collect() for stream in parse(disk_input(path), ReadOptions())]
    (message,) = conversation.messages
    assert conversation.title == "MSG Test File"
    assert message.text.startswith("MSG test file\nPurpose: Provide example of this file type")
    assert message.timestamp is None and message.sender is None  # an unsent item
    assert [p.account_id for p in conversation.participants] == ["time2talk@online-convert.com"]
    assert "the file was created 2016-02-23" in conversation.warnings[0]
    assert msg_headers(str(path)) == []
