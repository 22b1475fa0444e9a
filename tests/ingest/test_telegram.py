"""Telegram Desktop JSON exports: one chat, a whole account, old exports, damaged files.

Each ``tests/data/telegram/<name>.json`` has a golden ``<name>.expected.json`` beside it
(the conversations it parses into, with the fixture's own name for its path). The
photos/ and files/ folders beside them are the media the fixtures refer to.
"""

from __future__ import annotations

import hashlib
import json
import tracemalloc
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from takeback.errors import CorruptInput
from takeback.ingest import PARSERS, ReadOptions, read
from takeback.ingest.inputs import disk_input
from takeback.ingest.telegram import _flatten
from takeback.model import Conversation

from .golden import portable

DATA = Path(__file__).resolve().parents[1] / "data" / "telegram"
PARSER = PARSERS.get("telegram")
FIXTURES = sorted(p for p in DATA.glob("*.json") if not p.name.endswith(".expected.json"))


def conversations(path: Path, options: ReadOptions | None = None) -> list[Conversation]:
    return [s.collect() for s in PARSER.stream(disk_input(path), options or ReadOptions())]


def golden_of(path: Path) -> list[dict[str, Any]]:
    """What a fixture parses into, with its path made relative so the golden file is portable."""
    return portable(conversations(path), path.parent)


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def chat_json(messages: list[Any], **top: Any) -> str:
    return json.dumps({"name": "Lena Moss", "type": "personal_chat", "id": 5550001234, **top,
                       "messages": messages}, ensure_ascii=False, indent=1)


# --- golden files ------------------------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_matches_its_golden_file(path: Path) -> None:
    expected = path.with_name(path.name.replace(".json", ".expected.json"))
    assert golden_of(path) == json.loads(expected.read_text(encoding="utf-8"))


def test_every_fixture_has_a_golden_file() -> None:
    assert len(FIXTURES) >= 6
    missing = [p for p in FIXTURES if not p.with_name(p.name.replace(".json", ".expected.json")).is_file()]
    assert missing == []


# --- the corpus: real files, and what chat-miner reads from them ------------------------------


@pytest.mark.parametrize("name", ["test_single_export.json", "test_batch_export.json"])
def test_corpus_matches_chat_miner_target(shared: Path, name: str) -> None:
    folder = shared / "corpora/formats/telegram"
    target = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    [conversation] = conversations(folder / name)
    assert len(conversation.messages) == len(target)
    for message, want in zip(conversation.messages, target, strict=True):
        assert message.sender == want["author"]
        # target.json writes the exact UTC of date_unixtime without a zone.
        assert message.timestamp is not None
        assert message.timestamp.replace(tzinfo=None).isoformat() == want["timestamp"]
        # chat-miner puts a space between text entities; Telegram's text is the entities
        # joined as they are (each plain part carries its own spaces), which is kept here.
        assert message.text.replace(" ", "") == want["message"].replace(" ", "")
    assert conversation.warnings == ()


# --- what is read ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text", "ok"),
    [
        ("plain words", "plain words", True),
        (["a ", {"type": "bold", "text": "b"}, " c"], "a b c", True),
        ([{"type": "text_link", "text": "click", "href": "https://example.org/p"}],
         "click (https://example.org/p)", True),
        ([{"type": "text_link", "text": "https://example.org", "href": "https://example.org"}],
         "https://example.org", True),
        ([{"type": "link", "text": "Link:"}, {"type": "link", "text": "https://t.me/x"}],
         "Link:https://t.me/x", True),
        ([{"type": "mention_name", "text": "Sam", "user_id": 5550004444}], "Sam", True),
        ([], "", True),
        (None, "", True),
        (12345, "12345", False),
        ({"type": "bold", "text": "loose"}, "loose", False),
        (["kept ", 7, {"type": "bold"}], "kept ", False),
        (True, "", False),
    ],
)
def test_text_is_flattened_exactly(value: Any, text: str, ok: bool) -> None:
    assert _flatten(value) == (text, ok)


@pytest.mark.parametrize(
    ("message", "zone", "expected", "timezone"),
    [
        # date_unixtime is exact: the zone does not matter and none is recorded.
        ({"date": "2023-05-12T22:04:05", "date_unixtime": "1683925445"}, "Europe/London",
         datetime(2023, 5, 12, 21, 4, 5, tzinfo=UTC), None),
        ({"date_unixtime": 1683925445}, "UTC", datetime(2023, 5, 12, 21, 4, 5, tzinfo=UTC), None),
        # Exports before 2021 write only the exporting computer's wall-clock time.
        ({"date": "2019-07-01T09:30:00"}, "Europe/London",
         datetime(2019, 7, 1, 8, 30, tzinfo=UTC), "Europe/London"),
        ({"date": "2019-12-01T09:30:00"}, "Europe/London",
         datetime(2019, 12, 1, 9, 30, tzinfo=UTC), "Europe/London"),
        ({"date": "2019-12-01T09:30:00"}, "America/New_York",
         datetime(2019, 12, 1, 14, 30, tzinfo=UTC), "America/New_York"),
    ],
)
def test_times(tmp_path: Path, message: dict[str, Any], zone: str, expected: datetime,
               timezone: str | None) -> None:
    raw = {"id": 1, "type": "message", "from": "Lena Moss", "text": "hi", **message}
    path = write(tmp_path / "result.json", chat_json([raw]))
    [conversation] = conversations(path, ReadOptions(timezone=ZoneInfo(zone)))
    [read_message] = conversation.messages
    assert read_message.timestamp == expected
    assert conversation.timezone == timezone
    assert not read_message.corrupt


def test_attachments_are_hashed_where_they_lie_and_missing_ones_named() -> None:
    [conversation] = conversations(DATA / "personal-chat.json")
    found = {m.id: m.attachments for m in conversation.messages if m.attachments}
    photo = DATA / "photos/photo_1@12-05-2023_22-06-10.jpg"
    [present] = found["104"]
    assert present.present and present.sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert present.media_type == "image/jpeg"
    assert [(a.name, a.media_type, a.present) for a in found["106"]] == [
        ("voice_message", "audio/ogg", False)]
    assert [(a.name, a.present) for a in found["107"]] == [("sticker", False)]
    assert [(a.name, a.present) for a in found["112"]] == [("photo", False)]
    assert [(a.name, a.present) for a in found["111"]] == [("files/rules.pdf", True)]


def test_zipped_export_finds_its_media(tmp_path: Path) -> None:
    archive = tmp_path / "Telegram Desktop.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        folder = "ChatExport_2023-05-13/"
        zipped.write(DATA / "personal-chat.json", folder + "result.json")
        zipped.write(DATA / "photos/photo_1@12-05-2023_22-06-10.jpg",
                     folder + "photos/photo_1@12-05-2023_22-06-10.jpg")
    reading = read([archive])
    [conversation] = reading.conversations
    assert conversation.source.member == "ChatExport_2023-05-13/result.json"
    [photo] = next(m for m in conversation.messages if m.id == "104").attachments
    assert photo.present and photo.size == (DATA / "photos/photo_1@12-05-2023_22-06-10.jpg").stat().st_size


def test_whole_account_qualifies_ids_and_knows_people() -> None:
    found = conversations(DATA / "whole-account.json")
    assert [c.title for c in found] == ["Sam Ortiz", "Study group", "Quiet Person", "Old channel"]
    ids = [m.id for c in found for m in c.messages]
    assert len(ids) == len(set(ids))  # the same message id in two chats stays two ids
    people = {p.name: p for c in found for p in c.participants}
    assert people["Alex Kim"].handle == "@alexkim_fake" and people["Alex Kim"].phone
    assert people["Sam Ortiz"].phone == "+44 7700 900456"  # matched by account id
    assert people["Priya"].phone == "+44 7700 900789"  # matched by the saved name
    assert found[2].messages == () and found[2].warnings == ()


def test_whole_account_conversations_must_be_read_in_order() -> None:
    streams = list(PARSER.stream(disk_input(DATA / "whole-account.json"), ReadOptions()))
    assert len(streams) == 4
    with pytest.raises(RuntimeError, match="one pass"):
        next(iter(streams[0].messages))


def test_whole_account_conversations_can_be_passed_over() -> None:
    titles = []
    for stream in PARSER.stream(disk_input(DATA / "whole-account.json"), ReadOptions()):
        titles.append(stream.title)
        if stream.title == "Study group":
            assert [m.text for m in stream.messages][1] == "hello all"
    assert titles == ["Sam Ortiz", "Study group", "Quiet Person", "Old channel"]


# --- sniffing -------------------------------------------------------------------------------

ONE_CHAT = (DATA / "personal-chat.json").read_bytes()[:8192]
ACCOUNT_HEAD = (
    '{\n "about": "Here is the data you requested.",\n "personal_information": {\n'
    '  "user_id": 5550009876,\n  "first_name": "Alex",\n  "last_name": "Kim"'
)


@pytest.mark.parametrize(
    ("head", "claimed"),
    [
        (ONE_CHAT, True),
        (b"\xef\xbb\xbf" + ONE_CHAT, True),
        (ONE_CHAT.decode().encode("utf-16"), True),
        ((DATA / "old-local-times.json").read_bytes(), True),
        (ACCOUNT_HEAD.encode(), True),
        ((DATA / "whole-account.json").read_bytes()[:8192], True),
        # Not Telegram: DiscordChatExporter, Meta, Snapchat (both shapes), other JSON.
        (b'{"guild": {"id": "1", "name": "Direct Messages"}, "channel": {"id": "2", "type": '
         b'"DirectTextChat"}, "messages": [{"id": "3", "type": "Default", "timestamp": '
         b'"2023-01-01T10:00:00+00:00", "content": "hi"}]}', False),
        (b'{"participants": [{"name": "A"}], "messages": [{"sender_name": "A", "timestamp_ms": '
         b'1700000000000, "content": "hi", "type": "Generic"}]}', False),
        (b'{"Received Saved Chat History": [{"From": "a", "Media Type": "TEXT", "Created": '
         b'"2021-01-01 12:00:00 UTC", "Text": "hi"}]}', False),
        (b'{"lena_m": [{"From": "lena_m", "Media Type": "TEXT", "Created": "2024-01-02 03:04:05 '
         b'UTC", "Content": "hi", "IsSender": false, "Created(microseconds)": 1704164645000}]}', False),
        (b'{"messages": [{"date": "2023-01-01", "text": "hi"}]}', False),
        (b'[{"type": "personal_chat", "messages": []}]', False),
        (b"", False),
    ],
)
def test_sniff(head: bytes, claimed: bool) -> None:
    assert PARSER.sniff(head, "result.json") is claimed


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"   \n", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b"{}", 'no "messages" or "chats"'),
        (b'{"name": "x", "type": "personal_chat"}', 'no "messages" or "chats"'),
        (b"hello, not JSON", "not JSON"),
        (b'{"name": "Lena Moss", "type": "personal_chat", "id": 5', "cut off"),
        (b'{\n "about": "x",\n "personal_information": {"user_id": 1', "cut off"),
    ],
)
def test_not_telegram_at_all_is_one_clear_error(tmp_path: Path, data: bytes, problem: str) -> None:
    path = write(tmp_path / "result.json", data)
    with pytest.raises(CorruptInput, match=problem) as caught:
        conversations(path)
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)


def test_every_cut_keeps_the_messages_before_it(tmp_path: Path) -> None:
    whole = (DATA / "personal-chat.json").read_bytes()
    ids = [m.id for m in conversations(DATA / "personal-chat.json")[0].messages]
    start = whole.index(b'"messages"') + 14  # the list is open from here on
    for cut in range(start, len(whole) - 1, 61):
        path = write(tmp_path / "result.json", whole[:cut])
        [conversation] = conversations(path)
        read_ids = [m.id for m in conversation.messages]
        assert read_ids == ids[: len(read_ids)]
        assert any("cut off" in w for w in conversation.warnings), cut


@pytest.mark.parametrize(
    ("tail", "problem"),
    [
        ('oops]}', "damaged"),  # not JSON from here on, though the file ends as a whole one does
        ('{"id": 2, "text": fa', "cut off"),  # yajl calls a cut literal a lexical error
        ('{"id": 2, "text": "b', "cut off"),
    ],
)
def test_a_break_after_some_messages_keeps_them(tmp_path: Path, tail: str, problem: str) -> None:
    head = '{"name": "x", "messages": [{"id": 1, "date_unixtime": "1683925445", "text": "a"}, '
    path = write(tmp_path / "result.json", head + tail)
    [conversation] = conversations(path)
    assert [m.id for m in conversation.messages] == ["1"]
    assert conversation.warnings == (
        f"{path}: the file is {problem} at $.messages[1] "
        f"({'an unfinished download or copy?' if problem == 'cut off' else 'not valid JSON from there on'})"
        "; everything before it is kept",
    )


def test_every_cut_of_a_whole_account_keeps_what_came_before(tmp_path: Path) -> None:
    whole = (DATA / "whole-account.json").read_bytes()
    full = [(c.title, m.id) for c in conversations(DATA / "whole-account.json") for m in c.messages]
    start = whole.index(b'"messages"') + 14  # the first chat's list is open from here on
    for cut in range(start, len(whole) - 1, 53):
        path = write(tmp_path / "result.json", whole[:cut])
        found = conversations(path)
        read_ids = [(c.title, m.id) for c in found for m in c.messages]
        assert read_ids == full[: len(read_ids)]
        assert "cut off" in " ".join(found[-1].warnings), cut


PADDING = "x" * 9000  # puts what follows beyond the 8 KiB head the encoding is told from


@pytest.mark.parametrize(
    ("encode", "sender", "warning"),
    [
        (lambda text: b"\xef\xbb\xbf" + text.encode(), "Zoë", None),
        (lambda text: text.encode("utf-16"), "Zoë", None),
        (lambda text: text.encode("utf-16-be"), "Zoë", None),
        (lambda text: text.replace(PADDING, "").encode("cp1252"), "Zoë", "read as Windows-1252"),
        (lambda text: text.replace("Zoë", "Zo\udceb").encode(errors="surrogateescape"),
         "Zo\ufffd", "replaced with \ufffd"),
    ],
    ids=["utf-8 BOM", "utf-16", "utf-16 without BOM", "windows-1252", "a bad byte deep inside"],
)
def test_encodings(tmp_path: Path, encode: Any, sender: str, warning: str | None) -> None:
    messages = [{"id": n, "type": "message", "date_unixtime": str(1683925445 + n), "from": "Zoë",
                 "text": f"message {n}"} for n in range(1, 4)]
    path = write(tmp_path / "result.json", encode(chat_json(messages, about=PADDING)))
    [conversation] = conversations(path)
    assert [m.text for m in conversation.messages] == ["message 1", "message 2", "message 3"]
    assert {m.sender for m in conversation.messages} == {sender}
    if warning is None:
        assert conversation.warnings == ()
    else:
        [note] = conversation.warnings
        assert note.startswith(f"{path}: ") and warning in note


def test_a_chat_with_no_messages(tmp_path: Path) -> None:
    [conversation] = conversations(write(tmp_path / "result.json", chat_json([])))
    assert conversation.title == "Lena Moss" and conversation.messages == ()
    assert conversation.warnings == ()
    assert [p.account_id for p in conversation.participants] == ["user5550001234"]


def test_messages_that_are_not_a_list(tmp_path: Path) -> None:
    path = write(tmp_path / "result.json", '{"name": "Lena Moss", "type": "personal_chat", '
                 '"messages": {"id": 1}, "date_unixtime": "1"}')
    [conversation] = conversations(path)
    assert conversation.messages == ()
    assert conversation.warnings == (f"{path}: $.messages: not a list of messages",)


def test_warnings_never_quote_message_text() -> None:
    for name in ("wrong-types.json", "truncated.json", "account-truncated.json"):
        found = conversations(DATA / name)
        assert any(c.warnings for c in found)
        for conversation in found:
            for warning in conversation.warnings:
                assert "CANARY" not in warning
                assert not any(m.text and m.text in warning for m in conversation.messages)


def test_many_unreadable_messages_are_summed_up(tmp_path: Path) -> None:
    path = write(tmp_path / "result.json", chat_json([{"id": n, "text": "x"} for n in range(80)]))
    [conversation] = conversations(path)
    assert all(m.corrupt for m in conversation.messages) and len(conversation.messages) == 80
    assert len(conversation.warnings) == 51
    assert conversation.warnings[-1].endswith("more messages that could not be fully read: 30")


@pytest.mark.parametrize("whole_account", [False, True], ids=["one chat", "whole account"])
def test_a_big_export_is_streamed(tmp_path: Path, whole_account: bool) -> None:
    message = {"id": 1, "type": "message", "date": "2023-01-01T10:00:00", "date_unixtime": "1672567200",
               "from": "Sam Ortiz", "from_id": "user5550004444", "text": "x" * 1000}
    if whole_account:
        chat = json.dumps({"name": "Sam Ortiz", "type": "personal_chat", "id": 1,
                           "messages": [message] * 1000})
        document = '{"about": "", "chats": {"about": "", "list": [' + ",".join([chat] * 3) + "]}}"
    else:
        document = chat_json([message] * 3000)
    path = write(tmp_path / "result.json", document)
    assert path.stat().st_size > 3_000_000
    source = disk_input(path)
    source.source(PARSER.NAME)  # hashing reads 1 MiB chunks: done once, before measuring
    tracemalloc.start()
    try:
        count = 0
        for stream in PARSER.stream(source, ReadOptions()):
            for _ in stream.messages:
                count += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 3000
    assert peak < 1_000_000  # a few buffers, never the document
