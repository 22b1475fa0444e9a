"""SMS Backup & Restore XML: texts, MMS, group MMS, call logs, damaged and hostile files.

Each ``tests/data/sms_backup/<name>.xml`` has a golden ``<name>.json`` beside it
(the conversations it parses into, with the fixture's own name for its path).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any
from xml.parsers import expat

import pytest

from takeback.errors import CorruptInput, UnsafeInput
from takeback.ingest import PARSERS, ReadOptions, read
from takeback.ingest.inputs import disk_input
from takeback.ingest.sms_backup import ME, _Repair
from takeback.model import Conversation

from .golden import portable

DATA = Path(__file__).resolve().parents[1] / "data" / "sms_backup"
CORPUS = "corpora/formats/more/sms_backup_restore"
PARSER = PARSERS.get("sms-backup")
PICTURE = b"\x89PNG\r\n\x1a\nfictional picture for takeback tests"
PROLOG = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"


def conversations(path: Path) -> list[Conversation]:
    return [stream.collect() for stream in PARSER.stream(disk_input(path), ReadOptions())]


def backup(tmp_path: Path, body: str | bytes, name: str = "sms-backup.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    return path


def golden_of(path: Path) -> list[dict[str, Any]]:
    """What a fixture parses into, with its path made relative so the golden file is portable."""
    return portable(conversations(path), path.parent)


def by_title(path: Path) -> dict[str | None, Conversation]:
    return {c.title: c for c in conversations(path)}


# --- golden files -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(DATA.glob("*.xml")), ids=lambda p: p.name)
def test_fixture_matches_its_golden_file(path: Path) -> None:
    golden = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert golden_of(path) == golden


def test_every_fixture_has_a_golden_file() -> None:
    fixtures = sorted(DATA.glob("*.xml"))
    assert len(fixtures) >= 4
    assert [p for p in fixtures if not p.with_suffix(".json").is_file()] == []


# --- what is read --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "message_id", "sender", "text"),
    [
        ("Riley Example", "sms1", "Riley Example", "hey, saw your photos on the gallery page 😀"),
        ("Riley Example", "sms2", ME, "who is this?\nhow did you get my number"),
        ("Riley Example", "sms3", "Riley Example", ""),  # empty body
        ("Riley Example", "sms4", ME, "please leave me alone"),  # a draft
        ("Riley Example", "mms1", "Riley Example", "is this you? 👈"),
        ("Riley Example", "mms2", ME, "Photo\nno. stop"),  # the subject is the first line
        ("(555) 010-4477", "sms5", "(555) 010-4477", "Fish & chips at 7? <3"),  # no optional attributes
        ("(555) 010-4477", "sms6", ME, "yes!"),  # failed to send
        ("BANK-ALERT", "sms7", "BANK-ALERT", "Your code is 000000. We will never ask you for it."),
        ("Sam Sample, +447700900202, Alex Placeholder", "mms3", "Alex Placeholder",
         "who's bringing the ball on saturday?"),
        ("Sam Sample, +447700900202, Alex Placeholder", "mms4", ME, "me"),
        ("Jordan Fictional", "mms5", "Jordan Fictional", ""),  # no parts at all
        ("Jordan Fictional", "mms6", "Jordan Fictional", "the 👍 and the 👍 are the same"),
        ("Jordan Fictional", "mms7", ME, "on my way"),  # queued
    ],
)
def test_messages_are_read_with_their_sender_and_text(
    title: str, message_id: str, sender: str, text: str
) -> None:
    conversation = by_title(DATA / "messages.xml")[title]
    message = {m.id: m for m in conversation.messages}[message_id]
    assert (message.sender, message.text) == (sender, text)
    assert not message.corrupt


def test_times_are_exact_epoch_milliseconds_and_readable_date_is_kept() -> None:
    messages = {m.id: m for m in by_title(DATA / "messages.xml")["Riley Example"].messages}
    assert messages["sms2"].timestamp is not None
    assert messages["sms2"].timestamp.isoformat() == "2024-03-01T09:16:01.250000+00:00"
    assert messages["sms2"].time_text == "Mar 1, 2024 9:16:01 AM"
    assert by_title(DATA / "messages.xml")["Riley Example"].timezone is None
    null_date = {m.id: m for m in by_title(DATA / "messages.xml")["(555) 010-4477"].messages}["sms6"]
    assert null_date.time_text is None and null_date.timestamp is not None


def test_mms_media_is_hashed_in_memory_and_never_written(tmp_path: Path) -> None:
    messages = {m.id: m for m in by_title(DATA / "messages.xml")["Riley Example"].messages}
    (picture,) = messages["mms1"].attachments
    assert picture.name == "IMG_0042.jpg" and picture.media_type == "image/jpeg"
    assert (picture.present, picture.size) == (True, len(PICTURE))
    assert picture.sha256 == hashlib.sha256(PICTURE).hexdigest()
    (not_backed_up,) = messages["mms2"].attachments
    assert not_backed_up.name == "image000000.jpg"
    assert (not_backed_up.present, not_backed_up.sha256) == (False, None)
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "messages.xml").write_bytes((DATA / "messages.xml").read_bytes())
    conversations(copy / "messages.xml")
    assert sorted(p.name for p in copy.iterdir()) == ["messages.xml"]


def test_one_conversation_per_counterpart_whatever_the_number_formatting() -> None:
    found = by_title(DATA / "messages.xml")
    assert list(found) == [
        "Riley Example",
        "(555) 010-4477",
        "BANK-ALERT",
        "Sam Sample, +447700900202, Alex Placeholder",
        "Jordan Fictional",
    ]
    riley = found["Riley Example"]
    assert [m.id for m in riley.messages] == ["sms1", "sms2", "sms3", "sms4", "mms1", "mms2"]
    assert [(p.name, p.phone) for p in riley.participants] == [("Riley Example", "+447700900123"), (ME, None)]
    bank = found["BANK-ALERT"].participants
    assert [(p.name, p.phone, p.handle) for p in bank] == [
        ("BANK-ALERT", None, "BANK-ALERT"),
        (ME, None, None),
    ]


def test_group_mms_keeps_each_member_and_one_conversation_for_the_set() -> None:
    group = by_title(DATA / "messages.xml")["Sam Sample, +447700900202, Alex Placeholder"]
    assert [m.id for m in group.messages] == ["mms3", "mms4"]  # the reply lists the members in another order
    assert [(p.name, p.phone) for p in group.participants] == [
        ("Sam Sample", "+447700900201"),
        ("+447700900202", "+447700900202"),
        ("Alex Placeholder", "+447700900203"),
        (ME, None),
    ]
    (card,) = group.messages[1].attachments
    assert (card.name, card.media_type, card.present) == ("Sam.vcf", "text/x-vcard", True)


@pytest.mark.parametrize(
    ("message_id", "note"),
    [
        ("sms4", "is a draft (never sent)"),
        ("sms6", "failed to send"),
        ("mms7", "was queued (not yet sent when backed up)"),
    ],
)
def test_messages_that_were_never_sent_are_named_in_a_warning(message_id: str, note: str) -> None:
    warnings = [w for c in conversations(DATA / "messages.xml") for w in c.warnings]
    assert any(w.endswith(f"message {message_id} {note}") for w in warnings)


@pytest.mark.parametrize(
    ("message_id", "sender", "text"),
    [
        ("call1", "Riley Example", "Missed call"),
        ("call2", "Riley Example", "Rejected call"),
        ("call3", "Riley Example", "Incoming call, 47 s"),
        ("call4", "Riley Example", "Blocked call"),
        ("call5", "a withheld or unknown number", "Missed call"),
        ("call6", "a withheld or unknown number", "Incoming call, 12 s"),
        ("call7", ME, "Outgoing call, 1 h 2 min 5 s"),
        ("call8", "Helpline Example", "Voicemail, 30 s"),
        ("call9", None, "Call (type 9), 1 min 1 s"),
    ],
)
def test_calls_become_system_messages(message_id: str, sender: str | None, text: str) -> None:
    messages = {m.id: m for c in conversations(DATA / "calls.xml") for m in c.messages}
    assert (messages[message_id].sender, messages[message_id].text) == (sender, text)
    assert messages[message_id].system


def test_calls_are_grouped_per_number() -> None:
    assert list(by_title(DATA / "calls.xml")) == [
        "Calls with Riley Example",
        "Calls with a withheld or unknown number",
        "Calls with Helpline Example",
    ]


# --- damaged files keep what can be read ---------------------------------------------------------


def test_a_cut_off_backup_keeps_what_was_read() -> None:
    (conversation,) = conversations(DATA / "truncated.xml")
    assert [(m.id, m.corrupt) for m in conversation.messages] == [
        ("sms1", False),
        ("sms2", False),
        ("mms1", True),
    ]
    assert conversation.messages[2].text == "you'll regret that"
    assert any("line 8: the XML breaks off here" in w for w in conversation.warnings)


@pytest.mark.parametrize(
    ("message_id", "corrupt", "warning"),
    [
        ("sms1", False, "2 characters that XML does not allow were replaced"),
        ("sms2", True, "line 4: message sms2 has a date that is not a time"),
        ("sms3", True, "line 5: message sms3 has no date"),
        ("sms4", False, "line 6: message sms4 has an unknown type (7)"),
        ("mms1", True, "line 9: the data of MMS part 0 is not valid base64"),
        ("mms2", False, "line 12: message mms2 does not say who sent it"),
    ],
)
def test_damaged_records_are_marked_and_warned_about(message_id: str, corrupt: bool, warning: str) -> None:
    found = conversations(DATA / "damaged.xml")
    message = {m.id: m for c in found for m in c.messages}[message_id]
    assert message.corrupt is corrupt
    assert any(warning in w for c in found for w in c.warnings)


@pytest.mark.parametrize("name", ["truncated.xml", "damaged.xml", "messages.xml"])
def test_warnings_never_quote_message_text(name: str) -> None:
    found = conversations(DATA / name)
    texts = {m.text for c in found for m in c.messages if len(m.text) > 3}
    assert texts
    for warning in (w for c in found for w in c.warnings):
        assert not any(text in warning for text in texts)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("", "not readable XML"),
        ("\x00\x01\x02\xff binary junk", "not readable XML"),
        (PROLOG + '<smses count="2">\n  <sms address="+1555" da', "breaks off at line 3"),
        (PROLOG + "<html><body>not a backup</body></html>", "its XML root is <html>"),
        (PROLOG + '<smses count="3"></smses>', "holds 3 records but none could be read"),
    ],
)
def test_files_with_nothing_readable_are_corrupt_input(tmp_path: Path, body: str, reason: str) -> None:
    path = backup(tmp_path, body.encode("latin-1"))
    with pytest.raises(CorruptInput, match=re.escape(reason)) as error:
        conversations(path)
    assert str(path) in str(error.value)


def test_an_empty_backup_has_no_conversations(tmp_path: Path) -> None:
    assert conversations(backup(tmp_path, PROLOG + '<smses count="0" />\n')) == []


LAUGHS = (
    PROLOG
    + '<!DOCTYPE smses [\n <!ENTITY lol "lol">\n <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    + ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
    + '<smses count="1"><sms address="+1555" date="1" type="1" body="&lol3;" /></smses>\n'
)
EXTERNAL = (
    PROLOG
    + '<!DOCTYPE smses [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
    + '<smses count="1"><sms address="+1555" date="1" type="1" body="&secret;" /></smses>\n'
)
LATE_DOCTYPE = PROLOG + "<!--" + "x" * 9000 + "-->\n" + LAUGHS.removeprefix(PROLOG)


@pytest.mark.parametrize("body", [LAUGHS, EXTERNAL, LATE_DOCTYPE], ids=["laughs", "external", "late"])
def test_doctype_and_entities_are_refused(tmp_path: Path, body: str) -> None:
    with pytest.raises(UnsafeInput, match="DOCTYPE or entities"):
        conversations(backup(tmp_path, body))


def test_invalid_bytes_are_replaced_and_the_rest_is_read(tmp_path: Path) -> None:
    body = (
        PROLOG.encode()
        + b'<smses count="2">\n'
        + b'  <sms address="+1555" date="1000" type="1" body="caf\xe9 \xff" />\n'
        + b'  <sms address="+1555" date="2000" type="2" body="still here" />\n</smses>\n'
    )
    (conversation,) = conversations(backup(tmp_path, body))
    assert [m.text for m in conversation.messages] == ["caf\ufffd \ufffd", "still here"]
    assert any("not valid text" in w for w in conversation.warnings)


def test_a_utf16_backup_is_read(tmp_path: Path) -> None:
    body = (
        '<?xml version="1.0" encoding="UTF-16"?>\n<smses count="1">\n'
        '  <sms address="+1555" date="1000" type="1" body="hi &#55357;&#56832;" contact_name="Zoë" />\n'
        "</smses>\n"
    )
    (conversation,) = conversations(backup(tmp_path, body.encode("utf-16")))
    assert (conversation.title, conversation.messages[0].text) == ("Zoë", "hi 😀")


def test_base64_wrapped_over_lines_hashes_like_unwrapped(tmp_path: Path) -> None:
    data = base64.encodebytes(PICTURE * 10).decode().replace("\n", "&#10;")
    body = (
        PROLOG + '<smses count="1"><mms date="1" msg_box="1" address="+1555"><parts>'
        f'<part seq="0" ct="image/png" cl="p.png" data="{data}" /></parts></mms></smses>\n'
    )
    (conversation,) = conversations(backup(tmp_path, body))
    (picture,) = conversation.messages[0].attachments
    assert picture.sha256 == hashlib.sha256(PICTURE * 10).hexdigest()


# --- the repair of what SMS Backup & Restore writes ----------------------------------------------

REPAIR_CASES = [
    ('<a b="&#55357;&#56832;"/>', "😀", 0),
    ('<a b="&#xD83D;&#xDE00;"/>', "😀", 0),
    ('<a b="x&#55357;&#56832;&#55357;&#56832;y"/>', "x😀😀y", 0),
    ('<a b="&#55357; lone"/>', "\ufffd lone", 1),
    ('<a b="&#56832;&#55357;"/>', "\ufffd\ufffd", 2),  # the halves in the wrong order
    ('<a b="&#1;&#10;&#65535;"/>', "\ufffd\n\ufffd", 2),
    ('<a b="tab\x01here"/>', "tab\ufffdhere", 1),
    ('<a b="&amp;#55357;"/>', "&#55357;", 0),  # written text, not a reference
]


def _parsed(chunks: list[bytes]) -> tuple[str, int]:
    repair = _Repair("utf-8")
    parser = expat.ParserCreate()
    found: list[str] = []
    parser.StartElementHandler = lambda name, attrs: found.append(attrs["b"])
    for chunk in chunks:
        parser.Parse(repair.feed(chunk, False), False)
    parser.Parse(repair.feed(b"", True), True)
    return found[0], repair.replaced


@pytest.mark.parametrize(("xml", "value", "replaced"), REPAIR_CASES)
def test_character_references_are_repaired_wherever_the_chunks_are_cut(
    xml: str, value: str, replaced: int
) -> None:
    data = xml.encode()
    for cut in range(len(data) + 1):
        assert _parsed([data[:cut], data[cut:]]) == (value, replaced), cut


# --- sniffing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "name", "expected"),
    [
        (PROLOG + '<!--File Created By SMS Backup & Restore-->\n<?xml-stylesheet type="text/xsl" '
         'href="sms.xsl"?>\n<smses count="1">', "sms-20240305.xml", True),
        (PROLOG + '<calls count="2">', "calls-20240305.XML", True),
        ('<smses count="0" />', "backup.xml", True),
        (LAUGHS, "backup.xml", True),  # so that reading it refuses it by name
        (PROLOG + '<smses count="1">', "backup.txt", False),
        (PROLOG + "<smsesx>", "backup.xml", False),
        (PROLOG + "<html><!-- <smses> --></html>", "backup.xml", False),
        ('{"smses": []}', "backup.xml", False),
        ("Alex: <smses>", "backup.xml", False),
    ],
)
def test_sniff(head: str, name: str, expected: bool) -> None:
    assert PARSER.sniff(head.encode(), name) is expected


def test_sniff_sees_through_a_utf16_bom() -> None:
    assert PARSER.sniff('<?xml version="1.0" encoding="UTF-16"?><smses count="1">'.encode("utf-16"), "b.xml")


def test_a_backup_inside_a_zip_is_found_and_read(tmp_path: Path) -> None:
    archive = tmp_path / "phone.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(DATA / "calls.xml", "backups/calls-20240305.xml")
    reading = read([archive])
    assert [c.title for c in reading.conversations] == [
        "Calls with Riley Example",
        "Calls with a withheld or unknown number",
        "Calls with Helpline Example",
    ]
    assert {c.source.member for c in reading.conversations} == {"backups/calls-20240305.xml"}


# --- the real files ------------------------------------------------------------------------------


def test_every_corpus_file_reads_and_its_count_is_checked(shared: Path) -> None:
    files = sorted((shared / CORPUS).glob("*.xml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        records = len(re.findall(r"<(?:sms|mms|call)\s", text))
        declared = int(re.search(r'<(?:smses|calls) count="(\d+)"', text)[1])  # type: ignore[index]
        found = conversations(path)
        assert sum(len(c.messages) for c in found) == records, path.name
        count_warnings = [w for w in found[0].warnings if "records but" in w]
        assert bool(count_warnings) is (records != declared), path.name
        assert not any(m.corrupt for c in found for m in c.messages), path.name


@pytest.mark.parametrize(
    ("name", "messages", "conversations_found"),
    [
        ("devadvance_sms_small.xml", 12, 3),
        ("mobilecombackup_sms-test.xml", 15, 5),
        ("mobilecombackup_calls-test.xml", 12, 10),
        ("shruggietech_mixed.xml", 4, 2),
        ("shruggietech_edge_cases.xml", 4, 4),
    ],
)
def test_corpus_counts(shared: Path, name: str, messages: int, conversations_found: int) -> None:
    found = conversations(shared / CORPUS / name)
    assert (sum(len(c.messages) for c in found), len(found)) == (messages, conversations_found)


def test_corpus_mms_picture_and_group_sender(shared: Path) -> None:
    path = shared / CORPUS / "mobilecombackup_sms-test.xml"
    data = re.search(r'data="([^"]+)"', path.read_text(encoding="utf-8"))[1]  # type: ignore[index]
    found = by_title(path)
    (duck,) = [a for m in found["Jane Smith"].messages for a in m.attachments]
    assert (duck.name, duck.present) == ("duck.png", True)
    assert duck.sha256 == hashlib.sha256(base64.b64decode(data)).hexdigest()
    group = found["Ted Turner, Nancy Edgar, Antonio Scott, Max Hall"]
    assert [m.sender for m in group.messages] == ["Antonio Scott"]  # addr type 137


# --- memory ----------------------------------------------------------------------------------------


def write_big_backup(path: Path, sms: int, mms: int, part_bytes: int) -> int:
    """A generated backup; returns the characters of base64 media in it."""
    blob = base64.b64encode(bytes(range(256)) * (part_bytes // 256)).decode()
    with path.open("w", encoding="utf-8") as out:
        out.write(PROLOG + f'<smses count="{sms + mms}">\n')
        for i in range(sms):
            out.write(
                f'  <sms protocol="0" address="+44770090{i % 300:04d}" date="{1700000000000 + i * 1000}" '
                f'type="{1 + i % 2}" body="message {i} &#55357;&#56832;&#10;second line" '
                f'readable_date="Nov 14, 2023" contact_name="Person {i % 300}" />\n'
            )
        for i in range(mms):
            out.write(
                f'  <mms date="{1700000000000 + i}" msg_box="1" address="+44770090{i % 300:04d}">\n'
                f'    <parts><part seq="0" ct="image/jpeg" cl="IMG_{i}.jpg" data="{blob}" />\n'
                f'      <part seq="1" ct="text/plain" text="caption {i}" /></parts>\n  </mms>\n'
            )
        out.write("</smses>\n")
    return mms * len(blob)


def traced_peak(path: Path) -> tuple[int, int]:
    """Messages read and the peak of memory allocated while reading them (each message dropped)."""
    read_messages = 0
    tracemalloc.start()
    try:
        for conversation in PARSER.stream(disk_input(path), ReadOptions()):
            for message in conversation.messages:
                read_messages += 1
                assert message.text.endswith("😀\nsecond line") or message.text.startswith("caption ")
        return read_messages, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_media(tmp_path: Path) -> None:
    small_media = write_big_backup(tmp_path / "small.xml", 2_000, 60, 32_000)
    large_media = write_big_backup(tmp_path / "large.xml", 2_000, 60, 512_000)
    small = traced_peak(tmp_path / "small.xml")
    large = traced_peak(tmp_path / "large.xml")
    assert small[0] == large[0] == 2_060
    # 29 MB more media costs at most a few copies of the largest part, never the media itself.
    assert large_media - small_media > 28_000_000
    assert large[1] - small[1] < 6 * 512_000 * 4 // 3, (small[1], large[1])


def test_memory_per_message_stays_small(tmp_path: Path) -> None:
    write_big_backup(tmp_path / "texts.xml", 6_000, 0, 0)
    read_messages, peak = traced_peak(tmp_path / "texts.xml")
    assert read_messages == 6_000
    assert peak < 1_000 * read_messages + (4 << 20), f"peak {peak} bytes"


def test_the_generated_backup_is_what_the_memory_test_thinks(tmp_path: Path) -> None:
    path = tmp_path / "small.xml"
    write_big_backup(path, 3, 2, 1024)
    found = conversations(path)
    assert sum(len(c.messages) for c in found) == 5
    pictures = [a for c in found for m in c.messages for a in m.attachments]
    assert [a.size for a in pictures] == [1024, 1024]
    assert pictures[0].sha256 == hashlib.sha256(bytes(range(256)) * 4).hexdigest()
    assert not any(w for c in found for w in c.warnings)
