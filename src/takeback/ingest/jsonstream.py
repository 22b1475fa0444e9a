"""Streaming JSON for large exports (Telegram, Snapchat): ijson events over any encoding.

Exports can be gigabytes, so they are read as a stream of ijson parse events,
never loaded whole. :class:`Utf8Reader` feeds ijson UTF-8 whatever the file's
encoding (BOM, UTF-16, Latin-1) and replaces invalid bytes instead of stopping.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

from takeback.errors import CorruptInput
from takeback.ingest.encoding import detect_encoding

Event = tuple[str, Any]

class Utf8Reader:
    """What ijson reads: the file re-encoded as UTF-8, without a BOM.

    yajl stops at the first byte that is not UTF-8, which would lose everything
    after it; decoding with replacement first keeps it (:meth:`notes` says so).
    Files re-saved as UTF-16 or Windows-1252 by an editor are read too.
    """

    def __init__(self, raw: BinaryIO, head: bytes) -> None:
        encoding = detect_encoding(head)
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._guessed = encoding == "cp1252"  # no BOM and not UTF-8: a guess worth saying
        self._replaced = False
        self._started = False
        self.ended = False  # the whole file has been read
        self.last = ""  # the last character that is not white space

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing first, to see whether the file gives bytes
            return b""
        data = self._raw.read(size)
        self.ended = not data or (size > 0 and len(data) < size)
        text = self._decoder.decode(data, final=not data)
        if not self._started and text:
            # The UTF-16 and UTF-32 codecs named by their byte order keep the BOM as text.
            text = text.removeprefix("\ufeff")
            self._started = True
        if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
            self._replaced = True
        self.last = text.rstrip()[-1:] or self.last
        return text.encode("utf-8", errors="replace")

    def notes(self, display: str) -> list[str]:
        """Warnings about the encoding met since the last call (each said once)."""
        notes = []
        if self._guessed:
            notes.append(f"{display}: not UTF-8; read as Windows-1252 (Latin-1)")
            self._guessed = False
        if self._replaced:
            notes.append(f"{display}: some bytes were not valid text and were replaced with \ufffd")
            self._replaced = False
        return notes


OPENS = ("start_map", "start_array")
_CLOSES = ("end_map", "end_array")


def json_events(reader: Utf8Reader) -> Iterator[Event]:
    """ijson's basic parse events, ``(event, value)``: the fastest way through big files."""
    events: Iterator[Event] = ijson.basic_parse(reader, use_float=True)
    return events


def build_value(events: Iterator[Event], event: str, value: Any) -> Any:
    """The whole JSON value that begins with this event (a container is read to its end)."""
    if event not in OPENS:
        return value
    root: Any = {} if event == "start_map" else []
    stack = [root]
    key = None
    for event, value in events:
        if event == "map_key":
            key = value
            continue
        if event in _CLOSES:
            stack.pop()
            if not stack:
                break
            continue
        if event in OPENS:
            value = {} if event == "start_map" else []
        top = stack[-1]
        if type(top) is dict:
            top[key] = value
        else:
            top.append(value)
        if event in OPENS:
            stack.append(value)
    return root


def skip_value(events: Iterator[Event], event: str) -> None:
    """Read past the value that begins with this event."""
    if event not in OPENS:
        return
    depth = 1
    for event, _ in events:
        if event in OPENS:
            depth += 1
        elif event in _CLOSES:
            depth -= 1
            if depth == 0:
                return


def json_members(events: Iterator[Event]) -> Iterator[tuple[str, str, Any]]:
    """The members of an object whose ``start_map`` was just read: ``(key, event, value)``,
    where the caller reads (or skips) each value before asking for the next."""
    for event, key in events:
        if event != "map_key":
            return
        event, value = next(events, ("end_map", None))
        yield key, event, value


def json_items(events: Iterator[Event]) -> Iterator[tuple[str, Any]]:
    """The items of an array whose ``start_array`` was just read, like :func:`json_members`."""
    for event, value in events:
        if event == "end_array":
            return
        yield event, value


def open_object(events: Iterator[Event], display: str, what: str) -> None:
    """Read the document's first event, which must open an object; else one clear error."""
    try:
        event, _ = next(events, ("", None))
    except ijson.JSONError:
        raise CorruptInput(f"not a {what} (not JSON)", display) from None
    if event != "start_map":
        raise CorruptInput(f"not a {what} (not a JSON object)", display)


def json_break(error: Exception, reader: Utf8Reader) -> str:
    """How a JSON file stops being readable: "cut off" (it ends inside the document, as an
    unfinished download or copy leaves it) or "damaged".

    The parser's own message is not repeated to people: it quotes the bytes around the fault.
    """
    first_line = (str(error).splitlines() or [""])[0].lower()
    if "premature eof" in first_line or "incomplete" in first_line:
        return "cut off"
    # yajl calls a literal cut in half ("fa") a lexical error: look at how the file ends.
    return "cut off" if reader.ended and reader.last not in ("}", "]") else "damaged"


def json_problem(error: Exception, reader: Utf8Reader, display: str, where: str) -> str:
    """A warning for JSON that stops being readable at ``where``."""
    how = json_break(error, reader)
    why = "an unfinished download or copy?" if how == "cut off" else "not valid JSON from there on"
    return f"{display}: the file is {how} at {where} ({why}); everything before it is kept"
