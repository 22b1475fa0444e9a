"""SMS Backup & Restore (SyncTech, Android) XML backups: texts, MMS and call logs.

A backup is one XML file: ``<smses>`` holds ``<sms>`` and ``<mms>`` records,
``<calls>`` holds ``<call>`` records. Times are epoch milliseconds (kept
exactly); ``readable_date`` is the phone's local rendering and becomes
``time_text``. The file never names the phone's owner, so what the owner sent
is from ``me`` (see ``docs/formats/sms-backup.md``).

The file can be hundreds of MB, nearly all of it base64 MMS media. It is read
with expat callbacks, so no element tree is ever built: each record becomes a
compact :class:`Message` as soon as it is read and its media is hashed in
memory and dropped. Grouping by counterpart needs the whole file (the app
writes every SMS before every MMS), so conversations are yielded once the file
is read; memory grows with the text of the messages, not with their media.

Backups are written by the app, never by hand, and never declare a DOCTYPE or
entities: a file that does is refused (entity expansion bombs).
"""

from __future__ import annotations

import binascii
import codecs
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO
from xml.parsers import expat

from takeback.errors import CorruptInput, UnsafeInput
from takeback.ingest.base import PARSERS, Parser, ReadOptions
from takeback.ingest.encoding import detect_encoding, epoch_ms_to_utc, head_text
from takeback.ingest.inputs import Input
from takeback.model import Attachment, ConversationStream, Message, Participant, Source

ME = "me"  # the phone's owner: the backup never says who that is

_CHUNK = 1 << 20
_BASE64_CHUNK = 1 << 18  # a multiple of 4, so every slice decodes on its own

_SNIFF = re.compile(
    r"\A\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE(?:[^\[>]|\[.*?\])*>\s*)*<(?:smses|calls)[\s/>]",
    re.DOTALL,
)
_UNSAFE = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_UNSAFE_REASON = (
    "the XML declares a DOCTYPE or entities, which real backups never do; refused "
    "(entities can expand into gigabytes)"
)
_DECLARED = re.compile(rb"""\A<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_REFERENCE = re.compile(r"&#(?:([0-9]{1,8})|x([0-9A-Fa-f]{1,8}));")
_RAW_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_GROUPING_NOISE = re.compile(r"[\s\-()]")
_PHONE_LIKE = re.compile(r"[+\d\s\-().*#]+")
_SPACE = re.compile(r"\s")

_NO_NAME = ("", "null", "(Unknown)")
_UNSENT = {
    3: "is a draft (never sent)",
    4: "was in the outbox (not yet sent when backed up)",
    5: "failed to send",
    6: "was queued (not yet sent when backed up)",
}
_CALLS = {
    1: "Incoming call",
    2: "Outgoing call",
    3: "Missed call",
    4: "Voicemail",
    5: "Rejected call",
    6: "Blocked call",
    7: "Call answered on another device",
}
_NO_DURATION = (3, 5, 6)
_WITHHELD = ("", "-1", "-2", "-3")  # Android writes these for private, unknown and payphone callers
_WITHHELD_LABEL = "a withheld or unknown number"
_FROM, _RECIPIENTS = "137", ("151", "130", "129")  # MMS addr types: from; to, cc, bcc


def _value(raw: str | None) -> str | None:
    """An attribute value, with the app's ``null`` read as absent."""
    return None if raw is None or raw == "null" else raw


def _number(raw: str | None) -> int | None:
    value = _value(raw)
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _grouping_key(address: str) -> str:
    """Light normalisation, only for grouping: the raw address is what is kept."""
    key = _GROUPING_NOISE.sub("", address)
    return key.casefold() if "@" in key else key


def _participant(name: str, address: str) -> Participant:
    if address and _PHONE_LIKE.fullmatch(address):
        return Participant(name=name, phone=address)
    return Participant(name=name, handle=address or None)


def _xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _base64_digest(data: str) -> tuple[str, int]:
    """SHA-256 and size of base64 data, decoded slice by slice and never kept."""
    try:
        return _digest_slices(data)
    except ValueError:
        if not _SPACE.search(data):
            raise
    return _digest_slices("".join(data.split()))  # base64 wrapped over lines


def _digest_slices(data: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for start in range(0, len(data), _BASE64_CHUNK):
        chunk = binascii.a2b_base64(data[start : start + _BASE64_CHUNK], strict_mode=True)
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _encoding(head: bytes) -> str:
    """The file's encoding: a BOM, else the XML declaration, else what the bytes look like."""
    detected = detect_encoding(head)
    if detected not in ("utf-8", "cp1252"):
        return detected  # a BOM or UTF-16 by its zero bytes: the bytes themselves say so
    declared = _DECLARED.match(head)
    if declared:
        try:
            name = codecs.lookup(declared[1].decode("ascii")).name
        except LookupError:
            return detected
        if not name.startswith(("utf-16", "utf-32")):
            return name
    return detected


class _Repair:
    """The file's text, made acceptable to expat without losing what follows.

    SMS Backup & Restore writes emoji as two character references to UTF-16
    surrogates (``&#55357;&#56832;``), which XML forbids and expat rejects; they
    are joined into the one real character. Other references XML forbids, raw
    control characters and undecodable bytes become U+FFFD and are counted, so
    one bad character does not end the reading. Newlines are never touched, so
    expat's line numbers are the file's.
    """

    def __init__(self, encoding: str) -> None:
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        plain = "utf-8" if encoding == "utf-8-sig" else encoding
        self._marker = "\ufffd".encode(plain, errors="ignore")
        self._ascii_compatible = "\x01\x1f<".encode(plain, errors="ignore") == b"\x01\x1f<"
        self._carry = ""
        self._carry_invalid = False
        self._started = False
        self.replaced = 0
        self.undecodable = False

    def feed(self, data: bytes, final: bool) -> str:
        decoded = self._decoder.decode(data, final)
        if not self._started and decoded:
            decoded = decoded.removeprefix("\ufeff")
            self._started = True
        if "\ufffd" in decoded and (not self._marker or decoded.count("\ufffd") > data.count(self._marker)):
            self.undecodable = True
        text = self._carry + decoded
        end = len(text)
        if not final:
            # A reference cut by the end of this chunk waits for the next one.
            amp = text.rfind("&", max(0, end - 16))
            if amp != -1 and ";" not in text[amp:]:
                end = amp
        pieces: list[str] = []
        position = 0
        pending: tuple[int, int, int] | None = None  # a high surrogate waiting for its pair
        for match in _REFERENCE.finditer(text, 0, end):
            code = int(match[1]) if match[1] else int(match[2], 16)
            if pending is not None:
                start, stop, high = pending
                pending = None
                if match.start() == stop and 0xDC00 <= code <= 0xDFFF:
                    joined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                    pieces += (text[position:start], f"&#{joined};")
                    position = match.end()
                    continue
                pieces += (text[position:start], "&#65533;")
                self.replaced += 1
                position = stop
            if 0xD800 <= code <= 0xDBFF:
                pending = (match.start(), match.end(), code)
            elif not _xml_char(code):
                pieces += (text[position : match.start()], "&#65533;")
                self.replaced += 1
                position = match.end()
        if pending is not None:
            start, stop, _ = pending
            if stop == end and not final:
                end = start  # its pair may start the next chunk
            else:
                pieces += (text[position:start], "&#65533;")
                self.replaced += 1
                position = stop
        pieces.append(text[position:end])
        self._carry = text[end:]
        repaired = "".join(pieces)
        suspect = self._may_hold_invalid(data) or self._carry_invalid
        self._carry_invalid = suspect and bool(self._carry)
        if suspect:
            repaired, count = _RAW_INVALID.subn("\ufffd", repaired)
            self.replaced += count
        return repaired

    def _may_hold_invalid(self, data: bytes) -> bool:
        """A cheap test on the bytes, so the character scan runs only where it can find something."""
        if not self._ascii_compatible:
            return True
        return (
            len(data.translate(None, _CONTROL_BYTES)) != len(data)
            or b"\xef\xbf\xbe" in data
            or b"\xef\xbf\xbf" in data
        )


@dataclass
class _Group:
    """One conversation while the file is read."""

    title: str
    participants: list[Participant]
    messages: list[Message] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add_participant(self, participant: Participant) -> None:
        if all(p.name != participant.name for p in self.participants):
            self.participants.insert(len(self.participants) - 1, participant)  # "me" stays last


@dataclass(frozen=True)
class _Counterparts:
    """The other side of a record: raw addresses and the names the phone's contacts give them."""

    addresses: tuple[str, ...]
    labels: tuple[str, ...]  # the contact's name, else the address
    named: bool  # the names could be matched to the addresses

    @classmethod
    def of(cls, address: str | None, contact_name: str | None) -> _Counterparts:
        addresses = tuple(a.strip() for a in (address or "").split("~") if a.strip())
        name = contact_name if contact_name not in _NO_NAME else None
        if len(addresses) == 1:
            return cls(addresses, (name or addresses[0],), named=name is not None)
        # A group's contact_name lists the names in address order, joined by ", ".
        names = name.split(", ") if name else []
        if len(names) != len(addresses):
            return cls(addresses, addresses, named=False)
        labels = tuple(n if n not in _NO_NAME else a for n, a in zip(names, addresses, strict=True))
        return cls(addresses, labels, named=True)

    def label_of(self, address: str) -> str:
        key = _grouping_key(address)
        for label, own in zip(self.labels, self.addresses, strict=True):
            if _grouping_key(own) == key:
                return label
        return address


@dataclass
class _Mms:
    """An MMS while its parts and addresses are read."""

    attrs: dict[str, str]
    line: int
    id: str
    texts: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    senders: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def part(self, attrs: dict[str, str], line: int) -> None:
        media_type = (_value(attrs.get("ct")) or "").strip().lower() or None
        if media_type == "application/smil":
            return  # layout only
        text, data = _value(attrs.get("text")), _value(attrs.get("data"))
        is_text = media_type is not None and media_type.startswith("text/")
        if is_text and text:
            self.texts.append(text)  # text/plain, and vCards too: their numbers stay searchable
        if is_text and data is None:
            return
        seq = _value(attrs.get("seq")) or "?"
        name = next(
            (v for v in (_value(attrs.get(k)) for k in ("name", "cl", "fn")) if v),
            f"part {seq}",
        )
        if data is None:
            self.attachments.append(Attachment(name=name, media_type=media_type, present=False))
            return
        try:
            sha256, size = _base64_digest(data)
        except ValueError:
            self.problems.append(f"line {line}: the data of MMS part {seq} is not valid base64")
            self.attachments.append(Attachment(name=name, media_type=media_type, present=False))
            return
        self.attachments.append(
            Attachment(name=name, media_type=media_type, present=True, size=size, sha256=sha256)
        )

    def addr(self, attrs: dict[str, str]) -> None:
        address, kind = _value(attrs.get("address")), attrs.get("type")
        if not address:
            return
        if kind == _FROM:
            self.senders.append(address)
        elif kind in _RECIPIENTS:
            self.recipients.append(address)


class _Reader:
    """Reads one backup with expat callbacks into conversations grouped by counterpart."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.root: str | None = None
        self.declared: int | None = None
        self.records = 0
        self.groups: dict[tuple[str, ...], _Group] = {}
        self.warnings: list[str] = []
        self.counts: Counter[str] = Counter()
        self.unknown: Counter[str] = Counter()
        self.counterparts: dict[tuple[str | None, str | None], tuple[_Counterparts, _Group]] = {}
        self.depth = 0
        self.mms: _Mms | None = None
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.StartDoctypeDeclHandler = self._refuse
        self.parser.EntityDeclHandler = self._refuse

    # --- reading -----------------------------------------------------------------------

    def read(self, stream: BinaryIO, head: bytes) -> None:
        repair = _Repair(_encoding(head))
        try:
            while True:
                data = stream.read(_CHUNK)
                self.parser.Parse(repair.feed(data, not data), not data)
                if not data:
                    break
        except expat.ExpatError as error:
            self._broken(error)
        if repair.undecodable:
            self.warnings.append(f"{self.display}: bytes that are not valid text were replaced with \ufffd")
        if repair.replaced:
            self.warnings.append(
                f"{self.display}: {repair.replaced} characters that XML does not allow were "
                "replaced with \ufffd"
            )
        for name, count in sorted(self.unknown.items()):
            self.warnings.append(f"{self.display}: {count} <{name}> records were not read")
        found = self.records + sum(self.unknown.values())
        if self.declared is not None and self.declared != found:
            self.warnings.append(
                f"{self.display}: the backup says it holds {self.declared} records but "
                f"{found} were found (the file may be incomplete)"
            )

    def _broken(self, error: expat.ExpatError) -> None:
        reason = expat.ErrorString(error.code)
        if self.root is None:
            raise CorruptInput(f"not readable XML ({reason}, line {error.lineno})", self.display)
        if self.mms is not None:
            self._finish_mms(self.mms, corrupt=True)
            self.mms = None
        if self.records == 0:
            raise CorruptInput(
                f"the XML breaks off at line {error.lineno} ({reason}) before any record", self.display
            )
        self.warnings.append(
            f"{self.display} line {error.lineno}: the XML breaks off here ({reason}); "
            f"the {self.records} records before it were kept, anything after it is lost"
        )

    def _refuse(self, *args: object) -> None:
        raise UnsafeInput(_UNSAFE_REASON, self.display)

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        line = self.parser.CurrentLineNumber
        if self.depth == 1:
            if name not in ("smses", "calls"):
                raise CorruptInput(
                    f"not an SMS Backup & Restore file (its XML root is <{name}>)", self.display
                )
            self.root = name
            self.declared = _number(attrs.get("count"))
        elif self.depth == 2:
            if self.root == "smses" and name == "sms":
                self._sms(attrs, line)
            elif self.root == "smses" and name == "mms":
                self.mms = _Mms(attrs, line, self._next_id("mms"))
            elif self.root == "calls" and name == "call":
                self._call(attrs, line)
            else:
                self.unknown[name] += 1
        elif self.depth == 4 and self.mms is not None:
            if name == "part":
                self.mms.part(attrs, line)
            elif name == "addr":
                self.mms.addr(attrs)

    def _end(self, name: str) -> None:
        if self.depth == 2 and self.mms is not None:
            self._finish_mms(self.mms, corrupt=False)
            self.mms = None
        self.depth -= 1

    # --- records -----------------------------------------------------------------------

    def _next_id(self, kind: str) -> str:
        self.counts[kind] += 1
        return f"{kind}{self.counts[kind]}"

    def _counterparts(self, address: str | None, contact_name: str | None) -> tuple[_Counterparts, _Group]:
        """Who a record is with, and its conversation (cached: the same few strings repeat)."""
        found = self.counterparts.get((address, contact_name))
        if found is not None:
            return found
        contact = _value(contact_name)
        counterparts = _Counterparts.of(_value(address), contact)
        key = tuple(sorted({_grouping_key(a) for a in counterparts.addresses}))
        group = self.groups.get(key)
        if group is None:
            pairs = zip(counterparts.labels, counterparts.addresses, strict=True)
            people = [*(_participant(label, address) for label, address in pairs), Participant(name=ME)]
            group = _Group(_title(counterparts, contact, self.root == "calls"), people)
            self.groups[key] = group
        self.counterparts[(address, contact_name)] = (counterparts, group)
        return counterparts, group

    def _sms(self, attrs: dict[str, str], line: int) -> None:
        counterparts, group = self._counterparts(attrs.get("address"), attrs.get("contact_name"))
        body = _value(attrs.get("body")) or ""
        subject = _value(attrs.get("subject"))
        text = f"{subject}\n{body}" if subject and body else subject or body
        kind = attrs.get("type")
        sender = counterparts.labels[0] if kind == "1" and counterparts.labels else None
        self._add(group, self._next_id("sms"), line, attrs, kind, sender, text, (), [])

    def _finish_mms(self, mms: _Mms, corrupt: bool) -> None:
        attrs = mms.attrs
        kind = attrs.get("msg_box")
        address = attrs.get("address")
        if not _value(address):
            address = "~".join(mms.senders if kind == "1" else mms.recipients)
        counterparts, group = self._counterparts(address, attrs.get("contact_name"))
        sender: str | None = None
        if kind == "1" and mms.senders:
            sender = counterparts.label_of(mms.senders[0])
            group.add_participant(_participant(sender, mms.senders[0]))
        elif kind == "1" and len(counterparts.labels) == 1:
            sender = counterparts.labels[0]
        subject = _value(attrs.get("sub"))
        text = "\n".join(([subject] if subject else []) + mms.texts)
        problems = list(mms.problems)
        if corrupt:
            problems.append(f"line {mms.line}: this MMS is cut off; what was read of it is kept")
        self._add(group, mms.id, mms.line, attrs, kind, sender, text, tuple(mms.attachments), problems)

    def _call(self, attrs: dict[str, str], line: int) -> None:
        number = (_value(attrs.get("number")) or "").strip()
        withheld = number in _WITHHELD
        counterparts, group = self._counterparts(
            None if withheld else number, None if withheld else attrs.get("contact_name")
        )
        kind = _number(attrs.get("type"))
        text = _CALLS.get(kind or 0, f"Call (type {attrs.get('type')})")
        duration = _number(attrs.get("duration"))
        if duration is not None and kind not in _NO_DURATION:
            text += f", {_duration(duration)}"
        sender: str | None = counterparts.labels[0] if counterparts.labels else _WITHHELD_LABEL
        if kind == 2:
            sender = ME
        elif kind not in _CALLS:
            sender = None  # an unknown type: who called whom is not known
        message, problems = self._message(self._next_id("call"), line, attrs, sender, text, (), [], True)
        self._append(group, message, problems)

    def _add(
        self,
        group: _Group,
        id: str,
        line: int,
        attrs: dict[str, str],
        kind: str | None,
        sender: str | None,
        text: str,
        attachments: tuple[Attachment, ...],
        problems: list[str],
    ) -> None:
        box = _number(kind)
        notes: list[str] = []
        if box is not None and box in _UNSENT:
            sender = ME
            notes.append(f"line {line}: message {id} {_UNSENT[box]}")
        elif box == 2:
            sender = ME
        elif box != 1:
            notes.append(f"line {line}: message {id} has an unknown type ({kind}); its sender is not known")
        elif sender is None:
            notes.append(f"line {line}: message {id} does not say who sent it")
        message, problems = self._message(id, line, attrs, sender, text, attachments, problems, False)
        self._append(group, message, notes + problems if notes else problems)

    def _message(
        self,
        id: str,
        line: int,
        attrs: dict[str, str],
        sender: str | None,
        text: str,
        attachments: tuple[Attachment, ...],
        problems: list[str],
        system: bool,
    ) -> tuple[Message, list[str]]:
        """The message, and what could not be read of it (which makes it corrupt)."""
        timestamp: datetime | None = None
        date = _value(attrs.get("date"))
        if date is None:
            problems = [*problems, f"line {line}: message {id} has no date"]
        else:
            try:
                timestamp = epoch_ms_to_utc(int(date))
            except (ValueError, OverflowError):
                problems = [*problems, f"line {line}: message {id} has a date that is not a time"]
        message = Message(
            id=id,
            sender=sender,
            timestamp=timestamp,
            text=text,
            time_text=_value(attrs.get("readable_date")),
            attachments=attachments,
            system=system,
            corrupt=bool(problems),
            location=f"line {line}",
        )
        return message, problems

    def _append(self, group: _Group, message: Message, notes: list[str]) -> None:
        if notes:
            group.warnings.extend(f"{self.display} {note}" for note in notes)
        group.messages.append(message)
        self.records += 1

    # --- result ------------------------------------------------------------------------

    def conversations(self, source: Source, platform: str) -> Iterator[ConversationStream]:
        for group in self.groups.values():
            # The app writes every SMS before every MMS: order by time, file order on ties.
            group.messages.sort(key=lambda m: (m.timestamp is None, m.timestamp or _NEVER))
            conversation = ConversationStream(
                source=source,
                platform=platform,
                title=group.title,
                participants=group.participants,
                warnings=[*self.warnings, *group.warnings],
            )
            conversation.messages = iter(group.messages)
            yield conversation


_NEVER = epoch_ms_to_utc(0)


def _title(counterparts: _Counterparts, contact: str | None, calls: bool) -> str:
    labels = counterparts.labels
    if not labels:
        title = _WITHHELD_LABEL if calls else "unknown address"
    elif len(labels) > 1 and not counterparts.named:
        # The names could not be matched to the numbers: show both rather than guess.
        title = ", ".join(counterparts.addresses)
        if contact and contact not in _NO_NAME:
            title = f"{contact} ({title})"
    else:
        title = ", ".join(labels)
    return f"Calls with {title}" if calls else title


def _duration(seconds: int) -> str:
    hours, rest = divmod(max(seconds, 0), 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours} h"] if hours else []
    if hours or minutes:
        parts.append(f"{minutes} min")
    parts.append(f"{seconds} s")
    return " ".join(parts)


class SmsBackupParser(Parser):
    NAME = "sms-backup"
    PLATFORM = "sms"
    LABEL = "SMS Backup & Restore (Android) backup of texts, MMS or calls (.xml)"
    HOW_TO_EXPORT = (
        "In the SMS Backup & Restore app on the Android phone, tap 'Back up now', choose "
        "Messages (and Calls if you want them), save to the phone or your cloud drive, "
        "then copy the .xml file to this computer."
    )

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        return name.lower().endswith(".xml") and _SNIFF.match(head_text(head)) is not None

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        head = source.head()
        if _UNSAFE.search(head_text(head)):
            raise UnsafeInput(_UNSAFE_REASON, source.display)
        origin = source.source(self.NAME)
        reader = _Reader(source.display)
        with source.open() as stream:
            reader.read(stream, head)
        if reader.records == 0 and reader.declared:
            raise CorruptInput(
                f"the backup says it holds {reader.declared} records but none could be read",
                source.display,
            )
        yield from reader.conversations(origin, self.PLATFORM)


PARSERS.register(SmsBackupParser())
