"""The small, specific exceptions the library raises; only the CLI turns them into messages."""

from __future__ import annotations


class TakebackError(Exception):
    """Base of every error takeback raises on purpose. ``str()`` is one readable line."""

    def __init__(self, message: str, path: str | None = None) -> None:
        self.message = message
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class UnsupportedFormat(TakebackError):
    """The file is not in any format takeback reads."""


class CorruptInput(TakebackError):
    """The file claims a supported format but cannot be read as one."""


class UnsafeInput(TakebackError):
    """The file is hostile or too large to read safely (zip bomb, path traversal, ...)."""


class TamperDetected(TakebackError):
    """Evidence no longer matches the hashes recorded for it."""


class PolicyRefused(TakebackError):
    """takeback will not do this, on purpose (e.g. copy a child's images)."""


class UsageError(TakebackError):
    """An option or argument is wrong."""
