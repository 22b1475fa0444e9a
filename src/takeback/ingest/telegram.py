"""Telegram Desktop exports: ``result.json`` of one chat or of a whole account.

Telegram Desktop writes "machine-readable JSON" in two shapes:

- one chat (a chat's menu > Export chat history): ``{"name", "type", "id",
  "messages": [...]}``;
- a whole account (Settings > Advanced > Export Telegram data):
  ``personal_information``, ``contacts`` ... then ``chats.list[*]`` and
  ``left_chats.list[*]``, each chat shaped like a one-chat export.

Every chat becomes one conversation. The file is read in one streamed pass of
ijson parse events (never loaded whole), so the conversations of a
whole-account export must be read in order, like ``itertools.groupby`` groups:
moving on passes over what is left of the conversation before, and reading a
passed-over conversation is an error.

``date_unixtime`` (epoch seconds, written since 2021) is exact UTC; older
exports write only ``date``, the exporting computer's wall-clock time, which
is read in ``options.timezone``. Message text is a string or a list of strings
and entities; entities are joined exactly as Telegram shows them, and the
hidden address of a ``text_link`` is kept visible after its words.

The JSON streaming helpers are in ``jsonstream.py``, shared with the Snapchat parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import ijson

from takeback.errors import CorruptInput
from takeback.ingest.base import PARSERS, Parser, ReadOptions
from takeback.ingest.encoding import epoch_to_utc, head_text, local_to_utc
from takeback.ingest.inputs import Input
from takeback.ingest.jsonstream import (
    OPENS,
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
from takeback.model import Attachment, ConversationStream, Message, Participant

# --- Telegram ----------------------------------------------------------------------------

PLATFORM = "telegram"

_CHAT_TYPES = (
    "personal_chat|bot_chat|private_group|private_supergroup|public_supergroup|"
    "private_channel|public_channel|saved_messages|replies|verification_codes"
)
_SNIFF_MARKERS = re.compile(
    r'"date_unixtime"\s*:\s*"\d+"'
    rf'|"type"\s*:\s*"(?:{_CHAT_TYPES})"'
    r'|"(?:from_id|actor_id)"\s*:\s*"(?:user|channel|chat)\d+"'
)
_SECTIONS = ("chats", "left_chats")
# Telegram writes this (or "(File exceeds maximum size. ...)") where a file was not exported.
_NOT_INCLUDED = "(File "
_SERVICE_DETAILS = ("title", "members", "duration_seconds", "discard_reason")
_MAX_RECORD_WARNINGS = 50


@dataclass
class _People:
    """What a whole-account export says about people: the owner and the saved contacts."""

    by_id: dict[str, Participant] = field(default_factory=dict)
    by_name: dict[str, Participant] = field(default_factory=dict)
    _names_seen: set[str] = field(default_factory=set)

    def owner(self, info: Any) -> None:
        if not isinstance(info, dict) or not isinstance(info.get("user_id"), int):
            return
        account_id = f"user{info['user_id']}"
        self.by_id[account_id] = Participant(
            name=_full_name(info) or account_id,
            account_id=account_id,
            handle=_text_or_none(info.get("username")),
            phone=_text_or_none(info.get("phone_number")),
        )

    def contact(self, info: Any) -> None:
        if not isinstance(info, dict):
            return
        name, phone = _full_name(info), _text_or_none(info.get("phone_number"))
        if phone is None:
            return
        user_id = info.get("user_id")
        if isinstance(user_id, int) and user_id:
            account_id = f"user{user_id}"
            self.by_id.setdefault(account_id, Participant(name, account_id, phone=phone))
        elif name:
            # A saved name matches a sender only while it is unique among the contacts.
            if name in self._names_seen:
                self.by_name.pop(name, None)
            else:
                self._names_seen.add(name)
                self.by_name[name] = Participant(name, phone=phone)

    def person(self, name: str, account_id: str | None) -> Participant:
        known = (self.by_id.get(account_id) if account_id else None) or self.by_name.get(name)
        if known is None:
            return Participant(name=name, account_id=account_id)
        return Participant(name, account_id or known.account_id, known.handle, known.phone)


def _full_name(info: dict[str, Any]) -> str:
    parts = (info.get("first_name"), info.get("last_name"))
    return " ".join(p for p in parts if isinstance(p, str) and p).strip()


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass
class _Header:
    """A chat object up to its ``messages`` list."""

    path: str  # JSON path for people: "$" or "$.chats.list[3]"
    label: str  # what qualifies message ids in a whole-account export ("" for one chat)
    fields: dict[str, Any] = field(default_factory=dict)
    messages: bool = False  # a messages list was found
    not_a_list: bool = False  # "messages" is there but is not a list

    @property
    def title(self) -> str | None:
        return _text_or_none(self.fields.get("name"))


def _flatten(value: Any) -> tuple[str, bool]:
    """Message text from a string or a list of strings and entities; False if misshapen."""
    if isinstance(value, str):
        return value, True
    if isinstance(value, list):
        parts, ok = [], True
        for part in value:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(_entity_text(part))
            else:
                ok = False
        return "".join(parts), ok
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return _entity_text(value), False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value), False
    return "", value is None


def _entity_text(entity: dict[str, Any]) -> str:
    text: str = entity["text"]
    href = entity.get("href")
    # A text_link shows words but points elsewhere: the address is evidence, keep it visible.
    if entity.get("type") == "text_link" and isinstance(href, str) and href and href != text:
        return f"{text} ({href})"
    return text


def _service_text(raw: dict[str, Any]) -> str:
    action = raw.get("action")
    if not isinstance(action, str):
        return ""
    details = []
    for key in _SERVICE_DETAILS:
        value = raw.get(key)
        if isinstance(value, list):
            details.append(", ".join(str(v) for v in value if v is not None))
        elif key == "duration_seconds" and isinstance(value, int):
            details.append(f"{value} s")
        elif isinstance(value, str) and value:
            details.append(value)
    return f"{action}: {'; '.join(details)}" if details else action


def _message_id(value: Any) -> str | None:
    """An id as text: exports before 2021 write numbers, later ones strings ("user123")."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


class _Chat:
    """Turns the message objects of one chat into messages, noting what could not be read."""

    def __init__(self, source: Input, options: ReadOptions, conversation: ConversationStream,
                 people: _People, header: _Header) -> None:
        self.source = source
        self.options = options
        self.conversation = conversation
        self.people = people
        self.header = header
        self.path = f"{header.path}.messages"
        # Message ids repeat between the chats of a whole-account export: qualify them.
        label = _message_id(header.fields.get("id")) or header.label
        self.id_prefix = f"{label}/" if header.label else ""
        if header.not_a_list:
            conversation.warnings.append(f"{source.display}: {self.path}: not a list of messages")
        self.unreadable = 0
        self._senders: set[tuple[str, str | None]] = set()

    def warn(self, where: str, problem: str) -> None:
        self.unreadable += 1
        if self.unreadable <= _MAX_RECORD_WARNINGS:
            self.conversation.warnings.append(f"{self.source.display}: {where}: {problem}")

    def finish(self) -> None:
        # The other person of a personal chat is its name and its id is theirs. Their own
        # messages name them as the file does (old exports write ids as bare numbers), so
        # the chat adds them only when they wrote nothing.
        title, chat_id = self.header.title, self.header.fields.get("id")
        if (self.header.fields.get("type") == "personal_chat" and title
                and all(p.name != title for p in self.conversation.participants)):
            account_id = f"user{chat_id}" if isinstance(chat_id, int) else None
            self.conversation.add_participant(self.people.person(title, account_id))
        if self.unreadable > _MAX_RECORD_WARNINGS:
            self.conversation.warnings.append(
                f"{self.source.display}: {self.path}: more messages that could not be fully "
                f"read: {self.unreadable - _MAX_RECORD_WARNINGS}"
            )

    def message(self, raw: Any, index: int) -> Message:
        where = f"{self.path}[{index}]"
        fallback_id = f"{self.id_prefix}#{index}"
        if not isinstance(raw, dict):
            self.warn(where, "not a message object")
            text = raw if isinstance(raw, str) else ""
            return Message(fallback_id, None, None, text, corrupt=True, location=where)
        problems: list[str] = []
        kind = raw.get("type", "message")
        service = kind == "service"
        if kind not in ("message", "service"):
            problems.append("unknown message type")
        # Telegram always writes an id; a trimmed file may not, and the index stands in.
        own_id = _message_id(raw.get("id"))
        sender = self._sender(raw, service, problems)
        timestamp, time_text = self._time(raw, problems)
        if "text" in raw:
            text, ok = _flatten(raw["text"])
        else:
            text, ok = _flatten(raw.get("text_entities"))
        if not ok:
            problems.append("text is not in a shape Telegram writes")
        if service and not text:
            text = _service_text(raw)
        reply = raw.get("message_id") if service else raw.get("reply_to_message_id")
        attachments = self._attachments(raw, problems)
        if problems:
            self.warn(where, "; ".join(problems))
        return Message(
            id=f"{self.id_prefix}{own_id}" if own_id is not None else fallback_id,
            sender=sender,
            timestamp=timestamp,
            text=text,
            time_text=time_text,
            attachments=attachments,
            reply_to=_message_id(reply),
            edited="edited" in raw or "edited_unixtime" in raw,
            system=service,
            corrupt=bool(problems),
            location=where,
        )

    def _sender(self, raw: dict[str, Any], service: bool, problems: list[str]) -> str | None:
        name = raw.get("actor" if service else "from")
        account_id = _message_id(raw.get("actor_id" if service else "from_id"))
        if name is not None and not isinstance(name, str):
            problems.append("sender is not text")
            name = None
        # A deleted account has no name (null): its account id is what the file gives.
        sender = name or account_id
        if sender and (sender, account_id) not in self._senders:
            self._senders.add((sender, account_id))
            self.conversation.add_participant(self.people.person(sender, account_id))
        return sender

    def _time(self, raw: dict[str, Any], problems: list[str]) -> tuple[datetime | None, str | None]:
        unix, date = raw.get("date_unixtime"), raw.get("date")
        time_text = date if isinstance(date, str) else (str(unix) if unix is not None else None)
        if unix is not None:
            seconds = unix if isinstance(unix, int) and not isinstance(unix, bool) else None
            if isinstance(unix, str) and unix.strip().isdigit():
                seconds = int(unix)
            try:
                if seconds is not None:
                    return epoch_to_utc(seconds), time_text
            except OverflowError:
                pass
            problems.append("unreadable date_unixtime")
        if isinstance(date, str):
            try:
                written = datetime.fromisoformat(date)
                if written.tzinfo is not None:
                    return written.astimezone(UTC), time_text
                timestamp = local_to_utc(written, self.options.timezone)
            except (ValueError, OverflowError):
                problems.append("unreadable date")
                return None, time_text
            self.conversation.timezone = self.options.timezone.key
            return timestamp, time_text
        if unix is None:
            problems.append("no date")
        return None, time_text

    def _attachments(self, raw: dict[str, Any], problems: list[str]) -> tuple[Attachment, ...]:
        if "photo" not in raw and "file" not in raw and "contact_vcard" not in raw:
            return ()
        media_type = _text_or_none(raw.get("media_type"))
        mime = _text_or_none(raw.get("mime_type"))
        found = []
        for key, kind, type_hint in (
            ("photo", "photo", None),
            ("file", media_type or "file", mime),
            ("contact_vcard", "contact", None),
        ):
            reference = raw.get(key)
            if reference is None:
                continue
            if not isinstance(reference, str) or not reference.strip():
                problems.append(f"{key} is not a file name")
                continue
            if reference.startswith(_NOT_INCLUDED):
                name = _text_or_none(raw.get("file_name")) if key == "file" else None
                found.append(Attachment(name=name or kind, media_type=type_hint, present=False))
            else:
                found.append(self.source.attachment(reference, type_hint))
        return tuple(found)


class _InOrder(Iterator[Message]):
    """The messages of one chat of a whole-account export, which is read in a single pass."""

    def __init__(self, messages: Iterator[Message]) -> None:
        self._messages = messages
        self._finished = False
        self._passed = False

    def __next__(self) -> Message:
        if self._passed:
            raise RuntimeError(
                "a whole-account Telegram export is read in one pass: read each "
                "conversation's messages before moving on to the next conversation"
            )
        try:
            return next(self._messages)
        except StopIteration:
            self._finished = True
            raise

    def pass_over(self) -> None:
        """Read what the consumer left, so the next chat can be reached."""
        if not self._finished:
            for _ in self._messages:
                pass
            self._passed = True


@dataclass
class _Walk:
    """What reading the document has found so far, shared by the conversations it yields."""

    parts: Iterator[tuple[str, Any]]  # ("chat", _Header), ("message", raw), ("end", None)
    people: _People = field(default_factory=_People)
    chats_seen: bool = False  # a "messages" or chats list was met
    pending: tuple[str, Any] | None = None  # the next chat, read ahead by the one before


def _walk(events: Iterator[Event], walk: _Walk) -> Iterator[tuple[str, Any]]:
    """The parts of an export that matter, in file order; everything else is skipped.
    The document's ``start_map`` has been read."""
    root = _Header("$", "")
    for key, event, value in json_members(events):
        if key == "messages":
            walk.chats_seen = True
            yield from _chat_messages(events, root, event)
        elif key in _SECTIONS and event == "start_map":
            walk.chats_seen = True
            for inner, event, _ in json_members(events):
                if inner != "list" or event != "start_array":
                    skip_value(events, event)
                    continue
                for index, (event, _) in enumerate(json_items(events)):
                    if event == "start_map":
                        yield from _chat(events, _Header(f"$.{key}.list[{index}]", f"{key}{index}"))
                    else:
                        skip_value(events, event)
        elif key in ("name", "type", "id") and event not in OPENS:
            root.fields[key] = value
        elif key == "personal_information":
            walk.people.owner(build_value(events, event, value))
        elif key == "contacts" and event == "start_map":
            for inner, event, value in json_members(events):
                if inner == "list" and event == "start_array":
                    for event, value in json_items(events):
                        walk.people.contact(build_value(events, event, value))
                else:
                    skip_value(events, event)
        else:
            skip_value(events, event)


def _chat(events: Iterator[Event], header: _Header) -> Iterator[tuple[str, Any]]:
    """One chat object of a whole-account export (its ``start_map`` was just read)."""
    found = False
    for key, event, value in json_members(events):
        if key == "messages":
            found = True
            yield from _chat_messages(events, header, event)
        elif event in OPENS:
            skip_value(events, event)
        else:
            header.fields[key] = value
    if not found:
        yield "chat", header
        yield "end", None


def _chat_messages(events: Iterator[Event], header: _Header, event: str) -> Iterator[tuple[str, Any]]:
    header.messages = event == "start_array"
    if not header.messages:
        header.not_a_list = True
        skip_value(events, event)
    yield "chat", header
    if header.messages:
        for event, value in json_items(events):
            yield "message", build_value(events, event, value)
    yield "end", None


class TelegramParser(Parser):
    NAME = "telegram"
    PLATFORM = PLATFORM
    LABEL = "Telegram Desktop export (result.json: one chat or the whole account)"
    HOW_TO_EXPORT = (
        "In Telegram Desktop open the chat, click the three dots > Export chat history, choose "
        "'Machine-readable JSON' (tick photos and files if you can), and give takeback the "
        "folder it makes."
    )

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        text = head_text(head).lstrip()
        if not text.startswith("{"):
            return False
        if '"messages"' in text and _SNIFF_MARKERS.search(text):
            return True
        # A whole-account export starts with the owner's details; its chats may be far below.
        return '"personal_information"' in text and '"about"' in text and '"user_id"' in text

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        if source.size == 0:
            raise CorruptInput("the file is empty", source.display)
        record = source.source(self.NAME)
        with source.open() as raw:
            reader = Utf8Reader(raw, source.head())
            events = json_events(reader)
            open_object(events, source.display, "Telegram export")
            walk = _Walk(iter(()))
            walk.parts = _walk(events, walk)
            try:
                walk.pending = next(walk.parts, None)
            except ijson.JSONError as error:
                raise CorruptInput(
                    f"not a readable Telegram export: the file is {json_break(error, reader)} "
                    "before the first chat",
                    source.display,
                ) from None
            if not walk.chats_seen:
                raise CorruptInput('not a Telegram export (no "messages" or "chats")', source.display)
            while walk.pending is not None:
                header: _Header = walk.pending[1]
                conversation = ConversationStream(source=record, platform=PLATFORM, title=header.title)
                chat = _Chat(source, options, conversation, walk.people, header)
                messages = _InOrder(_messages(walk, reader, chat))
                conversation.messages = messages
                yield conversation
                messages.pass_over()


def _messages(walk: _Walk, reader: Utf8Reader, chat: _Chat) -> Iterator[Message]:
    if chat.header.label:
        yield from _read_messages(walk.parts, walk, reader, chat)
        return
    # The one chat of a one-chat export: a second pass through ijson's C item builder
    # reads it about twice as fast as building each message from parse events.
    walk.pending = None
    with chat.source.open() as raw:
        fast = Utf8Reader(raw, chat.source.head())
        items = ijson.items(fast, "messages.item", use_float=True)
        yield from _read_messages((("message", item) for item in items), None, fast, chat)


def _read_messages(parts: Iterator[tuple[str, Any]], walk: _Walk | None, reader: Utf8Reader,
                   chat: _Chat) -> Iterator[Message]:
    """Messages until the chat's list ends; then, in the shared pass of a whole-account export
    (``walk``), it reads ahead to the next chat, so that a break in the file after this chat
    is reported here."""
    warnings = chat.conversation.warnings
    index = 0
    inside = chat.header.messages
    try:
        for kind, value in parts:
            if kind == "end":
                inside = False
                break
            yield chat.message(value, index)
            index += 1
        if walk is not None:
            walk.pending = next(walk.parts, None)
    except ijson.JSONError as error:
        where = f"{chat.path}[{index}]" if inside else f"the end of {chat.header.path}"
        warnings.append(json_problem(error, reader, chat.source.display, where))
        if walk is not None:
            walk.pending = None
    warnings.extend(reader.notes(chat.source.display))
    chat.finish()


PARSERS.register(TelegramParser())
