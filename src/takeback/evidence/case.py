"""What a pack knows about its case: the records every export is made from.

The packer fills these as it works; the exports (HTML, PDF, CSV, CASE/UCO,
STIX) only read them, so all of them describe exactly the same evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from takeback.model import Assessment, Conversation, Identifier, participant_to_dict, source_to_dict

STAGE_LABELS = {
    "approach": "First contact",
    "sexualisation": "Sexual talk",
    "image_request": "Asked for images",
    "threat": "Threat to share images",
    "payment_demand": "Demand for money",
    "pressure": "Pressure and deadlines",
    "escalation": "Escalation",
    "email_scam": "Extortion email",
}


@dataclass(frozen=True, slots=True)
class FileEntry:
    """A file found among the inputs (or referenced by a message), with its fingerprints.

    ``packed_as`` is where its byte-exact copy is in the pack; when it is None,
    ``not_copied`` says why in plain words. ``inside`` names the chat file that
    holds it, for media embedded in an email.
    """

    path: str
    member: str | None
    size: int
    sha256: str
    md5: str | None
    media_type: str | None
    media: bool
    pdq: str | None = None
    pdq_quality: int | None = None
    note: str | None = None
    packed_as: str | None = None
    not_copied: str | None = None
    inside: str | None = None
    given: bool = True  # False: found only because a message refers to it
    referenced_by: tuple[str, ...] = ()  # "c1/m42": conversation id / message id

    @property
    def display(self) -> str:
        if self.inside:
            return f"{self.inside} » {self.member}"
        return f"{self.path}!{self.member}" if self.member else self.path


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An input (or part of one) that could not be read, and why: never silently dropped."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class PackedFile:
    """A member of the pack, with the SHA-256 and size of its bytes."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class CaseConversation:
    id: str  # c1, c2 ... in reading order
    conversation: Conversation
    assessment: Assessment
    identifiers: tuple[Identifier, ...]


@dataclass(frozen=True, slots=True)
class Case:
    """Everything the exports describe."""

    created: datetime
    version: str
    examiner: str | None
    note: str | None
    country: str
    victim_age: int | None
    include_media: bool
    encrypted: bool
    inputs: tuple[str, ...]  # the paths as given
    files: tuple[FileEntry, ...]
    unreadable: tuple[Unreadable, ...]
    conversations: tuple[CaseConversation, ...]
    packed: tuple[PackedFile, ...]  # pack members written before the exports
    pdf_skipped: str | None  # why report.pdf is missing, when it is

    @property
    def child(self) -> bool:
        return self.victim_age is not None and self.victim_age < 18

    @property
    def media(self) -> tuple[FileEntry, ...]:
        return tuple(entry for entry in self.files if entry.media)

    def offender_identifiers(self) -> list[tuple[CaseConversation, Identifier]]:
        return [(c, i) for c in self.conversations for i in c.identifiers if i.role == "offender"]


def _time(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def assessment_to_dict(assessment: Assessment) -> dict[str, Any]:
    return {
        "sextortion": assessment.sextortion,
        "risk": assessment.risk,
        "stages": list(assessment.stages),
        "timeline": [
            {"stage": s.stage, "message_id": s.message_id, "timestamp": _time(s.timestamp)}
            for s in assessment.timeline
        ],
        "crisis": assessment.crisis,
        "offender": assessment.offender,
        "victim": assessment.victim,
        "seconds_to_first_threat": assessment.seconds_to_first_threat,
        "summary": assessment.summary,
        "findings": [
            {
                "rule": f.rule,
                "stage": f.stage,
                "message_id": f.message_id,
                "quote": f.quote,
                "span": list(f.span),
                "weight": f.weight,
                "sender": f.sender,
            }
            for f in assessment.findings
        ],
    }


def file_entry_to_dict(entry: FileEntry) -> dict[str, Any]:
    return {
        "path": entry.path,
        "member": entry.member,
        "inside": entry.inside,
        "size": entry.size,
        "sha256": entry.sha256,
        "md5": entry.md5,
        "media_type": entry.media_type,
        "media": entry.media,
        "pdq": entry.pdq,
        "pdq_quality": entry.pdq_quality,
        "note": entry.note,
        "packed_as": entry.packed_as,
        "not_copied": entry.not_copied,
        "given": entry.given,
        "referenced_by": list(entry.referenced_by),
    }


def conversation_summary(item: CaseConversation) -> dict[str, Any]:
    conversation = item.conversation
    return {
        "id": item.id,
        "source": source_to_dict(conversation.source),
        "platform": conversation.platform,
        "title": conversation.title,
        "timezone": conversation.timezone,
        "participants": [participant_to_dict(p) for p in conversation.participants],
        "messages": len(conversation.messages),
        "warnings": list(conversation.warnings),
    }
