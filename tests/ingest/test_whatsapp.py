"""WhatsApp text exports: golden files per header style, date order, time zones, archives,
encodings, bad input, the public corpora, and bounded memory on a large file."""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import tracemalloc
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from takeback.errors import CorruptInput
from takeback.ingest import ReadOptions, discover, parse, whatsapp
from takeback.ingest.encoding import iter_lines, local_to_utc
from takeback.ingest.inputs import Input, disk_input
from takeback.ingest.whatsapp import WhatsAppParser, title_from_name
from takeback.model import Conversation

DATA = Path(__file__).parents[1] / "data" / "whatsapp"
UTC_OPTIONS = ReadOptions(timezone=ZoneInfo("UTC"))
# Set TAKEBACK_UPDATE_GOLDEN=1 to rewrite the expected files, then review the diff.
UPDATE = os.environ.get("TAKEBACK_UPDATE_GOLDEN") == "1"
FIXTURES = sorted(p.name for p in DATA.glob("*.txt"))
LRM, NNBSP = "\u200e", "\u202f"


def read(source: Input, options: ReadOptions = UTC_OPTIONS) -> Conversation:
    [conversation] = [stream.collect() for stream in WhatsAppParser().stream(source, options)]
    return conversation


def read_file(path: Path, options: ReadOptions = UTC_OPTIONS) -> Conversation:
    return read(disk_input(path, path.parent), options)


def summary(conversation: Conversation) -> dict[str, Any]:
    """What a golden file holds: everything a person would check, and no file hashes."""
    display = conversation.source.display
    return {
        "title": conversation.title,
        "timezone": conversation.timezone,
        "participants": [[p.name, p.phone] for p in conversation.participants],
        "warnings": [w.replace(display, "<file>") for w in conversation.warnings],
        "messages": [
            {
                "id": m.id,
                "sender": m.sender,
                "timestamp": m.timestamp.isoformat() if m.timestamp else None,
                "time_text": m.time_text,
                "text": m.text,
                "flags": [f for f in ("system", "deleted", "edited", "corrupt") if getattr(m, f)],
                "attachments": [[a.name, a.present, a.sha256] for a in m.attachments],
            }
            for m in conversation.messages
        ],
    }


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.mark.parametrize("name", FIXTURES)
def test_golden(name: str) -> None:
    fixture = DATA / name
    expected = fixture.with_name(fixture.stem + ".expected.json")
    got = summary(read_file(fixture))
    if UPDATE:
        expected.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(expected.read_text(encoding="utf-8"))


def test_every_golden_file_has_its_fixture() -> None:
    goldens = {p.name for p in DATA.glob("*.expected.json")}
    assert goldens == {Path(name).stem + ".expected.json" for name in FIXTURES}


# --- what a line means ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "sender", "text", "system"),
    [
        ("01/02/21, 10:00 - Ana: hi: there", "Ana", "hi: there", False),
        ("01/02/21, 10:00 - Ana:.", None, "Ana:.", True),  # no ": ": not "Name: text"
        ("01/02/21, 10:00 - You were added", None, "You were added", True),
        ('01/02/21, 10:00 - Ana created group "A: B"', None, 'Ana created group "A: B"', True),
        ("01/02/21, 10:00 - Ana hat die Gruppe „A: B“ erstellt", None,
         "Ana hat die Gruppe „A: B“ erstellt", True),
        ('01/02/21, 10:00 - Ana "Sunny" Silva: hi', 'Ana "Sunny" Silva', "hi", False),
        (f"[01/02/2021, 10:00:00] Group: 2021: {LRM}Ana added Ben", None, "Ana added Ben", True),
        (f"[01/02/2021, 10:00:00] Ana: {LRM}Ana changed their phone number to a new number",
         None, "Ana changed their phone number to a new number", True),
        (f"[01/02/2021, 10:00:00] Ana: {LRM}Missed voice call", "Ana", "Missed voice call", False),
        ("[01/02/2021, 10:00:00] \u202a+44 7700 900123\u202c: hi", "+44 7700 900123", "hi", False),
        ("01/02/21, 10:00 - Ana: ", "Ana", "", False),
    ],
)
def test_senders_and_system_lines(tmp_path: Path, line: str, sender: str | None, text: str,
                                  system: bool) -> None:
    [message] = read_file(write_lines(tmp_path / "chat.txt", [line])).messages
    assert (message.sender, message.text, message.system) == (sender, text, system)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # Names with other characters are read once and remembered: the second line of each
        # pair is read from what the first one left.
        (["01/02/21, 10:00 - Zoë: hi", "01/02/21, 10:01 - Zoë: again"],
         [("Zoë", "hi", False), ("Zoë", "again", False)]),
        (['01/02/21, 10:00 - Ana "Sunny" Silva: hi', '01/02/21, 10:01 - Ana "Sunny" Silva: yo'],
         [('Ana "Sunny" Silva', "hi", False), ('Ana "Sunny" Silva', "yo", False)]),
        (["01/02/21, 10:00 - Ana hat „A: B“ erstellt", "01/02/21, 10:01 - Ana hat „A: B“ erstellt"],
         [(None, "Ana hat „A: B“ erstellt", True), (None, "Ana hat „A: B“ erstellt", True)]),
        (["[01/02/2021, 10:00:00] \u202a+44 7700 900123\u202c: hi",
          f"[01/02/2021, 10:00:05] \u202a+44 7700 900123\u202c: {LRM}image omitted"],
         [("+44 7700 900123", "hi", False), ("+44 7700 900123", "image omitted", False)]),
        ([f"[01/02/2021, 10:00:00] Zoë: {LRM}Zoë added Ben", "[01/02/2021, 10:00:01] Zoë: hi"],
         [(None, "Zoë added Ben", True), ("Zoë", "hi", False)]),
    ],
)
def test_names_are_read_the_same_every_time(tmp_path: Path, lines: list[str],
                                            expected: list[tuple[str | None, str, bool]]) -> None:
    messages = read_file(write_lines(tmp_path / "chat.txt", lines)).messages
    assert [(m.sender, m.text, m.system) for m in messages] == expected


@pytest.mark.parametrize(
    ("text", "attachment", "deleted", "edited", "left"),
    [
        ("<Media omitted>", "<Media omitted>", False, False, "<Media omitted>"),
        ("<Medien ausgeschlossen>", "<Medien ausgeschlossen>", False, False, "<Medien ausgeschlossen>"),
        ("IMG-20200101-WA0001.jpg (file attached)", "IMG-20200101-WA0001.jpg", False, False, None),
        ("DOC-20200101-WA0002.pdf (archivo adjunto)", "DOC-20200101-WA0002.pdf", False, False, None),
        ("This message was deleted", None, True, False, None),
        ("You deleted this message.", None, True, False, None),
        ("Diese Nachricht wurde gelöscht.", None, True, False, None),
        ("see you <This message was edited>", None, False, True, "see you"),
        ("This message was deleted yesterday", None, False, False, None),
        ("a <b> tag", None, False, False, None),
    ],
)
def test_media_deleted_and_edited(tmp_path: Path, text: str, attachment: str | None, deleted: bool,
                                  edited: bool, left: str | None) -> None:
    [message] = read_file(write_lines(tmp_path / "chat.txt", [f"01/02/21, 10:00 - Ana: {text}"])).messages
    assert [a.name for a in message.attachments] == ([attachment] if attachment else [])
    assert not any(a.present for a in message.attachments)
    assert (message.deleted, message.edited) == (deleted, edited)
    assert message.text == (left if left is not None else text)


def test_attachment_beside_the_export_is_hashed() -> None:
    conversation = read_file(DATA / "_chat.txt")
    [pdf] = [a for m in conversation.messages for a in m.attachments if a.name.endswith(".pdf")]
    content = (DATA / "00000013-Kit list.pdf").read_bytes()
    assert (pdf.present, pdf.size, pdf.sha256) == (True, len(content), hashlib.sha256(content).hexdigest())
    assert pdf.media_type == "application/pdf"


# --- dates, times and zones ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "day_first", "first_time", "warning"),
    [
        (["03/04/22, 10:00 - Ana: a", "05/06/22, 11:00 - Ben: b"], None, "2022-04-03T10:00", "assumed"),
        (["03/04/22, 10:00 - Ana: a", "05/06/22, 11:00 - Ben: b"], True, "2022-04-03T10:00", None),
        (["03/04/22, 10:00 - Ana: a", "05/06/22, 11:00 - Ben: b"], False, "2022-03-04T10:00", None),
        (["03/04/22, 10:00 - Ana: a", "25/06/22, 11:00 - Ben: b"], None, "2022-04-03T10:00", None),
        (["03/04/22, 10:00 - Ana: a", "06/25/22, 11:00 - Ben: b"], None, "2022-03-04T10:00", None),
        # The dates prove the order: an option saying otherwise is not used, and that is said.
        (["03/04/22, 10:00 - Ana: a", "06/25/22, 11:00 - Ben: b"], True, "2022-03-04T10:00",
         "--day-first was not used"),
        (["2022-03-04, 10:00 - Ana: a"], None, "2022-03-04T10:00", None),
    ],
)
def test_day_or_month_first(tmp_path: Path, lines: list[str], day_first: bool | None,
                            first_time: str, warning: str | None) -> None:
    options = ReadOptions(timezone=ZoneInfo("UTC"), day_first=day_first)
    conversation = read_file(write_lines(tmp_path / "chat.txt", lines), options)
    stamp = conversation.messages[0].timestamp
    assert stamp is not None and stamp.strftime("%Y-%m-%dT%H:%M") == first_time
    if warning is None:
        assert conversation.warnings == ()
    else:
        [said] = conversation.warnings
        assert warning in said
        if warning == "assumed":
            assert "day-first" in said and "--month-first" in said


@pytest.mark.parametrize(
    ("header", "utc"),
    [
        ("15/07/22, 12:00", "2022-07-15T11:00:00+00:00"),  # British Summer Time
        ("15/01/22, 12:00", "2022-01-15T12:00:00+00:00"),  # Greenwich Mean Time
        ("27/03/22, 00:30", "2022-03-27T00:30:00+00:00"),  # the night the clocks go forward
        ("27/03/22, 02:30", "2022-03-27T01:30:00+00:00"),
    ],
)
def test_local_times_are_read_in_the_given_zone(tmp_path: Path, header: str, utc: str) -> None:
    options = ReadOptions(timezone=ZoneInfo("Europe/London"), day_first=True)
    conversation = read_file(write_lines(tmp_path / "chat.txt", [f"{header} - Ana: hi"]), options)
    [message] = conversation.messages
    assert message.timestamp is not None and message.timestamp.isoformat() == utc
    assert message.time_text == header
    assert conversation.timezone == "Europe/London"


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("Europe/London", "27/03/22"),  # clocks go forward at 01:00 (a gap)
        ("Europe/London", "30/10/22"),  # and back at 02:00 (an hour read twice)
        ("America/New_York", "13/03/22"),
        ("America/New_York", "06/11/22"),
        ("Australia/Lord_Howe", "03/04/22"),  # half an hour back
        ("Australia/Lord_Howe", "02/10/22"),
        ("Asia/Kathmandu", "01/01/22"),  # UTC+05:45
    ],
)
def test_local_times_match_local_to_utc(tmp_path: Path, zone: str, day: str) -> None:
    """Times are read from the day's midnight in the zone: the same as local_to_utc, gaps
    and repeated hours included."""
    clocks = [f"{hour:02d}:{minute:02d}" for hour in range(24) for minute in (0, 15, 30, 45, 59)]
    lines = [f"{day}, {clock} - Ana: at {clock}" for clock in clocks]
    options = ReadOptions(timezone=ZoneInfo(zone), day_first=True)
    messages = read_file(write_lines(tmp_path / "chat.txt", lines), options).messages
    date = datetime.strptime(day, "%d/%m/%y")
    expected = [
        local_to_utc(date.replace(hour=int(clock[:2]), minute=int(clock[3:])), ZoneInfo(zone))
        for clock in clocks
    ]
    assert [m.timestamp for m in messages] == expected


@pytest.mark.parametrize(
    ("zone", "utc"),
    [("UTC", "9999-12-31T23:59:00+00:00"), ("Asia/Tokyo", "9999-12-31T14:59:00+00:00"),
     ("America/New_York", None)],  # after the year 9999 in UTC: no such time
)
def test_the_last_minute_of_year_9999(tmp_path: Path, zone: str, utc: str | None) -> None:
    path = write_lines(tmp_path / "chat.txt", ["31/12/9999, 23:59 - Ana: late"])
    conversation = read_file(path, ReadOptions(timezone=ZoneInfo(zone)))
    [message] = conversation.messages
    assert (message.timestamp.isoformat() if message.timestamp else None) == utc
    assert message.corrupt == (utc is None)
    assert len(conversation.warnings) == (utc is None)


def test_impossible_dates_are_kept_as_corrupt_with_warnings() -> None:
    conversation = read_file(DATA / "impossible.txt")
    corrupt = [m for m in conversation.messages if m.corrupt]
    assert [m.location for m in corrupt] == ["line 2", "line 4", "line 5"]
    assert corrupt[0].text == "13/13/22, 10:01 - Ana Silva: month thirteen\nstill the bad one"
    assert all(m.timestamp is None for m in corrupt)
    assert [w.split(": ")[1] for w in conversation.warnings] == ["line 2", "line 4", "line 5"]
    assert not any("thirteen" in w or "no such" in w for w in conversation.warnings)


def test_warnings_about_lines_are_capped(tmp_path: Path) -> None:
    lines = [f"{day:02d}/13/22, 10:00 - Ana: secret {day}" for day in range(13, 31) for _ in range(2)]
    conversation = read_file(write_lines(tmp_path / "chat.txt", lines))
    assert len(conversation.messages) == 36 and all(m.corrupt for m in conversation.messages)
    assert len(conversation.warnings) == 21
    assert conversation.warnings[-1].endswith("16 more lines had an impossible date or time")
    assert not any("secret" in w for w in conversation.warnings)


# --- files, archives and encodings -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "member", "title"),
    [
        ("WhatsApp Chat with Sam Lee.txt", None, "Sam Lee"),
        ("WhatsApp Chat with Sam Lee (2).txt", None, "Sam Lee"),
        ("exports/WhatsApp Chat - Hill Walkers.zip", "_chat.txt", "Hill Walkers"),
        ("WhatsApp Chat with Sam Lee.zip", "WhatsApp Chat with Sam Lee.txt", "Sam Lee"),
        ("WhatsApp-Chat mit Jonas Weber.txt", None, "Jonas Weber"),
        ("Chat de WhatsApp con Lucía.txt", None, "Lucía"),
        ("_chat.txt", None, None),
        ("my chat.txt", None, None),
    ],
)
def test_title_from_file_name(path: str, member: str | None, title: str | None) -> None:
    source = Input(path, 0, lambda: open(os.devnull, "rb"), member)
    assert title_from_name(source) == title


def test_zip_export_hashes_media_in_place(tmp_path: Path) -> None:
    photo = b"\xff\xd8\xff\xe0 not really a photo \xff\xd9"
    archive = tmp_path / "WhatsApp Chat - Hill Walkers.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("_chat.txt", (
            f"[05/09/2022, 20:15:44] Grace Obi: Route for Saturday\r\n"
            f"[05/09/2022, 20:16:02] Grace Obi: {LRM}<attached: 00000012-PHOTO-2022-09-05-20-16-02.jpg>\r\n"
        ).encode())
        zipped.writestr("00000012-PHOTO-2022-09-05-20-16-02.jpg", photo)
    before = sorted(tmp_path.rglob("*"))
    inputs = [item for item in discover([archive]) if isinstance(item, Input)]
    assert [item.member for item in inputs] == ["_chat.txt"]
    [stream] = list(parse(inputs[0], UTC_OPTIONS))
    conversation = stream.collect()
    assert conversation.source.format == "whatsapp"
    assert conversation.title == "Hill Walkers"
    [attachment] = conversation.messages[1].attachments
    assert attachment.present and attachment.size == len(photo)
    assert attachment.sha256 == hashlib.sha256(photo).hexdigest()
    assert attachment.media_type == "image/jpeg"
    assert sorted(tmp_path.rglob("*")) == before  # nothing was extracted or written


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be-bom", "utf-16-le-nobom"])
@pytest.mark.parametrize("name", ["WhatsApp Chat with Riverside Book Club.txt", "_chat.txt"])
def test_other_encodings_read_the_same(tmp_path: Path, name: str, encoding: str) -> None:
    text = (DATA / name).read_bytes().decode("utf-8")
    if encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    elif encoding == "utf-16-le-nobom":
        data = text.encode("utf-16-le")
    else:
        data = text.encode(encoding)
    copy = tmp_path / name
    copy.write_bytes(data)
    (tmp_path / "00000013-Kit list.pdf").write_bytes((DATA / "00000013-Kit list.pdf").read_bytes())
    assert WhatsAppParser.sniff(data[:8192], name)
    assert summary(read_file(copy))["messages"] == summary(read_file(DATA / name))["messages"]


@pytest.mark.parametrize("block", [1, 2, 3, 5, 16384])
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"no line end", id="no-end"),
        pytest.param(b"a\nb\n", id="lf"),
        pytest.param(b"a\r\nb\r\n\r\n", id="crlf"),
        pytest.param(b"a\rb\r", id="cr"),  # a lone CR ends a line too
        pytest.param(b"a\n\rb\r\r\nc\r", id="mixed"),
        pytest.param(b"caf\xc3\xa9 \xf0\x9f\x8c\xb8\nna\xefve\r\n", id="multibyte"),
        pytest.param(b"bad \xff byte\ncut \xe2\x82", id="invalid"),  # and cut by the end
        pytest.param("in a line: \u2028 \x85 \x0c \x1c\n".encode(), id="not-line-ends"),
        pytest.param(codecs.BOM_UTF8 + b"bom\r\n" + b"x" * 40 + b"\r\n", id="bom-long-line"),
        pytest.param("utf-16\r\nlines\rend\n".encode("utf-16"), id="utf-16"),
        pytest.param("no bom\r\n".encode("utf-16-le"), id="utf-16-le"),
    ],
)
def test_lines_are_split_as_iter_lines_splits_them(monkeypatch: pytest.MonkeyPatch, data: bytes,
                                                   block: int) -> None:
    monkeypatch.setattr(whatsapp, "_BLOCK", block)
    got = list(whatsapp._line_blocks(io.BytesIO(data), data[:8192]))
    assert [line for lines, _ in got for line in lines] == list(iter_lines(io.BytesIO(data), data))
    assert all(replaced or not any("\ufffd" in line for line in lines) for lines, replaced in got)


def test_truncated_file() -> None:
    conversation = read_file(DATA / "truncated.txt")
    *_, before, last = conversation.messages
    assert (before.sender, before.text, before.corrupt) == ("Ben Ode", "hi\nmore text", False)
    assert (last.text, last.corrupt, last.location) == ("25/01/22, 10:", True, "line 4")
    assert "line 4" in conversation.warnings[0] and "cut short" in conversation.warnings[0]


@pytest.mark.parametrize(
    ("cut", "texts"),
    [
        (b"25/01/22, 10:01 - Ben Ode: h", ["hello", "h"]),  # in the text: nothing to see
        (b"25/01/22, 10:01 - Ben Ode: caf\xc3", ["hello", "caf\ufffd"]),  # in a character
        (b"25/01/22", ["hello", "25/01/22"]),  # in the header
    ],
)
def test_cut_anywhere_never_fails(tmp_path: Path, cut: bytes, texts: list[str]) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(b"25/01/22, 10:00 - Ana Silva: hello\n" + cut)
    conversation = read_file(path)
    assert [m.text for m in conversation.messages] == texts
    assert conversation.messages[-1].corrupt == (cut == b"25/01/22")


@pytest.mark.parametrize(
    "content",
    [b"", b"hello there\nthis is not an export\n", b'{"name": "Telegram", "messages": []}'],
)
def test_not_a_whatsapp_export(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(CorruptInput) as error:
        read_file(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        ("12/31/21, 11:59 PM - Ana: hi\n", "WhatsApp Chat with Ana.txt", True),
        ("\ufeff31/12/2021, 23:59 - Ana: hi\n", "chat.txt", True),
        (f"{LRM}[31/12/2021, 23:59:59] Ana: hi\n", "_chat.txt", True),
        (f"[1/2/24, 9:05:09{NNBSP}PM] Ana: hi\n", "_chat.txt", True),
        ("Some notes first\n\n31.12.21, 23:59 - Ana: hi\n", "notes.txt", True),
        ("[2020-01-01, 12:00:01] Ana: hi\n", "_chat.txt", True),
        # signal-export writes year-first brackets without the comma or without seconds
        ("[2019-12-24, 12:23] Jane: Hello\n", "chat.txt", False),
        ("[2019-12-24 12:23:05] Jane: Hello\n", "chat.md", False),
        ("Ana: hi\nBen: hello\n", "chat.txt", False),
        ('{"name": "Ana", "type": "personal_chat", "messages": []}', "result.json", False),
        # Without a .txt name, only a file that starts with headers and keeps to them
        ("31/12/21, 23:59 - Ana: hi\n31/12/21, 23:59 - Ben: yo\n1/1/22, 00:00 - Ana: 🎉\n", "chat", True),
        ("31/12/21, 23:59 - Ana: hi\nplain\nplain\nplain\n", "chat.log", False),
        ("Ana: 31/12/21, 23:59 - hi\n", "chat.txt", False),
    ],
)
def test_sniff(content: str, name: str, expected: bool) -> None:
    assert WhatsAppParser.sniff(content.encode("utf-8"), name) is expected


def test_sniff_reads_utf16() -> None:
    assert WhatsAppParser.sniff("31/12/21, 23:59 - Ana: hi\n".encode("utf-16"), "chat.txt")


# --- the public corpora ----------------------------------------------------------------------


def corpus_files(shared: Path, folder: str) -> list[Path]:
    files = sorted((shared / "corpora/formats" / folder).glob("*.txt"))
    assert files, f"no files in {folder}"
    return files


def test_corpus_matches_chat_miner_targets(shared: Path) -> None:
    """chat-miner's targets: senders' messages only (no system lines), lines joined by spaces,
    local wall-clock times."""
    target = json.loads((shared / "corpora/formats/whatsapp/target.json").read_text(encoding="utf-8"))
    expected = sorted((t["author"], t["timestamp"], t["message"]) for t in target)
    for path in corpus_files(shared, "whatsapp"):
        messages = read_file(path).messages
        got = sorted(
            (m.sender or "", m.timestamp.strftime("%Y-%m-%dT%H:%M:%S") if m.timestamp else "",
             m.text.replace("\n", " "))
            for m in messages
            if not m.system
        )
        assert got == expected, path.name
        assert sum(m.system for m in messages) == 3, path.name


def test_real_exports_read_cleanly(shared: Path) -> None:
    files = corpus_files(shared, "more/whatsapp")
    assert len(files) >= 8
    for path in files:
        conversation = read_file(path)
        messages = conversation.messages
        assert messages, path.name
        assert not any(m.corrupt for m in messages), path.name
        assert all(m.timestamp is not None for m in messages), path.name
        for message in messages:
            assert (message.sender is None) == message.system, (path.name, message.id)
            if message.sender is not None:
                assert 0 < len(message.sender) <= 40 and ":" not in message.sender, path.name
                assert message.sender == message.sender.strip() and message.sender.isprintable()
        assert {p.name for p in conversation.participants} == {
            m.sender for m in messages if m.sender is not None
        }


@pytest.mark.parametrize(
    ("name", "message", "expected"),
    [
        ("timelinize_ios_chat.txt", 0, (None, True, "2020-01-01T12:00:01")),
        ("timelinize_ios_chat.txt", 1, (None, True, "2020-02-01T12:00:02")),
        ("timelinize_ios_chat.txt", 7, ("Person 1", False, "2020-08-01T12:00:08")),
        ("pustur_ios_example_chat.txt", 1, (None, True, "2019-06-20T15:58:47")),
        ("sodascience_ios_12h.txt", 0, (None, True, "2022-03-16T15:10:17")),
        ("sodascience_android_dotted_date.txt", 6, ("person4", False, "2022-03-20T20:08:00")),
        ("chatminer_android_es_pm_nbsp.txt", 0, ("John Doe", False, "2022-10-09T22:37:00")),
        ("chatminer_ios_bracket_pm.txt", 2, ("John-John Doe", False, "2022-10-11T13:37:00")),
        ("chatminer_android_ampm_dotted.txt", 0, ("John Doe", False, "2019-09-24T23:30:00")),
        ("chatminer_android_a_m_p_m.txt", 4, (None, True, "2020-06-20T00:08:00")),
    ],
)
def test_real_exports_details(shared: Path, name: str, message: int,
                              expected: tuple[str | None, bool, str]) -> None:
    got = read_file(shared / "corpora/formats/more/whatsapp" / name).messages[message]
    assert got.timestamp is not None
    assert (got.sender, got.system, got.timestamp.strftime("%Y-%m-%dT%H:%M:%S")) == expected


def test_real_exports_media_edits_deletions(shared: Path) -> None:
    messages = read_file(shared / "corpora/formats/more/whatsapp/timelinize_ios_chat.txt").messages
    assert [m.id for m in messages if m.deleted] == ["L10", "L22"]
    assert [(m.id, m.text) for m in messages if m.edited] == [("L23", "An edited message")]
    assert [a.name for m in messages for a in m.attachments] == [
        "some-image.jpg", "some-doc.pdf", "image omitted",
    ]
    pustur = read_file(shared / "corpora/formats/more/whatsapp/pustur_ios_example_chat.txt")
    assert sum(len(m.attachments) for m in pustur.messages) == 4
    assert pustur.participants[0].name == "John"


# --- streaming ---------------------------------------------------------------------------------


def test_memory_stays_bounded_on_a_large_file(tmp_path: Path) -> None:
    """200,000 lines (10 MB): reading them must hold about one message, not the file.
    Most lines continue a message, which keeps tracemalloc's own cost (per allocation)
    within the time a test may take."""
    path = tmp_path / "WhatsApp Chat with Big Group.txt"
    body = "".join(f"line {k} of a long message, written to fill the file up\n" for k in range(7))
    with path.open("w", encoding="utf-8") as out:
        for i in range(25_000):
            out.write(f"{13 + i % 15}/01/2021, {i // 60 % 24:02d}:{i % 60:02d} - Member {i % 50}: "
                      f"message {i}\n{body}")
    size = path.stat().st_size
    assert size > 10_000_000
    [stream] = list(parse(disk_input(path), UTC_OPTIONS))
    tracemalloc.start()
    try:
        count = sum(1 for _ in stream.messages)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 25_000 and len(stream.participants) == 50
    assert peak < 1_000_000, f"peak {peak} bytes while reading a {size}-byte file"
