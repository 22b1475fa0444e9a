"""The one model every stage reads and writes.

Parsers turn files into :class:`Conversation` objects; detection, identifier
extraction, evidence packs and guidance all read these types and nothing else.
Everything here is a frozen dataclass: evidence does not change once read.

Large exports are streamed: a parser yields a :class:`ConversationStream`
whose ``messages`` is an iterator, and :meth:`ConversationStream.collect`
turns it into a frozen :class:`Conversation` when the whole thing is wanted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Source:
    """The file a conversation was read from, hashed before anything else touched it."""

    path: str
    sha256: str
    size: int
    format: str
    member: str | None = None  # the file inside an archive, when ``path`` is the archive

    @property
    def display(self) -> str:
        return f"{self.path}!{self.member}" if self.member else self.path


@dataclass(frozen=True, slots=True)
class Participant:
    """Someone in a conversation, with every identifier the export itself gives."""

    name: str
    account_id: str | None = None
    handle: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file a message refers to. Media is hashed where present, never copied."""

    name: str
    media_type: str | None = None
    present: bool = False
    size: int | None = None
    sha256: str | None = None
    url: str | None = None  # where the export says the file lives online (never fetched)


@dataclass(frozen=True, slots=True)
class Message:
    """One message, kept as close to the file as possible.

    ``id`` is stable within its source; ``timestamp`` is timezone-aware UTC (or
    None when the file gives no time) and ``time_text`` is the time as written.
    ``location`` says where in the source it was read: ``line 12`` or a JSON path.
    ``corrupt`` marks a record that could not be fully read: what could be read is kept.
    """

    id: str
    sender: str | None
    timestamp: datetime | None
    text: str
    time_text: str | None = None
    attachments: tuple[Attachment, ...] = ()
    reply_to: str | None = None
    edited: bool = False
    deleted: bool = False
    system: bool = False
    corrupt: bool = False
    location: str = ""
    headers: tuple[tuple[str, str], ...] = ()  # emails: the evidence headers, in file order


def _fast_init(cls: type) -> None:
    """Give a frozen, slotted dataclass an ``__init__`` that fills its slots through their
    descriptors: the generated one calls ``object.__setattr__`` per field, which made
    building a Message the largest cost of parsing a million-message export (2x slower).
    Fields, defaults, keyword use and immutability after construction are unchanged."""
    names = [f.name for f in fields(cls)]
    defaults = {f.name: f.default for f in fields(cls) if f.default is not MISSING}
    if any(f.default_factory is not MISSING for f in fields(cls)):
        raise TypeError(f"{cls.__name__}: default factories are not supported here")
    setters = {f"_set_{name}": cls.__dict__[name].__set__ for name in names}
    params = ", ".join(f"{n}=_d_{n}" if n in defaults else n for n in names)
    body = "\n".join(f"    _set_{n}(self, {n})" for n in names)
    namespace: dict[str, Any] = {**setters, **{f"_d_{n}": v for n, v in defaults.items()}}
    exec(f"def __init__(self, {params}):\n{body}\n", namespace)  # only field names go in
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[misc]


_fast_init(Message)


@dataclass(frozen=True, slots=True)
class Conversation:
    """One chat, thread or email conversation from one source."""

    source: Source
    platform: str
    title: str | None
    participants: tuple[Participant, ...]
    messages: tuple[Message, ...]
    warnings: tuple[str, ...] = ()
    timezone: str | None = None  # the zone assumed for local times written with no zone


@dataclass(eq=False)
class ConversationStream:
    """A conversation whose messages are still being read.

    A parser fills ``participants`` and ``warnings`` as it reads, so they are
    complete only once ``messages`` is exhausted.
    """

    source: Source
    platform: str
    title: str | None = None
    messages: Iterator[Message] = field(default_factory=lambda: iter(()))
    participants: list[Participant] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timezone: str | None = None

    def add_participant(self, participant: Participant) -> None:
        """Adds someone once. Two accounts with one display name (impersonation) stay two."""
        key = (participant.name, participant.account_id)
        if all((p.name, p.account_id) != key for p in self.participants):
            self.participants.append(participant)

    def collect(self) -> Conversation:
        messages = tuple(self.messages)
        return Conversation(
            source=self.source,
            platform=self.platform,
            title=self.title,
            participants=tuple(self.participants),
            messages=messages,
            warnings=tuple(self.warnings),
            timezone=self.timezone,
        )


def participants_from_senders(messages: Iterable[Message]) -> list[Participant]:
    """Participants for formats that name people only as message senders."""
    seen: dict[str, Participant] = {}
    for message in messages:
        if message.sender and not message.system and message.sender not in seen:
            seen[message.sender] = Participant(name=message.sender)
    return list(seen.values())


def _timestamp(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def attachment_to_dict(attachment: Attachment) -> dict[str, Any]:
    return {
        "name": attachment.name,
        "media_type": attachment.media_type,
        "present": attachment.present,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "url": attachment.url,
    }


def message_to_dict(message: Message) -> dict[str, Any]:
    """The stable JSON form of a message (key names are a public contract)."""
    return {
        "id": message.id,
        "sender": message.sender,
        "timestamp": _timestamp(message.timestamp),
        "time_text": message.time_text,
        "text": message.text,
        "attachments": [attachment_to_dict(a) for a in message.attachments],
        "reply_to": message.reply_to,
        "edited": message.edited,
        "deleted": message.deleted,
        "system": message.system,
        "corrupt": message.corrupt,
        "location": message.location,
        "headers": [list(pair) for pair in message.headers],
    }


def source_to_dict(source: Source) -> dict[str, Any]:
    return {
        "path": source.path,
        "member": source.member,
        "sha256": source.sha256,
        "size": source.size,
        "format": source.format,
    }


def participant_to_dict(participant: Participant) -> dict[str, Any]:
    return {
        "name": participant.name,
        "account_id": participant.account_id,
        "handle": participant.handle,
        "phone": participant.phone,
    }


def conversation_to_dict(conversation: Conversation) -> dict[str, Any]:
    return {
        "source": source_to_dict(conversation.source),
        "platform": conversation.platform,
        "title": conversation.title,
        "timezone": conversation.timezone,
        "participants": [participant_to_dict(p) for p in conversation.participants],
        "messages": [message_to_dict(m) for m in conversation.messages],
        "warnings": list(conversation.warnings),
    }


# --- assessment (detect/) ------------------------------------------------------------------

STAGES = (
    "approach",
    "sexualisation",
    "image_request",
    "threat",
    "payment_demand",
    "pressure",
    "escalation",
    "email_scam",
)
RISKS = ("none", "low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True)
class Finding:
    """One signal in one message, and why: the rule, its stage, and the words quoted."""

    rule: str
    stage: str
    message_id: str
    quote: str
    span: tuple[int, int]  # character offsets in Message.text
    weight: float
    sender: str | None = None


@dataclass(frozen=True, slots=True)
class StageReached:
    """When a conversation first reached a stage."""

    stage: str
    message_id: str
    timestamp: datetime | None


@dataclass(frozen=True, slots=True)
class Assessment:
    """What a conversation shows, explained by its findings."""

    sextortion: bool
    risk: str  # one of RISKS
    stages: tuple[str, ...]  # in the order they were first reached
    timeline: tuple[StageReached, ...]
    crisis: bool  # the victim speaks of self-harm or suicide: crisis support comes first
    findings: tuple[Finding, ...]
    offender: str | None = None
    victim: str | None = None
    seconds_to_first_threat: float | None = None
    summary: str = ""  # one calm, plain sentence


# --- identifiers (identifiers/) ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sighting:
    """Where an identifier was seen: which source, which message, which characters."""

    source_sha256: str
    message_id: str
    span: tuple[int, int]
    raw: str
    sender: str | None = None


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier of a person or account, normalised, validated where a checksum exists.

    ``valid`` is True when a checksum or format rule proves it, False when it looks
    like one but is proven wrong (a typo or misread worth a human look), None when
    it cannot be checked.
    """

    kind: str
    value: str
    valid: bool | None
    role: str  # offender, victim or unknown
    sightings: tuple[Sighting, ...]
    platform: str | None = None
    explanation: str = ""
