"""Plain text a person pasted or typed: the fallback when no export format fits.

When most lines look like ``Name: message`` they become messages from those
people (lines that do not start a new message continue the one before);
otherwise the whole text is one message from an unknown sender. A time in
brackets before the name, as apps copy messages ("[21:02] Name: message",
"[Fri 21:02] Name: message"), is kept as written (``time_text``); plain
text gives no date or time zone to trust, so timestamps are None.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from takeback.ingest.base import PARSERS, Parser, ReadOptions
from takeback.ingest.encoding import head_text, iter_lines
from takeback.ingest.inputs import Input
from takeback.model import ConversationStream, Message, Participant

# "Name: text" where the name is short and is not a URL scheme or a time, after an optional
# time in brackets with a digit in it ("[21:02] ", "[Fri 21:02] ").
_SPEAKER = re.compile(
    r"^\s*(?:\[(?P<time>[^\]\n]{0,20}\d[^\]\n]{0,20})\]\s*)?"
    r"(?P<name>[^\s:\[][^:\n]{0,38}?)\s*:\s(?P<text>.*)$"
)
_NOT_A_NAME = re.compile(r"^(https?|ftp|mailto|tel|hxxps?)$|^\d+$", re.IGNORECASE)
_TEXT_NAMES = (".txt", ".text")  # not .md: folders of exports carry README files


def speaker(line: str) -> tuple[str, str, str | None] | None:
    """The name, the text and the time as written of a "[time] Name: text" line."""
    match = _SPEAKER.match(line)
    if not match or _NOT_A_NAME.match(match["name"]):
        return None
    return match["name"], match["text"], match["time"]


def _looks_like_text(head: bytes) -> bool:
    text = head_text(head)
    if not text.strip() or "\x00" in text:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable / len(text) > 0.85


class PlainTextParser(Parser):
    NAME = "text"
    PLATFORM = "unknown"
    LABEL = "Plain text (copied and pasted messages, 'Name: message' lines)"
    HOW_TO_EXPORT = (
        "Copy the messages and paste them into a .txt file, one message per line as "
        "'Name: message' if you can. Screenshots are better evidence: keep them too."
    )
    PRIORITY = 99  # the last resort

    @classmethod
    def sniff(cls, head: bytes, name: str) -> bool:
        return name.lower().endswith(_TEXT_NAMES) and _looks_like_text(head)

    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]:
        conversation = ConversationStream(source=source.source(self.NAME), platform=self.PLATFORM)
        conversation.messages = self._messages(source, conversation)
        yield conversation

    def _messages(self, source: Input, conversation: ConversationStream) -> Iterator[Message]:
        with source.open() as stream:
            lines = list(iter_lines(stream, source.head()))
        if any("\ufffd" in line for line in lines):
            conversation.warnings.append(
                f"{source.display}: some bytes were not valid text and were replaced"
            )
        non_empty = [line for line in lines if line.strip()]
        speakers = sum(speaker(line) is not None for line in non_empty)
        if not non_empty:
            return
        if speakers < 2 or speakers < 0.5 * len(non_empty):
            yield Message(
                id="1",
                sender=None,
                timestamp=None,
                text="\n".join(lines).strip(),
                location=f"lines 1-{len(lines)}",
            )
            return
        current: tuple[int, str | None, list[str], str | None] | None = None
        for number, line in enumerate(lines, start=1):
            found = speaker(line)
            if found is None and current is not None:
                current[2].append(line)
                continue
            if current is not None:
                yield self._message(*current)
            if found is None:  # text before the first speaker
                current = (number, None, [line], None)
            else:
                name, text, time = found
                conversation.add_participant(Participant(name=name))
                current = (number, name, [text], time)
        if current is not None:
            yield self._message(*current)

    @staticmethod
    def _message(line: int, sender: str | None, text: list[str], time: str | None) -> Message:
        return Message(
            id=f"L{line}",
            sender=sender,
            timestamp=None,
            time_text=time,
            text="\n".join(text).strip(),
            location=f"line {line}",
        )


PARSERS.register(PlainTextParser())
