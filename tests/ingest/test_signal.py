"""signal-export (sigexport) Markdown chats: golden files, real files, sniffing, bad input."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from takeback.errors import CorruptInput
from takeback.ingest import ReadOptions, discover, parse
from takeback.ingest.inputs import Input, disk_input
from takeback.ingest.signal import SignalExportParser, _pop_link, _split_quote
from takeback.model import Conversation

from .golden import portable

DATA = Path(__file__).parents[1] / "data" / "signal"
BERLIN = ReadOptions(timezone=ZoneInfo("Europe/Berlin"))
# Set TAKEBACK_UPDATE_GOLDEN=1 to rewrite the expected files, then review the diff.
UPDATE = os.environ.get("TAKEBACK_UPDATE_GOLDEN") == "1"
FIXTURES = ["SamRivers/chat.md", "RiverGroup/index.md", "minutes.txt"]


def read(source: Input, options: ReadOptions = BERLIN) -> list[Conversation]:
    return [stream.collect() for stream in parse(source, options)]


def golden(conversations: list[Conversation]) -> list[dict[str, Any]]:
    return portable(conversations, DATA)


@pytest.mark.parametrize("name", FIXTURES)
def test_golden(name: str) -> None:
    fixture = DATA / name
    expected = fixture.with_name(fixture.name + ".expected.json")
    got = golden(read(disk_input(fixture, DATA)))
    if UPDATE:
        expected.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(expected.read_text(encoding="utf-8"))


def test_every_golden_file_is_checked() -> None:
    goldens = {p.relative_to(DATA).as_posix() for p in DATA.rglob("*.expected.json")}
    assert goldens == {f"{name}.expected.json" for name in FIXTURES}


# --- the real exporter's output ------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["corpora/formats/signal/test_export.txt", "corpora/formats/more/signal/chatminer_signal_export.txt"],
)
def test_real_export_matches_its_reference_reading(shared: Path, name: str) -> None:
    target = json.loads((shared / "corpora/formats/signal/target.json").read_text(encoding="utf-8"))
    (conversation,) = read(disk_input(shared / name), ReadOptions(timezone=ZoneInfo("UTC")))
    assert conversation.source.format == "signal"
    got = sorted(
        (m.timestamp.replace(tzinfo=None) if m.timestamp else None, m.sender, " ".join(m.text.split()))
        for m in conversation.messages
    )
    want = sorted(
        (datetime.fromisoformat(t["timestamp"]), t["author"], " ".join(t["message"].split()))
        for t in target
    )
    assert got == want
    assert conversation.timezone == "UTC"
    assert not conversation.warnings


# --- sniffing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        ("[2024-03-09 21:14:05] Me: hi  \n\n[2024-03-09 21:15:00] Alex: hey  \n", "chat.md", True),
        ("[2019-05-29, 15:04] Me: How is everyone?\n", "index.md", True),
        ("[2019-05-29 15:04] Me: How is everyone?\n", "Index.MD", True),
        ("\n\n[2019-05-29 15:04] Me:\n\n> quoted\n\nreply\n", "chat.md", True),
        ("[2019-05-29 15:04] Me: hi\n", "chat.txt", True),
        ("[2019-05-29 15:04] Me: hi\n", "chat.json", False),
        ("[2019-05-29 15:04] Me: hi\n", "chat", False),
        # WhatsApp on iPhone: comma and seconds, often with U+200E marks.
        ("[2020-01-01, 12:00:01] Person 1: A message\n", "_chat.txt", False),
        ("[2020-01-01 12:00:01] Person 1: \u200eimage omitted\n", "_chat.txt", False),
        ("[2024-03-09 21:14:05] Me: hi\n[2020-01-01, 12:00:01] Person 1: x\n", "chat.md", False),
        ("2019/01/01, 11:25 - John Doe: Lorem ipsum\n", "chat.txt", False),
        ("[09/03/2024, 21:14:05] Me: hi\n", "chat.txt", False),
        ("# My notes\n[2019-05-29 15:04] Me: hi\n", "notes.md", False),
        ("[2019-05-29 15:04] no colon here\n", "chat.md", False),
        ("", "chat.md", False),
    ],
)
def test_sniff(head: str, name: str, expected: bool) -> None:
    assert SignalExportParser.sniff(head.encode("utf-8"), name) is expected


# --- pieces of a message -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi  ![a.jpg](./media/a.jpg)  ", ("hi  ", "media/a.jpg")),
        ("[my file (1) [x].pdf](./media/my%20file%20(1)%20[x].pdf)  ", ("", "media/my file (1) [x].pdf")),
        ("  [😉](../exported_stickers/p1/7.webp)  ", ("  ", "exported_stickers/p1/7.webp")),
        ("see [my page](https://example.org/x)", None),
        ("see [this](./media/x.jpg) and more", None),
        ("plain text", None),
    ],
)
def test_media_links_at_the_end(text: str, expected: tuple[str, str] | None) -> None:
    assert _pop_link(text) == expected


@pytest.mark.parametrize(
    ("lines", "quote", "rest"),
    [
        (["", "", "> asked", "> twice", "", "answer"], "asked\ntwice", ["answer"]),
        (["", "", ">", "> after a blank", "", "answer"], "\nafter a blank", ["answer"]),
        (["> typed by hand", "more"], None, ["> typed by hand", "more"]),
        (["", "", "> no blank line after", "answer"], None, ["", "", "> no blank line after", "answer"]),
        (["", "", "not a quote"], None, ["", "", "not a quote"]),
    ],
)
def test_reply_quotes(lines: list[str], quote: str | None, rest: list[str]) -> None:
    assert _split_quote(lines) == (quote, rest)


def test_a_reply_points_at_the_message_it_quotes() -> None:
    (conversation,) = read(disk_input(DATA / "SamRivers/chat.md", DATA))
    by_text = {m.text: m for m in conversation.messages}
    assert by_text["nice beach"].reply_to == by_text["here's mine"].id
    # The quoted message is not in the file: the quote stays in the text.
    unmatched = next(m for m in conversation.messages if m.text.endswith("I said no"))
    assert unmatched.reply_to is None
    assert unmatched.text.startswith("> are you still there?\n> answer me\n\n")


def test_times_are_local_to_the_zone_given() -> None:
    source = disk_input(DATA / "minutes.txt")
    (berlin,) = read(source, BERLIN)
    (tokyo,) = read(source, ReadOptions(timezone=ZoneInfo("Asia/Tokyo")))
    assert berlin.timezone == "Europe/Berlin" and tokyo.timezone == "Asia/Tokyo"
    first_berlin, first_tokyo = berlin.messages[0].timestamp, tokyo.messages[0].timestamp
    assert first_berlin is not None and first_tokyo is not None
    assert (first_berlin - first_tokyo).total_seconds() == 7 * 3600
    assert berlin.messages[0].time_text == "2021-07-04 18:30"


# --- bad input and archives --------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (b"Just some notes\n[2024-03-09 21:14:05] Me: hi\n", "not a signal-export chat"),
        (b'{"messages": []}', "not a signal-export chat"),
    ],
)
def test_not_an_export_is_one_clear_error(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "chat.md"
    path.write_bytes(content)
    with pytest.raises(CorruptInput) as raised:
        read(disk_input(path), ReadOptions(format="signal"))
    assert problem in str(raised.value)
    assert str(raised.value).startswith(str(path))
    assert "\n" not in str(raised.value)


def test_broken_bytes_and_crlf_do_not_stop_reading(tmp_path: Path) -> None:
    path = tmp_path / "chat.md"
    path.write_bytes(b"[2024-03-09 21:14:05] Me: caf\xc3\xa9 \xff ok  \r\n\r\n"
                     b"[2024-03-09 21:15:05] Alex: second  \r\n")
    (conversation,) = read(disk_input(path))
    assert [m.text for m in conversation.messages] == ["caf\u00e9 \ufffd ok", "second"]


def test_chat_folder_in_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "signal.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in (DATA / "SamRivers").rglob("*"):
            if path.is_file() and not path.name.endswith(".expected.json"):
                out.write(path, "export/" + path.relative_to(DATA).as_posix())
    (source,) = [item for item in discover([archive])
                 if isinstance(item, Input) and item.name == "chat.md"]
    (conversation,) = read(source)
    assert conversation.title == "SamRivers"
    present = [a.name for m in conversation.messages for a in m.attachments if a.present]
    assert present == ["media/2024-03-09T21-20-11.000_00_beach.jpg",
                       "media/2024-03-09T21-36-00.000_00_screenshot 1.png"]
