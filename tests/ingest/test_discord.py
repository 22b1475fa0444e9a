"""DiscordChatExporter JSON and CSV: golden files, the real exporter's files, and bad input."""

from __future__ import annotations

import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, cast
from zoneinfo import ZoneInfo

import pytest

from takeback.errors import CorruptInput
from takeback.ingest import ReadOptions, discover, parse
from takeback.ingest.discord import (
    DiscordCsvParser,
    DiscordJsonParser,
    _parse_csv_date,
    _split_references,
)
from takeback.ingest.inputs import Input, disk_input, hash_stream
from takeback.model import Conversation

from .golden import portable

DATA = Path(__file__).parents[1] / "data" / "discord"
CORPUS = "corpora/formats/more/discord_chat_exporter"
NEW_YORK = ReadOptions(timezone=ZoneInfo("America/New_York"))
UTC_ZONE = ZoneInfo("UTC")
# Set TAKEBACK_UPDATE_GOLDEN=1 to rewrite the expected files, then review the diff.
UPDATE = os.environ.get("TAKEBACK_UPDATE_GOLDEN") == "1"


def read(source: Input, options: ReadOptions = NEW_YORK) -> list[Conversation]:
    return [stream.collect() for stream in parse(source, options)]


def golden(conversations: list[Conversation]) -> list[dict[str, Any]]:
    return portable(conversations, DATA)


@pytest.mark.parametrize(
    "expected", sorted(DATA.glob("*.expected.json")), ids=lambda p: p.name
)
def test_golden(expected: Path) -> None:
    fixture = expected.with_name(expected.name.removesuffix(".expected.json"))
    got = golden(read(disk_input(fixture, DATA)))
    if UPDATE:
        expected.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(expected.read_text(encoding="utf-8"))


def test_every_fixture_has_a_golden_file() -> None:
    fixtures = {
        p.name for p in DATA.iterdir()
        if p.suffix in (".json", ".csv") and not p.name.endswith(".expected.json")
    }
    goldens = {p.name.removesuffix(".expected.json") for p in DATA.glob("*.expected.json")}
    assert fixtures - {"no-date-column.csv"} == goldens


# --- the exporter's own files ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title", "system", "replies", "count_warning"),
    [
        ("dcef_example_general.json", "Example guild / Text Channels / general", 4, 2, False),
        ("dcef_example_thread.json", "Example guild / general / Thomas is Thomas", 0, 2, False),
        # This file was edited by hand: it keeps the count of the channel it was cut from.
        ("dcef_example_chill_talk.json", "Example guild / Text Channels / chill talk", 0, 1, True),
    ],
)
def test_real_exports(shared: Path, name: str, title: str, system: int, replies: int,
                      count_warning: bool) -> None:
    path = shared / CORPUS / name
    raw = json.loads(path.read_text(encoding="utf-8"))
    (conversation,) = read(disk_input(path))
    assert conversation.source.format == "discord"
    assert conversation.title == title
    assert [m.id for m in conversation.messages] == [m["id"] for m in raw["messages"]]
    assert not any(m.corrupt for m in conversation.messages)
    assert all(m.timestamp is not None and m.timestamp.tzinfo == UTC for m in conversation.messages)
    assert sum(m.system for m in conversation.messages) == system
    assert sum(m.reply_to is not None for m in conversation.messages) == replies
    assert [m.text for m in conversation.messages if not m.system and not m.attachments
            and not m.text] == []
    counted = [w for w in conversation.warnings if "messageCount" in w]
    assert bool(counted) == count_warning
    if not count_warning:
        assert len(conversation.messages) == raw["messageCount"]
    assert conversation.timezone is None


def test_real_export_people_keep_their_ids(shared: Path) -> None:
    (conversation,) = read(disk_input(shared / CORPUS / "dcef_example_chill_talk.json"))
    spammer = next(p for p in conversation.participants if p.name == "RICK NITRO")
    assert spammer.account_id == "521486476985321458"
    assert spammer.handle == "aLittleSpammyBot#9001"


# --- sniffing ----------------------------------------------------------------------------

DCE_HEAD = b'{\n  "guild": {\n    "id": "1",\n    "name": "G"\n  },\n  "channel": {\n    "id": "2"\n  },\n'


@pytest.mark.parametrize(
    ("head", "name", "json_ok", "csv_ok"),
    [
        (DCE_HEAD + b'  "messages": [\n', "x.json", True, False),
        (b"\xef\xbb\xbf" + DCE_HEAD + b'"messages":[', "x.json", True, False),
        (DCE_HEAD, "x.json", False, False),  # no messages list in sight
        (b'{"name": "Kit", "type": "personal_chat", "id": 1, "messages": [', "result.json", False, False),
        (b'{"messages": [], "guild": {}, "channel": {}}', "x.json", False, False),
        (b"AuthorID,Author,Date,Content,Attachments,Reactions\r\n", "x.csv", False, True),
        (b'"AuthorID","Author","Date","Content","Attachments","Reactions"\n', "x.csv", False, True),
        (b"\xef\xbb\xbfAuthorID,Author,Date,Content,Attachments,Reactions\n", "x", False, True),
        (b"AuthorID,Author,Date,Content,Attachments\n", "x.csv", False, False),
        (b"AuthorID,Author,Date,Content,Attachments,Reactions,Extra\n", "x.csv", False, False),
        (b"Date,Author,Content\n", "x.csv", False, False),
        (b"[2024-03-09 21:14:05] Me: hi\n", "chat.md", False, False),
        (b"", "x.json", False, False),
    ],
)
def test_sniff(head: bytes, name: str, json_ok: bool, csv_ok: bool) -> None:
    assert DiscordJsonParser.sniff(head, name) is json_ok
    assert DiscordCsvParser.sniff(head, name) is csv_ok


# --- CSV dates and attachment lists ------------------------------------------------------

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "day_first", "expected", "exact"),
    [
        ("3/14/2024 12:05 AM", False, datetime(2024, 3, 14, 0, 5), False),
        ("3/14/2024 12:05 PM", False, datetime(2024, 3, 14, 12, 5), False),
        ("3/4/2024 9:14 PM", False, datetime(2024, 3, 4, 21, 14), False),
        ("3/4/2024 9:14 PM", True, datetime(2024, 4, 3, 21, 14), False),
        ("09/03/2024 21:14", True, datetime(2024, 3, 9, 21, 14), False),
        ("09.03.2024 21:14", True, datetime(2024, 3, 9, 21, 14), False),
        ("09.03.24 21:14:07", True, datetime(2024, 3, 9, 21, 14, 7), False),
        ("2024/03/09 21:14", True, datetime(2024, 3, 9, 21, 14), False),
        ("2024-03-09 21:14", False, datetime(2024, 3, 9, 21, 14), False),
        ("09-Mar-24 09:14 PM", True, datetime(2024, 3, 9, 21, 14), False),
        ("2024-03-09T21:14:00+01:00", True, datetime(2024, 3, 9, 21, 14, tzinfo=ZoneInfo("Europe/Paris")),
         True),
        ("2024-03-09T20:14:00Z", True, datetime(2024, 3, 9, 20, 14, tzinfo=UTC), True),
        ("1710015240", True, datetime(2024, 3, 9, 20, 14, tzinfo=UTC), True),
        ("1710015240000", True, datetime(2024, 3, 9, 20, 14, tzinfo=UTC), True),
        ("31/02/2024 10:00", True, None, False),
        ("13:00 3/4/2024", True, None, False),
        ("3/4/2024 13:00 PM", False, None, False),
        ("yesterday", True, None, False),
    ],
)
def test_csv_dates(text: str, day_first: bool, expected: datetime | None, exact: bool) -> None:
    parsed, is_exact = _parse_csv_date(text, day_first)
    assert parsed == expected
    if expected is not None:
        assert is_exact is exact
        assert (parsed.tzinfo is not None) is exact


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", []),
        ("https://cdn.example/a.png", ["https://cdn.example/a.png"]),
        ("https://cdn.example/a.png,https://cdn.example/b,c.png",
         ["https://cdn.example/a.png", "https://cdn.example/b,c.png"]),
        ("x.csv_Files\\a-1.png,x.csv_Files\\b, c-2.png", ["x.csv_Files\\a-1.png", "x.csv_Files\\b, c-2.png"]),
        ("media/a.png,media/b.png", ["media/a.png", "media/b.png"]),
    ],
)
def test_csv_attachment_lists(cell: str, expected: list[str]) -> None:
    assert _split_references(cell) == expected


@pytest.mark.parametrize(
    ("rows", "day_first", "expected_month", "warned"),
    [
        (["3/4/2024 9:14 PM", "3/14/2024 9:14 PM"], None, 3, False),
        (["3/4/2024 21:14", "14/3/2024 21:14"], None, 4, False),
        (["3/4/2024 9:14 PM"], None, 3, True),  # AM/PM: US style
        (["3/4/2024 21:14"], None, 4, True),
        (["3/4/2024 21:14"], False, 3, False),  # the person said so
    ],
)
def test_csv_day_and_month_are_decided_per_file(tmp_path: Path, rows: list[str], day_first: bool | None,
                                                expected_month: int, warned: bool) -> None:
    path = tmp_path / "dm.csv"
    body = "".join(f'"1","a","{row}","hi","",""\n' for row in rows)
    path.write_text("AuthorID,Author,Date,Content,Attachments,Reactions\n" + body, encoding="utf-8")
    options = ReadOptions(timezone=UTC_ZONE, day_first=day_first)
    (conversation,) = read(disk_input(path), options)
    first = conversation.messages[0].timestamp
    assert first is not None and first.month == expected_month
    assert any("day/month" in w for w in conversation.warnings) is warned


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "format_name", "problem"),
    [
        (b"", "discord", "empty"),
        (b"   \n", "discord", "empty"),
        (b"", "discord-csv", "empty"),
        (b'{\n  "guild": {\n    "id": "1",\n    "na', "discord", "not valid JSON"),
        (b'[{"id": "1"}]', "discord", 'no "messages" list'),
        (b'{"guild": {"id": "1"}, "channel": {}}', "discord", 'no "messages" list'),
        (b'{"guild": {"id": "1"}, "messages": {"id": "1"}}', "discord", 'no "messages" list'),
        (b"hello there", "discord", "not valid JSON"),
        (b"AuthorID,Author,Content,Attachments,Reactions\n", "discord-csv", "no Date column"),
        (b"Author,Date,Content\n", "discord-csv", "no AuthorID column"),
    ],
)
def test_not_an_export_is_one_clear_error(tmp_path: Path, content: bytes, format_name: str,
                                          problem: str) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(content)
    with pytest.raises(CorruptInput) as raised:
        read(disk_input(path), ReadOptions(format=format_name))
    message = str(raised.value)
    assert problem in message
    assert message.startswith(str(path))
    assert "\n" not in message


def test_csv_missing_column_names_the_file_and_the_column() -> None:
    path = DATA / "no-date-column.csv"
    with pytest.raises(CorruptInput, match=r"no-date-column\.csv: .*no Date column"):
        read(disk_input(path), ReadOptions(format="discord-csv"))


def test_truncated_export_keeps_what_came_before_the_cut() -> None:
    (conversation,) = read(disk_input(DATA / "dm-truncated.json"))
    texts = [m.text for m in conversation.messages]
    assert texts == ["hi, it's Kit from the server", "oh hi", ""]
    assert conversation.messages[-1].corrupt
    assert len(conversation.warnings) == 1
    assert "$.messages[2]" in conversation.warnings[0]


def test_warnings_never_quote_message_text() -> None:
    for fixture in ("wrong-types.json", "odd-rows.csv", "dm-truncated.json"):
        (conversation,) = read(disk_input(DATA / fixture))
        assert conversation.warnings
        for message in conversation.messages:
            for warning in conversation.warnings:
                assert not (message.text and message.text in warning)


# --- media: hashed where it lies, remote links never fetched ------------------------------


def test_downloaded_media_is_hashed_remote_media_is_not_fetched() -> None:
    (conversation,) = read(disk_input(DATA / "trading.json", DATA))
    by_id = {m.id: m for m in conversation.messages}
    (photo,) = by_id["703000000000000004"].attachments
    with open(DATA / "trading.json_Files" / "photo-1A2B3.jpg", "rb") as stream:
        sha256, size = hash_stream(stream)
    assert (photo.present, photo.sha256, photo.size, photo.media_type) == (True, sha256, size, "image/jpeg")
    remote, missing = by_id["703000000000000005"].attachments
    assert remote.url and remote.url.startswith("https://cdn.discordapp.com/attachments/")
    assert remote.name and not remote.name.startswith("https:")
    assert (remote.present, remote.size, remote.sha256) == (False, 48213, None)
    assert remote.media_type == "image/png"
    assert (missing.present, missing.size, missing.media_type) == (False, 1048576, "video/mp4")


def test_export_in_a_zip_finds_its_media_inside(tmp_path: Path) -> None:
    archive = tmp_path / "discord.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(DATA / "trading.json", "export/trading.json")
        out.write(DATA / "trading.json_Files" / "photo-1A2B3.jpg",
                  "export/trading.json_Files/photo-1A2B3.jpg")
    (source,) = [item for item in discover([archive]) if isinstance(item, Input)]
    (conversation,) = read(source)
    assert conversation.source.member == "export/trading.json"
    photo = next(m for m in conversation.messages if m.id == "703000000000000004").attachments[0]
    assert photo.present and photo.sha256 is not None


class _Counting:
    """A file that counts the bytes read from it."""

    def __init__(self, path: Path, counter: list[int]) -> None:
        self._file = open(path, "rb")
        self._counter = counter

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._counter[0] += len(data)
        return data

    def __enter__(self) -> _Counting:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()


def test_messages_are_streamed_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    message = ('{"id": "%d", "type": "Default", "timestamp": "2024-05-02T19:00:00+00:00", '
               '"content": "%s", "author": {"id": "1", "name": "a"}}')
    body = ",\n".join(message % (i, "m" * 200) for i in range(3000))
    path.write_text('{"guild": {"name": "G"}, "channel": {"name": "c"}, "messages": [\n'
                    + body + '\n], "messageCount": 3000}', encoding="utf-8")
    counter = [0]
    source = Input(str(path), path.stat().st_size, lambda: cast(BinaryIO, _Counting(path, counter)))
    (stream,) = DiscordJsonParser().stream(source, NEW_YORK)
    counter[0] = 0
    assert next(stream.messages).id == "0"
    assert counter[0] < source.size / 4
    assert sum(1 for _ in stream.messages) == 2999
    assert stream.warnings == []


HEADER = b'{"guild": {"name": "G"}, "channel": {"name": "c"}, "messages": [\n'
MESSAGE = (b'{"id": "%s", "type": "Default", "timestamp": "2024-05-02T19:00:00+00:00", '
           b'"content": "%s", "author": {"id": "1", "name": "a"}}')


def test_invalid_bytes_are_replaced_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(HEADER + MESSAGE % (b"1", b"caf\xff") + b",\n" + MESSAGE % (b"2", b"next")
                     + b'\n], "messageCount": 2}')
    (conversation,) = read(disk_input(path))
    assert [m.text for m in conversation.messages] == ["caf\ufffd", "next"]
    assert conversation.warnings == (
        f"{path}: some bytes were not valid UTF-8 and were replaced with \ufffd",
    )


def test_broken_json_warning_does_not_quote_the_file(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_bytes(HEADER + MESSAGE % (b"1", b"secret words") + b" !! " + MESSAGE % (b"2", b"more"))
    (conversation,) = read(disk_input(path))
    assert [m.text for m in conversation.messages] == ["secret words", ""]
    assert conversation.messages[-1].corrupt
    (warning,) = conversation.warnings
    assert "$.messages[1]" in warning and "secret" not in warning and "more" not in warning


@pytest.mark.parametrize(
    ("kind", "system"),
    [
        ("Default", False), ("Reply", False), ("GuildMemberJoin", True), ("ThreadCreated", True),
        ("Call", True), ("ChannelPinnedMessage", True), ("RecipientRemove", True),
        ("8", True), ("18", True), ("20", False), ("0", False), ("SomethingNew", False),
    ],
)
def test_notices_are_system_messages(tmp_path: Path, kind: str, system: bool) -> None:
    path = tmp_path / "export.json"
    message = MESSAGE.replace(b'"type": "Default"', b'"type": "' + kind.encode() + b'"')
    path.write_bytes(HEADER + message % (b"1", b"x") + b"]}")
    (conversation,) = read(disk_input(path))
    assert conversation.messages[0].system is system
