"""Snapchat "My Data" chat history: ``json/chat_history.json``.

Snapchat has shipped two shapes of this file:

- until about 2022, lists by direction: ``{"Received Saved Chat History":
  [{"From", "Media Type", "Created", "Text"}], "Sent Saved Chat History":
  [{"To", ...}]}`` (and "Unsaved" lists). They are regrouped into one
  conversation per other person. Sent messages do not name the account owner,
  so their sender is :data:`OWNER` and a warning says so.
- since 2023, lists by conversation: ``{"<conversation>": [{"From", "Media
  Type", "Created", "Content", "Conversation Title", "IsSender",
  "Created(microseconds)", "IsSaved", "Media IDs"}]}``. The key is the other
  person's username in a one-to-one chat and an id in a group, whose name is
  its "Conversation Title". Every message names its sender; ``IsSender`` marks
  the account owner's.

Times are UTC ("2024-01-02 03:04:05 UTC"). "Created(microseconds)" holds
milliseconds in every export seen; it is used when it agrees with "Created"
to the second, being the more precise. Messages are put in time order (newer
exports list the newest first); ids and locations keep the file's order.

Snapchat leaves out the words of messages nobody saved ("Content": null);
such messages are kept, empty, and counted in a warning. Photos and videos are
named by "Media IDs" and, when the person asked for them, lie in
``chat_media/`` as ``<date>_<media id>.<ext>``: they are matched by the
message's UTC date and the id, which is best-effort.

The file is streamed; one conversation is held in memory at a time (the
older shape must be read whole to regroup it, up to ``max_document_bytes``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import ijson

from takeback.errors import CorruptInput, UnsafeInput
from takeback.ingest.base import PARSERS, Parser, ReadOptions
from takeback.ingest.encoding import epoch_ms_to_utc, head_text
from takeback.ingest.inputs import Input
from takeback.ingest.jsonstream import (
    Event,
    Utf8Reader,
    build_value,
    json_break,
    json_events,
    json_items,
    json_members,
    json_problem,
    open_object,
    skip_value,
)
from takeback.model import Attachment, ConversationStream, Message, Participant, Source

PLATFORM = "snapchat"
OWNER = "(account owner)"  # who sent the messages of an older export's "Sent" lists

_OLD_LIST = re.compile(r"^(Received|Sent)( Saved| Unsaved)? Chat History$")
_SNIFF_OLD = re.compile(r'"(?:Received|Sent)(?: Saved| Unsaved)? Chat History"\s*:\s*\[')
_SNIFF_NEW = ('"IsSender"', '"Created(microseconds)"', '"Conversation Title"')
_SNIFF_CHAT_ONLY = ('"Content"', '"IsSaved"', '"Media IDs"')  # snap_history.json has none
_CREATED = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,6})?\s*(?:UTC|Z)?\s*$")
_MEDIA_TYPES = frozenset({"MEDIA", "NOTE", "IMAGE", "VIDEO", "PHOTO", "AUDIO", "GIF", "ATTACHMENT"})
_MEDIA_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".mp4", ".mov", ".m4a", ".aac",
                     ".unknown")
_MAX_RECORD_WARNINGS = 50
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _created(text: str) -> datetime | None:
    match = _CREATED.match(text)
    if not match:
        return None
    try:
        moment = datetime.fromisoformat(f"{match[1]}T{match[2]}{match[3] or ''}")
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC)


def _epoch(value: Any) -> datetime | None:
    """"Created(microseconds)", whatever unit it really is in (milliseconds so far)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    try:
        if value >= 10**14:
            return _EPOCH + timedelta(microseconds=int(value))
        if value >= 10**11:
            return epoch_ms_to_utc(int(value))
        return epoch_ms_to_utc(int(value * 1000))
    except OverflowError:
        return None


class _Conversation:
    """Turns one conversation's records into messages, noting what could not be read."""

    def __init__(self, source: Input, record: Source, title: str | None) -> None:
        self.source = source
        self.stream = ConversationStream(source=record, platform=PLATFORM, title=title)
        self.unreadable = 0
        self.without_words = 0
        self.messages: list[Message] = []

    def warn(self, where: str, problem: str) -> None:
        self.unreadable += 1
        if self.unreadable <= _MAX_RECORD_WARNINGS:
            self.stream.warnings.append(f"{self.source.display}: {where}: {problem}")

    def add(self, raw: Any, key: str, index: int, sender: str | None = None) -> None:
        """One record of list ``key``; ``sender`` names it when the record cannot."""
        where = f"$[{json.dumps(key, ensure_ascii=False)}][{index}]"
        message_id = f"{key}/{index}"
        if not isinstance(raw, dict):
            self.warn(where, "not a message object")
            text = raw if isinstance(raw, str) else ""
            self.messages.append(Message(message_id, sender, None, text, corrupt=True,
                                         location=where))
            return
        problems: list[str] = []
        if sender is None:
            sender = _text_or_none(raw.get("From"))
            if sender is None:
                problems.append("no sender")
        if sender is not None:
            handle = None if sender == OWNER else sender
            self.stream.add_participant(Participant(name=sender, handle=handle))
        kind = raw.get("Media Type")
        if not isinstance(kind, str):
            problems.append("no Media Type")
            kind = ""
        timestamp, time_text = self._time(raw, problems)
        words = raw.get("Content") if "Content" in raw else raw.get("Text")
        if words is None:
            text = ""
            if kind == "TEXT":
                self.without_words += 1
        elif isinstance(words, str):
            text = words
        else:
            problems.append("Content is not text")
            text = str(words) if isinstance(words, int | float) else ""
        system = kind.startswith("STATUS") and kind != "STATUSERASEDMESSAGE"
        if system and not text:
            text = kind  # what happened is all the file says
        attachments = self._attachments(raw, kind, timestamp, problems)
        if problems:
            self.warn(where, "; ".join(problems))
        self.messages.append(Message(
            id=message_id,
            sender=sender,
            timestamp=timestamp,
            text=text,
            time_text=time_text,
            attachments=attachments,
            deleted=kind == "STATUSERASEDMESSAGE",
            system=system,
            corrupt=bool(problems),
            location=where,
        ))

    @staticmethod
    def _time(raw: dict[str, Any], problems: list[str]) -> tuple[datetime | None, str | None]:
        created, precise = raw.get("Created"), raw.get("Created(microseconds)")
        written = _created(created) if isinstance(created, str) else None
        exact = _epoch(precise)
        time_text = created if isinstance(created, str) else (
            str(precise) if precise is not None else None)
        if written is None:
            if created is not None:
                problems.append("unreadable Created")
            elif exact is None:
                problems.append("no time")
            return exact, time_text
        if exact is None:
            return written, time_text
        if abs(exact - written) < timedelta(seconds=1):
            return exact, time_text
        problems.append("Created and Created(microseconds) disagree")
        return written, time_text

    def _attachments(self, raw: dict[str, Any], kind: str, timestamp: datetime | None,
                     problems: list[str]) -> tuple[Attachment, ...]:
        ids = raw.get("Media IDs")
        if ids is not None and not isinstance(ids, str):
            problems.append("Media IDs is not text")
            ids = None
        found = [self._media(media_id.strip(), timestamp)
                 for media_id in (ids or "").split("|") if media_id.strip()]
        if not found and kind in _MEDIA_TYPES:
            # Photos and videos nobody saved are only a line in the export: still evidence.
            found.append(Attachment(name=kind.lower(), present=False))
        return tuple(found)

    def _media(self, media_id: str, timestamp: datetime | None) -> Attachment:
        """The file in chat_media/ for a media id, found by the message's date (best-effort)."""
        if timestamp is not None and "/" not in media_id and "\\" not in media_id:
            day = timestamp.date().isoformat()
            for extension in _MEDIA_EXTENSIONS:
                reference = f"chat_media/{day}_{media_id}{extension}"
                if self.source.find(reference) is not None:
                    return self.source.attachment(reference)
        return Attachment(name=media_id, present=False)

    def finish(self) -> ConversationStream:
        display = self.source.display
        if self.unreadable > _MAX_RECORD_WARNINGS:
            self.stream.warnings.append(
                f"{display}: more messages that could not be fully read: "
                f"{self.unreadable - _MAX_RECORD_WARNINGS}"
            )
        if self.without_words:
            self.stream.warnings.append(
                f"{display}: text messages with no words in the export: {self.without_words} "
                "(Snapchat leaves out the words of messages nobody saved)"
            )
        # Newer exports list the newest first; a timeline reads oldest first.
        self.messages.sort(key=lambda m: (m.timestamp is None, m.timestamp or datetime.min))
        self.stream.messages = iter(self.messages)
        return self.stream


class SnapchatParser(Parser):
    NAME = "snapchat"
    PLATFORM = PLATFORM
    LABEL = "Snapchat 'My Data' chat history (chat_history.json, or the export .zip)"
    HOW_TO_EXPORT = (
        "In Snapchat open Settings > My Data (or accounts.snapchat.com > My Data), tick Chat "
        "History and JSON, submit, then download the zip from the link Snapchat emails you and "
        "give takeback the whole zip."
    )

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        text = head_text(head).lstrip()
        if not text.startswith("{"):
            return False
        if _SNIFF_OLD.search(text):
            return True
        return (
            '"From"' in text and '"Media Type"' in text and '"Created"' in text
            and any(marker in text for marker in _SNIFF_NEW)
            and any(marker in text for marker in _SNIFF_CHAT_ONLY)
        )

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        if source.size == 0:
            raise CorruptInput("the file is empty", source.display)
        record = source.source(self.NAME)
        with source.open() as raw:
            reader = Utf8Reader(raw, source.head())
            events = json_events(reader)
            open_object(events, source.display, "Snapchat chat history")
            try:
                members = json_members(events)
                first = next(members, None)
            except ijson.JSONError as error:
                raise CorruptInput(
                    f"not a readable Snapchat chat history: the file is {json_break(error, reader)} "
                    "at the start",
                    source.display,
                ) from None
            if first is not None and _OLD_LIST.match(first[0]):
                if source.size > options.max_document_bytes:
                    raise UnsafeInput(
                        f"older Snapchat chat histories are read whole, and this one is larger "
                        f"than the limit of {options.max_document_bytes} bytes",
                        source.display,
                    )
                yield from _by_direction(source, record, reader, events, members, first)
            else:
                yield from _by_conversation(source, record, reader, events, members, first)


def _read_list(events: Iterator[Event], event: str) -> tuple[list[Any], Exception | None]:
    """The items of a list whose first event was just read, and the error that cut it short."""
    items: list[Any] = []
    if event != "start_array":
        skip_value(events, event)
        return items, None
    try:
        for event, value in json_items(events):
            items.append(build_value(events, event, value))
    except ijson.JSONError as error:
        return items, error
    return items, None


def _by_conversation(source: Input, record: Source, reader: Utf8Reader, events: Iterator[Event],
                     members: Iterator[tuple[str, str, Any]],
                     pending: tuple[str, str, Any] | None) -> Iterator[ConversationStream]:
    """The newer shape: each key is one conversation."""
    while pending is not None:
        key, event, _ = pending
        records, error = _read_list(events, event)
        titles = (_text_or_none(r.get("Conversation Title")) for r in records if isinstance(r, dict))
        conversation = _Conversation(source, record, next((t for t in titles if t), None) or key)
        if event != "start_array":
            conversation.warn(f"$[{json.dumps(key, ensure_ascii=False)}]", "not a list of messages")
        for index, raw in enumerate(records):
            conversation.add(raw, key, index)
        pending = None
        if error is None:
            try:
                pending = next(members, None)
            except ijson.JSONError as later:
                error = later
        if error is not None:
            where = f"$[{json.dumps(key, ensure_ascii=False)}][{len(records)}]"
            conversation.stream.warnings.append(json_problem(error, reader, source.display, where))
        conversation.stream.warnings.extend(reader.notes(source.display))
        yield conversation.finish()


def _by_direction(source: Input, record: Source, reader: Utf8Reader, events: Iterator[Event],
                  members: Iterator[tuple[str, str, Any]],
                  first: tuple[str, str, Any]) -> Iterator[ConversationStream]:
    """The older shape: received and sent lists, regrouped by the other person."""
    people: dict[str | None, _Conversation] = {}
    notes: list[str] = []
    broken: Exception | None = None
    last: _Conversation | None = None
    pending: tuple[str, str, Any] | None = first
    while pending is not None:
        key, event, _ = pending
        pending = None
        if not _OLD_LIST.match(key):
            skip_value(events, event)
            notes.append(f"{source.display}: $[{json.dumps(key, ensure_ascii=False)}]: not read "
                         "(not a chat history list)")
        else:
            sent = key.startswith("Sent")
            records, error = _read_list(events, event)
            for index, raw in enumerate(records):
                other = _text_or_none(raw.get("To" if sent else "From")) if isinstance(raw, dict) else None
                last = people.get(other)
                if last is None:
                    last = people[other] = _Conversation(source, record, other)
                last.add(raw, key, index, OWNER if sent else None)
                if sent and other is not None:
                    last.stream.add_participant(Participant(name=other, handle=other))
            if error is not None:
                broken = error
                where = f"$[{json.dumps(key, ensure_ascii=False)}][{len(records)}]"
                notes.append(json_problem(error, reader, source.display, where))
                break
        try:
            pending = next(members, None)
        except ijson.JSONError as error:
            broken = error
            where = f"the end of $[{json.dumps(key, ensure_ascii=False)}]"
            notes.append(json_problem(error, reader, source.display, where))
    if not people and broken is not None:
        raise CorruptInput(
            f"not a readable Snapchat chat history: the file is {json_break(broken, reader)} before "
            "any messages",
            source.display,
        )
    notes.extend(reader.notes(source.display))
    for conversation in people.values():
        if any(m.sender == OWNER for m in conversation.messages):
            conversation.stream.warnings.append(
                f"{source.display}: this older export does not name the account owner; the "
                f"messages they sent are shown as from {OWNER!r}"
            )
    if last is not None:
        last.stream.warnings.extend(notes)  # beside the last messages read before them
    for conversation in people.values():
        yield conversation.finish()


PARSERS.register(SnapchatParser())
