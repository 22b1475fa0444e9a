"""Emails: single messages (.eml) and mailboxes (.mbox).

The sextortion scam that claims "I recorded you through your webcam, pay in
bitcoin" arrives by email, and offenders write emails too. An email is read
with the standard library's parser and becomes one
:class:`Message`: the From header as written is the sender, the Date header
gives the time, the text comes from the text/plain part, else from the HTML
part turned into text (scripts and styles dropped, link targets kept visible
so that identifiers can be extracted). Attachments are hashed in memory and
never written anywhere; an attached email (message/rfc822) is read as a
message of its own. Headers are kept for evidence by :func:`email_headers`.

An mbox is split on its "From " separator lines while streaming, one message
at a time, and its messages are grouped into threads by Message-ID,
In-Reply-To and References (else by subject without Re:/Fwd: prefixes).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email import errors as email_errors
from email import policy
from email.message import Message as MimeMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import BinaryIO

from takeback.errors import CorruptInput, UnsafeInput
from takeback.ingest.base import PARSERS, Parser, ReadOptions
from takeback.ingest.encoding import head_text
from takeback.ingest.inputs import Input
from takeback.model import Attachment, ConversationStream, Message, Participant

PLATFORM = "email"

# Headers worth keeping as evidence: who sent it, to whom, when, and the path it took.
EVIDENCE_HEADERS = (
    "Return-Path",
    "Received",
    "Delivered-To",
    "Received-SPF",
    "Authentication-Results",
    "X-Originating-IP",
    "Date",
    "From",
    "Sender",
    "Reply-To",
    "To",
    "Cc",
    "Subject",
    "Message-ID",
    "In-Reply-To",
    "References",
)

# The standard library's header and MIME code has known crashes on hostile input
# (IndexError, AttributeError ... deep in its parsers); one bad email must not stop the rest.
_STDLIB_EMAIL_BUGS = (
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    AttributeError,
    LookupError,
    AssertionError,
    RecursionError,
    email_errors.MessageError,
)

# Defects after which part of the email could not be read: the message is marked corrupt.
_DATA_LOSS_DEFECTS = (
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.CloseBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.MissingHeaderBodySeparatorDefect,
    email_errors.InvalidBase64CharactersDefect,
    email_errors.InvalidBase64LengthDefect,
)

# What the parser's defects mean, in words a person can follow (the class name stays for experts).
_DEFECT_WORDS = {
    "StartBoundaryNotFoundDefect": "the declared MIME boundary is never used",
    "CloseBoundaryNotFoundDefect": "the MIME structure ends early (cut off?)",
    "MultipartInvariantViolationDefect": "a multipart could not be split into parts",
    "NoBoundaryInMultipartDefect": "a multipart declares no boundary",
    "MissingHeaderBodySeparatorDefect": "a header line is malformed; what follows was read as body",
    "InvalidBase64CharactersDefect": "base64 data has invalid characters",
    "InvalidBase64PaddingDefect": "base64 data has wrong padding",
    "InvalidBase64LengthDefect": "base64 data has a wrong length",
    "InvalidMultipartContentTransferEncodingDefect": "a multipart declares a transfer encoding",
}
_MAX_NESTING = 8  # attached emails inside attached emails: deeper ones are listed, not read
_MSG_ID = re.compile(r"<[^<>\s]+>")
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|aw|sv|wg|tr|rv|vs|antw|odp|ynt)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
_BOUNDARY_LINE = re.compile(rb"^--([0-9A-Za-z'()+_,./:=?-]{1,70})[ \t]*\r?$", re.MULTILINE)
_SURROGATE = re.compile("[\udc80-\udcff]")  # raw 8-bit header bytes, as the parser keeps them
_NEGATIVE_ZERO_ZONE = re.compile(r"-0000\s*(?:\([^)]*\))?\s*$")
# compat32 only splits the MIME tree: headers and text are decoded here, explicitly, so that
# every problem becomes a warning (policy.default decodes silently, and builds header
# objects for every header the parser looks at, which makes it 3 times slower).
_PARSER = BytesParser(policy=policy.compat32)


# --- headers ------------------------------------------------------------------------------


def header_text(raw: str) -> tuple[str, bool]:
    """A raw header value as a person would read it: unfolded, encoded words decoded.

    Returns the text and whether something could not be decoded (replaced by U+FFFD).
    Raw 8-bit bytes (kept by the parser as surrogates) are read as UTF-8, else Windows-1252.
    """
    value = re.sub(r"\r?\n", "", raw).strip()
    damaged = False
    if _SURROGATE.search(value):
        data = value.encode("utf-8", "surrogateescape")
        try:
            value = data.decode("utf-8")
        except UnicodeDecodeError:
            value = data.decode("cp1252", "replace")
            damaged = True
    if "=?" not in value:
        return value, damaged
    try:
        decoded = str(policy.default.header_factory("x-takeback-header", value))
    except _STDLIB_EMAIL_BUGS:
        return value, True
    return decoded, damaged or ("\ufffd" in decoded and "\ufffd" not in value)


def email_headers(
    message: MimeMessage, names: Iterable[str] | None = EVIDENCE_HEADERS
) -> list[tuple[str, str]]:
    """The headers of an email in the order written, decoded for reading.

    Only ``names`` are kept (default: :data:`EVIDENCE_HEADERS`, which includes
    every Received line of the delivery chain); ``names=None`` keeps them all.
    """
    wanted = None if names is None else {name.lower() for name in names}
    kept = []
    for name, raw in message.raw_items():
        if wanted is None or name.lower() in wanted:
            kept.append((name, header_text(str(raw))[0]))
    return kept


def email_date(text: str) -> datetime | None:
    """An RFC 5322 date as aware UTC; None when it has no zone or cannot be read.

    "-0000" means the time is UTC but the sender's zone is unknown (RFC 5322 3.3).
    """
    try:
        parsed = parsedate_to_datetime(text)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        if not _NEGATIVE_ZERO_ZONE.search(text):
            return None
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def addresses(text: str | None) -> list[Participant]:
    """People named in an address header: display name (or the address) and the address."""
    if not text:
        return []
    people = []
    try:
        pairs = getaddresses([text])
    except _STDLIB_EMAIL_BUGS:
        return []
    for name, address in pairs:
        address = address.strip()
        if not address and not name:
            continue
        people.append(Participant(name=name.strip() or address, account_id=address or None))
    return people


def distinct_people(people: Iterable[Participant]) -> list[Participant]:
    """One participant per email address, keeping the first that gives a real name."""
    chosen: dict[str, Participant] = {}
    for person in people:
        key = (person.account_id or person.name).casefold()
        known = chosen.get(key)
        if known is None or (known.name == known.account_id and person.name != person.account_id):
            chosen[key] = person
    return list(chosen.values())


def message_ids(text: str | None) -> list[str]:
    return _MSG_ID.findall(text or "")


def normalised_subject(subject: str | None) -> str:
    """A subject without Re:/Fwd:/AW:/SV: prefixes, for threading emails that lack references."""
    return " ".join(_REPLY_PREFIX.sub("", subject or "").split()).casefold()


# --- text ---------------------------------------------------------------------------------


def decode_text(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Bytes in the declared charset, and a problem when that did not fit.

    The declared charset is tried first, then UTF-8, then Windows-1252 (which
    reads any byte): senders often declare one charset and write another.
    """
    declared = (charset or "us-ascii").strip().strip('"').lower()
    known = True
    try:
        return data.decode(declared), None
    except LookupError:  # no such charset, or a bytes-to-bytes codec such as "zlib"
        known = False
    except (UnicodeDecodeError, ValueError):
        pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")
        used = "Windows-1252"
    else:
        used = "UTF-8"
    if not known:
        return text, f"unknown charset {declared[:40]!r}, read as {used}"
    if declared in ("us-ascii", "ascii") and used == "UTF-8":
        return text, None  # 8-bit UTF-8 under the default charset: common and harmless
    return text, f"text is not valid {declared[:40]}, read as {used}"


_SOFT_BREAK, _LINE_BREAK, _PARAGRAPH = "\x00", "\x01", "\x02"
_BREAKS = re.compile("[ \t]*[\x00-\x02][\\s\x00-\x02]*")


def _layout(breaks: str) -> str:
    # Block edges next to each other make one line break; <br> and paragraphs make their own.
    if _PARAGRAPH in breaks or breaks.count(_LINE_BREAK) > 1:
        return "\n\n"
    return "\n"


class _HtmlText(HTMLParser):
    """HTML as plain text: no scripts or styles, link targets kept visible."""

    _SKIP = frozenset({"script", "style", "title", "template"})
    _PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol"})
    _BLOCKS = frozenset(
        {
            "address", "article", "aside", "dd", "div", "dl", "dt", "fieldset", "figcaption",
            "figure", "footer", "form", "header", "hr", "li", "main", "nav", "pre", "section", "tr",
        }
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skip = 0
        self._pre = 0
        self._link: tuple[str, int] | None = None  # href, index of the link's first piece

    def _edge(self, tag: str) -> None:
        if tag == "br":
            self.pieces.append(_LINE_BREAK)
        elif tag in self._PARAGRAPHS:
            self.pieces.append(_PARAGRAPH)
        elif tag in self._BLOCKS:
            self.pieces.append(_SOFT_BREAK)
        elif tag in ("td", "th"):
            self.pieces.append(" ")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._skip = 0  # an unclosed <title> must not hide the whole body
        if tag in self._SKIP:
            self._skip += 1
            return
        self._edge(tag)
        if tag == "pre":
            self._pre += 1
        if tag == "a":
            self._close_link()
            href = (dict(attrs).get("href") or "").strip()
            if href:
                self._link = (href, len(self.pieces))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._edge(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag != "br":  # </br> is written by mistake for <br>: one break, not two
            self._edge(tag)
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag == "a":
            self._close_link()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.pieces.append(data if self._pre else re.sub(r"\s+", " ", data))

    def _close_link(self) -> None:
        if self._link is None:
            return
        href, start = self._link
        self._link = None
        shown = "".join(self.pieces[start:])
        target = href[7:] if href.lower().startswith("mailto:") else href
        if href.startswith("#") or href.lower().startswith("javascript:") or target in shown:
            return
        self.pieces.append(f" ({href})")

    def text(self) -> str:
        self._close_link()
        joined = _BREAKS.sub(lambda match: _layout(match[0]), "".join(self.pieces))
        lines = [" ".join(line.replace("\xa0", " ").split()) for line in joined.split("\n")]
        kept: list[str] = []
        for line in lines:
            if line or (kept and kept[-1]):
                kept.append(line)
        return "\n".join(kept).strip()


def html_to_text(html: str) -> tuple[str, bool]:
    """Readable text of an HTML email body, and whether the HTML was too broken to read whole.

    Nothing in it is run or fetched: this only reads the markup.
    """
    converter = _HtmlText()
    try:
        converter.feed(html)
        converter.close()
    except _STDLIB_EMAIL_BUGS:
        # html.parser gives up on a bogus "<![name[" section; read it again as a comment.
        converter = _HtmlText()
        try:
            converter.feed(html.replace("<![", "<!"))
            converter.close()
        except _STDLIB_EMAIL_BUGS:
            pass
        return converter.text(), True
    return converter.text(), False


# --- one email ----------------------------------------------------------------------------


@dataclass
class _Walk:
    """What walking one email's MIME tree found."""

    attachments: list[Attachment] = field(default_factory=list)
    embedded: list[tuple[str, MimeMessage]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    corrupt: bool = False

    def problem(self, text: str, corrupt: bool = False) -> None:
        if text not in self.problems:
            self.problems.append(text)
        self.corrupt = self.corrupt or corrupt


def _attachment_name(part: MimeMessage, path: str, ctype: str) -> str:
    try:
        name = part.get_filename()
    except _STDLIB_EMAIL_BUGS:
        name = None
    if name:
        return header_text(name)[0]
    return f"part {path} ({ctype})"


def _attachment(part: MimeMessage, path: str, ctype: str) -> Attachment:
    name = _attachment_name(part, path, ctype)
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return Attachment(name=name, media_type=ctype, present=False)
    return Attachment(
        name=name,
        media_type=ctype,
        present=True,
        size=len(payload),
        sha256=hashlib.sha256(payload).hexdigest(),
    )


def _part_text(part: MimeMessage, path: str, walk: _Walk) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    try:
        charset = part.get_content_charset()
    except _STDLIB_EMAIL_BUGS:
        charset = None
    text, problem = decode_text(payload, charset)
    if problem:
        walk.problem(f"part {path}: {problem}")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_attachment(part: MimeMessage, ctype: str) -> bool:
    if ctype not in ("text/plain", "text/html"):
        return True
    try:
        return part.get_content_disposition() == "attachment" or part.get_filename() is not None
    except _STDLIB_EMAIL_BUGS:
        return False


def _walk(part: MimeMessage, path: str, walk: _Walk) -> list[tuple[str, str]]:
    """The body texts of ``part`` as (kind, text); attachments and attached emails are recorded."""
    ctype = part.get_content_type()
    # A multipart the parser could not split is judged by whether its boundary can be recovered.
    unsplit = ctype.startswith("multipart/") and not part.is_multipart()
    for defect in part.defects:
        loss = isinstance(defect, _DATA_LOSS_DEFECTS) and not unsplit
        name = type(defect).__name__
        walk.problem(f"part {path}: {_DEFECT_WORDS.get(name, 'MIME problem')} ({name})", corrupt=loss)
    if ctype == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], MimeMessage):
            walk.embedded.append((path, inner[0]))
            walk.attachments.append(
                Attachment(name=_attachment_name(part, path, ctype), media_type=ctype, present=True)
            )
        return []
    if part.is_multipart():
        children = part.get_payload()
        if not isinstance(children, list):
            return []
        found = [
            _walk(child, f"{path}.{number}", walk)
            for number, child in enumerate(children, start=1)
            if isinstance(child, MimeMessage)
        ]
        if ctype == "multipart/alternative":
            # Alternatives say the same thing: prefer plain text, as the sender wrote it.
            with_plain = [t for t in found if any(kind == "plain" and text.strip() for kind, text in t)]
            with_any = [t for t in found if any(text.strip() for _, text in t)]
            return with_plain[-1] if with_plain else (with_any[-1] if with_any else [])
        return [item for texts in found for item in texts]
    if unsplit:
        return _broken_multipart(part, path, walk)
    if _is_attachment(part, ctype):
        walk.attachments.append(_attachment(part, path, ctype))
        return []
    text = _part_text(part, path, walk)
    if ctype == "text/html":
        text, broken = html_to_text(text)
        if broken:
            walk.problem(f"part {path}: HTML could not be read to the end")
        return [("html", text)]
    return [("plain", text)]


def _broken_multipart(part: MimeMessage, path: str, walk: _Walk) -> list[tuple[str, str]]:
    """A multipart whose declared boundary is missing or wrong: read it with the boundary
    its body actually uses, else keep the whole body as text so nothing is lost."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return []
    found = _BOUNDARY_LINE.search(payload)
    if found:
        ctype = f"multipart/{part.get_content_subtype()}".encode("ascii", "replace")
        header = b"Content-Type: " + ctype + b'; boundary="' + found[1] + b'"\n\n'
        recovered = _PARSER.parsebytes(header + payload)
        if recovered.is_multipart():
            walk.problem(
                f"part {path}: the MIME boundary did not match the declared one; "
                "read with the boundary found in the body"
            )
            return _walk(recovered, path, walk)
    walk.problem(f"part {path}: multipart without usable boundary; kept as plain text", corrupt=True)
    text, _ = decode_text(payload, None)
    return [("plain", text.replace("\r\n", "\n"))]


def _body(texts: list[tuple[str, str]]) -> str:
    # Alternatives were chosen already; the rest (body, then e.g. a list footer) are all kept.
    return "\n\n".join(text.strip() for _, text in texts if text.strip())


@dataclass(frozen=True, slots=True)
class ReadEmail:
    """One email as read: its message (and any attached emails), with what threading needs."""

    messages: tuple[Message, ...]
    participants: tuple[Participant, ...]
    subject: str | None
    message_id: str | None
    references: tuple[str, ...]
    problems: tuple[str, ...]


def read_email(mime: MimeMessage, fallback_id: str, location: str, depth: int = 0) -> ReadEmail:
    """One parsed email as :class:`Message` objects: the email itself, then attached emails.

    ``problems`` say where and what went wrong (never the message text).
    """
    problems: list[str] = []
    first_raw: dict[str, str] = {}
    for key, raw in mime.raw_items():
        first_raw.setdefault(key.lower(), str(raw))

    def field_text(name: str) -> str | None:
        raw = first_raw.get(name.lower())
        if raw is None:
            return None
        value, damaged = header_text(raw)
        if damaged:
            problems.append(f"the {name} header is in a wrong or unknown charset; read as far as possible")
        return value

    raw_id = field_text("Message-ID")
    ids = message_ids(raw_id)
    own_id = ids[0] if ids else (raw_id.strip() if raw_id and raw_id.strip() else None)
    in_reply_to = message_ids(field_text("In-Reply-To"))
    references = message_ids(field_text("References"))
    sender = field_text("From")
    subject = field_text("Subject")
    date_text = field_text("Date")
    timestamp = email_date(date_text) if date_text else None
    if date_text and timestamp is None:
        problems.append("the Date header has no time zone or cannot be read; time left empty")
    people = [
        person
        for name in ("From", "Sender", "Reply-To", "To", "Cc")
        for person in addresses(field_text(name))
    ]
    walk = _Walk()
    try:
        texts = _walk(mime, "1", walk)
    except _STDLIB_EMAIL_BUGS as error:
        walk.problem(f"the MIME structure could not be read ({type(error).__name__})", corrupt=True)
        texts = []
    problems.extend(walk.problems)
    message = Message(
        id=own_id or fallback_id,
        sender=sender,
        timestamp=timestamp,
        text=_body(texts),
        time_text=date_text,
        attachments=tuple(walk.attachments),
        reply_to=in_reply_to[0] if in_reply_to else (references[-1] if references else None),
        corrupt=walk.corrupt,
        location=location,
        headers=tuple(email_headers(mime)),
    )
    messages = [message]
    for number, (path, inner) in enumerate(walk.embedded, start=1):
        where = f"{location}, attached email in part {path}"
        if depth >= _MAX_NESTING:
            problems.append(f"part {path}: attached emails nested too deep; not read")
            continue
        nested = read_email(inner, f"{message.id}/attached-{number}", where, depth + 1)
        messages.extend(nested.messages)
        people.extend(nested.participants)
        problems.extend(f"attached email in part {path}: {p}" for p in nested.problems)
    return ReadEmail(
        messages=tuple(messages),
        participants=tuple(people),
        subject=subject,
        message_id=own_id,
        references=tuple(dict.fromkeys([*references, *in_reply_to])),
        problems=tuple(problems),
    )


def _read_guarded(data: bytes, fallback_id: str, location: str) -> ReadEmail:
    """Parse and read one email; a crash in the standard library becomes a corrupt message."""
    try:
        return read_email(_PARSER.parsebytes(data), fallback_id, location)
    except _STDLIB_EMAIL_BUGS as error:
        problem = f"the email body could not be read ({type(error).__name__}); headers kept"
    try:  # the headers alone, so that sender, time and subject survive a hostile body
        headers = _PARSER.parsebytes(data, headersonly=True)
        del headers["Content-Type"], headers["Content-Transfer-Encoding"]
        headers.set_payload("")
        read = read_email(headers, fallback_id, location)
    except _STDLIB_EMAIL_BUGS as error:
        problem = f"the email could not be read ({type(error).__name__})"
        empty = Message(id=fallback_id, sender=None, timestamp=None, text="", location=location)
        read = ReadEmail((empty,), (), None, None, (), ())
    return replace(
        read,
        messages=(replace(read.messages[0], corrupt=True), *read.messages[1:]),
        problems=(problem, *read.problems),
    )


def read_limited(stream: BinaryIO, limit: int, where: str) -> bytes:
    """A whole document, refused above ``limit`` bytes (formats that cannot be streamed)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UnsafeInput(f"larger than the limit of {limit} bytes for one email", where)
    return data


# --- .eml ---------------------------------------------------------------------------------

_HEADER_LINE = re.compile(r"^[!-9;-~]+:")  # RFC 5322 field name: printable ASCII but ':'
_EMAIL_FIELDS = frozenset(
    {
        "received", "from", "return-path", "delivered-to", "mime-version", "message-id",
        "date", "to", "subject", "cc", "reply-to", "content-type", "x-mailer", "user-agent",
        "dkim-signature", "authentication-results", "received-spf", "x-received",
        "arc-seal", "in-reply-to", "references", "sender", "x-originating-ip",
    }
)  # fmt: skip


def looks_like_headers(text: str) -> bool:
    """The text starts with an email header block (at least two well-known fields)."""
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or not _HEADER_LINE.match(lines[0]):
        return False
    known = set()
    for number, line in enumerate(lines):
        if not line:
            break
        if line[0] in " \t":
            continue
        if not _HEADER_LINE.match(line):
            return number == len(lines) - 1  # a line cut by the end of the head
        known.add(line.split(":", 1)[0].lower())
    return len(known & _EMAIL_FIELDS) >= 2


def _email_start(data: bytes) -> bytes:
    """The email in a saved file: without a byte-order mark, leading empty lines, or the
    "From sender date" line some mail programs put before it (Thunderbird does)."""
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n")
    if data.startswith(b"From ") and _SEPARATOR.match(data):
        data = data.split(b"\n", 1)[1] if b"\n" in data else b""
    return data


class EmlParser(Parser):
    NAME = "eml"
    PLATFORM = PLATFORM
    LABEL = "Email saved as a file (.eml)"
    HOW_TO_EXPORT = (
        "Open the email and save or download it as a file (Outlook on the web, Gmail, "
        "Apple Mail and Thunderbird can all do this): the .eml keeps the headers police need."
    )

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        return name.lower().endswith(".eml") or looks_like_headers(head_text(head))

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        conversation = ConversationStream(source=source.source(self.NAME), platform=self.PLATFORM)
        with source.open() as stream:
            data = _email_start(read_limited(stream, options.max_document_bytes, source.display))
        if not data.strip():
            raise CorruptInput("the file is empty", source.display)
        if not looks_like_headers(data[:8192].decode("latin-1")):
            raise CorruptInput("not an email: it does not start with email headers", source.display)
        read = _read_guarded(data, "eml", "message")
        conversation.title = read.subject
        for person in distinct_people(read.participants):
            conversation.add_participant(person)
        conversation.warnings.extend(f"{source.display}: {problem}" for problem in read.problems)
        conversation.messages = iter(read.messages)
        yield conversation


# --- .mbox --------------------------------------------------------------------------------

_SEPARATOR = re.compile(rb"From \S.*\d:\d\d")  # "From sender weekday month day hh:mm:ss year"
_QUOTED_FROM = re.compile(rb">+From ")
_LINE_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class _Record:
    line: int  # the line of its "From " separator
    data: bytes
    cut: bool  # over the size limit: only the start was kept


def _mbox_records(stream: BinaryIO, limit: int) -> Iterator[_Record | int]:
    """The messages of an mbox, streamed, with ">From " quoting undone (mboxrd).

    A separator is a "From " line at the start of the file or after an empty
    line. Lines of text before the first separator are reported as an int
    (their count) so the caller can warn. Memory is bounded by ``limit`` per message.
    """
    line_number = 0
    start = 0
    chunks: list[bytes] = []
    size = 0
    cut = False
    previous_blank = True
    at_line_start = True
    stray = 0
    while line := stream.readline(_LINE_CHUNK):
        starts_line = at_line_start
        at_line_start = line.endswith(b"\n")
        if starts_line:
            line_number += 1
            blank = not line.strip(b"\r\n")
            if previous_blank and line.startswith(b"From ") and _SEPARATOR.match(line):
                if start:
                    yield _Record(start, _drop_separator_blank(b"".join(chunks)), cut)
                elif stray:
                    yield stray
                start, chunks, size, cut = line_number, [], 0, False
                previous_blank = False
                continue
            previous_blank = blank
            if _QUOTED_FROM.match(line):
                line = line[1:]
        if not start:
            stray += bool(line.strip())
            continue
        if cut:
            continue
        size += len(line)
        if size > limit:
            cut = True
            continue
        chunks.append(line)
    if start:
        yield _Record(start, b"".join(chunks), cut)
    elif stray:
        yield stray


def _drop_separator_blank(data: bytes) -> bytes:
    # The empty line before the next "From " belongs to the mbox, not to the message.
    for ending in (b"\r\n", b"\n"):
        if data.endswith(ending * 2):
            return data[: -len(ending)]
    return data


class _Threads:
    """Union-find over message ids and subjects: which emails belong to one thread."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        root = self._parent.setdefault(key, key)
        while root != self._parent[root]:
            root = self._parent[root]
        while key != root:  # path compression keeps long threads fast
            self._parent[key], key = root, self._parent[key]
        return root

    def join(self, first: str, second: str) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self._parent[b] = a


@dataclass
class _Thread:
    title: str | None
    messages: list[Message] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class MboxParser(Parser):
    NAME = "mbox"
    PLATFORM = PLATFORM
    LABEL = "Mailbox file (.mbox: Google Takeout, Thunderbird, Apple Mail)"
    HOW_TO_EXPORT = (
        "Gmail: Google Takeout, choose Mail, download the .mbox. Thunderbird: the "
        "ImportExportTools NG add-on exports a folder as .mbox. Apple Mail: Mailbox, Export Mailbox."
    )

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        if name.lower().endswith(".mbox"):
            return True
        text = head_text(head)
        first, _, rest = text.partition("\n")
        return bool(_SEPARATOR.match(first.encode("utf-8", "replace"))) and looks_like_headers(rest)

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        base = source.source(self.NAME)
        threads = self._threads(source, options)
        for thread in threads:
            conversation = ConversationStream(source=base, platform=self.PLATFORM, title=thread.title)
            for person in distinct_people(thread.participants):
                conversation.add_participant(person)
            conversation.warnings.extend(thread.warnings)
            conversation.messages = iter(thread.messages)
            yield conversation

    def _threads(self, source: Input, options: ReadOptions) -> list[_Thread]:
        # Threads need every message before the first can be yielded; each is kept compact
        # (text and hashes only, attachment payloads are dropped once hashed).
        display = source.display
        emails: list[ReadEmail] = []
        lines: list[int] = []
        file_warnings: list[str] = []
        seen_ids: dict[str, int] = {}
        with source.open() as stream:
            for record in _mbox_records(stream, options.max_document_bytes):
                if isinstance(record, int):
                    file_warnings.append(
                        f"{display}: {record} lines before the first 'From ' line were skipped"
                    )
                    continue
                read = _read_guarded(record.data, f"M{len(emails) + 1}", f"line {record.line}")
                read = _unique_ids(read, seen_ids)
                if record.cut:
                    read = _mark_cut(read, options.max_document_bytes)
                emails.append(read)
                lines.append(record.line)
        if not emails:
            if file_warnings:
                raise CorruptInput("not an mbox file: no 'From ' separator line", display)
            return [_Thread(title=None, warnings=[f"{display}: the mailbox is empty"])]
        groups = _group(emails)
        threads: dict[int, _Thread] = {}
        for read, line, group in zip(emails, lines, groups, strict=True):
            thread = threads.setdefault(group, _Thread(title=read.subject))
            thread.messages.extend(read.messages)
            thread.participants.extend(read.participants)
            thread.warnings.extend(f"{display}: line {line}: {p}" for p in read.problems)
        ordered = list(threads.values())
        ordered[0].warnings[:0] = file_warnings
        return ordered


def _unique_ids(read: ReadEmail, seen: dict[str, int]) -> ReadEmail:
    """The same email saved twice in one mailbox keeps distinct message ids (id#2, id#3 ...)."""
    first = read.messages[0]
    count = seen.get(first.id, 0) + 1
    seen[first.id] = count
    if count == 1:
        return read
    renamed = replace(first, id=f"{first.id}#{count}")
    return ReadEmail(
        (renamed, *read.messages[1:]),
        read.participants,
        read.subject,
        read.message_id,
        read.references,
        (*read.problems, f"the same Message-ID was seen before; kept as {renamed.id}"),
    )


def _mark_cut(read: ReadEmail, limit: int) -> ReadEmail:
    first = read.messages[0]
    cut = replace(first, corrupt=True)
    problem = f"the email is larger than {limit} bytes; only its start was read"
    return ReadEmail(
        (cut, *read.messages[1:]),
        read.participants,
        read.subject,
        read.message_id,
        read.references,
        (*read.problems, problem),
    )


def _group(emails: list[ReadEmail]) -> list[int]:
    """For each email, the index of the first email of its thread."""
    threads = _Threads()
    keys: list[str] = []
    for index, read in enumerate(emails):
        key = f"id:{read.message_id}" if read.message_id else f"index:{index}"
        keys.append(key)
        threads.find(key)
        for reference in read.references:
            threads.join(key, f"id:{reference}")
        subject = normalised_subject(read.subject)
        if not read.references and subject:
            threads.join(key, f"subject:{subject}")
    first_of: dict[str, int] = {}
    return [first_of.setdefault(threads.find(key), index) for index, key in enumerate(keys)]


PARSERS.register(EmlParser())
PARSERS.register(MboxParser())
