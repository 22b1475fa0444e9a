"""Snapchat "My Data" chat history: both shapes, media in chat_media/, damaged files.

Each ``tests/data/snapchat/<case>/`` is an export folder (``json/chat_history.json``
and sometimes ``chat_media/``) with a golden ``<case>.expected.json`` beside it: the
conversations it parses into, with paths relative to ``tests/data/snapchat``.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from takeback.errors import CorruptInput, UnsafeInput
from takeback.ingest import PARSERS, ReadOptions, read
from takeback.ingest.inputs import disk_input
from takeback.ingest.snapchat import OWNER
from takeback.model import Conversation, conversation_to_dict

DATA = Path(__file__).resolve().parents[1] / "data" / "snapchat"
PARSER = PARSERS.get("snapchat")
CASES = sorted(p.name for p in DATA.iterdir() if p.is_dir())
HISTORY = "json/chat_history.json"
PHOTO = "chat_media/2024-01-02_b~EiQSFWZpY3Rpb25hbC1waG90by0x.jpg"


def conversations(path: Path, root: Path | None = None,
                  options: ReadOptions | None = None) -> list[Conversation]:
    source = disk_input(path, root)
    return [s.collect() for s in PARSER.stream(source, options or ReadOptions())]


def golden_of(case: str) -> list[dict[str, Any]]:
    """What an export folder parses into, with paths relative so the golden file is portable."""
    path = DATA / case / HISTORY
    relative = f"{case}/{HISTORY}"
    result = []
    for conversation in conversations(path, DATA / case):
        data = conversation_to_dict(conversation)
        data["source"]["path"] = relative
        data["warnings"] = [w.replace(str(path), relative) for w in data["warnings"]]
        result.append(data)
    return result


def history(tmp_path: Path, data: bytes | str | dict[str, Any]) -> Path:
    path = tmp_path / "json" / "chat_history.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, dict):
        data = json.dumps(data, ensure_ascii=False)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def record(**fields: Any) -> dict[str, Any]:
    base = {"From": "lena.moss_fake", "Media Type": "TEXT", "Created": "2024-01-02 03:04:05 UTC",
            "Content": "hi", "Conversation Title": None, "IsSender": False,
            "Created(microseconds)": 1704164645686, "IsSaved": True, "Media IDs": ""}
    return {**base, **fields}


# --- golden files ------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_export_matches_its_golden_file(case: str) -> None:
    expected = json.loads((DATA / f"{case}.expected.json").read_text(encoding="utf-8"))
    assert golden_of(case) == expected


def test_every_case_has_a_golden_file() -> None:
    assert len(CASES) >= 4
    assert [c for c in CASES if not (DATA / f"{c}.expected.json").is_file()] == []


# --- what is read ---------------------------------------------------------------------------


def test_newer_export_conversations_people_and_order() -> None:
    dm, group = conversations(DATA / "new-export" / HISTORY, DATA / "new-export")
    assert (dm.title, group.title) == ("lena.moss_fake", "Weekend plans")
    assert [(p.name, p.handle) for p in dm.participants] == [
        ("lena.moss_fake", "lena.moss_fake"), ("alex.k.fake", "alex.k.fake")]
    stamps = [m.timestamp for m in dm.messages if m.timestamp is not None]
    assert len(stamps) == 10 and stamps == sorted(stamps)  # the file lists the newest first
    first = dm.messages[0]
    # Created(microseconds) holds milliseconds, and is kept when it agrees with Created.
    assert first.timestamp == datetime(2024, 1, 2, 3, 4, 5, 686000, tzinfo=UTC)
    assert first.time_text == "2024-01-02 03:04:05 UTC"
    assert first.id == "lena.moss_fake/9" and first.location == '$["lena.moss_fake"][9]'


@pytest.mark.parametrize(
    ("fields", "text", "flags", "attachments"),
    [
        ({"Media Type": "TEXT", "Content": "hello"}, "hello", set(), []),
        ({"Media Type": "TEXT", "Content": None}, "", set(), []),
        ({"Media Type": "MEDIA", "Content": None}, "", set(), [("media", False)]),
        ({"Media Type": "NOTE", "Content": ""}, "", set(), [("note", False)]),
        ({"Media Type": "MEDIA", "Media IDs": "b~one | b~two"}, "hi", set(),
         [("b~one", False), ("b~two", False)]),
        ({"Media Type": "STICKER", "Content": ""}, "", set(), []),
        ({"Media Type": "SHARE", "Content": "https://example.org/s"}, "https://example.org/s", set(), []),
        ({"Media Type": "STATUSERASEDMESSAGE", "Content": ""}, "", {"deleted"}, []),
        ({"Media Type": "STATUSSAVETOCAMERAROLL", "Content": None}, "STATUSSAVETOCAMERAROLL",
         {"system"}, []),
    ],
)
def test_media_types(tmp_path: Path, fields: dict[str, Any], text: str, flags: set[str],
                     attachments: list[tuple[str, bool]]) -> None:
    [conversation] = conversations(history(tmp_path, {"lena.moss_fake": [record(**fields)]}))
    [message] = conversation.messages
    assert message.text == text
    assert {f for f in ("deleted", "system", "corrupt") if getattr(message, f)} == flags
    assert [(a.name, a.present) for a in message.attachments] == attachments


@pytest.mark.parametrize(
    ("fields", "expected", "corrupt"),
    [
        ({}, datetime(2024, 1, 2, 3, 4, 5, 686000, tzinfo=UTC), False),
        ({"Created(microseconds)": 1704164645686123}, datetime(2024, 1, 2, 3, 4, 5, 686123, tzinfo=UTC),
         False),  # true microseconds, should Snapchat ever write them
        ({"Created(microseconds)": 0}, datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), False),
        ({"Created(microseconds)": None}, datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), False),
        ({"Created": "2024-01-02 03:04:05"}, datetime(2024, 1, 2, 3, 4, 5, 686000, tzinfo=UTC), False),
        ({"Created": "soon"}, datetime(2024, 1, 2, 3, 4, 5, 686000, tzinfo=UTC), True),
        ({"Created(microseconds)": 1600000000000}, datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), True),
        ({"Created": None, "Created(microseconds)": None}, None, True),
    ],
)
def test_times(tmp_path: Path, fields: dict[str, Any], expected: datetime | None,
               corrupt: bool) -> None:
    [conversation] = conversations(history(tmp_path, {"lena.moss_fake": [record(**fields)]}))
    [message] = conversation.messages
    assert message.timestamp == expected
    assert message.corrupt is corrupt
    assert conversation.timezone is None


def test_media_is_found_in_chat_media_by_date_and_id() -> None:
    [dm, _] = conversations(DATA / "new-export" / HISTORY, DATA / "new-export")
    found = [a for m in dm.messages for a in m.attachments if a.present]
    photo = DATA / "new-export" / PHOTO
    assert [(a.name, a.sha256) for a in found] == [
        (PHOTO, hashlib.sha256(photo.read_bytes()).hexdigest())]


def test_a_zipped_export_finds_its_media(tmp_path: Path) -> None:
    archive = tmp_path / "mydata~1704200000000.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted((DATA / "new-export").rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(DATA / "new-export").as_posix())
    reading = read([archive])
    assert [c.title for c in reading.conversations] == ["lena.moss_fake", "Weekend plans"]
    present = [a.name for m in reading.conversations[0].messages for a in m.attachments if a.present]
    assert present == [PHOTO]


def test_older_export_is_regrouped_by_the_other_person() -> None:
    lena, sam = conversations(DATA / "old-export" / HISTORY)
    assert (lena.title, sam.title) == ("lena.moss_fake", "sam_ortiz_fake")
    assert [(m.sender, m.text) for m in lena.messages] == [
        ("lena.moss_fake", "hi there"), (OWNER, "who are you?"), ("lena.moss_fake", "")]
    assert [m.id for m in lena.messages] == [
        "Received Saved Chat History/0", "Sent Saved Chat History/0", "Received Saved Chat History/2"]
    assert any("does not name the account owner" in w for w in lena.warnings)
    assert sam.warnings == ()  # nothing was sent to Sam, so nobody unnamed is in it


def test_truncated_export_keeps_every_record_before_the_cut(tmp_path: Path) -> None:
    whole = (DATA / "new-export" / HISTORY).read_bytes()
    full = [(c.title, m.id) for c in conversations(DATA / "new-export" / HISTORY) for m in c.messages]
    start = whole.index(b"[") + 1
    for cut in range(start, len(whole) - 1, 97):
        found = conversations(history(tmp_path, whole[:cut]))
        read_ids = {(c.title, m.id) for c in found for m in c.messages}
        assert read_ids <= set(full)
        # every complete record before the cut is there
        complete = whole[:cut].count(b'"Media IDs"')
        assert len(read_ids) >= complete - 1, cut
        assert any("cut off" in w for w in found[-1].warnings), cut


# --- sniffing -------------------------------------------------------------------------------

NEW_HEAD = (DATA / "new-export" / HISTORY).read_bytes()[:8192]
OLD_HEAD = (DATA / "old-export" / HISTORY).read_bytes()


@pytest.mark.parametrize(
    ("head", "claimed"),
    [
        (NEW_HEAD, True),
        (b"\xef\xbb\xbf" + NEW_HEAD, True),
        (OLD_HEAD, True),
        (b'{"Received Saved Chat History": [], "Sent Saved Chat History": []}', True),
        # snap_history.json: the same keys, but snaps carry no Content, IsSaved or Media IDs.
        (b'{"lena.moss_fake": [{"From": "lena.moss_fake", "Media Type": "IMAGE", "Created": '
         b'"2024-06-13 16:42:26 UTC", "Conversation Title": null, "IsSender": false, '
         b'"Created(microseconds)": 1718296946482}]}', False),
        (b'{"Received Snap History": [{"From": "a", "Media Type": "IMAGE", "Created": "x"}]}', False),
        ((DATA.parent / "telegram" / "personal-chat.json").read_bytes()[:8192], False),
        (b'{"participants": [{"name": "A"}], "messages": [{"sender_name": "A", "timestamp_ms": 1}]}',
         False),
        (b'[{"From": "a", "Media Type": "TEXT", "Created": "x", "IsSender": true, "Content": ""}]',
         False),
        (b"", False),
    ],
)
def test_sniff(head: bytes, claimed: bool) -> None:
    assert PARSER.sniff(head, "chat_history.json") is claimed


def test_telegram_does_not_claim_snapchat() -> None:
    assert not PARSERS.get("telegram").sniff(NEW_HEAD, "chat_history.json")
    assert not PARSERS.get("telegram").sniff(OLD_HEAD, "chat_history.json")


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"[]", "not a JSON object"),
        (b"no json here", "not JSON"),
        (b'{"lena.moss_f', "cut off"),
        (b'{"Received Saved Chat History": [{"From": "a", "Me', "cut off before any messages"),
    ],
)
def test_not_a_chat_history_is_one_clear_error(tmp_path: Path, data: bytes, problem: str) -> None:
    path = history(tmp_path, data)
    with pytest.raises(CorruptInput, match=problem) as caught:
        conversations(path)
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"lena.moss_fake": []},
        {"Received Saved Chat History": [], "Sent Saved Chat History": []},
    ],
)
def test_empty_histories(tmp_path: Path, data: dict[str, Any]) -> None:
    found = conversations(history(tmp_path, data))
    assert all(c.messages == () and c.warnings == () for c in found)


def test_bom_and_utf16(tmp_path: Path) -> None:
    text = json.dumps({"zoë.fake": [record(From="zoë.fake", Content="café")]}, ensure_ascii=False)
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        [conversation] = conversations(history(tmp_path, data))
        assert [(m.sender, m.text) for m in conversation.messages] == [("zoë.fake", "café")]
        assert conversation.warnings == ()


def test_older_export_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = history(tmp_path, (DATA / "old-export" / HISTORY).read_bytes())
    with pytest.raises(UnsafeInput, match="limit of 100 bytes"):
        conversations(path, options=ReadOptions(max_document_bytes=100))


def test_warnings_never_quote_message_text() -> None:
    for case in ("wrong-types", "truncated"):
        found = conversations(DATA / case / HISTORY)
        assert any(c.warnings for c in found)
        for conversation in found:
            for warning in conversation.warnings:
                assert "CANARY" not in warning
                assert not any(m.text and m.text in warning for m in conversation.messages)


def test_many_unreadable_records_are_summed_up(tmp_path: Path) -> None:
    [conversation] = conversations(history(tmp_path, {"x": [record(Created="?")] * 70}))
    assert len(conversation.messages) == 70 and all(m.corrupt for m in conversation.messages)
    assert len(conversation.warnings) == 51
    assert conversation.warnings[-1].endswith("more messages that could not be fully read: 20")
