"""WhatsApp chat exports ("Export chat"), from Android and iPhone, with or without media.

An export is a text file with one header per message, in the phone's locale:

    31/12/21, 23:59 - Name: text               Android (dd/mm or mm/dd, 2- or 4-digit years,
    12/31/21, 11:59 PM - Name: text            dotted or ISO dates, 12h or 24h clocks)
    [31/12/2021, 23:59:59] Name: text          iPhone (bracketed, with seconds)

Lines that do not start with a header continue the message before them. Times
are local wall-clock times with no zone. Whether ``03/04`` is 3 April or
March 4 is decided once per file from the dates themselves (any first field
above 12 means day-first, any second field above 12 means month-first), by a
first pass that stops as soon as one date settles it; only when no date does
is the person's ``--day-first``/``--month-first`` used, else day-first with a
warning.

Media a message refers to (``<attached: X>``, ``X (file attached)``) is hashed
where it lies, beside the export or in its zip. An export made without media
writes ``<Media omitted>`` instead: that becomes an attachment named so, with
``present=False``, because that a photo or video was sent at that moment is
itself evidence, even when the file is not there.

The parse streams the file in blocks of 16 KiB, reads them line by line and
keeps one message in hand, so a 2 GB export needs no more memory than a small one.
"""

from __future__ import annotations

import codecs
import os
import posixpath
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import BinaryIO
from zoneinfo import ZoneInfo

from takeback.errors import CorruptInput
from takeback.ingest.base import PARSERS, Parser, ReadOptions
from takeback.ingest.encoding import detect_encoding, head_text
from takeback.ingest.inputs import Input
from takeback.model import Attachment, ConversationStream, Message, Participant

# --- headers --------------------------------------------------------------------------------

_SPACE = "[ \u00a0\u202f]"  # exports put NBSP or narrow NBSP before "PM" and inside "p. m."
# y/m/d (a 4-digit first field), or d/m/y or m/d/y with a 2- or 4-digit year. The shapes are
# told apart in code, not here: an alternation here makes every line twice as slow to match.
_DATE = r"((\d{1,4})[./-](\d{1,2})[./-](\d{1,4}))"
# Optional parts are written "(?:X|)" and "X?+", not "(?:X)?": the same matches, but the
# regex engine runs a plain branch or a possessive repeat instead of a repeat that saves its
# state for backtracking, which is a quarter less work per header.
_TIME = (
    rf"((\d{{1,2}})[:.](\d{{2}})(?:[:.](\d{{2}})|)"
    rf"(?:{_SPACE}?([aApP])\.?{_SPACE}?[mM]\.?|))"
)
_JOIN = rf",?+(?: à| klo)?+{_SPACE}"  # French "01/02/2021 à 13:00", Finnish "1.2.2021 klo 13.00"
# Groups: 1 the date and time as written, 2 the date, 3-5 its fields, 6 the time, 7-9 h:m:s,
# 10 the a/p of am/pm.
_ANDROID = re.compile(rf"({_DATE}{_JOIN}{_TIME}){_SPACE}?[-–]{_SPACE}")
_IOS = re.compile(rf"\[({_DATE}{_JOIN}{_TIME})\]{_SPACE}")
# What the loop tries first on every line: an Android header starting with an ASCII digit, as
# _HEADER_START has it (after invisible marks, _header() reads the line).
_ANDROID_LINE = re.compile(rf"(?=[0-9]){_ANDROID.pattern}")
_MARKS = "\u200e\u200f\ufeff"  # left-to-right / right-to-left marks, and a BOM on line 1
_MARKS_OR_NOTHING = ("", *_MARKS)
_HEADER_START = frozenset("0123456789[" + _MARKS)

# A last line that is only the beginning of a header: the file was cut short.
_PARTIAL_HEADER = re.compile(
    rf"[{_MARKS}]*\[?\d{{1,4}}[./-](?:\d{{1,2}}(?:[./-](?:\d{{1,4}}(?:,?(?:{_SPACE}(?:\d{{1,2}}"
    rf"(?:[:.](?:\d{{1,2}}(?:[:.]\d{{0,2}})?)?)?)?)?)?)?)?)?"
    rf"(?:{_SPACE}?[aApP]\.?{_SPACE}?(?:[mM]\.?)?)?\]?{_SPACE}?[-–]?{_SPACE}?"
)

# --- what a line's text means ---------------------------------------------------------------

# iPhone exports write system events as "Chat title: <U+200E>event"; these are the events.
_IOS_SYSTEM = re.compile(
    r"(?!<)(?:.*(?:end-to-end|extremo a extremo|Ende-zu-Ende|bout en bout|ponta a ponta)"
    r"|.* created (?:group|this group)|.* added .+|You were added|.* removed .+"
    r"|.* left$|.* joined using this group's invite link|.* changed the subject"
    r"|.* changed (?:the group|this group's|their phone number|the settings)"
    r"|.* deleted this group's icon|.*security code (?:with .+ )?changed"
    r"|You(?:'re| are) now an admin|.* (?:is|are) no longer an admin"
    r"|.* turned (?:on|off) disappearing messages|Disappearing messages"
    r"|This chat is with a business account|.* pinned a message"
    r"|You (?:un)?blocked this (?:contact|business))",
    re.IGNORECASE,
)
_QUOTES = re.compile("[\"“”„«»]")

# Placeholders WhatsApp writes instead of a message (English and common locales).
_DELETED = {
    "This message was deleted", "You deleted this message",
    "Se eliminó este mensaje", "Eliminaste este mensaje",
    "Diese Nachricht wurde gelöscht", "Du hast diese Nachricht gelöscht",
    "Ce message a été supprimé", "Vous avez supprimé ce message",
    "Esta mensagem foi apagada", "Você apagou esta mensagem",
    "Dit bericht is verwijderd", "Je hebt dit bericht verwijderd",
    "Questo messaggio è stato eliminato", "Hai eliminato questo messaggio",
}
_OMITTED = {
    "<Media omitted>", "<Medien ausgeschlossen>", "<Multimedia omitido>", "<Multimedia omitidos>",
    "<Médias omis>", "<Média omis>", "<Mídia oculta>", "<Media weggelaten>", "<Media omessi>",
    "image omitted", "video omitted", "audio omitted", "sticker omitted", "GIF omitted",
    "document omitted", "Contact card omitted",
}
# An attachment records that a file was sent, with nothing to hash. Records are frozen, so
# each placeholder's is made once and shared.
_OMITTED_ATTACHMENTS = {text: (Attachment(name=text, present=False),) for text in _OMITTED}
_PLACEHOLDERS: dict[str, str] = {
    **{text + end: "deleted" for text in _DELETED for end in ("", ".")},
    **{text: "omitted" for text in _OMITTED},
}
_ATTACHED = re.compile(r"<attached: ([^>]+)>")
_FILE_ATTACHED = re.compile(
    r"(.+?) \((?:file attached|Datei angehängt|archivo adjunto|fichier joint|arquivo anexado"
    r"|bestand bijgevoegd|file allegato)\)$"
)
_EDITED = re.compile(
    rf"[ {_MARKS}]*<(?:This message was edited|Se editó este mensaje\.?"
    r"|Diese Nachricht wurde bearbeitet\.?|Ce message a été modifié"
    r"|Esta mensagem foi editada|Dit bericht is bewerkt|Questo messaggio è stato modificato)>$"
)

_TITLE = re.compile(
    r"(?:WhatsApp Chat (?:with|-|mit|met|con|com|avec|z)|WhatsApp-Chat mit|Chat de WhatsApp con"
    r"|Conversa do WhatsApp com|Discussion WhatsApp avec|Chat WhatsApp con) +(.+?)"
    r"(?: \(\d+\))?\.(?:txt|zip)",
    re.IGNORECASE,
)
_PHONE = re.compile(r"\+?[\d \u00a0()\-.]{7,}")
# Bidirectional controls iPhone wraps phone numbers and names in.
_BIDI = str.maketrans("", "", "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_BLOCK = 1 << 14  # bytes read and decoded at once
_MAX_WARNINGS = 20  # per kind; the rest are counted, so a broken 2 GB file cannot fill memory
_CACHE_LIMIT = 4096  # header times remembered; chats are in time order, so few are needed
_MISS = datetime.min  # a cache miss (the cache holds None for impossible dates)
_MISSED_TIME = timedelta.min  # the same for times of day
_NOT_A_HEADER = datetime.max  # a line shaped like a header whose date no phone writes
_SPECIAL_END = ">)d"  # only texts ending so can hold an attachment, an omission or an edit mark
_UTC_NAMES = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu"}


def _header(line: str) -> re.Match[str] | None:
    """The header at the start of ``line`` (after any invisible marks), or None."""
    first = line[:1]
    if first in _MARKS:
        line = line.lstrip(_MARKS)
        first = line[:1]
    if first == "[":
        match = _IOS.match(line)
    elif first.isdigit():
        match = _ANDROID.match(line)
    else:
        return None
    return match if match is not None and _date_shape(match[3], match[5]) else None


def _date_shape(first: str, third: str) -> bool:
    """Whether the date fields have a shape WhatsApp writes: y/m/d, or d/m/y or m/d/y."""
    return len(first) == 4 or (len(first) <= 2 and len(third) in (2, 4))


def _sniff_header(line: str) -> bool:
    """Whether ``line`` starts with a WhatsApp header, and not with signal-export's
    "[2019-05-29, 15:04]" or "[2019-05-29 15:04:05]": WhatsApp on iPhone writes
    "[2019-05-29, 15:04:05]", a comma and seconds."""
    match = _header(line)
    if match is None:
        return False
    is_signal_like = match.string.startswith("[") and "-" in match[1] and len(match[3]) == 4
    return not is_signal_like or ("," in match[1] and match[9] is not None)


def title_from_name(source: Input) -> str | None:
    """The chat's name, from "WhatsApp Chat with X.txt" or "WhatsApp Chat - X.zip"."""
    names = [posixpath.basename(source.member)] if source.member else []
    names.append(os.path.basename(source.path))
    for name in names:
        match = _TITLE.fullmatch(name)
        if match:
            return match[1].strip()
    return None


# --- lines ----------------------------------------------------------------------------------


def _line_blocks(stream: BinaryIO, head: bytes) -> Iterator[tuple[list[str], bool]]:
    """The file's lines, without their endings, a block at a time, each block with whether
    it holds a U+FFFD (bytes that were not valid text, or the character itself).

    What ``open_text`` and ``rstrip("\\r\\n")`` give, line for line: the same decoder, and
    only CR, LF and CRLF end a line (``splitlines`` would also split at U+2028 and other
    characters that can sit inside a message). Decoding and splitting a block at once is
    almost twice as fast as iterating a TextIOWrapper; blocks of 16 KiB beat bigger ones, which
    one emoji turns into four bytes a character.
    """
    encoding = detect_encoding(head)
    decode = codecs.getincrementaldecoder("utf-8-sig" if encoding == "utf-8" else encoding)(
        errors="replace"
    ).decode
    start: list[str] = []  # the start of a line no block has ended yet
    while data := stream.read(_BLOCK):
        text = decode(data)
        if "\n" not in text and "\r" not in text:
            start.append(text)  # a long line: joined once it ends, never copied per block
            continue
        if start:
            start.append(text)
            text = "".join(start)
            start.clear()
        if text[-1] == "\r":  # perhaps the first half of a CRLF: its line ends with the next block
            text = text[:-1]
            start.append("\r")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        start.insert(0, lines.pop())
        yield lines, "\ufffd" in text
    text = "".join(start) + decode(b"", True)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines[-1]:
        lines.pop()
    if lines:
        yield lines, "\ufffd" in text


# --- day or month first ---------------------------------------------------------------------


def _date_order(blocks: Iterator[tuple[list[str], bool]]) -> tuple[bool | None, bool]:
    """(day_first as the dates prove it, or None; whether any date could be read both ways).

    Stops at the first date that settles it, so this first pass is short for real chats.
    """
    ambiguous = False
    for lines, _ in blocks:
        for line in lines:
            if line[:1] not in _HEADER_START:
                continue
            match = _header(line)
            if match is None or len(match[3]) == 4:  # no header, or year first (never ambiguous)
                continue
            first, second = int(match[3]), int(match[4])
            if first > 12 and 1 <= second <= 12:
                return True, ambiguous
            if second > 12 and 1 <= first <= 12:
                return False, ambiguous
            ambiguous = ambiguous or (first <= 12 and second <= 12)
    return None, ambiguous


# --- times ----------------------------------------------------------------------------------


class _Clock:
    """Header times as aware UTC (None when the date or time is impossible), cached.

    ``cache`` maps the date and time as written to the result: consecutive messages
    share minutes. A miss (about every other message in a lively chat) adds the
    time of day to the day's midnight, each cached by its text, rather than
    parsing numbers and building a datetime: that halves its cost.
    """

    def __init__(self, day_first: bool, tz: ZoneInfo) -> None:
        self.day_first = day_first
        self.tz = tz
        self.utc = tz.key in _UTC_NAMES
        self.cache: dict[str, datetime | None] = {}
        # Midnight of a date as written, in the zone (None when there is no such day, or
        # _NOT_A_HEADER when no phone writes a date of that shape).
        self.days: dict[str, datetime | None] = {}
        self.times: dict[str, timedelta | None] = {}  # a time of day as written, None if impossible

    def read(self, stamp: str, match: re.Match[str]) -> datetime | None:
        """The time, or None when impossible, or ``_NOT_A_HEADER`` when no date has that shape."""
        cache, days, times = self.cache, self.days, self.times
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
            if len(days) >= _CACHE_LIMIT:
                days.clear()
            if len(times) >= _CACHE_LIMIT:
                times.clear()
        date, clock = match.group(2, 6)
        day = days.get(date, _MISS)
        if day is _MISS:
            day = days[date] = self._day(*match.group(3, 4, 5))
        if day is _NOT_A_HEADER:
            cache[stamp] = day
            return day
        since = times.get(clock, _MISSED_TIME)
        if since is _MISSED_TIME:
            since = times[clock] = _time_of_day(*match.group(7, 8, 9, 10))
        value: datetime | None = None
        if day is not None and since is not None:
            # In a local zone, what local_to_utc gives (a wall-clock time, fold 0, to UTC),
            # three times faster: the day is already in the zone, so no replace() per time.
            try:
                value = day + since if self.utc else (day + since).astimezone(UTC)
            except OverflowError:  # "31/12/9999, 23:59" west of Greenwich: after year 9999 in UTC
                value = None
        cache[stamp] = value
        return value

    def _day(self, first: str, second: str, third: str) -> datetime | None:
        """Midnight of the date as written, None when there is no such day, or _NOT_A_HEADER."""
        if not _date_shape(first, third):
            return _NOT_A_HEADER
        if len(first) == 4:
            year, month, day = int(first), int(second), int(third)
        else:
            year, day, month = int(third), int(first), int(second)
            if not self.day_first:
                day, month = month, day
            if year < 100:
                year += 2000  # two-digit years: WhatsApp began in 2009
        try:
            return datetime(year, month, day, tzinfo=UTC if self.utc else self.tz)
        except ValueError:
            return None


def _time_of_day(hour: str, minute: str, seconds: str | None, half: str | None) -> timedelta | None:
    """The time since midnight, or None when no clock shows it."""
    hours = int(hour)
    if half is not None and hours <= 12:  # "13:37 p.m." occurs: a 24h hour wins over it
        hours = hours % 12 + (12 if half in "pP" else 0)
    minutes, secs = int(minute), int(seconds or 0)
    if hours > 23 or minutes > 59 or secs > 59:
        return None
    return timedelta(0, hours * 3600 + minutes * 60 + secs)  # by position: keywords cost more


# --- the parser -----------------------------------------------------------------------------


class WhatsAppParser(Parser):
    NAME = "whatsapp"
    PLATFORM = "whatsapp"
    LABEL = "WhatsApp chat export (.txt, or the .zip with media)"
    HOW_TO_EXPORT = (
        "In WhatsApp open the chat, tap its name (iPhone) or the three dots > More (Android), "
        "then Export chat; choose 'Attach media' / 'Include media' to keep photos and videos."
    )

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        lines = [line for line in head_text(head).splitlines()[:12] if line.strip()][:6]
        found = [_sniff_header(line) for line in lines]
        if name.lower().endswith(".txt") or _TITLE.fullmatch(name):
            return any(found)
        # Any other name: only when the file starts with a header and keeps finding them.
        return bool(found) and found[0] and sum(found) >= min(3, len(found))

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        head = source.head()
        if not any(_header(line) for line in head_text(head).splitlines()):
            raise CorruptInput(
                "not a WhatsApp export: no line starts like '31/12/21, 23:59 - Name:' or "
                "'[31/12/21, 23:59:59] Name:'",
                source.display,
            )
        conversation = ConversationStream(
            source=source.source(self.NAME), platform=self.PLATFORM, title=title_from_name(source)
        )
        conversation.timezone = options.timezone.key
        with source.open() as stream:
            proven, ambiguous = _date_order(_line_blocks(stream, head))
        day_first = proven if proven is not None else options.day_first
        if proven is not None and options.day_first is not None and proven != options.day_first:
            order = "day-first (dd/mm)" if proven else "month-first (mm/dd)"
            option = "--month-first" if proven else "--day-first"
            conversation.warnings.append(
                f"{source.display}: the dates in this file can only be read {order}, "
                f"so {option} was not used for it"
            )
        if day_first is None:
            day_first = True
            if ambiguous:
                conversation.warnings.append(
                    f"{source.display}: every date could be read day-first (dd/mm) or month-first "
                    "(mm/dd); assumed day-first. Use --month-first or --day-first to choose"
                )
        clock = _Clock(day_first, options.timezone)
        conversation.messages = _messages(source, head, conversation, clock)
        yield conversation


class _Warnings:
    """Warnings about lines: the first few of each kind, then how many more."""

    def __init__(self, conversation: ConversationStream) -> None:
        self.conversation = conversation
        self.counts: dict[str, int] = {}

    def add(self, kind: str, where: str, problem: str) -> None:
        count = self.counts[kind] = self.counts.get(kind, 0) + 1
        if count <= _MAX_WARNINGS:
            self.conversation.warnings.append(f"{self.conversation.source.display}: {where}: {problem}")

    def close(self) -> None:
        for kind, count in self.counts.items():
            if count > _MAX_WARNINGS:
                self.conversation.warnings.append(
                    f"{self.conversation.source.display}: {count - _MAX_WARNINGS} more lines {kind}"
                )


def _split(line: str, start: int) -> tuple[str | None, str, bool]:
    """(sender, text, system) from what follows a header (``line[start:]``).

    The sender is everything before the first ": ". A line is a system line when
    there is no ": " at all; when what comes before it opens a quotation it does
    not close (a group name with ": " in it: names never do that); or when it is
    an iPhone event, written "Chat title: <U+200E>event".
    """
    cut = line.find(": ", start)
    if cut <= start:
        return None, line[start:].lstrip(_MARKS), True
    text = line[cut + 2 :]
    if text[:1] in _MARKS and text:
        text = text.lstrip(_MARKS)
        if _IOS_SYSTEM.match(text):
            return None, text, True
    else:
        event = line.find(": \u200e", cut + 2)  # an iPhone chat title with ": " in it
        if event > 0 and _IOS_SYSTEM.match(line, event + 3):
            return None, line[event + 3 :], True
    sender = _sender(line[start:cut])
    if sender is None:
        return None, line[start:].lstrip(_MARKS), True
    return sender, text, False


def _sender(name: str) -> str | None:
    """The sender written as ``name``, without the invisible marks iPhone wraps some names
    in; or None when ``name`` opens a quotation it does not close (names never do that)."""
    if not name.isascii() or '"' in name:
        if len(_QUOTES.findall(name)) % 2:
            return None
        if not name.isprintable():
            return name.translate(_BIDI).strip()
    return name


def _participant(sender: str) -> Participant:
    """A sender; one written as a phone number (not in the exporter's contacts) keeps it as phone."""
    if _PHONE.fullmatch(sender) and sum(ch.isdigit() for ch in sender) >= 7:
        return Participant(name=sender, phone=sender)
    return Participant(name=sender)


def _attachments(source: Input, text: str) -> tuple[Attachment, ...]:
    """The files a message's text refers to: hashed where the export has them."""
    if "<attached: " in text:
        return tuple(source.attachment(name) for name in _ATTACHED.findall(text))
    line = text.partition("\n")[0]
    if line[-1:] == ")":  # the pattern scans the whole line: test its end first
        found = _FILE_ATTACHED.fullmatch(line.lstrip(_MARKS))
        if found:
            return (source.attachment(found[1]),)
    # "Name.pdf • <U+200E>3 pages <U+200E>document omitted": the export left the file out.
    return _OMITTED_ATTACHMENTS.get(text.rpartition("\u200e")[2], ())


def _edit_mark(text: str) -> tuple[str, bool]:
    """The text without a trailing "<This message was edited>", and whether it had one."""
    if text[-1:] == ">":
        match = _EDITED.search(text)
        if match:
            return text[: match.start()], True
    return text, False


def _message(source: Input, number: int, stamp: str | None, when: datetime | None,
             sender: str | None, text: str, system: bool, corrupt: bool) -> Message:
    """A message read from its header line (and any lines that continue it, joined in ``text``)."""
    attachments: tuple[Attachment, ...] = ()
    edited = deleted = False
    if not (system or corrupt):
        deleted = _PLACEHOLDERS.get(text) == "deleted"
        text, edited = _edit_mark(text)
        attachments = _attachments(source, text)
    line = str(number)
    # Message's fields in order, passed by position (a third faster than by keyword): id,
    # sender, timestamp, text, time_text, attachments, reply_to, edited, deleted, system,
    # corrupt, location. The golden files check every one.
    return Message("L" + line, sender, when, text, stamp, attachments, None, edited, deleted,
                   system, corrupt, "line " + line)


def _continued(source: Input, message: Message, more: list[str]) -> Message:
    """``message`` with the lines that continue it (its attachments are not hashed twice)."""
    text = "\n".join([message.text, *more])
    attachments, edited = message.attachments, False
    if not (message.system or message.corrupt):
        text, edited = _edit_mark(text)
        attachments = attachments or _attachments(source, text)
    return Message(message.id, message.sender, message.timestamp, text, message.time_text,
                   attachments, None, edited, False, message.system, message.corrupt,
                   message.location)


def _messages(source: Input, head: bytes, conversation: ConversationStream, clock: _Clock,
              ) -> Iterator[Message]:
    """The messages, one line at a time. This loop is the hot path: 1M lines should take
    seconds, so the common case (one header, one line of text) avoids calls and copies."""
    warnings = _Warnings(conversation)
    seen: set[str] = set()
    senders: dict[str, str | None] = {}  # what _sender() makes of a name with other characters
    cache, read = clock.cache, clock.read
    android, ios = _ANDROID_LINE.match, _IOS.match
    pending: Message | None = None  # the message in hand, as read from its header line
    more: list[str] | None = None  # the lines that continue it
    line = ""
    count = 0
    with source.open() as stream:
        for lines, replaced in _line_blocks(stream, head):
            for line in lines:
                count += 1
                if replaced and "\ufffd" in line:
                    warnings.add("had bytes that are not valid text", f"line {count}",
                                 "bytes that are not valid text were replaced with \ufffd")
                match = android(line)
                if match is None:
                    first = line[:1]
                    if first == "[":
                        match = ios(line)
                    elif first in _MARKS:
                        match = _header(line)
                if match is not None:
                    stamp = match[1]
                    when = cache.get(stamp, _MISS)
                    if when is _MISS:
                        when = read(stamp, match)
                    if when is _NOT_A_HEADER:
                        match = None
                if match is None:
                    if more is not None:
                        more.append(line)
                    elif pending is not None:
                        more = [line]
                    elif line.strip():  # text before the first header
                        warnings.add("had no header", f"line {count}",
                                     "text before the first message header")
                        pending = _message(source, count, None, None, None, line, False, True)
                    continue
                if pending is not None:
                    yield pending if more is None else _continued(source, pending, more)
                    more = None
                # The common case, "Name: text", read here; anything else by _split.
                text_line, end = match.string, match.end()
                cut = text_line.find(": ", end)
                name = text_line[end:cut]
                text = text_line[cut + 2 :]
                sender: str | None = name
                system = True
                if cut > end and text[:1] not in _MARKS_OR_NOTHING:
                    if name.isascii() and '"' not in name:
                        system = ": \u200e" in text and text_line[0] == "["  # an iPhone event
                    elif ": \u200e" not in text:
                        # Quotes and invisible marks in a name: read once per name.
                        if name not in senders:
                            if len(senders) >= _CACHE_LIMIT:
                                senders.clear()
                            senders[name] = _sender(name)
                        sender = senders[name]
                        system = sender is None
                if system:
                    sender, text, system = _split(text_line, end)
                if sender is not None and sender not in seen:
                    seen.add(sender)
                    conversation.add_participant(_participant(sender))
                if when is None:
                    warnings.add("had an impossible date or time", f"line {count}",
                                 f"the date or time {stamp!r} is impossible; the line is kept as "
                                 "written")
                    pending = _message(source, count, stamp, None, sender, line, system, True)
                elif system or (text[-1:] not in _SPECIAL_END and text not in _PLACEHOLDERS):
                    # Nothing to look for in the text: build the message here, with no further
                    # calls (the fields by position, as in _message).
                    number = str(count)
                    pending = Message("L" + number, sender, when, text, stamp, (), None, False,
                                      False, system, False, "line " + number)
                else:
                    pending = _message(source, count, stamp, when, sender, text, False, False)
    if more and _PARTIAL_HEADER.fullmatch(line):
        # The last line is the start of a header and nothing more: the file was cut short.
        more.pop()
        if pending is not None:
            yield pending if not more else _continued(source, pending, more)
        more = None
        warnings.add("were cut short", f"line {count}",
                     "the file ends in the middle of a message header (it may have been cut short)")
        pending = _message(source, count, None, None, None, line, False, True)
    if pending is not None:
        yield pending if more is None else _continued(source, pending, more)
    warnings.close()


PARSERS.register(WhatsAppParser())
