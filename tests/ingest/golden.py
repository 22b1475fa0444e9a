"""The golden-file form of parsed conversations, shared by every parser's tests."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from takeback.model import Conversation, conversation_to_dict


def portable(conversations: Iterable[Conversation], base: Path) -> list[dict[str, Any]]:
    """The stable JSON form, with the source path and warnings relative to ``base``,
    so golden files do not depend on where the checkout lives."""
    result = []
    for conversation in conversations:
        data = conversation_to_dict(conversation)
        data["source"]["path"] = Path(conversation.source.path).relative_to(base).as_posix()
        data["warnings"] = [w.replace(f"{base}{os.sep}", "") for w in data["warnings"]]
        result.append(data)
    return result
