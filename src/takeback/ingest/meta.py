"""Instagram and Facebook Messenger: Meta's "Download your information" message exports.

Both apps write the same files: one folder per conversation under
``messages/inbox/`` holding ``message_1.json``, ``message_2.json`` ... (or
``message_1.html`` ... when HTML was chosen), newest message first, with the
photos, videos and audio beside them. One reader serves two parser names,
``instagram`` and ``messenger``. Which app a file came from is decided per file
from the export's own folder names (``your_instagram_activity`` against
``your_facebook_activity`` / ``your_activity_across_facebook``) in its path and
in the media paths inside it, then from the words "instagram", "facebook" or
"messenger" in its path; with no evidence it is read as Messenger and a warning
says so. ``--format instagram`` or ``--format messenger`` decides it outright.

Meta writes the UTF-8 bytes of every non-ASCII character as separate ``\\u00xx``
escapes, so "é" arrives as "Ã©" and emoji as "ðŸ˜€"; :func:`repair` undoes that
on every string without damaging one that was written correctly.

Messages come out oldest first. Their ids are their index as written (``m0``
is the newest in the file), so they stay stable; a reaction becomes its own
system message (``m3.r0``, from the person who reacted, replying to ``m3``).
A shared link is kept in the text as a line ``[shared link: URL]`` so that it
can be found and checked later.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from takeback.errors import CorruptInput, UnsafeInput
from takeback.ingest.base import PARSERS, Parser, ReadOptions
from takeback.ingest.encoding import decode, epoch_ms_to_utc, epoch_to_utc, head_text, local_to_utc
from takeback.ingest.inputs import Input, guess_media_type
from takeback.ingest.meta_html import Block, Page, parse_time, read_page
from takeback.model import Attachment, ConversationStream, Message, Participant

INSTAGRAM = "instagram"
MESSENGER = "messenger"

_IG_FOLDERS = ("your_instagram_activity",)
_FB_FOLDERS = ("your_facebook_activity", "your_activity_across_facebook")
_IG_WORDS = ("instagram",)
_FB_WORDS = ("facebook", "messenger")
_IG_LINKS = ("ig.me/",)
_FB_LINKS = ("m.me/",)

_JSON_KEY = re.compile(r'"(sender_name|timestamp_ms|participants|thread_path|messages)"\s*:')
_JSON_PARTICIPANTS_FIRST = re.compile(r'\s*\{\s*"participants"\s*:\s*\[\s*\{\s*"name"\s*:')
_HTML_NAME = re.compile(r"^message_\d+\.html?$", re.IGNORECASE)
_HTML_MARKERS = ("uiBoxWhite", "_a6-g", "_a6-p", "_2lej", "_2let", "_3-96")
_MEDIA_LISTS = (
    ("photos", None),
    ("videos", None),
    ("audio_files", "audio"),
    ("gifs", None),
    ("files", None),
)
_MEMBERSHIP = ("Subscribe", "Unsubscribe")
_EXPORT_DEPTH = 6  # export root/your_instagram_activity/messages/inbox/thread/message_1.json
_MAX_WARNINGS = 20  # detailed warnings per file; the rest are counted in one line


def repair(text: str) -> str:
    """Undo Meta's escaping of UTF-8 bytes as Latin-1 characters.

    A string that is all Latin-1 and whose bytes are valid UTF-8 was written
    byte by byte, and is decoded; any other string is returned unchanged, so
    a correctly written "Café" or "😀" is never damaged.
    """
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


# --- sniffing and telling the apps apart ---------------------------------------------------


def _is_meta_json(text: str) -> bool:
    if not text.lstrip().startswith("{"):
        return False
    keys = set(_JSON_KEY.findall(text))
    return (
        {"sender_name", "timestamp_ms"} <= keys
        or ("thread_path" in keys and bool(keys & {"participants", "messages"}))
        or bool(_JSON_PARTICIPANTS_FIRST.match(text))
    )


def _is_meta_html(text: str, name: str) -> bool:
    lowered = text.lstrip()[:512].lower()
    return (
        bool(_HTML_NAME.match(name))
        and (lowered.startswith("<!doctype html") or lowered.startswith("<html"))
        and any(marker in text for marker in _HTML_MARKERS)
    )


def _is_meta(head: bytes, name: str) -> bool:
    text = head_text(head)
    return _is_meta_json(text) or _is_meta_html(text, name)


def _evidence(text: str, instagram: Iterable[str], messenger: Iterable[str]) -> str | None:
    lowered = text.lower().replace("\\", "/")
    ig = any(marker in lowered for marker in instagram)
    fb = any(marker in lowered for marker in messenger)
    if ig == fb:
        return None
    return INSTAGRAM if ig else MESSENGER


def export_path(source: Input) -> str:
    """The part of a file's path that belongs to the export: the zip's name and the member,
    or the last few folders on disk (not the person's own folder names above them)."""
    folders = source.path.replace("\\", "/").split("/")
    if source.member:
        return f"{folders[-1]}/{source.member}"
    return "/".join(folders[-_EXPORT_DEPTH:])


def platform_of(path: str, references: Iterable[str], links: Iterable[str]) -> str | None:
    """Which app an export file came from, or None when nothing tells.

    The export's folder names are the surest sign (in the file's path within
    the export, then in the media paths it refers to), then a group's invite
    link, then the app's name in the path (``instagram-name-2024-01-01.zip``).
    """
    found = _evidence(path, _IG_FOLDERS, _FB_FOLDERS)
    if found:
        return found
    votes = {_evidence(reference, _IG_FOLDERS, _FB_FOLDERS) for reference in references} - {None}
    if len(votes) == 1:
        return votes.pop()
    votes = {_evidence(link, _IG_LINKS, _FB_LINKS) for link in links} - {None}
    if len(votes) == 1:
        return votes.pop()
    return _evidence(path, _IG_WORDS, _FB_WORDS)


# --- shared by the JSON and HTML readers ---------------------------------------------------


@dataclass
class _Context:
    """One file being read: where warnings go, and how many have been written."""

    source: Input
    conversation: ConversationStream
    problems: int = 0

    def warn(self, where: str, problem: str) -> None:
        self.problems += 1
        if self.problems <= _MAX_WARNINGS:
            self.conversation.warnings.append(f"{self.source.display}: {where}: {problem}")

    def finish(self) -> None:
        if self.problems > _MAX_WARNINGS:
            self.conversation.warnings.append(
                f"{self.source.display}: {self.problems - _MAX_WARNINGS} more records "
                "could not be fully read"
            )

    def person(self, name: str | None) -> None:
        if name:
            self.conversation.add_participant(Participant(name=name))

    def attachment(self, reference: str, kind: str | None = None) -> Attachment:
        """The file a message refers to, hashed where it lies.

        Meta writes media paths from the export's root. When the export's
        root cannot be reached (a single message file named on its own), the
        path is also tried from the conversation's own folder.
        """
        media_type = guess_media_type(reference)
        if kind == "audio" and media_type and media_type.startswith("video/"):
            media_type = "audio/" + media_type.split("/", 1)[1]  # voice notes are written as .mp4
        found = self.source.attachment(reference, media_type)
        if found.present:
            return found
        parts = reference.replace("\\", "/").strip().split("/")
        folder = (self.source.member or self.source.path).replace("\\", "/").split("/")[-2:-1]
        for cut in range(len(parts) - 2, 0, -1):
            if parts[cut - 1 : cut] == folder:
                tail = self.source.attachment("/".join(parts[cut:]), media_type)
                if tail.present:
                    return replace(tail, name=found.name)
        return found


def _oldest_first(messages: list[list[Message]]) -> Iterator[Message]:
    """Meta writes the newest message first; a file written the other way is left as it is."""
    dated = [group[0].timestamp for group in messages if group and group[0].timestamp]
    groups = reversed(messages) if len(dated) < 2 or dated[0] >= dated[-1] else iter(messages)
    for group in groups:
        yield from group


def _reaction_message(
    parent: str, number: int, location: str, emoji: str, actor: str | None,
    timestamp: datetime | None, time_text: str | None, corrupt: bool = False,
) -> Message:
    return Message(
        id=f"{parent}.r{number}",
        sender=actor,
        timestamp=timestamp,
        time_text=time_text,
        text=emoji,
        reply_to=parent,
        system=True,
        corrupt=corrupt,
        location=location,
    )


def _read_whole(source: Input, options: ReadOptions) -> bytes:
    limit = options.max_document_bytes
    too_big = UnsafeInput(
        f"file is larger than the limit of {limit} bytes for a document read whole", source.display
    )
    if source.size > limit:
        raise too_big
    with source.open() as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_big
    return data


# --- JSON ----------------------------------------------------------------------------------


@dataclass
class _Fields:
    """Reads one JSON record's fields, naming each that has an unexpected type."""

    record: dict[str, Any]
    prefix: str = ""
    problems: list[str] = field(default_factory=list)

    def wrong(self, key: str) -> None:
        self.problems.append(self.prefix + key)

    def text(self, key: str) -> str | None:
        value = self.record.get(key)
        if value is None or isinstance(value, str):
            return repair(value) if value else value
        self.wrong(key)
        return None

    def number(self, key: str) -> int | None:
        value = self.record.get(key)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return int(value)
        self.wrong(key)
        return None

    def flag(self, key: str) -> bool:
        value = self.record.get(key, False)
        if isinstance(value, bool):
            return value
        self.wrong(key)
        return False

    def mapping(self, key: str) -> _Fields | None:
        value = self.record.get(key)
        if value is None:
            return None
        if isinstance(value, dict):
            return _Fields(value, f"{self.prefix}{key}.", self.problems)
        self.wrong(key)
        return None

    def mappings(self, key: str) -> list[_Fields]:
        value = self.record.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.wrong(key)
            return []
        found = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                found.append(_Fields(item, f"{self.prefix}{key}[{index}].", self.problems))
            else:
                self.wrong(f"{key}[{index}]")
        return found


@dataclass(frozen=True, slots=True)
class _Damaged:
    """A record that does not decode: its raw text, to read a sender and a time from."""

    text: str


@dataclass
class _JsonThread:
    document: dict[str, Any]
    messages: list[Any]  # decoded records, and _Damaged ones in a damaged file
    warnings: list[str]


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[\s,]*")
_NEXT_RECORD = re.compile(r'\{\s*"sender_name"\s*:')
_MAX_DAMAGED = 1 << 16  # characters of a damaged record kept to read its sender and time from


def _value_after(text: str, key: str, start: int = 0, end: int | None = None) -> Any:
    """The JSON value of the first ``"key":`` in ``text[start:end]``, or None if unreadable."""
    pattern = re.compile(r'(?<!\\)"' + re.escape(key) + r'"\s*:\s*')
    found = pattern.search(text, start, len(text) if end is None else end)
    if found is None:
        return None
    try:
        return _DECODER.raw_decode(text, found.end())[0]
    except (ValueError, RecursionError):
        return None


def _salvage(text: str, where: str) -> _JsonThread | None:
    """The records of a damaged file: each message that still decodes, in order.

    A record that does not decode is skipped to the next one that starts like
    a message; a file cut short keeps everything before the cut.
    """
    start = re.search(r'(?<!\\)"messages"\s*:\s*\[', text)
    if start is None:
        return None
    messages: list[Any] = []
    lost = 0
    cut = False
    position = start.end()
    closed = False
    while True:
        space = _SPACE.match(text, position)
        position = space.end() if space else position
        if position >= len(text):
            break
        if text[position] == "]":
            closed = True
            position += 1
            break
        try:
            record, position = _DECODER.raw_decode(text, position)
            messages.append(record)
        except (ValueError, RecursionError):
            following = _NEXT_RECORD.search(text, position + 1)
            if following is None:
                if text[position] == "{":
                    messages.append(_Damaged(text[position : position + _MAX_DAMAGED]))
                    cut = True
                break
            # Kept in place, so the indexes of the records after it stay true.
            messages.append(_Damaged(text[position : min(following.start(), position + _MAX_DAMAGED)]))
            lost += 1
            position = following.start()
    document: dict[str, Any] = {}
    participants = _value_after(text, "participants", 0, start.start())
    if participants is not None:
        document["participants"] = participants
    if closed:
        for key in ("title", "thread_path"):
            value = _value_after(text, key, position)
            if value is not None:
                document[key] = value
    if not messages:
        return None
    whole = sum(not isinstance(m, _Damaged) for m in messages)
    warnings = [f"{where}: the file is damaged or cut short; {whole} messages were read whole"]
    if lost:
        warnings.append(f"{where}: {lost} damaged records in the middle of the file were only partly read")
    if cut:
        warnings.append(f"{where}: the file ends in the middle of a message; older messages are missing")
    return _JsonThread(document, messages, warnings)


def _load_json(source: Input, options: ReadOptions) -> _JsonThread:
    data = _read_whole(source, options)
    warnings: list[str] = []
    text = decode(data, warnings, source.display)
    try:
        document = json.loads(text)
    except RecursionError:
        raise CorruptInput("JSON is nested too deeply to read", source.display) from None
    except json.JSONDecodeError as error:
        salvaged = _salvage(text, source.display)
        if salvaged is None:
            raise CorruptInput(
                f"not readable JSON ({error.msg} at line {error.lineno}) and no message could be saved",
                source.display,
            ) from None
        salvaged.warnings[:0] = warnings
        return salvaged
    if not isinstance(document, dict):
        raise CorruptInput("not a Meta message export: the JSON is not an object", source.display)
    messages = document.get("messages")
    if not isinstance(messages, list):
        raise CorruptInput("not a Meta message export: no 'messages' list", source.display)
    if messages and not any(
        isinstance(m, dict) and ("sender_name" in m or "timestamp_ms" in m) for m in messages
    ):
        raise CorruptInput(
            "not a Meta message export: no message has sender_name or timestamp_ms", source.display
        )
    return _JsonThread(document, messages, warnings)


def _json_references(thread: _JsonThread) -> tuple[list[str], list[str]]:
    """Media paths and invite links in a thread, for telling Instagram from Messenger."""
    references: list[str] = []
    for record in thread.messages:
        if not isinstance(record, dict):
            continue
        for key, _ in _MEDIA_LISTS:
            items = record.get(key)
            if isinstance(items, list):
                references.extend(
                    i["uri"] for i in items if isinstance(i, dict) and isinstance(i.get("uri"), str)
                )
        sticker = record.get("sticker")
        if isinstance(sticker, dict) and isinstance(sticker.get("uri"), str):
            references.append(sticker["uri"])
    image = thread.document.get("image")
    if isinstance(image, dict) and isinstance(image.get("uri"), str):
        references.append(image["uri"])
    links = []
    joinable = thread.document.get("joinable_mode")
    if isinstance(joinable, dict) and isinstance(joinable.get("link"), str):
        links.append(joinable["link"])
    return references, links


def _json_title(document: dict[str, Any]) -> str | None:
    title = document.get("title")
    if isinstance(title, str) and title.strip():
        return repair(title)
    path = document.get("thread_path")
    if isinstance(path, str) and path.strip("/"):
        return repair(path.strip("/").rsplit("/", 1)[-1])
    return None


def _json_messages(thread: _JsonThread, context: _Context) -> Iterator[Message]:
    participants = thread.document.get("participants", [])
    if not isinstance(participants, list):
        context.warn("$.participants", "not a list; participants are taken from the messages")
        participants = []
    for index, person in enumerate(participants):
        name = person.get("name") if isinstance(person, dict) else person
        if isinstance(name, str) and name:
            context.person(repair(name))
        else:
            context.warn(f"$.participants[{index}]", "no readable name")
    groups = [_json_record(index, record, context) for index, record in enumerate(thread.messages)]
    yield from _oldest_first(groups)
    context.finish()


def _damaged_record(index: int, damaged: _Damaged) -> Message:
    """What can be read of a record that does not decode: its sender and time, if whole."""
    sender = _value_after(damaged.text, "sender_name")
    milliseconds = _value_after(damaged.text, "timestamp_ms")
    timestamp = None
    if isinstance(milliseconds, int) and not isinstance(milliseconds, bool):
        try:
            timestamp = epoch_ms_to_utc(milliseconds)
        except OverflowError:
            timestamp = None
    return Message(
        id=f"m{index}",
        sender=repair(sender) if isinstance(sender, str) else None,
        timestamp=timestamp,
        time_text=str(milliseconds) if timestamp else None,
        text="",
        corrupt=True,
        location=f"$.messages[{index}]",
    )


def _json_record(index: int, record: Any, context: _Context) -> list[Message]:
    ident = f"m{index}"
    where = f"$.messages[{index}]"
    if isinstance(record, _Damaged):
        context.warn(where, "damaged record; only its sender and time were read, where whole")
        return [_damaged_record(index, record)]
    if not isinstance(record, dict):
        context.warn(where, "not a message object")
        return [Message(id=ident, sender=None, timestamp=None, text="", corrupt=True, location=where)]
    fields = _Fields(record)
    missing = [key for key in ("sender_name", "timestamp_ms") if key not in record]
    sender = fields.text("sender_name") or None
    context.person(sender)
    timestamp, time_text = _epoch_ms(fields, "timestamp_ms")

    lines = [content] if (content := fields.text("content")) else []
    share = fields.mapping("share")
    if share is not None:
        link, share_text = share.text("link"), share.text("share_text")
        owner = share.text("original_content_owner")
        if link:
            lines.append(f"[shared link: {link}]")
        if share_text and share_text != content:
            lines.append(f"[shared text: {share_text}]")
        if owner:
            lines.append(f"[shared from: {owner}]")
    kind = fields.text("type")
    duration = fields.number("call_duration")
    call = duration is not None or kind == "Call"
    missed = fields.flag("missed")
    if call:
        lines.append("[missed call]" if missed else
                     f"[call: {duration} seconds]" if duration is not None else "[call]")

    attachments = []
    for key, media in _MEDIA_LISTS:
        for item in fields.mappings(key):
            uri = item.text("uri")
            if uri:
                attachments.append(context.attachment(uri, media))
            elif not item.record.get("uri"):  # a uri of the wrong type is already named
                item.wrong("uri")
    sticker = fields.mapping("sticker")
    if sticker is not None and (uri := sticker.text("uri")):
        attachments.append(context.attachment(uri))
    users = fields.mappings("users")
    for user in users:
        context.person(user.text("name"))
    unsent = fields.flag("is_unsent")
    text = "\n".join(lines)
    reactions = _json_reactions(ident, where, fields, context)

    problems = missing + fields.problems
    if problems:
        context.warn(where, f"missing or unexpected {', '.join(problems)}; kept what could be read")
    message = Message(
        id=ident,
        sender=sender,
        timestamp=timestamp,
        time_text=time_text,
        text=text,
        attachments=tuple(attachments),
        deleted=unsent,
        system=kind in _MEMBERSHIP or bool(users) or call or not (text or attachments or unsent),
        corrupt=bool(problems),
        location=where,
    )
    return [message, *reactions]


def _epoch_ms(fields: _Fields, key: str) -> tuple[datetime | None, str | None]:
    milliseconds = fields.number(key)
    if milliseconds is None:
        return None, None
    try:
        return epoch_ms_to_utc(milliseconds), str(fields.record[key])
    except OverflowError:
        fields.wrong(key)
        return None, str(fields.record[key])


def _json_reactions(parent: str, where: str, fields: _Fields, context: _Context) -> list[Message]:
    """Each reaction as its own message; a bad one is marked, not the message it reacts to."""
    raw = fields.record.get("reactions")
    if raw is None:
        return []
    if not isinstance(raw, list):
        fields.wrong("reactions")
        return []
    reactions = []
    for number, item in enumerate(raw):
        location = f"{where}.reactions[{number}]"
        if not isinstance(item, dict):
            context.warn(location, "not a reaction object")
            reactions.append(_reaction_message(parent, number, location, "", None, None, None, True))
            continue
        reaction = _Fields(item)
        emoji, actor = reaction.text("reaction") or "", reaction.text("actor")
        context.person(actor)
        seconds = reaction.number("timestamp")
        timestamp = None
        if seconds is not None:
            try:
                timestamp = epoch_to_utc(seconds)
            except OverflowError:
                reaction.wrong("timestamp")
        if reaction.problems:
            context.warn(location, f"unexpected {', '.join(reaction.problems)}; kept what could be read")
        reactions.append(
            _reaction_message(
                parent, number, location, emoji, actor, timestamp,
                str(item["timestamp"]) if seconds is not None else None,
                corrupt=bool(reaction.problems),
            )
        )
    return reactions


# --- HTML ----------------------------------------------------------------------------------


def _load_html(source: Input, options: ReadOptions) -> tuple[Page, list[str]]:
    warnings: list[str] = []
    text = decode(_read_whole(source, options), warnings, source.display)
    page = read_page(text)
    if not page.blocks:
        raise CorruptInput(
            "no messages found: not a Meta message page, or a page layout takeback does not know",
            source.display,
        )
    return page, warnings


def _html_messages(page: Page, context: _Context, options: ReadOptions) -> Iterator[Message]:
    for name in page.participants:
        context.person(name)
    groups = [_html_block(index, block, context, options) for index, block in enumerate(page.blocks)]
    unread = sum(block.time is None for block in page.blocks)
    if unread:
        context.conversation.warnings.append(
            f"{context.source.display}: {unread} message times are in a format takeback does not "
            "know; they are kept as written, with no timestamp"
        )
    yield from _oldest_first(groups)
    context.finish()


def _html_block(index: int, block: Block, context: _Context, options: ReadOptions) -> list[Message]:
    ident = f"m{index}"
    where = f"line {block.line}"
    sender = block.sender or None
    context.person(sender)
    lines = [block.text] if block.text else []
    lines.extend(f"[shared link: {link}]" for link in block.links)
    attachments = tuple(
        context.attachment(reference, "audio" if "/audio/" in reference else None)
        for reference, _ in block.media
    )
    text = "\n".join(lines)
    message = Message(
        id=ident,
        sender=sender,
        timestamp=local_to_utc(block.time, options.timezone) if block.time else None,
        time_text=block.time_text,
        text=text,
        attachments=attachments,
        system=not (text or attachments),
        location=where,
    )
    reactions = []
    for number, reaction in enumerate(block.reactions):
        context.person(reaction.actor)
        naive = parse_time(reaction.time_text) if reaction.time_text else None
        reactions.append(
            _reaction_message(
                ident, number, where, reaction.emoji, reaction.actor or None,
                local_to_utc(naive, options.timezone) if naive else None, reaction.time_text,
            )
        )
    return [message, *reactions]


# --- the parsers ---------------------------------------------------------------------------


class _MetaParser(Parser):
    """The reader both names share; a subclass says which app it stands for."""

    PRIORITY = 40

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        head = head_text(source.head()).lstrip()
        thread: _JsonThread | None = None
        page: Page | None = None
        if head.startswith("{"):
            thread = _load_json(source, options)
            references, links = _json_references(thread)
            title = _json_title(thread.document)
            warnings = thread.warnings
        elif head.startswith("<"):
            page, warnings = _load_html(source, options)
            references, links, title = page.references, [], page.title
        else:
            raise CorruptInput("not a Meta message export (neither JSON nor HTML)", source.display)

        platform = self.PLATFORM if options.format == self.NAME else platform_of(
            export_path(source), references, links
        )
        if platform is None:
            platform = MESSENGER
            warnings.append(
                f"{source.display}: nothing shows whether this came from Instagram or Facebook "
                "Messenger; read as Messenger (use --format instagram if it came from Instagram)"
            )
        conversation = ConversationStream(
            source=source.source(platform), platform=platform, title=title, warnings=warnings
        )
        context = _Context(source, conversation)
        if thread is not None:
            conversation.messages = _json_messages(thread, context)
        elif page is not None:
            conversation.timezone = options.timezone.key
            conversation.messages = _html_messages(page, context, options)
        yield conversation


class InstagramParser(_MetaParser):
    NAME = INSTAGRAM
    PLATFORM = INSTAGRAM
    LABEL = "Instagram messages ('Download your information': message_1.json or message_1.html)"
    HOW_TO_EXPORT = (
        "In Instagram: Settings > Accounts Centre > Your information and permissions > Download your "
        "information; choose Messages, format JSON, date range All time. Give takeback the whole .zip."
    )

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        if not _is_meta(head, name):
            return False
        return _evidence(head_text(head), _IG_FOLDERS + _IG_LINKS, _FB_FOLDERS + _FB_LINKS) == INSTAGRAM


class MessengerParser(_MetaParser):
    NAME = MESSENGER
    PLATFORM = MESSENGER
    LABEL = "Facebook Messenger messages ('Download your information': message_1.json or .html)"
    HOW_TO_EXPORT = (
        "On Facebook: Settings & privacy > Settings > Accounts Centre > Your information and permissions "
        "> Download your information; choose Messages, format JSON, date range All time. Give takeback "
        "the whole .zip."
    )
    PRIORITY = 41  # after Instagram, which claims only the files that show they are its own

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        return _is_meta(head, name)


PARSERS.register(InstagramParser())
PARSERS.register(MessengerParser())
