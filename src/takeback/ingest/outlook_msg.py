"""Outlook messages saved as .msg files.

A .msg is a Compound File (OLE2) holding MAPI properties, laid out as in
[MS-OXMSG]: a ``__properties_version1.0`` stream of fixed 16-byte entries
(times, numbers, flags) and one ``__substg1.0_IIIITTTT`` stream per
variable-length property (property id IIII, type TTTT: 001F UTF-16, 001E
8-bit string, 0102 binary). Recipients and attachments are sub-storages with
the same layout; an attached Outlook item is a nested message storage.

When Outlook kept the transport headers of a received email (property
0x007D), they give the sender, Date and Message-ID as written, and the
Received chain for evidence (see :func:`msg_headers`).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import Message as MimeMessage
from email.parser import Parser as HeaderTextParser

import olefile

from takeback.errors import CorruptInput
from takeback.ingest.base import PARSERS, Parser, ReadOptions
from takeback.ingest.email import (
    EVIDENCE_HEADERS,
    PLATFORM,
    addresses,
    decode_text,
    distinct_people,
    email_date,
    email_headers,
    header_text,
    html_to_text,
    message_ids,
    read_limited,
)
from takeback.ingest.inputs import Input
from takeback.model import Attachment, ConversationStream, Message, Participant

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Property types ([MS-OXCDATA] 2.11.1).
PT_LONG = 0x0003
PT_OBJECT = 0x000D
PT_STRING8 = 0x001E
PT_UNICODE = 0x001F
PT_SYSTIME = 0x0040
PT_BINARY = 0x0102

# Property ids ([MS-OXPROPS]).
SUBJECT = 0x0037
CLIENT_SUBMIT_TIME = 0x0039
SENT_REPRESENTING_NAME = 0x0042
SENT_REPRESENTING_EMAIL = 0x0065
TRANSPORT_HEADERS = 0x007D
SENDER_NAME = 0x0C1A
SENDER_ADDRESS_TYPE = 0x0C1E
SENDER_EMAIL = 0x0C1F
RECIPIENT_TYPE = 0x0C15
DISPLAY_TO = 0x0E04
DELIVERY_TIME = 0x0E06
BODY = 0x1000
RTF_COMPRESSED = 0x1009
HTML_BODY = 0x1013
INTERNET_MESSAGE_ID = 0x1035
IN_REPLY_TO = 0x1042
DISPLAY_NAME = 0x3001
ADDRESS_TYPE = 0x3002
EMAIL_ADDRESS = 0x3003
CREATION_TIME = 0x3007
ATTACH_DATA = 0x3701
ATTACH_FILENAME = 0x3704
ATTACH_METHOD = 0x3705
ATTACH_LONG_FILENAME = 0x3707
ATTACH_MIME_TAG = 0x370E
SMTP_ADDRESS = 0x39FE
INTERNET_CODEPAGE = 0x3FDE
MESSAGE_CODEPAGE = 0x3FFD
SENDER_SMTP = 0x5D01
SENT_REPRESENTING_SMTP = 0x5D02

ATTACH_EMBEDDED_MESSAGE = 5

# The property stream starts with a header whose size depends on the storage ([MS-OXMSG] 2.4.1).
TOP_HEADER = 32
EMBEDDED_HEADER = 24
CHILD_HEADER = 8

_PROPERTIES = "__properties_version1.0"
_ATTACHMENT = re.compile(r"__attach_version1\.0_#[0-9A-Fa-f]{8}")
_RECIPIENT = re.compile(r"__recip_version1\.0_#[0-9A-Fa-f]{8}")
_EMBEDDED = "__substg1.0_3701000D"
_SUBSTG_UTF16 = "__substg1.0_".encode("utf-16-le")
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
_MAX_NESTING = 8
_CODEPAGES = {65001: "utf-8", 1200: "utf-16-le", 1201: "utf-16-be", 20127: "ascii", 28591: "latin-1"}


def property_entries(data: bytes, header_size: int) -> dict[int, tuple[int, bytes]]:
    """The fixed 16-byte entries of a property stream: property id -> (type, 8 value bytes).

    A trailing partial entry is ignored (the caller warns when the length is wrong).
    """
    entries: dict[int, tuple[int, bytes]] = {}
    for offset in range(header_size, len(data) - 15, 16):
        tag, _flags = struct.unpack_from("<II", data, offset)
        entries[tag >> 16] = (tag & 0xFFFF, data[offset + 8 : offset + 16])
    return entries


def filetime_to_utc(value: int) -> datetime | None:
    """A Windows FILETIME (100 ns since 1601) as aware UTC; None for 0 and out-of-range values."""
    if value <= 0:
        return None
    try:
        return _FILETIME_EPOCH + timedelta(microseconds=value // 10)
    except OverflowError:
        return None


def codepage_codec(codepage: int | None) -> str:
    """The Python codec of a Windows code page number (Windows-1252 when unknown)."""
    if codepage is None:
        return "cp1252"
    try:
        return codecs.lookup(_CODEPAGES.get(codepage, f"cp{codepage}")).name
    except LookupError:
        return "cp1252"


def string_value(data: bytes, prop_type: int, codepage: int | None) -> str:
    """A PT_UNICODE or PT_STRING8 stream as text, without the terminating NUL."""
    if prop_type == PT_UNICODE:
        text = data[: len(data) - len(data) % 2].decode("utf-16-le", "replace")
    else:
        text = data.decode(codepage_codec(codepage), "replace")
    return text.split("\x00", 1)[0]


@dataclass
class _Storage:
    """One property storage of a .msg: a message, a recipient, an attachment.

    ``damaged`` is set (here and on the message storage above) when something in it
    could not be read, so that the message is marked corrupt.
    """

    ole: olefile.OleFileIO
    path: tuple[str, ...]
    header_size: int
    problems: list[str]
    codepage: int | None = None
    parent: _Storage | None = None
    fixed: dict[int, tuple[int, bytes]] = field(default_factory=dict)
    damaged: bool = False

    def __post_init__(self) -> None:
        raw = self.stream(_PROPERTIES)
        if raw is None:
            self.damage("no property stream")
        else:
            if len(raw) < self.header_size or (len(raw) - self.header_size) % 16:
                self.damage("the property stream has a partial entry")
            self.fixed = property_entries(raw, self.header_size)
        if self.codepage is None:
            self.codepage = self.long(MESSAGE_CODEPAGE) or self.long(INTERNET_CODEPAGE)

    def child(self, path: tuple[str, ...], header_size: int) -> _Storage:
        return _Storage(self.ole, path, header_size, self.problems, self.codepage, parent=self)

    def damage(self, problem: str) -> None:
        self.problems.append(f"{self.where}: {problem}")
        storage: _Storage | None = self
        while storage is not None:
            storage.damaged = True
            storage = storage.parent

    @property
    def where(self) -> str:
        return "/".join(self.path) or "message"

    def stream(self, name: str) -> bytes | None:
        path = [*self.path, name]
        try:
            if self.ole.get_type(path) != olefile.STGTY_STREAM:
                return None
            with self.ole.openstream(path) as stream:
                data: bytes = stream.read()
                return data
        except (OSError, ValueError, IndexError, KeyError, struct.error):
            self.damage(f"stream {name} could not be read")
            return None

    def storages(self, pattern: re.Pattern[str]) -> list[tuple[str, ...]]:
        depth = len(self.path)
        found = {
            tuple(entry[: depth + 1])
            for entry in self.ole.listdir(streams=False, storages=True)
            if len(entry) == depth + 1 and tuple(entry[:depth]) == self.path
            and pattern.fullmatch(entry[depth])
        }
        return sorted(found)

    def has_storage(self, name: str) -> bool:
        return bool(self.ole.get_type([*self.path, name]) == olefile.STGTY_STORAGE)

    def string(self, prop: int) -> str | None:
        for prop_type in (PT_UNICODE, PT_STRING8):
            data = self.stream(f"__substg1.0_{prop:04X}{prop_type:04X}")
            if data is not None:
                return string_value(data, prop_type, self.codepage)
        return None

    def binary(self, prop: int) -> bytes | None:
        return self.stream(f"__substg1.0_{prop:04X}{PT_BINARY:04X}")

    def long(self, prop: int) -> int | None:
        found = self.fixed.get(prop)
        if found is None or found[0] != PT_LONG:
            return None
        value: int = struct.unpack_from("<i", found[1])[0]
        return value

    def filetime(self, prop: int) -> int | None:
        found = self.fixed.get(prop)
        if found is None or found[0] != PT_SYSTIME:
            return None
        value: int = struct.unpack_from("<Q", found[1])[0]
        return value


def _transport_headers(storage: _Storage) -> MimeMessage | None:
    text = storage.string(TRANSPORT_HEADERS)
    if not text or not text.strip():
        return None
    return HeaderTextParser(policy=policy.compat32).parsestr(text.lstrip(), headersonly=True)


def msg_headers(path_or_bytes: str | bytes) -> list[tuple[str, str]]:
    """The evidence headers of a .msg (from its transport headers; empty for unsent items)."""
    try:
        ole = olefile.OleFileIO(path_or_bytes)
    except (OSError, ValueError, IndexError, struct.error) as error:
        where = path_or_bytes if isinstance(path_or_bytes, str) else None
        raise CorruptInput(f"the Compound File cannot be read ({error})", where) from None
    try:
        headers = _transport_headers(_Storage(ole, (), TOP_HEADER, []))
    finally:
        ole.close()
    return email_headers(headers, EVIDENCE_HEADERS) if headers is not None else []


def _header(headers: MimeMessage | None, name: str) -> str | None:
    if headers is None:
        return None
    for key, raw in headers.raw_items():
        if key.lower() == name.lower():
            return header_text(str(raw))[0]
    return None


def _sender(storage: _Storage, headers: MimeMessage | None) -> tuple[str | None, list[Participant]]:
    """The sender as the From header wrote it when kept, else as Outlook stores it."""
    written = _header(headers, "From")
    if written:
        return written, addresses(written)
    name = storage.string(SENDER_NAME) or storage.string(SENT_REPRESENTING_NAME)
    address = storage.string(SENDER_SMTP) or storage.string(SENT_REPRESENTING_SMTP)
    if not address and (storage.string(SENDER_ADDRESS_TYPE) or "SMTP").upper() == "SMTP":
        address = storage.string(SENDER_EMAIL) or storage.string(SENT_REPRESENTING_EMAIL)
    if not name and not address:
        return None, []
    person = Participant(name=name or address or "", account_id=address)
    if name and address and name != address:
        return f"{name} <{address}>", [person]
    return name or address, [person]


def _recipients(storage: _Storage) -> list[Participant]:
    people = []
    for path in storage.storages(_RECIPIENT):
        recipient = storage.child(path, CHILD_HEADER)
        name = recipient.string(DISPLAY_NAME)
        address = recipient.string(SMTP_ADDRESS)
        if not address and (recipient.string(ADDRESS_TYPE) or "SMTP").upper() == "SMTP":
            address = recipient.string(EMAIL_ADDRESS)
        if name or address:
            people.append(Participant(name=name or address or "", account_id=address))
    if not people:
        people = [Participant(name=n.strip()) for n in (storage.string(DISPLAY_TO) or "").split(";")
                  if n.strip()]
    return people


def _time(storage: _Storage, headers: MimeMessage | None) -> tuple[datetime | None, str | None]:
    """When it was sent (else delivered), and that time as the file holds it."""
    submitted = storage.filetime(CLIENT_SUBMIT_TIME)
    if submitted:
        return filetime_to_utc(submitted), str(submitted)
    date = _header(headers, "Date")
    if date:
        return email_date(date), date
    delivered = storage.filetime(DELIVERY_TIME)
    if delivered:
        return filetime_to_utc(delivered), str(delivered)
    return None, None


def _html(storage: _Storage) -> str | None:
    """The HTML body: usually bytes in the internet code page, sometimes a string property."""
    data = storage.binary(HTML_BODY)
    if data is None:
        return storage.string(HTML_BODY)
    codepage = storage.long(INTERNET_CODEPAGE) or storage.codepage
    text, problem = decode_text(data, codepage_codec(codepage))
    if problem:
        storage.problems.append(f"{storage.where}: HTML body: {problem}")
    return text


def _text(storage: _Storage) -> str:
    body = storage.string(BODY)
    if body and body.strip():
        return body.replace("\r\n", "\n").strip()
    html = _html(storage)
    if html and html.strip():
        text, broken = html_to_text(html)
        if broken:
            storage.problems.append(f"{storage.where}: HTML body could not be read to the end")
        return text
    if storage.binary(RTF_COMPRESSED) is not None:
        storage.problems.append(
            f"{storage.where}: the body is only stored as compressed RTF, which is not read"
        )
    return ""


@dataclass
class _Read:
    messages: list[Message] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)


def _attachments(storage: _Storage, message_id: str, location: str, depth: int,
                 read: _Read) -> list[Attachment]:
    found = []
    for number, path in enumerate(storage.storages(_ATTACHMENT), start=1):
        attachment = storage.child(path, CHILD_HEADER)
        name = (
            attachment.string(ATTACH_LONG_FILENAME)
            or attachment.string(ATTACH_FILENAME)
            or attachment.string(DISPLAY_NAME)
            or f"attachment {number}"
        )
        media_type = attachment.string(ATTACH_MIME_TAG)
        if attachment.long(ATTACH_METHOD) == ATTACH_EMBEDDED_MESSAGE or attachment.has_storage(_EMBEDDED):
            found.append(Attachment(name=name, media_type="application/vnd.ms-outlook", present=True))
            if depth >= _MAX_NESTING:
                storage.problems.append(f"{attachment.where}: attached items nested too deep; not read")
                continue
            # An attached item is a message of its own: its damage is its own, not the parent's.
            inner = _Storage(storage.ole, (*path, _EMBEDDED), EMBEDDED_HEADER, storage.problems)
            _read_message(inner, f"{message_id}/attached-{number}",
                          f"{location}, attached item {number}", depth + 1, read)
            continue
        data = attachment.binary(ATTACH_DATA)
        if data is None:
            found.append(Attachment(name=name, media_type=media_type, present=False))
        else:
            found.append(Attachment(name=name, media_type=media_type, present=True, size=len(data),
                                    sha256=hashlib.sha256(data).hexdigest()))
    return found


def _read_message(storage: _Storage, fallback_id: str, location: str, depth: int,
                  read: _Read) -> str | None:
    """Append the message in ``storage`` (then its attached items) to ``read``; return its subject."""
    headers = _transport_headers(storage)
    own = message_ids(storage.string(INTERNET_MESSAGE_ID) or _header(headers, "Message-ID"))
    message_id = own[0] if own else fallback_id
    sender, people = _sender(storage, headers)
    timestamp, time_text = _time(storage, headers)
    if time_text is not None and timestamp is None:
        storage.problems.append(f"{storage.where}: the time has no zone or cannot be read")
    if time_text is None:
        created = filetime_to_utc(storage.filetime(CREATION_TIME) or 0)
        when = f" (the file was created {created.isoformat()})" if created else ""
        storage.problems.append(f"{storage.where}: no sent or delivery time{when}")
    replied = message_ids(storage.string(IN_REPLY_TO) or _header(headers, "In-Reply-To"))
    index = len(read.messages)
    read.messages.append(Message(id=message_id, sender=sender, timestamp=timestamp, text="",
                                 time_text=time_text, reply_to=replied[0] if replied else None,
                                 location=location,
                                 headers=tuple(email_headers(headers)) if headers is not None else ()))
    read.participants.extend(people)
    read.participants.extend(_recipients(storage))
    text = _text(storage)
    attachments = _attachments(storage, message_id, location, depth, read)
    # Attached items follow their parent, so the parent is completed in place.
    read.messages[index] = replace(
        read.messages[index], text=text, attachments=tuple(attachments), corrupt=storage.damaged
    )
    return storage.string(SUBJECT)


class OutlookMsgParser(Parser):
    NAME = "msg"
    PLATFORM = PLATFORM
    LABEL = "Outlook message saved as a file (.msg)"
    HOW_TO_EXPORT = (
        "In Outlook for Windows, open the email and choose File, Save As, 'Outlook Message "
        "Format - Unicode (*.msg)', or drag the email to a folder."
    )

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        if not head.startswith(OLE_MAGIC):
            return False
        return name.lower().endswith(".msg") or _SUBSTG_UTF16 in head

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        conversation = ConversationStream(source=source.source(self.NAME), platform=self.PLATFORM)
        with source.open() as stream:
            data = read_limited(stream, options.max_document_bytes, source.display)
        if not data.startswith(OLE_MAGIC):
            raise CorruptInput("not an Outlook .msg file (no Compound File signature)", source.display)
        try:
            ole = olefile.OleFileIO(io.BytesIO(data))
        except (OSError, ValueError, IndexError, struct.error) as error:
            raise CorruptInput(f"the Compound File cannot be read ({error})", source.display) from None
        try:
            if not ole.exists(_PROPERTIES) and not any(
                entry[0].startswith("__substg1.0_") for entry in ole.listdir()
            ):
                raise CorruptInput("not an Outlook .msg file (no message properties)", source.display)
            problems: list[str] = []
            top = _Storage(ole, (), TOP_HEADER, problems)
            read = _Read()
            conversation.title = _read_message(top, "msg", "message", 0, read)
        finally:
            ole.close()
        conversation.warnings.extend(f"{source.display}: {problem}" for problem in problems)
        for person in distinct_people(read.participants):
            conversation.add_participant(person)
        conversation.messages = iter(read.messages)
        yield conversation


PARSERS.register(OutlookMsgParser())
