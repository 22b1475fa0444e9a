"""The report's content, once, as plain data: report.html and report.pdf both render it.

Written for a non-technical reader (a police officer, a helpline worker, a
parent): what happened in plain words, the messages that show it, the
offender's identifiers, the fingerprints of the images (never the images), and
how to check that nothing in the pack has changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from takeback.evidence.case import STAGE_LABELS, Case, CaseConversation, FileEntry
from takeback.model import Identifier, Message

# A conversation this short is shown whole; a longer one shows the messages around each one that
# shows a stage (and its first messages). Every message is in messages.jsonl.
WHOLE_UP_TO = 300
AROUND = 12
OPENING = 20
WARNINGS_SHOWN = 10


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    emphasis: bool = False  # shown in a box: something the reader must not miss


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    code: tuple[int, ...] = ()  # columns that hold hashes or paths (monospace)
    weights: tuple[float, ...] = ()  # relative column widths on paper (equal when empty)


@dataclass(frozen=True, slots=True)
class Quote:
    """A message quoted as evidence; ``mark`` is the span of its text that shows the stage."""

    label: str
    who: str
    when: str
    text: str
    mark: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Steps:
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Code:
    text: str


Block = Paragraph | Table | Quote | Steps | Code


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    subtitle: str
    sections: tuple[Section, ...]


def when(value: datetime | None, written: str | None = None) -> str:
    if value is None:
        return written or "time not given"
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


def size_text(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def report_document(case: Case) -> Document:
    who = f" · examiner: {case.examiner}" if case.examiner else ""
    subtitle = f"Made with takeback {case.version} on {when(case.created)}{who}"
    sections = (
        _summary(case),
        _timeline(case),
        _identifiers(case),
        _media(case),
        _transcripts(case),
        _unreadable(case),
        _index(case),
        _how_to_verify(case),
    )
    return Document("Evidence report", subtitle, sections)


def _summary(case: Case) -> Section:
    blocks: list[Block] = []
    if case.note:
        blocks.append(Paragraph(f"Case note: {case.note}"))
    if case.child:
        blocks.append(
            Paragraph(
                "The person in this case is under 18. No images or videos were copied into this pack, "
                "and none should be: UK guidance is never to view, copy, share or store images of a "
                "child, even to give them to the police. Their fingerprints (hashes) are listed below; "
                "the police and Take It Down can use these without anyone seeing the images.",
                emphasis=True,
            )
        )
    if any(c.assessment.crisis for c in case.conversations):
        blocks.append(
            Paragraph(
                "The person speaks of harming themselves in these messages. Please make sure they are "
                "safe and have support now, before anything else.",
                emphasis=True,
            )
        )
    if not case.conversations:
        blocks.append(Paragraph("No conversations could be read from the files given."))
    for item in case.conversations:
        conversation, assessment = item.conversation, item.assessment
        title = f" “{conversation.title}”" if conversation.title else ""
        blocks.append(
            Paragraph(
                f"Conversation {item.id}: {conversation.platform}{title}, {len(conversation.messages)} "
                f"messages, read from {conversation.source.display}."
            )
        )
        if assessment.sextortion:
            stages = ", ".join(STAGE_LABELS.get(s, s) for s in assessment.stages) or "none"
            verdict = f"This looks like sextortion (risk: {assessment.risk}). Stages reached: {stages}."
        elif assessment.stages:
            verdict = (
                f"Some warning signs were found (risk: {assessment.risk}), but not enough to "
                "call it sextortion."
            )
        else:
            verdict = "No signs of sextortion were found in this conversation."
        blocks.append(Paragraph(f"{verdict} {assessment.summary}".strip()))
    copied = sum(1 for f in case.files if f.packed_as and not f.media)
    media = case.media
    blocks.append(
        Paragraph(
            f"Files found: {len(case.files)}; copied byte for byte: {copied}; images and videos "
            f"fingerprinted: {len(media)} (copied: {sum(1 for m in media if m.packed_as)}); "
            f"could not be read: {len(case.unreadable)}."
        )
    )
    if case.pdf_skipped:
        blocks.append(Paragraph(f"report.pdf was not made: {case.pdf_skipped}"))
    return Section("Summary", tuple(blocks))


def _message_index(item: CaseConversation) -> dict[str, Message]:
    return {m.id: m for m in item.conversation.messages}


def _timeline(case: Case) -> Section:
    blocks: list[Block] = []
    for item in case.conversations:
        if not item.assessment.timeline:
            continue
        messages = _message_index(item)
        blocks.append(Paragraph(f"Conversation {item.id}", emphasis=False))
        for reached in item.assessment.timeline:
            message = messages.get(reached.message_id)
            finding = next(
                (
                    f
                    for f in item.assessment.findings
                    if f.stage == reached.stage and f.message_id == reached.message_id
                ),
                None,
            )
            label = STAGE_LABELS.get(reached.stage, reached.stage)
            if message is None:
                blocks.append(Paragraph(f"{label}: message {reached.message_id}"))
                continue
            blocks.append(
                Quote(
                    label=f"{label} (message {message.id})",
                    who=message.sender or "unknown sender",
                    when=when(message.timestamp, message.time_text),
                    text=message.text,
                    mark=finding.span if finding else None,
                )
            )
    if not blocks:
        blocks.append(Paragraph("No stage of sextortion was recognised in the messages."))
    return Section("What happened, step by step", tuple(blocks))


def _identifier_row(item: CaseConversation, identifier: Identifier, role: bool) -> tuple[str, ...]:
    checked = {True: "checked: valid", False: "looks wrong (typo or misread?)", None: "cannot be checked"}
    seen = ", ".join(f"{item.id}/{s.message_id}" for s in identifier.sightings[:5])
    if len(identifier.sightings) > 5:
        seen += f" and {len(identifier.sightings) - 5} more"
    raw = identifier.sightings[0].raw if identifier.sightings else ""
    row = (identifier.kind, identifier.value, raw, checked[identifier.valid], identifier.platform or "", seen)
    return (*row, identifier.role) if role else row


def _identifiers(case: Case) -> Section:
    headers = ("Kind", "Identifier", "As written", "Checked", "Service", "Seen in (conversation/message)")
    offender = tuple(_identifier_row(c, i, False) for c, i in case.offender_identifiers())
    others = tuple(
        _identifier_row(c, i, True) for c in case.conversations for i in c.identifiers if i.role != "offender"
    )
    blocks: list[Block] = [
        Table(headers, offender, code=(1,))
        if offender
        else Paragraph("No identifier could be tied to the offender."),
    ]
    if others:
        blocks.append(
            Paragraph(
                "Other identifiers in the messages (whose they are is not known, or "
                "they are the person's own):"
            )
        )
        blocks.append(Table((*headers, "Whose"), others, code=(1,)))
    return Section("The offender's identifiers", tuple(blocks))


def _media_row(entry: FileEntry) -> tuple[str, ...]:
    copied = f"copied to {entry.packed_as}" if entry.packed_as else "not copied"
    pdq = entry.pdq or (entry.note or "")
    if entry.pdq and entry.pdq_quality is not None:
        pdq = f"{entry.pdq} (quality {entry.pdq_quality})"
    return (
        entry.display,
        entry.media_type or "",
        size_text(entry.size),
        entry.sha256,
        entry.md5 or "",
        pdq,
        copied,
    )


def _media(case: Case) -> Section:
    media = case.media
    if not media:
        return Section("Images and videos", (Paragraph("No images or videos were found."),))
    blocks: list[Block] = [
        Paragraph(
            "These are fingerprints, not pictures. SHA-256 and MD5 identify a file exactly; PDQ "
            "finds visually similar copies of an image. Removal services (StopNCII for adults, "
            "Take It Down for under-18s) and the police can use them without anyone seeing the images."
        ),
        Table(
            ("File", "Type", "Size", "SHA-256", "MD5", "PDQ", "In this pack"),
            tuple(_media_row(m) for m in media),
            code=(3, 4, 5),
            weights=(2, 1, 0.8, 2, 1.6, 2, 1.6),
        ),
    ]
    return Section("Images and videos (fingerprints only)", tuple(blocks))


def shown(item: CaseConversation) -> list[int]:
    """Which messages (by position) the report shows."""
    count = len(item.conversation.messages)
    if count <= WHOLE_UP_TO:
        return list(range(count))
    position = {m.id: n for n, m in enumerate(item.conversation.messages)}
    keep = set(range(OPENING))
    for reached in item.assessment.timeline:
        at = position.get(reached.message_id)
        if at is not None:
            keep.update(range(max(at - AROUND, 0), min(at + AROUND + 1, count)))
    return sorted(keep)


def _transcripts(case: Case) -> Section:
    blocks: list[Block] = []
    for item in case.conversations:
        conversation = item.conversation
        zone = (
            f" Times were written without a zone and read as {conversation.timezone}."
            if conversation.timezone
            else ""
        )
        positions = shown(item)
        whole = len(positions) == len(conversation.messages)
        part = (
            ""
            if whole
            else (
                f" It has {len(conversation.messages)} messages: shown here are the first {OPENING} and the "
                f"{AROUND} before and after the first one to reach each stage; all are in messages.jsonl."
            )
        )
        blocks.append(Paragraph(f"Conversation {item.id}: {conversation.source.display}.{zone}{part}"))
        if conversation.warnings:
            notes = "; ".join(conversation.warnings[:WARNINGS_SHOWN])
            more = len(conversation.warnings) - WARNINGS_SHOWN
            tail = f"; and {more} more" if more > 0 else ""
            blocks.append(Paragraph(f"While reading it: {notes}{tail}"))
        rows = []
        previous = -1
        for at in positions:
            if at != previous + 1:
                rows.append(("", "", "", f"… {at - previous - 1} messages not shown …"))
            previous = at
            message = conversation.messages[at]
            marks = [
                label
                for flag, label in (
                    (message.system, "system"),
                    (message.edited, "edited"),
                    (message.deleted, "deleted"),
                    (message.corrupt, "could not be fully read"),
                )
                if flag
            ]
            files = [
                f"[attachment: {a.name}{'' if a.present else ', not in the export'}]"
                for a in message.attachments
            ]
            text = "\n".join(part for part in (message.text, *files) if part)
            if marks:
                text += f" [{', '.join(marks)}]"
            rows.append((message.id, when(message.timestamp, message.time_text), message.sender or "", text))
        if previous < len(conversation.messages) - 1:
            rows.append(("", "", "", f"… {len(conversation.messages) - previous - 1} messages not shown …"))
        blocks.append(Table(("Id", "Time", "From", "Message"), tuple(rows), weights=(1, 2.2, 1.6, 5.2)))
    if not blocks:
        blocks.append(Paragraph("No messages were read."))
    return Section("The messages", tuple(blocks))


def _unreadable(case: Case) -> Section:
    if not case.unreadable:
        return Section("Files that could not be read", (Paragraph("Every file given could be read."),))
    return Section(
        "Files that could not be read",
        (
            Paragraph(
                "These were given but could not be read. They are listed so that nothing is "
                "dropped silently; where it was safe, the file itself is still copied in originals/."
            ),
            Table(("File", "Why"), tuple((u.path, u.reason) for u in case.unreadable), code=(0,),
                  weights=(1, 1)),
        ),
    )


def _index(case: Case) -> Section:
    given = tuple(
        (f.display, f.sha256, f.md5 or "", size_text(f.size), f.packed_as or (f.not_copied or ""))
        for f in case.files
        if not f.media
    )
    packed = tuple((p.path, p.sha256, size_text(p.size)) for p in case.packed)
    return Section(
        "Evidence index",
        (
            Paragraph("The files given, with their fingerprints taken before anything else read them:"),
            Table(("File", "SHA-256", "MD5", "Size", "In this pack"), given, code=(0, 1, 2),
                  weights=(3, 2.4, 1.8, 0.9, 2.4)),
            Paragraph(
                "The files in this pack made before this report (the rest are listed, with every "
                "file, in SHA256SUMS and manifest.json):"
            ),
            Table(("File in the pack", "SHA-256", "Size"), packed, code=(0, 1), weights=(3, 4, 1)),
        ),
    )


def _how_to_verify(case: Case) -> Section:
    return Section(
        "How to check this pack",
        (
            Paragraph(
                "Anyone can check that no file in this pack has changed since it was made, with "
                "standard tools and without takeback:"
            ),
            Steps(
                (
                    "Unzip the pack into an empty folder.",
                    "Open a terminal in that folder and run the command below. Every line must end in OK.",
                )
            ),
            Code("sha256sum -c SHA256SUMS"),
            Paragraph(
                "On Windows (PowerShell), compare the output of Get-FileHash -Algorithm SHA256 for "
                "each file with the line for it in SHA256SUMS. With takeback installed, "
                "'takeback verify CASE.zip' checks every file, the custody log and the manifest "
                "without unzipping."
            ),
            Paragraph(
                "custody.jsonl records, line by line, who did what to which file and when. Each line "
                "carries in 'prev' the SHA-256 of the line before it, so a line edited, removed or "
                "moved breaks the chain; manifest.json records the SHA-256 of the last line. "
                "Keep the SHA-256 of the pack file itself (shown when it was made) with your notes: "
                "it proves the pack as a whole is the one handed over."
            ),
        ),
    )
