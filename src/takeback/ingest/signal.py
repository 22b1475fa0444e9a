"""Signal Desktop chats saved with signal-export (``sigexport``, carderne/signal-export).

Signal has no chat export of its own; signal-export reads Signal Desktop's
database and writes one folder per chat with ``chat.md`` (``index.md`` in
older versions) and a ``media/`` folder. Each message starts with a line::

    [2024-03-09 21:14:05] Sender: text          (current versions)
    [2019-05-29, 15:04] Sender: text            (older versions)
    [2019-05-29 15:04] Sender: text

Lines up to the next such line continue the message. A reply starts with the
quoted message as ``> `` lines between blank lines; attachments follow the text
as ``![name](./media/file)`` (images) or ``[name](./media/file)``; reactions
are a last ``(- Name: emoji -)`` line. Times are the exporting computer's
local time with no zone, so they are read in ``--timezone``.
"""

from __future__ import annotations

import posixpath
import re
from collections import OrderedDict
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import unquote

from takeback.errors import CorruptInput, TakebackError
from takeback.ingest.base import PARSERS, Parser, ReadOptions
from takeback.ingest.encoding import head_text, iter_lines, local_to_utc
from takeback.ingest.inputs import Input
from takeback.model import Attachment, ConversationStream, Message, Participant

_HEADER = re.compile(
    r"^\[(?P<date>\d{4}-\d{2}-\d{2})(?P<comma>,?) (?P<time>\d{2}:\d{2}(?::\d{2})?)\] (?P<rest>.*)$"
)
_CHAT_FILES = ("chat.md", "index.md")
_NAMES = (".md", ".txt")
_DELETED = "(This message was deleted)"
_UNKNOWN_SENDER = "No-Sender"  # what signal-export writes when it cannot name the sender
_CALL = re.compile(r"^(?:Incoming|Outgoing|Missed) (?:(?:voice|video) )?call(?: \([^)\n]*\))?$")
_REACTIONS = re.compile(r"^\(- .* -\)$")
_LINK_MARKERS = ("](./media/", "](../exported_stickers/")
_RECENT = 5000  # messages remembered to find the one a reply quotes


def _header(line: str) -> tuple[str, str, str, str] | None:
    """(time as written, time as ISO, sender, rest) of a line that starts a message."""
    match = _HEADER.match(line)
    if match is None:
        return None
    rest = match["rest"]
    cut = rest.find(": ")
    if cut < 0:
        if not rest.endswith(":"):
            return None
        cut = len(rest) - 1
    written = f"{match['date']}{match['comma']} {match['time']}"
    return written, f"{match['date']} {match['time']}", rest[:cut], rest[cut + 2:]


def _pop_link(text: str) -> tuple[str, str] | None:
    """The last media link at the end of ``text``: (text before it, file reference)."""
    text = text.rstrip()
    if not text.endswith(")"):
        return None
    marker_at = max(text.rfind(m) for m in _LINK_MARKERS)
    if marker_at < 0:
        return None
    target = text[marker_at + 2:-1]
    if "\n" in target or "](" in target:
        return None
    # The link text is the file name, which may itself hold brackets: match it exactly.
    name = unquote(posixpath.basename(target))
    start = marker_at - len(name) - 1
    if start < 0 or text[start] != "[" or text[start + 1:marker_at] != name:
        start = text.rfind("[", 0, marker_at)
        if start < 0 or "\n" in text[start:marker_at]:
            return None
    if start > 0 and text[start - 1] == "!":
        start -= 1
    reference = unquote(target)
    reference = reference[2:] if reference.startswith("./") else reference[3:]
    return text[:start], reference


class SignalExportParser(Parser):
    NAME = "signal"
    PLATFORM = "signal"
    LABEL = "Signal Desktop chat saved with signal-export (chat.md)"
    HOW_TO_EXPORT = (
        "Signal has no chat export: on a computer linked to your phone, install Signal "
        "Desktop and signal-export, run 'sigexport OUTPUT_FOLDER', and give takeback the "
        "chat's folder."
    )

    # Before WhatsApp, whose bracketed iPhone lines look alike: this sniff tells them apart.
    PRIORITY = 45

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        if not name.lower().endswith(_NAMES):
            return False
        lines = head_text(head).splitlines()
        first = next((line for line in lines if line.strip()), "")
        if _header(first) is None:
            return False
        for line in lines:
            match = _HEADER.match(line)
            # WhatsApp on iPhone writes "[2020-01-01, 12:00:01] Name: \u200e...": a comma
            # together with seconds, which signal-export never writes, and U+200E marks.
            if match and ((match["comma"] and len(match["time"]) == 8) or "\u200e" in match["rest"]):
                return False
        return True

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        text = head_text(source.head())
        if not text.strip():
            raise CorruptInput("the file is empty", source.display)
        first = next(line for line in text.splitlines() if line.strip())
        if _header(first) is None:
            raise CorruptInput(
                "not a signal-export chat (it does not start with a '[date time] Name:' line)",
                source.display,
            )
        conversation = ConversationStream(
            source=source.source(self.NAME),
            platform=self.PLATFORM,
            title=_title(source),
            timezone=options.timezone.key,
        )
        conversation.messages = _Reader(source, options, conversation).messages()
        yield conversation


def _title(source: Input) -> str | None:
    """The chat's folder name: signal-export names each folder after the contact or group."""
    path = (source.member or source.path).replace("\\", "/")
    if posixpath.basename(path).lower() not in _CHAT_FILES:
        return None
    return posixpath.basename(posixpath.dirname(path)) or None


class _Reader:
    """Reads messages line by line, remembering recent texts to link replies to them."""

    def __init__(self, source: Input, options: ReadOptions, conversation: ConversationStream) -> None:
        self.source = source
        self.options = options
        self.conversation = conversation
        self.recent: OrderedDict[str, str] = OrderedDict()

    def messages(self) -> Iterator[Message]:
        current: tuple[int, tuple[str, str, str, str], list[str]] | None = None
        try:
            with self.source.open() as stream:
                for number, line in enumerate(iter_lines(stream, self.source.head()), start=1):
                    found = _header(line)
                    if found is None:
                        if current is not None:
                            current[2].append(line)
                        continue
                    if current is not None:
                        yield self.message(*current)
                    current = (number, found, [found[3]])
        except (OSError, TakebackError) as error:
            self.conversation.warnings.append(f"{self.source.display}: reading stopped ({error})")
        if current is not None:
            yield self.message(*current)

    def message(self, line: int, header: tuple[str, str, str, str], lines: list[str]) -> Message:
        written, iso, name, _ = header
        sender = None if name == _UNKNOWN_SENDER else name
        timestamp = None
        corrupt = False
        try:
            naive = datetime.fromisoformat(iso)
        except ValueError:
            corrupt = True
            self.conversation.warnings.append(
                f"{self.source.display}: line {line}: the date {written!r} does not exist"
            )
        else:
            timestamp = local_to_utc(naive, self.options.timezone)
        while lines and not lines[-1].strip():
            lines.pop()
        quote, lines = _split_quote(lines)
        text, attachments = self._body("\n".join(lines))
        deleted = text == _DELETED
        system = bool(_CALL.match(text))
        reply_to = self.recent.get(quote.strip()) if quote is not None else None
        if quote is not None and reply_to is None:
            # The quoted message is not in this file: keep the quote so nothing is lost.
            quoted = "\n".join(f"> {q}" if q else ">" for q in quote.split("\n"))
            text = f"{quoted}\n\n{text}" if text else quoted
        message_id = f"L{line}"
        if text and not deleted:
            self.recent[text.strip()] = message_id
            self.recent.move_to_end(text.strip())
            if len(self.recent) > _RECENT:
                self.recent.popitem(last=False)
        if sender and not system:
            self.conversation.add_participant(Participant(name=sender))
        return Message(
            id=message_id,
            sender=sender,
            timestamp=timestamp,
            text="" if deleted else text,
            time_text=written,
            attachments=attachments,
            reply_to=reply_to,
            deleted=deleted,
            system=system,
            corrupt=corrupt,
            location=f"line {line}",
        )

    def _body(self, text: str) -> tuple[str, tuple[Attachment, ...]]:
        """Message text without the trailing media links and reactions line, and the media."""
        references: list[str] = []
        while (popped := _pop_link(text)) is not None:
            text, reference = popped
            references.append(reference)
        text = text.rstrip()
        last_break = text.rfind("\n")
        if last_break >= 0 and _REACTIONS.match(text[last_break + 1:]):
            text = text[:last_break].rstrip()
        attachments = tuple(self.source.attachment(r) for r in reversed(references))
        return text, attachments


def _split_quote(lines: list[str]) -> tuple[str | None, list[str]]:
    """The quoted text of a reply and the lines after it (signal-export puts the quote
    between the sender and the text, as '> ' lines between blank lines)."""
    if len(lines) < 3 or lines[0].strip() or lines[1].strip() or not lines[2].startswith(">"):
        return None, lines
    end = 2
    while end < len(lines) and lines[end].startswith(">"):
        end += 1
    if end < len(lines) and lines[end].strip():
        return None, lines
    quote = "\n".join(q[2:] if q.startswith("> ") else q[1:] for q in lines[2:end])
    return quote, lines[end + 1:]


PARSERS.register(SignalExportParser())
