"""Helpers shared by commands: safe terminal text and streamed JSON."""

from __future__ import annotations

import json
import re
import sys
from typing import Any, TextIO

# Control characters (ANSI escapes, bidi overrides, backspaces) in message text
# could rewrite what a terminal shows; they are made visible instead.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """Text that cannot drive the terminal: control characters shown as \\xNN escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def stdout() -> TextIO:
    return sys.stdout


def err(message: str) -> None:
    print(f"takeback: {safe(message)}", file=sys.stderr)
