"""Emails (.eml) and mailboxes (.mbox): goldens for the fixtures, tables for the pieces."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest

from takeback.errors import CorruptInput, UnsafeInput
from takeback.ingest import ReadOptions, discover, parse, read
from takeback.ingest.email import (
    EmlParser,
    MboxParser,
    decode_text,
    email_date,
    email_headers,
    header_text,
    html_to_text,
    normalised_subject,
)
from takeback.ingest.inputs import Input, disk_input
from takeback.model import Conversation, conversation_to_dict

DATA = Path(__file__).parents[1] / "data" / "email"
FIXTURES = sorted(p for p in DATA.iterdir() if p.suffix in (".eml", ".mbox"))
UPDATE = os.environ.get("TAKEBACK_UPDATE_GOLDENS") == "1"


def conversations(path: Path, options: ReadOptions | None = None) -> list[Conversation]:
    return [stream.collect() for stream in parse(disk_input(path), options or ReadOptions())]


def memory_input(name: str, data: bytes) -> Input:
    return Input(name, len(data), lambda: io.BytesIO(data))


def read_bytes(name: str, data: bytes, options: ReadOptions | None = None) -> list[Conversation]:
    return [stream.collect() for stream in parse(memory_input(name, data), options or ReadOptions())]


def as_golden(found: list[Conversation]) -> list[dict[str, Any]]:
    out = []
    for conversation in found:
        data = conversation_to_dict(conversation)
        data["source"]["path"] = Path(data["source"]["path"]).name
        data["warnings"] = [w.replace(str(DATA) + os.sep, "") for w in data["warnings"]]
        out.append(data)
    return out


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_golden(path: Path) -> None:
    found = as_golden(conversations(path))
    golden = path.with_name(path.name + ".json")
    if UPDATE:
        golden.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert found == json.loads(golden.read_text(encoding="utf-8"))


def test_every_fixture_has_a_golden() -> None:
    goldens = {p.name.removesuffix(".json") for p in DATA.glob("*.json")}
    assert goldens == {p.name for p in FIXTURES}


@pytest.mark.parametrize(
    ("fixture", "checks"),
    [
        ("plain.eml", {"sender": '"Your Hacker" <no-reply@mailer.example.net>',
                       "timestamp": datetime(2025, 3, 3, 9, 14, 58, tzinfo=UTC),
                       "time_text": "Mon, 3 Mar 2025 10:14:58 +0100",
                       "id": "<20250303091458.4411@mailer.example.net>"}),
        ("no-date.eml", {"timestamp": None, "time_text": None}),
        ("date-no-zone.eml", {"timestamp": None, "time_text": "Sun, 09 Mar 2025 14:00:00"}),
        ("latin1.eml", {"sender": "José Martín <jose@example.es>",
                        "text": "Mañana te envío el vídeo. Paga en 24 horas."}),
        ("wrong-charset.eml", {"text": "Schöne Grüße. Zahl jetzt."}),
        ("alternative.eml", {"text": "Send me more or I share the photo with your friends."}),
        ("broken-boundary.eml", {"text": "The boundary in the header is not the one used below.",
                                 "corrupt": False}),
        ("truncated-mime.eml", {"text": "The start of the message survived.", "corrupt": True}),
    ],
)
def test_first_message(fixture: str, checks: dict[str, Any]) -> None:
    message = conversations(DATA / fixture)[0].messages[0]
    assert {key: getattr(message, key) for key in checks} == checks


def test_html_only_drops_script_and_keeps_links() -> None:
    text = conversations(DATA / "html-only.eml")[0].messages[0].text
    assert "document.location" not in text and "color: red" not in text and "Locked" not in text
    assert "here (https://unlock.phish.example/login?u=42)" in text
    assert "help@phish.example" in text and "mailto:" not in text  # the address was the link text
    assert "Café team" in text


def test_attachments_are_hashed_in_memory() -> None:
    message = conversations(DATA / "attachment.eml")[0].messages[0]
    pdf = b"%PDF-1.4\n% fictional invoice for tests, not a real document\n" * 3
    first, second = message.attachments
    assert (first.name, first.media_type, first.present) == ("invoice.pdf", "application/pdf", True)
    assert (first.size, first.sha256) == (len(pdf), hashlib.sha256(pdf).hexdigest())
    assert second.name == "résumé.txt"  # RFC 2231 file name
    assert second.sha256 == hashlib.sha256(b"a text file sent as an attachment").hexdigest()
    assert message.text == "Please see the attached invoice."


def test_attached_email_is_a_message_of_its_own() -> None:
    conversation = conversations(DATA / "forwarded.eml")[0]
    outer, inner = conversation.messages
    assert outer.attachments[0].media_type == "message/rfc822"
    assert inner.sender == '"Your Hacker" <no-reply@mailer.example.net>'
    assert "Bitcoin" in inner.text and "Bitcoin" not in outer.text
    assert inner.location == "message, attached email in part 1.2"


def test_encoded_words_are_decoded() -> None:
    conversation = conversations(DATA / "latin1.eml")[0]
    assert conversation.title == "Café más tarde 😊"
    assert conversation.participants[0].name == "José Martín"
    assert conversation.participants[0].account_id == "jose@example.es"


def test_mbox_threads() -> None:
    found = conversations(DATA / "threads.mbox")
    assert [(c.title, [m.id for m in c.messages]) for c in found] == [
        ("hey", ["<t1@example.com>", "<t2@example.org>"]),
        ("Spring sale", ["<n1@shop.example>"]),
    ]
    first, reply = found[0].messages
    assert reply.reply_to == "<t1@example.com>"
    assert first.text.splitlines()[1:] == [
        "From now on we can talk here.",
        ">From here quoting stays one level.",
    ]
    # A "From " line in a body with no date after it does not start a new message.
    assert reply.text == "From the start I did not trust this."
    assert [m.location for m in found[0].messages] == ["line 1", "line 21"]


def test_mbox_threads_by_subject_and_keeps_duplicates_apart() -> None:
    found = conversations(DATA / "subjects.mbox")
    assert [[m.id for m in c.messages] for c in found] == [
        ["M1", "M2"],
        ["<same@example.com>", "<same@example.com>#2"],
    ]
    assert any("seen before" in warning for warning in found[1].warnings)


def test_truncated_mbox_keeps_what_was_read() -> None:
    complete, cut = conversations(DATA / "truncated.mbox")
    assert not complete.messages[0].corrupt
    assert cut.messages[0].corrupt and cut.messages[0].text.startswith("Only this part")
    assert any("ends early" in warning for warning in cut.warnings)


def _phrases(text: str) -> set[str]:
    words = text.split()
    return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}


def test_warnings_never_quote_message_text() -> None:
    for path in FIXTURES:
        for conversation in conversations(path):
            phrases = {p for m in conversation.messages for p in _phrases(m.text)}
            phrases |= _phrases(conversation.title or "")
            for warning in conversation.warnings:
                assert warning.startswith(str(path))
                assert not any(p in warning for p in phrases), warning


@pytest.mark.parametrize(
    ("head", "name", "parser", "expected"),
    [
        (b"Received: from a by b\nFrom: x@y.z\nTo: a@b.c\n\nbody", "mail", EmlParser, True),
        (b"Return-Path: <a@b.c>\r\nDelivered-To: c@d.e\r\n", "123.", EmlParser, True),
        (b"Delivered-To: c@d.e\nReceived: by x with SMTP\n\tid 1;\nSubject: hi\n", "f", EmlParser, True),
        (b"anything", "saved.EML", EmlParser, True),
        (b"Date: 12/03/2024\nSome notes about the chat\n", "notes.txt", EmlParser, False),
        (b"From: me\nhello there, this is not an email\n", "chat.txt", EmlParser, False),
        (b"12/03/2024, 10:15 - Alex: From: me\n", "chat.txt", EmlParser, False),
        (b'{"messages": []}', "result.json", EmlParser, False),
        (b"From MAILER-DAEMON Tue Nov  1 14:15:20 2022\nFrom: a@b.c\nTo: c@d.e\n", "Inbox", MboxParser, True),
        (b"", "All mail.mbox", MboxParser, True),
        (b"From a@b.c Tue Nov  1 14:15:20 2022\nhello\n", "Inbox", MboxParser, False),
        (b"From me to you\nFrom: a@b.c\nTo: c@d.e\n", "letter", MboxParser, False),
        (b"Received: from a by b\nFrom: x@y.z\nTo: a@b.c\n", "mail", MboxParser, False),
    ],
)
def test_sniff(head: bytes, name: str, parser: type[EmlParser | MboxParser], expected: bool) -> None:
    assert parser.sniff(head, name) is expected


@pytest.mark.parametrize(
    ("raw", "text", "damaged"),
    [
        ("plain words", "plain words", False),
        ("=?UTF-8?B?SGVsbG8gd29ybGQ=?=", "Hello world", False),
        ("=?iso-8859-1?Q?Jos=E9?= <j@example.es>", "José <j@example.es>", False),
        ("=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab", False),  # folded encoded words join
        ("Long subject\r\n\tcontinued", "Long subject\tcontinued", False),
        ("=?x-no-such-charset?Q?Gr=FC=DFe?=", "Gr\ufffd\ufffde", True),
        ("caf\udcc3\udca9", "café", False),  # raw UTF-8 bytes in a header (RFC 6532)
        ("caf\udce9", "café", True),  # raw Latin-1 bytes: read as Windows-1252, with a warning
    ],
)
def test_header_text(raw: str, text: str, damaged: bool) -> None:
    assert header_text(raw) == (text, damaged)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sun, 19 Apr 2015 05:24:33 -0700", datetime(2015, 4, 19, 12, 24, 33, tzinfo=UTC)),
        ("19 Apr 2015 05:24:33 GMT", datetime(2015, 4, 19, 5, 24, 33, tzinfo=UTC)),
        ("Sun, 19 Apr 2015 05:24:33 -0000", datetime(2015, 4, 19, 5, 24, 33, tzinfo=UTC)),
        ("Thu, 5 Oct 2023 19:51:22 +0000 (UTC)", datetime(2023, 10, 5, 19, 51, 22, tzinfo=UTC)),
        ("Sun, 19 Apr 2015 05:24:33", None),  # no zone
        ("Sun, 19 Apr 2015 05:24:33 CEST", None),  # a zone name the RFC does not define
        ("11-04-2023", None),
        ("", None),
    ],
)
def test_email_date(text: str, expected: datetime | None) -> None:
    assert email_date(text) == expected


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("<div>one</div><div>two</div>", "one\ntwo"),
        ("a<br>b<br/><br>c", "a\nb\n\nc"),
        ("<script>var x = '<p>no</p>';</script>yes", "yes"),
        ("<style>p {}</style><title>T</title>body", "body"),
        ('<a href="https://x.example/p">click</a>', "click (https://x.example/p)"),
        ('<a href="https://x.example/">https://x.example/</a>', "https://x.example/"),
        ('<a href="#top">top</a> <a href="javascript:go()">go</a>', "top go"),
        ('<a href="mailto:a@b.example">write</a>', "write (mailto:a@b.example)"),
        ("<a href='https://unclosed.example'>text", "text (https://unclosed.example)"),
        ("x&nbsp;&amp;&lt;y", "x &<y"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"),
        ("<pre>  keep\n  spacing</pre>", "keep\nspacing"),
        ("<!-- hidden --><p>shown</p>", "shown"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == (text, False)


def test_html_to_text_survives_bogus_markup() -> None:
    assert html_to_text("before <![bogus[ x ]]> after") == ("before after", True)


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: Hello", "hello"),
        ("RE: Fwd: AW:  Hello  World", "hello world"),
        ("SV: Re[2]: meeting", "meeting"),
        ("Fw: WG: TR: x", "x"),
        ("Regarding the thing", "regarding the thing"),
        (None, ""),
    ],
)
def test_normalised_subject(subject: str | None, expected: str) -> None:
    assert normalised_subject(subject) == expected


@pytest.mark.parametrize(
    ("data", "charset", "text", "problem"),
    [
        (b"caf\xc3\xa9", "utf-8", "café", None),
        (b"caf\xe9", "iso-8859-1", "café", None),
        (b"caf\xc3\xa9", None, "café", None),  # 8-bit UTF-8 with no charset: silently fine
        (b"caf\xe9", "utf-8", "café", "text is not valid utf-8, read as Windows-1252"),
        (b"caf\xe9", "x-bogus", "café", "unknown charset 'x-bogus', read as Windows-1252"),
        (b"\xcf\xf0\xe8\xe2\xe5\xf2", "windows-1251", "Привет", None),
        (b"not packed", "zlib", "not packed", "unknown charset 'zlib', read as UTF-8"),
    ],
)
def test_decode_text(data: bytes, charset: str | None, text: str, problem: str | None) -> None:
    assert decode_text(data, charset) == (text, problem)


def test_email_headers_keep_the_delivery_chain_in_order() -> None:
    message = BytesParser(policy=policy.default).parsebytes((DATA / "plain.eml").read_bytes())
    headers = email_headers(message)
    assert [name for name, _ in headers] == [
        "Return-Path", "Delivered-To", "Received", "Received", "Message-ID", "Date", "From",
        "Reply-To", "To", "Subject",
    ]  # fmt: skip
    assert headers[3][1].startswith("from unknown (HELO mailer.example.net) ([198.51.100.23])")
    assert "\n" not in headers[2][1]
    assert len(email_headers(message, names=None)) == 13


@pytest.mark.parametrize(
    ("data", "ids", "texts"),
    [
        # mboxrd: one ">" is removed from every ">From " line, at any depth.
        (b"From a Mon Jan  1 00:00:00 2024\nSubject: 1\n\n>From x\n>>From y\n> From z\n",
         ["M1"], ["From x\n>From y\n> From z"]),
        # CRLF mailboxes split the same way.
        (b"From a Mon Jan  1 00:00:00 2024\r\nSubject: 1\r\n\r\none\r\n\r\n"
         b"From b Mon Jan  1 00:00:01 2024\r\nSubject: 2\r\n\r\ntwo\r\n",
         ["M1", "M2"], ["one", "two"]),
        # A separator needs an empty line before it.
        (b"From a Mon Jan  1 00:00:00 2024\nSubject: 1\n\none\nFrom b Mon Jan  1 00:00:01 2024\n",
         ["M1"], ["one\nFrom b Mon Jan  1 00:00:01 2024"]),
    ],
)
def test_mbox_splitting(data: bytes, ids: list[str], texts: list[str]) -> None:
    messages = [m for c in read_bytes("box.mbox", data) for m in c.messages]
    assert [m.id for m in messages] == ids
    assert [m.text for m in messages] == texts


def test_mbox_text_before_the_first_message_is_reported() -> None:
    data = b"stray line\n\nFrom a Mon Jan  1 00:00:00 2024\nSubject: s\n\nbody\n"
    (conversation,) = read_bytes("box.mbox", data)
    assert [m.text for m in conversation.messages] == ["body"]
    assert conversation.warnings == ("box.mbox: 1 lines before the first 'From ' line were skipped",)


def test_empty_mbox_is_an_empty_conversation() -> None:
    (conversation,) = read_bytes("empty.mbox", b"")
    assert conversation.messages == () and conversation.warnings == ("empty.mbox: the mailbox is empty",)


def test_oversized_mbox_message_is_cut_not_loaded() -> None:
    big = b"From a Mon Jan  1 00:00:00 2024\nSubject: big\n\n" + b"x" * 5000 + b"\n"
    small = b"\nFrom b Mon Jan  1 00:00:01 2024\nSubject: small\n\nok\n"
    found = read_bytes("box.mbox", big + small, ReadOptions(max_document_bytes=1000))
    cut, ok = (c.messages[0] for c in found)
    assert cut.corrupt and len(cut.text) < 1000
    assert ok.text == "ok" and not ok.corrupt


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("empty.eml", b"", "the file is empty"),
        ("binary.eml", b"\x00\x01\x02 not headers", "does not start with email headers"),
        ("notes.mbox", b"just some notes\nno separators\n", "no 'From ' separator line"),
    ],
)
def test_not_the_format_raises_one_line(name: str, data: bytes, error: str) -> None:
    with pytest.raises(CorruptInput, match=error) as raised:
        read_bytes(name, data)
    assert "\n" not in str(raised.value) and name in str(raised.value)


def test_eml_over_the_document_limit_is_refused() -> None:
    data = (DATA / "plain.eml").read_bytes()
    with pytest.raises(UnsafeInput, match="limit of 100 bytes"):
        read_bytes("plain.eml", data, ReadOptions(max_document_bytes=100))


def test_eml_saved_with_a_from_line_and_bom() -> None:
    data = b"\xef\xbb\xbfFrom - Mon Mar 03 10:00:00 2025\n" + (DATA / "no-date.eml").read_bytes()
    (conversation,) = read_bytes("saved.eml", data)
    assert conversation.messages[0].text == "A message without a Date header."


def test_hostile_nesting_keeps_the_headers() -> None:
    level = b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n'
    levels = b"".join(level % (i, i) for i in range(3000))
    data = b"From: deep@example.com\nSubject: deep\nDate: Mon, 3 Mar 2025 10:00:00 +0000\n" + levels
    (conversation,) = read_bytes("deep.eml", data)
    (message,) = conversation.messages
    assert (message.sender, message.corrupt, conversation.title) == ("deep@example.com", True, "deep")
    assert conversation.warnings == (
        "deep.eml: the email body could not be read (RecursionError); headers kept",
    )


def test_attached_emails_are_read_eight_deep() -> None:
    data = b"From: bottom@example.com\n\nbottom\n"
    for _ in range(10):
        data = b"From: x@example.com\nContent-Type: message/rfc822\n\n" + data
    (conversation,) = read_bytes("nested.eml", data)
    assert len(conversation.messages) == 9
    assert conversation.warnings[-1].endswith("part 1: attached emails nested too deep; not read")


def test_emails_inside_a_zip(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(DATA / "plain.eml", "mail/plain.eml")
        zipped.write(DATA / "threads.mbox", "mail/Inbox")
    found = read([archive])
    assert not found.errors and not found.skipped
    assert sorted(c.source.format for c in found.conversations) == ["eml", "mbox", "mbox"]


# --- the shared real-world samples ------------------------------------------------------


def test_real_webcam_bitcoin_scam(shared: Path) -> None:
    (conversation,) = conversations(shared / "corpora/dev/email/webcam-bitcoin-scam.eml")
    (message,) = conversation.messages
    assert message.sender == '"HENRY" <advertisebz09ua@gmail.com>'
    assert message.timestamp == datetime(2015, 4, 19, 12, 24, 33, tzinfo=UTC)
    assert "1KhDTLk95fZQBd5tUXj4123459bBAji2DB" in message.text
    assert conversation.title == "Boost Social Presence with FB posts likes"
    assert not conversation.warnings


def test_real_mbox(shared: Path) -> None:
    (conversation,) = conversations(shared / "corpora/formats/more/email/scutes_test.mbox")
    (message,) = conversation.messages
    assert message.sender == '"Brockman, Kent" <brockman@springfieldgazette.com>'
    assert message.timestamp == datetime(2022, 10, 31, 15, 17, 37, tzinfo=UTC)
    assert "\nFrom the WH:" in message.text  # ">From " unquoted
    assert conversation.participants[0].name == "Brockman, Kent"


def test_real_phishing_emails_all_parse(shared: Path) -> None:
    folder = shared / "corpora/dev/email/phishing"
    files = sorted(folder.glob("*.eml"))
    if not files:
        pytest.skip("phishing corpus not present")
    empty = [f for f in files if f.stat().st_size == 0]
    reading = read(files)
    assert len(reading.conversations) == len(files) - len(empty)
    assert [e.path for e in reading.errors] == [str(f) for f in empty]
    assert all(isinstance(e, CorruptInput) for e in reading.errors)
    firsts = [c.messages[0] for c in reading.conversations]
    with_text = sum(bool(m.text.strip()) for m in firsts)
    with_time = sum(m.timestamp is not None for m in firsts)
    # Figures measured on the 500-file corpus: 496 of 499 have text, 478 a time.
    assert with_text >= 0.98 * len(firsts)
    assert with_time >= 0.94 * len(firsts)


def test_discover_finds_emails_in_a_folder(tmp_path: Path) -> None:
    (tmp_path / "message").write_bytes((DATA / "plain.eml").read_bytes())
    (tmp_path / "Inbox").write_bytes((DATA / "threads.mbox").read_bytes())
    found = [item for item in discover([tmp_path]) if isinstance(item, Input)]
    assert sorted(item.name for item in found) == ["Inbox", "message"]
