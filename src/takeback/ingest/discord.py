"""Discord channels and direct messages saved with DiscordChatExporter (Tyrrrz).

Discord itself gives a person no chat export, so people (and moderators) use
DiscordChatExporter. Two of its formats are read:

- JSON (``discord``): one document per channel or thread, ``guild`` and
  ``channel`` first, then ``messages``, then ``messageCount``. It is streamed
  with ijson, so a channel of millions of messages needs little memory, and a
  file cut short still gives every message before the cut.
- CSV (``discord-csv``): ``AuthorID,Author,Date,Content,Attachments,Reactions``.
  Its dates are written in the exporting computer's own style and zone, so
  they are read as local times (see :func:`_parse_csv_date`).

Discord ids (snowflakes) are kept: message ids, author ids, reply targets.
Attachments that were downloaded with the export (``--media``) are hashed
where they lie; remote ones are never fetched: the URL is kept as the
attachment's name, with the size the export declares.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, BinaryIO

import ijson

from takeback.errors import CorruptInput, TakebackError
from takeback.ingest.base import PARSERS, Parser, ReadOptions
from takeback.ingest.encoding import head_text, local_to_utc, open_text
from takeback.ingest.inputs import Input, guess_media_type
from takeback.model import Attachment, ConversationStream, Message, Participant

PLATFORM = "discord"

# Discord's notices (message types 1 to 18). The exporter writes the types it
# knows by name and the others as their number; anything else (Default, Reply,
# slash-command answers ...) is someone writing, and is read as such.
_NOTICE_TYPES = frozenset({
    "RecipientAdd", "RecipientRemove", "Call", "ChannelNameChange", "ChannelIconChange",
    "ChannelPinnedMessage", "GuildMemberJoin", "ThreadCreated",
})
_REMOTE = ("http://", "https://")


# --- shared: times, attachments, people --------------------------------------------------


def _aware_or_local(
    value: datetime, options: ReadOptions, conversation: ConversationStream
) -> datetime:
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    conversation.timezone = options.timezone.key
    return local_to_utc(value, options.timezone)


def _iso_time(
    text: str, options: ReadOptions, conversation: ConversationStream
) -> datetime | None:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return _aware_or_local(value, options, conversation)


def _attachment(source: Input, reference: str, name_hint: str, size: int | None) -> Attachment:
    """A downloaded file is hashed where it lies; a remote URL is kept, never fetched."""
    media_type = guess_media_type(name_hint or reference.split("?", 1)[0])
    if reference.startswith(_REMOTE):
        name = name_hint or reference.split("?", 1)[0].rsplit("/", 1)[-1]
        return Attachment(name=name, media_type=media_type, present=False, size=size, url=reference)
    found = source.attachment(reference, media_type)
    return found if found.present or size is None else replace(found, size=size)


def _is_notice(kind: str) -> bool:
    return kind in _NOTICE_TYPES or (kind.isdigit() and 1 <= int(kind) <= 18)


def _handle(name: str, discriminator: str | None) -> str:
    # Since 2023 most accounts have no discriminator; the export writes "0000".
    if discriminator and discriminator.strip("0"):
        return f"{name}#{discriminator}"
    return name


# --- JSON ---------------------------------------------------------------------------------

_JSON_HEAD = re.compile(r'^\s*\{\s*"guild"\s*:\s*\{')
_JSON_CHANNEL = re.compile(r'"channel"\s*:\s*\{')
_JSON_MESSAGES = re.compile(r'"messages"\s*:\s*\[')
_MESSAGE_COUNT = re.compile(rb'"messageCount"\s*:\s*(\d+)\s*\}\s*$')
_TAIL_BYTES = 256


class _Reader:
    """Feeds ijson valid UTF-8 and remembers how far it got and the last bytes read.

    A stray invalid byte would stop the JSON parser and lose every message after
    it, so invalid bytes become U+FFFD (and ``replaced`` says so); a BOM is dropped.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self.position = 0
        self.tail = b""
        self.replaced = False

    def read(self, size: int = -1) -> bytes:
        out = b""
        while not out:  # an empty answer means the end to ijson: never give one early
            data = self._raw.read(size)
            self.position += len(data)
            text = self._decoder.decode(data, final=not data)
            if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
                self.replaced = True
            out = text.encode("utf-8")
            if not data:
                break
        self.tail = (self.tail + out)[-_TAIL_BYTES:]
        return out


def _read_header(source: Input) -> dict[str, Any]:
    """Everything before the ``messages`` list (guild, channel, dateRange ...)."""
    header: dict[str, Any] = {}
    not_export = CorruptInput(
        'not a DiscordChatExporter JSON export (no "messages" list)', source.display
    )
    with source.open() as raw:
        events = ijson.parse(_Reader(raw))
        try:
            if next(events, ("", "", None))[1] != "start_map":
                raise not_export
            key: str | None = None
            builder = ijson.ObjectBuilder()
            for prefix, event, value in events:
                if prefix != "" or event not in ("map_key", "end_map"):
                    builder.event(event, value)
                    continue
                if key is not None:
                    header[key] = builder.value
                if event == "end_map":
                    raise not_export
                if value == "messages":
                    if next(events, ("", "", None))[1] != "start_array":
                        raise not_export
                    return header
                key, builder = value, ijson.ObjectBuilder()
        except ijson.JSONError as error:
            raise CorruptInput(f"not valid JSON ({_json_problem(error)})", source.display) from None
    raise not_export


def _json_problem(error: Exception) -> str:
    """The parser's complaint without the excerpt of the file it quotes (message text)."""
    detail = error.args[0] if error.args else ""
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", errors="replace")
    first = str(detail).strip().splitlines()[0] if str(detail).strip() else ""
    return first[:80] or type(error).__name__


def _text_of(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _scalar_text(value: Any) -> str | None:
    """A number where text was expected, kept as written."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _title(header: dict[str, Any]) -> str | None:
    guild, channel = _mapping(header.get("guild")), _mapping(header.get("channel"))
    parts = [_text_of(guild.get("name")), _text_of(channel.get("category")),
             _text_of(channel.get("name"))]
    return " / ".join(p for p in parts if p) or None


class _JsonMessages:
    """Turns the exporter's message objects into messages, noting what did not fit."""

    def __init__(self, source: Input, options: ReadOptions, conversation: ConversationStream) -> None:
        self.source = source
        self.options = options
        self.conversation = conversation
        self.authors: set[str] = set()

    def message(self, raw: Any, index: int) -> Message:
        where = f"$.messages[{index}]"
        if not isinstance(raw, dict):
            self._warn(where, "is not an object")
            return Message(id=where, sender=None, timestamp=None, text="", corrupt=True,
                           location=where)
        problems: list[str] = []
        message_id = raw.get("id")
        if isinstance(message_id, int) and not isinstance(message_id, bool):
            message_id = str(message_id)
        if not isinstance(message_id, str) or not message_id:
            problems.append("id")
            message_id = where
        kind = raw.get("type", "Default")
        if not isinstance(kind, str):
            problems.append("type")
            kind = "Default"
        written = raw.get("timestamp")
        time_text = written if isinstance(written, str) else _scalar_text(written)
        timestamp = None
        if isinstance(written, str):
            timestamp = _iso_time(written, self.options, self.conversation)
        if timestamp is None:
            problems.append("timestamp")
        lines: list[str] = []
        content = raw.get("content", "")
        if isinstance(content, str):
            if content:
                lines.append(content)
        else:
            problems.append("content")
        attachments: list[Attachment] = []
        self._extras(raw, lines, attachments, problems, "")
        forwarded = raw.get("forwardedMessage")
        if isinstance(forwarded, dict):
            lines.append("[forwarded message]")
            forwarded_text = forwarded.get("content")
            if isinstance(forwarded_text, str) and forwarded_text:
                lines.append(forwarded_text)
            self._extras(forwarded, lines, attachments, problems, "forwardedMessage.")
        elif forwarded is not None:
            problems.append("forwardedMessage")
        reply_to = None
        reference = raw.get("reference")
        if isinstance(reference, dict):
            target = reference.get("messageId")
            if isinstance(target, int) and not isinstance(target, bool):
                target = str(target)
            if isinstance(target, str) and target:
                reply_to = target
        elif reference is not None:
            problems.append("reference")
        edited = raw.get("timestampEdited")
        if edited is not None and not isinstance(edited, str):
            problems.append("timestampEdited")
        sender = self._author(raw.get("author"), problems)
        if problems:
            self._warn(where, "has unexpected values in " + ", ".join(problems))
        return Message(
            id=message_id,
            sender=sender,
            timestamp=timestamp,
            text="\n".join(lines),
            time_text=time_text,
            attachments=tuple(attachments),
            reply_to=reply_to,
            edited=isinstance(edited, str) and bool(edited),
            system=_is_notice(kind),
            corrupt=bool(problems),
            location=where,
        )

    def _author(self, author: Any, problems: list[str]) -> str | None:
        if not isinstance(author, dict):
            problems.append("author")
            return author if isinstance(author, str) and author else None
        name = _text_of(author.get("name"))
        nickname = _text_of(author.get("nickname"))
        sender = nickname or name
        if sender is None:
            problems.append("author.name")
            return None
        author_id = author.get("id")
        account_id = str(author_id) if isinstance(author_id, str | int) and author_id != "" else None
        key = account_id or sender
        if key not in self.authors:
            self.authors.add(key)
            handle = _handle(name, _text_of(author.get("discriminator"))) if name else None
            self.conversation.add_participant(
                Participant(name=sender, account_id=account_id, handle=handle)
            )
        return sender

    def _extras(self, raw: dict[str, Any], lines: list[str], attachments: list[Attachment],
                problems: list[str], path: str) -> None:
        """Attachments, stickers and embeds of a message (or of a message it forwards)."""
        for item in self._list(raw, "attachments", problems, path):
            reference = _text_of(item.get("url")) or _text_of(item.get("fileName"))
            if reference is None:
                problems.append(f"{path}attachments")
                continue
            size = item.get("fileSizeBytes")
            declared = size if isinstance(size, int) and not isinstance(size, bool) else None
            attachments.append(
                _attachment(self.source, reference, _text_of(item.get("fileName")) or "", declared)
            )
        for item in self._list(raw, "stickers", problems, path):
            lines.append(f"[sticker] {_text_of(item.get('name')) or ''}".rstrip())
            reference = _text_of(item.get("sourceUrl"))
            if reference:
                attachments.append(_attachment(self.source, reference, "", None))
        for item in self._list(raw, "embeds", problems, path):
            lines.extend(_embed_lines(item))

    def _list(self, raw: dict[str, Any], key: str, problems: list[str],
              path: str) -> list[dict[str, Any]]:
        value = raw.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            problems.append(path + key)
            return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
        return value

    def _warn(self, where: str, problem: str) -> None:
        self.conversation.warnings.append(f"{self.source.display}: {where} {problem}")


def _embed_lines(embed: dict[str, Any]) -> list[str]:
    """An embed as text: a ``[embed]`` line with its title, then each part on its own line.

    Link previews and bot cards carry URLs, names and sometimes whole messages;
    keeping them as text lets identifiers in them be found and quoted.
    """
    title = _text_of(embed.get("title")) or ""
    lines = [f"[embed] {title}".rstrip()]
    author, footer = _mapping(embed.get("author")), _mapping(embed.get("footer"))
    for part in (embed.get("url"), author.get("name"), author.get("url"), embed.get("description")):
        if isinstance(part, str) and part:
            lines.append(part)
    fields = embed.get("fields")
    for field in fields if isinstance(fields, list) else []:
        if isinstance(field, dict):
            name, value = _text_of(field.get("name")) or "", _text_of(field.get("value")) or ""
            if name or value:
                lines.append(f"{name}: {value}" if name else value)
    footer_text = _text_of(footer.get("text"))
    if footer_text:
        lines.append(footer_text)
    return lines


class DiscordJsonParser(Parser):
    NAME = "discord"
    PLATFORM = PLATFORM
    LABEL = "Discord channel or DM saved with DiscordChatExporter (.json)"
    HOW_TO_EXPORT = (
        "Discord has no chat export: use DiscordChatExporter, choose the channel or "
        "direct message, and export as JSON (tick 'Download assets' to keep the images)."
    )

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        text = head_text(head)
        return bool(
            _JSON_HEAD.match(text) and _JSON_CHANNEL.search(text) and _JSON_MESSAGES.search(text)
        )

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        if not source.head().strip():
            raise CorruptInput("the file is empty", source.display)
        header = _read_header(source)
        conversation = ConversationStream(
            source=source.source(self.NAME), platform=self.PLATFORM, title=_title(header)
        )
        conversation.messages = self._messages(source, options, conversation)
        yield conversation

    def _messages(self, source: Input, options: ReadOptions,
                  conversation: ConversationStream) -> Iterator[Message]:
        messages = _JsonMessages(source, options, conversation)
        count = 0
        complete = False
        reader: _Reader | None = None
        try:
            with source.open() as raw:
                reader = _Reader(raw)
                for raw_message in ijson.items(reader, "messages.item", use_float=True):
                    yield messages.message(raw_message, count)
                    count += 1
                complete = True
        except ijson.JSONError as error:
            where = f"$.messages[{count}]"
            position = reader.position if reader is not None else 0
            conversation.warnings.append(
                f"{source.display}: {where}: the JSON is cut short or broken near byte "
                f"{position} ({_json_problem(error)}); {count} messages were read before it"
            )
            yield Message(id=where, sender=None, timestamp=None, text="", corrupt=True,
                          location=where)
        except (OSError, TakebackError) as error:
            conversation.warnings.append(f"{source.display}: reading stopped ({error})")
        if reader is not None and reader.replaced:
            conversation.warnings.append(
                f"{source.display}: some bytes were not valid UTF-8 and were replaced with \ufffd"
            )
        declared = _MESSAGE_COUNT.search(reader.tail) if complete and reader is not None else None
        if declared is not None and int(declared[1]) != count:
            conversation.warnings.append(
                f"{source.display}: $.messageCount says {int(declared[1])} messages "
                f"but {count} are in the file"
            )


# --- CSV ----------------------------------------------------------------------------------

CSV_COLUMNS = ("AuthorID", "Author", "Date", "Content", "Attachments", "Reactions")
_REQUIRED = CSV_COLUMNS[:4]

# Dates as DiscordChatExporter writes them in CSV, depending on its version and
# the computer's language: "1/6/2023 2:26 PM", "06.01.2023 14:26",
# "2023-01-06 14:26", the old default "06-Jan-23 02:26 PM", or Unix times.
_NUMERIC_DATE = re.compile(
    r"^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})\.?[,\s]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?"
    r"\s*(?:([AaPp])\.?\s?[Mm]\.?)?$"
)
_OLD_DEFAULT = re.compile(r"^\d{1,2}-[A-Za-z]{3}-\d{2,4} \d{1,2}:\d{2}(:\d{2})? ?[AaPp][Mm]$")
_UNIX = re.compile(r"^\d{9,13}$")


def _csv_line_matches(line: str) -> bool:
    try:
        row = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return False
    return tuple(cell.strip() for cell in row) == CSV_COLUMNS


def _numeric_parts(text: str, day_first: bool) -> datetime | None:
    match = _NUMERIC_DATE.match(text.strip())
    if match is None:
        return None
    first, _, second, third, hour, minute, second_of_minute, half = match.groups()
    if len(first) == 4:
        year, month, day = int(first), int(second), int(third)
    else:
        year = int(third) + (2000 if len(third) <= 2 else 0)
        day, month = (int(first), int(second)) if day_first else (int(second), int(first))
    hours = int(hour)
    if half:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if half in "Pp" else 0)
    try:
        return datetime(year, month, day, hours, int(minute), int(second_of_minute or 0))
    except ValueError:
        return None


def _parse_csv_date(text: str, day_first: bool) -> tuple[datetime | None, bool]:
    """A CSV date and whether it was exact (True) or a local time (False)."""
    value = text.strip()
    if _UNIX.match(value):
        number = int(value)
        seconds = number / 1000 if len(value) >= 12 else number
        return datetime.fromtimestamp(seconds, UTC), True
    if re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", value):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed, parsed.tzinfo is not None
    if _OLD_DEFAULT.match(value):
        compact = re.sub(r" ?([AaPp][Mm])$", r" \1", value)
        for pattern in ("%d-%b-%y %I:%M %p", "%d-%b-%Y %I:%M %p", "%d-%b-%y %I:%M:%S %p"):
            try:
                return datetime.strptime(compact, pattern), False
            except ValueError:
                continue
        return None, False
    return _numeric_parts(value, day_first), False


def _ambiguous(text: str) -> tuple[int, int, bool] | None:
    """The two leading numbers of a day/month date (and whether it has AM/PM), else None."""
    match = _NUMERIC_DATE.match(text.strip())
    if match is None or len(match[1]) == 4:
        return None
    return int(match[1]), int(match[3]), match[8] is not None


def _split_references(value: str) -> list[str]:
    """The Attachments cell: references joined with commas, which file names may also hold."""
    value = value.strip()
    if not value:
        return []
    separator = min((i for i in (value.find("/"), value.find("\\")) if i >= 0), default=-1)
    folder = value[: separator + 1] if separator >= 0 and not value.startswith(_REMOTE) else None
    references: list[str] = []
    for piece in value.split(","):
        starts = piece.startswith(_REMOTE) or (folder is not None and piece.startswith(folder))
        if references and not starts:
            references[-1] += "," + piece
        else:
            references.append(piece)
    return [reference.strip() for reference in references if reference.strip()]


class DiscordCsvParser(Parser):
    NAME = "discord-csv"
    PLATFORM = PLATFORM
    LABEL = "Discord channel or DM saved with DiscordChatExporter (.csv)"
    HOW_TO_EXPORT = (
        "Use DiscordChatExporter and export as CSV. JSON keeps more (message ids, "
        "replies, edits), so choose JSON if you can."
    )

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        first = head_text(head).split("\n", 1)[0].rstrip("\r")
        return _csv_line_matches(first)

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        head = source.head()
        if not head_text(head).strip():
            raise CorruptInput("the file is empty", source.display)
        with source.open() as raw, open_text(raw, head) as text:
            try:
                header = next(csv.reader(text), [])
            except csv.Error as error:
                raise CorruptInput(f"the CSV header cannot be read ({error})", source.display) from None
        columns = {name.strip(): index for index, name in enumerate(header)}
        for required in _REQUIRED:
            if required not in columns:
                raise CorruptInput(
                    f"not a DiscordChatExporter CSV: no {required} column", source.display
                )
        # DiscordChatExporter names the file "Server - Category - channel [id].csv".
        title = source.name[:-4] if source.name.lower().endswith(".csv") else source.name
        conversation = ConversationStream(
            source=source.source(self.NAME), platform=self.PLATFORM, title=title or None
        )
        conversation.messages = self._messages(source, options, conversation, columns, len(header))
        yield conversation

    def _messages(self, source: Input, options: ReadOptions, conversation: ConversationStream,
                  columns: dict[str, int], width: int) -> Iterator[Message]:
        rows = _CsvRows(source, options, conversation, columns)
        try:
            with source.open() as raw, open_text(raw, source.head()) as text:
                reader = csv.reader(text)
                next(reader, None)
                line = reader.line_num + 1
                while True:
                    try:
                        row = next(reader)
                    except StopIteration:
                        break
                    except csv.Error as error:
                        conversation.warnings.append(
                            f"{source.display}: line {line}: the row cannot be read ({error})"
                        )
                        yield Message(id=f"L{line}", sender=None, timestamp=None, text="",
                                      corrupt=True, location=f"line {line}")
                        line = reader.line_num + 1
                        continue
                    start, line = line, reader.line_num + 1
                    if not row:
                        continue
                    if len(row) != width:
                        conversation.warnings.append(
                            f"{source.display}: line {start}: {len(row)} columns where the "
                            f"header has {width}; what is there is kept"
                        )
                    yield rows.message(_fit(row, width, columns), start, corrupt=len(row) != width)
        except (OSError, TakebackError) as error:
            conversation.warnings.append(f"{source.display}: reading stopped ({error})")
        if rows.unread_dates:
            count = len(rows.unread_dates)
            conversation.warnings.append(
                f"{source.display}: {count} date{'s are' if count > 1 else ' is'} in a style "
                f"takeback does not know (first on line {rows.unread_dates[0]}); "
                f"{'those messages have' if count > 1 else 'that message has'} no time"
            )


def _fit(row: list[str], width: int, columns: dict[str, int]) -> list[str]:
    """A row with too many cells most likely had unquoted commas in its text: rejoin them there."""
    content = columns["Content"]
    extra = len(row) - width
    if extra <= 0 or content >= len(row):
        return row
    return [*row[:content], ",".join(row[content:content + extra + 1]), *row[content + extra + 1:]]


class _CsvRows:
    """Turns CSV rows into messages; remembers the people seen and the dates not understood."""

    def __init__(self, source: Input, options: ReadOptions, conversation: ConversationStream,
                 columns: dict[str, int]) -> None:
        self.source = source
        self.options = options
        self.conversation = conversation
        self.columns = columns
        self.day_first = options.day_first
        self.authors: set[str] = set()
        self.unread_dates: list[int] = []

    def cell(self, row: list[str], name: str) -> str:
        index = self.columns.get(name)
        return row[index] if index is not None and index < len(row) else ""

    def message(self, row: list[str], line: int, corrupt: bool) -> Message:
        date_text = self.cell(row, "Date")
        if self.day_first is None and _ambiguous(date_text) is not None:
            self.day_first = _decide_day_first(self.source, self.columns, self.conversation)
        parsed, exact = _parse_csv_date(date_text, bool(self.day_first))
        timestamp = None
        if parsed is not None and exact:
            timestamp = parsed.astimezone(UTC)
        elif parsed is not None:
            timestamp = _aware_or_local(parsed, self.options, self.conversation)
        elif date_text.strip():
            self.unread_dates.append(line)
        sender = self.cell(row, "Author") or None
        author_id = self.cell(row, "AuthorID") or None
        if sender and (author_id or sender) not in self.authors:
            self.authors.add(author_id or sender)
            # The CSV names people by account (name#1234), not by server nickname.
            self.conversation.add_participant(
                Participant(name=sender, account_id=author_id, handle=sender)
            )
        return Message(
            id=f"L{line}",
            sender=sender,
            timestamp=timestamp,
            text=self.cell(row, "Content"),
            time_text=date_text or None,
            attachments=tuple(
                _attachment(self.source, reference, "", None)
                for reference in _split_references(self.cell(row, "Attachments"))
            ),
            corrupt=corrupt,
            location=f"line {line}",
        )


def _decide_day_first(source: Input, columns: dict[str, int],
                      conversation: ConversationStream) -> bool:
    """Whether 03/04 means 3 April: the whole Date column is looked at once to decide."""
    index = columns["Date"]
    twelve_hour = False
    with source.open() as raw, open_text(raw, source.head()) as text:
        reader = csv.reader(text)
        next(reader, None)
        try:
            for row in reader:
                parts = _ambiguous(row[index]) if index < len(row) else None
                if parts is None:
                    continue
                first, second, has_half = parts
                twelve_hour = twelve_hour or has_half
                if first > 12:
                    return True
                if second > 12:
                    return False
        except csv.Error:
            pass
    # Computers set to US English write month/day with AM/PM; most others day/month.
    guess = not twelve_hour
    conversation.warnings.append(
        f"{source.display}: dates like 03/04 could be day/month or month/day; they were read as "
        f"{'day/month' if guess else 'month/day'} (use --day-first or --month-first to choose)"
    )
    return guess


PARSERS.register(DiscordJsonParser())
PARSERS.register(DiscordCsvParser())
