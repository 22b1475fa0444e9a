"""Watching ``open()`` for writes: hashing must write nothing but its output."""

from __future__ import annotations

import pytest


def watch_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file opened for writing from now on, in a list that fills as the test runs."""
    real_open = open
    written: list[str] = []

    def watching_open(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        if any(flag in mode for flag in "wax+"):
            written.append(str(file))
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", watching_open)
    return written
