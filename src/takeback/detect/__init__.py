"""Recognise sextortion: which stage a conversation has reached, why, and who is behind it.

Public surface:

- :func:`assess` takes a :class:`~takeback.model.Conversation` and returns an
  :class:`~takeback.model.Assessment`: the verdict, the risk level, the stages
  reached in order, every finding with its rule, message and quoted words, the
  likely offender and victim, and whether the person speaks of self-harm.
- :func:`assess_text` does the same for one text (a message, an email body or
  a pasted chat segment), for bulk scanning.
- :func:`assessment_to_dict` is the stable JSON form of an assessment.

The signals are data (``rules/<language>.yaml``); see docs/detection.md.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from takeback.detect.engine import Engine, build_engine
from takeback.detect.stages import assess_hits
from takeback.model import Assessment, Conversation, Finding, Message

__all__ = ["assess", "assess_text", "assessment_to_dict", "engine", "finding_to_dict"]

_NOTHING = assess_hits([Message(id="1", sender=None, timestamp=None, text="")], [[]])


@cache
def engine() -> Engine:
    """The engine with every packaged rule, built once per process."""
    return build_engine()


def assess(conversation: Conversation) -> Assessment:
    """What a conversation shows, explained by its findings."""
    matcher = engine()
    messages = [m for m in conversation.messages if not m.system]
    return assess_hits(messages, [matcher.hits(m.text) for m in messages])


def assess_text(text: str) -> Assessment:
    """What one text shows; its findings have message id "1" and spans into ``text``."""
    matcher = engine()
    matched = matcher.matched(text) if text else []
    if not matched:
        return _NOTHING
    message = Message(id="1", sender=None, timestamp=None, text=text)
    return assess_hits([message], [matcher.hits(text, matched)])


def _timestamp(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "stage": finding.stage,
        "message_id": finding.message_id,
        "quote": finding.quote,
        "span": list(finding.span),
        "weight": finding.weight,
        "sender": finding.sender,
    }


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    """The stable JSON form of an assessment (key names are a public contract)."""
    return {
        "sextortion": assessment.sextortion,
        "risk": assessment.risk,
        "stages": list(assessment.stages),
        "crisis": assessment.crisis,
        "offender": assessment.offender,
        "victim": assessment.victim,
        "seconds_to_first_threat": assessment.seconds_to_first_threat,
        "summary": assessment.summary,
        "timeline": [
            {"stage": t.stage, "message_id": t.message_id, "timestamp": _timestamp(t.timestamp)}
            for t in assessment.timeline
        ],
        "findings": [finding_to_dict(f) for f in assessment.findings],
    }
