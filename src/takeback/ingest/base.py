"""The contract every export format implements.

A parser is one module in ``takeback/ingest/`` with one :class:`Parser`
subclass: a unique ``NAME``, a cheap ``sniff(head, name)`` and a ``stream``
that yields conversations whose messages are read lazily. See
``docs/adding-a-format.md``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar
from zoneinfo import ZoneInfo

from takeback.ingest.inputs import Input
from takeback.model import ConversationStream
from takeback.registry import Registry


@dataclass(frozen=True)
class ReadOptions:
    """What the person told us about their files."""

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    format: str | None = None  # force one parser by NAME instead of sniffing
    day_first: bool | None = None  # force dd/mm (True) or mm/dd (False) for ambiguous dates
    max_document_bytes: int = 2 << 30  # formats that must be read whole (JSON, HTML)


class Parser(ABC):
    """One export format.

    ``sniff`` must be cheap and strict: it sees only the first 8 KiB and the
    file name, and returns True only when it is confident. ``stream`` yields
    :class:`ConversationStream` objects; a record it cannot read becomes a
    warning and a message with ``corrupt=True``, never an exception for the
    whole file. Raise ``CorruptInput`` only when nothing at all can be read.
    """

    NAME: ClassVar[str]  # stable id, used by --format
    PLATFORM: ClassVar[str]  # whatsapp, telegram, instagram, ...
    LABEL: ClassVar[str]  # "WhatsApp chat export (.txt or .zip)"
    HOW_TO_EXPORT: ClassVar[str]  # one or two plain sentences for `takeback formats`
    PRIORITY: ClassVar[int] = 50  # lower sniffs first; the plain-text fallback is last

    @classmethod
    @abstractmethod
    def sniff(cls, head: bytes, name: str) -> bool: ...

    @abstractmethod
    def stream(self, source: Input, options: ReadOptions) -> Iterator[ConversationStream]: ...


PARSERS: Registry[Parser] = Registry("format")
