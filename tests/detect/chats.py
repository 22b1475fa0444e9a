"""Conversations for detection tests, written as "Name: text" lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from takeback.model import Conversation, Message, Source

START = datetime(2026, 3, 14, 21, 0, tzinfo=UTC)


def chat(*lines: str, seconds: int | None = None) -> Conversation:
    """A conversation from "Name: text" lines (ids m1, m2 ...): one message every ``seconds``
    from START, or no times at all."""
    messages = []
    for number, line in enumerate(lines):
        sender, _, text = line.partition(": ")
        timestamp = None if seconds is None else START + timedelta(seconds=seconds * number)
        messages.append(Message(id=f"m{number + 1}", sender=sender, text=text, timestamp=timestamp))
    return Conversation(source=Source("chat.txt", "0" * 64, 0, "text"), platform="test",
                        title=None, participants=(), messages=tuple(messages))
