"""Reading what ``takeback check --json`` wrote, for ``guide`` and ``draft``.

Each conversation may carry an ``assessment`` and ``identifiers``; either may be
missing (an older file, or a check run without them), and a field of the wrong
type is left out rather than trusted. Only a file that is not JSON, or not a
check result at all, is an error.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from takeback.errors import CorruptInput, UnsafeInput, UsageError
from takeback.model import RISKS, Assessment, Finding, Identifier, Sighting, StageReached

# A check result holds every message; beyond this it is not a file we should load whole.
MAX_CHECK_BYTES = 512 << 20


@dataclass(frozen=True, slots=True)
class MessageTime:
    timestamp: datetime | None
    time_text: str | None
    sender: str | None


@dataclass(frozen=True, slots=True)
class CheckedConversation:
    """One conversation of a check result: what the drafts and the plan need from it."""

    platform: str | None
    source_sha256: str | None
    assessment: Assessment | None
    identifiers: tuple[Identifier, ...] = ()
    messages: dict[str, MessageTime] = field(default_factory=dict)  # by message id


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _bool(value: Any) -> bool:
    return value is True


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in _list(value) if isinstance(item, dict)]


def _span(value: Any) -> tuple[int, int]:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return value[0], value[1]
    return 0, 0


def _finding(item: dict[str, Any]) -> Finding | None:
    rule, stage, message_id = _str(item.get("rule")), _str(item.get("stage")), item.get("message_id")
    if rule is None or stage is None or not isinstance(message_id, str | int):
        return None
    weight = item.get("weight")
    return Finding(
        rule=rule, stage=stage, message_id=str(message_id), quote=_str(item.get("quote")) or "",
        span=_span(item.get("span")),
        weight=float(weight) if isinstance(weight, int | float) else 0.0,
        sender=_str(item.get("sender")),
    )


def _stage_reached(item: dict[str, Any]) -> StageReached | None:
    stage, message_id = _str(item.get("stage")), item.get("message_id")
    if stage is None or not isinstance(message_id, str | int):
        return None
    return StageReached(stage=stage, message_id=str(message_id), timestamp=_when(item.get("timestamp")))


def assessment_from_dict(data: Any) -> Assessment | None:
    """An assessment from its JSON form; None when there is none."""
    if not isinstance(data, dict):
        return None
    risk = data.get("risk")
    seconds = data.get("seconds_to_first_threat")
    return Assessment(
        sextortion=_bool(data.get("sextortion")),
        risk=risk if risk in RISKS else "none",
        stages=tuple(s for s in _list(data.get("stages")) if isinstance(s, str)),
        timeline=tuple(t for t in map(_stage_reached, _dicts(data.get("timeline"))) if t),
        crisis=_bool(data.get("crisis")),
        findings=tuple(f for f in map(_finding, _dicts(data.get("findings"))) if f),
        offender=_str(data.get("offender")),
        victim=_str(data.get("victim")),
        seconds_to_first_threat=float(seconds) if isinstance(seconds, int | float) else None,
        summary=_str(data.get("summary")) or "",
    )


def identifier_from_dict(data: dict[str, Any]) -> Identifier | None:
    """An identifier from its JSON form (kind, value, valid, role, platform, sightings)."""
    kind, value = _str(data.get("kind")), _str(data.get("value"))
    if kind is None or value is None:
        return None
    valid = data.get("valid")
    sightings = tuple(
        Sighting(source_sha256=_str(s.get("source_sha256")) or "", message_id=str(s.get("message_id", "")),
                 span=_span(s.get("span")), raw=_str(s.get("raw")) or "", sender=_str(s.get("sender")))
        for s in _dicts(data.get("sightings"))
    )
    return Identifier(
        kind=kind, value=value, valid=valid if isinstance(valid, bool) else None,
        role=_str(data.get("role")) or "unknown", sightings=sightings,
        platform=_str(data.get("platform")), explanation=_str(data.get("explanation")) or "",
    )


def _messages(items: list[dict[str, Any]]) -> dict[str, MessageTime]:
    found = {}
    for item in items:
        message_id = item.get("id")
        if isinstance(message_id, str | int):
            found[str(message_id)] = MessageTime(_when(item.get("timestamp")), _str(item.get("time_text")),
                                                 _str(item.get("sender")))
    return found


def check_from_dict(data: Any, name: str) -> tuple[CheckedConversation, ...]:
    """The conversations of a check result already parsed from JSON."""
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise CorruptInput("not a 'takeback check --json' result (no conversations list)", name)
    found = []
    for item in _dicts(data["conversations"]):
        source = item.get("source")
        found.append(CheckedConversation(
            platform=_str(item.get("platform")),
            source_sha256=_str(source.get("sha256")) if isinstance(source, dict) else None,
            assessment=assessment_from_dict(item.get("assessment")),
            identifiers=tuple(i for i in map(identifier_from_dict, _dicts(item.get("identifiers"))) if i),
            messages=_messages(_dicts(item.get("messages"))),
        ))
    return tuple(found)


def read_check(path: str | Path) -> tuple[CheckedConversation, ...]:
    """The conversations in a file ``takeback check --json`` wrote."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_CHECK_BYTES:
            raise UnsafeInput(f"larger than {MAX_CHECK_BYTES >> 20} MiB, too large to load", str(path))
        with path.open("rb") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorruptInput(f"not JSON ({type(error).__name__})", str(path)) from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read it ({error.strerror})") from None
    return check_from_dict(data, str(path))


def combined(assessments: Iterable[Assessment]) -> Assessment | None:
    """One assessment for several conversations: every stage reached, in the order reached."""
    items = list(assessments)
    if not items:
        return None
    timeline = sorted((t for a in items for t in a.timeline),
                      key=lambda t: (t.timestamp is None, t.timestamp or datetime.min.replace(tzinfo=UTC)))
    stages = list(dict.fromkeys([t.stage for t in timeline] + [s for a in items for s in a.stages]))
    return Assessment(
        sextortion=any(a.sextortion for a in items),
        risk=max((a.risk for a in items), key=RISKS.index),
        stages=tuple(stages),
        timeline=tuple(timeline),
        crisis=any(a.crisis for a in items),
        findings=tuple(f for a in items for f in a.findings),
        offender=next((a.offender for a in items if a.offender), None),
        victim=next((a.victim for a in items if a.victim), None),
        summary=next((a.summary for a in items if a.summary), ""),
    )


def first_platform(conversations: Sequence[CheckedConversation]) -> str | None:
    """The platform of the first conversation that shows sextortion (else of the first one)."""
    flagged = [c for c in conversations if c.assessment and c.assessment.sextortion]
    for conversation in (*flagged, *conversations):
        if conversation.platform:
            return conversation.platform
    return None


def all_identifiers(conversations: Iterable[CheckedConversation]) -> tuple[Identifier, ...]:
    """Every identifier once (by kind and value), in the order first seen."""
    seen: dict[tuple[str, str], Identifier] = {}
    for conversation in conversations:
        for identifier in conversation.identifiers:
            seen.setdefault((identifier.kind, identifier.value), identifier)
    return tuple(seen.values())

