"""Drafts a person can send: a police statement, takedown requests, a note to the bank,
and a short note a young person can show a trusted adult.

The words live in ``templates/*.j2`` (Jinja2), one template per kind, written once
for both plain text and Markdown. What goes into them comes from the situation
(age, country, links), from a ``check`` result when there is one (the timeline,
the quoted findings, the other person's accounts and payment details) and from
the evidence pack (its name and SHA-256). Every service named comes from the data
files, as in the plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import jinja2

from takeback.errors import UsageError
from takeback.guidance.checkfile import CheckedConversation, MessageTime, all_identifiers
from takeback.guidance.directory import platform_for_url, platform_named
from takeback.guidance.plan import Group, Situation, services_for
from takeback.model import Assessment, Identifier

DRAFT_KINDS = ("police", "takedown", "bank", "trusted-adult")
PAYMENT_KINDS = frozenset({"bank", "card", "payment", "crypto"})
# A statement with hundreds of lines helps no one; the rest is in the evidence pack.
MAX_EVENTS = 40
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


@dataclass(frozen=True, slots=True)
class Event:
    """One message in the police statement's timeline: when, who, which stages, the words quoted."""

    when: datetime | None
    time_text: str | None
    message_id: str
    sender: str | None
    stages: tuple[str, ...]
    quotes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DraftContext:
    """Everything a draft may use. Only the situation is needed; the rest makes it fuller."""

    situation: Situation
    events: tuple[Event, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    platforms: tuple[str, ...] = ()  # where the conversations happened
    pack_name: str | None = None
    pack_sha256: str | None = None
    today: date = field(default_factory=lambda: datetime.now(UTC).date())


def events_from(assessment: Assessment,
                messages: Mapping[str, MessageTime] | None = None) -> tuple[Event, ...]:
    """The messages that show each stage, in time order, with the words that show it.

    ``messages`` gives each message's time and sender when the findings alone do not
    (a check result lists them); without it the timeline's times are used.
    """
    messages = messages or {}
    reached = {t.message_id: t.timestamp for t in assessment.timeline}
    by_message: dict[str, tuple[list[str], list[str], str | None]] = {}
    for finding in assessment.findings:
        stages, quotes, _ = by_message.setdefault(finding.message_id, ([], [], finding.sender))
        if finding.stage not in stages:
            stages.append(finding.stage)
        if finding.quote and finding.quote not in quotes:
            quotes.append(finding.quote)
    for item in assessment.timeline:
        stages, _, _ = by_message.setdefault(item.message_id, ([], [], None))
        if item.stage not in stages:
            stages.append(item.stage)
    events = []
    for message_id, (stages, quotes, sender) in by_message.items():
        known = messages.get(message_id)
        events.append(Event(
            when=known.timestamp if known and known.timestamp else reached.get(message_id),
            time_text=known.time_text if known else None,
            message_id=message_id,
            sender=(known.sender if known else None) or sender,
            stages=tuple(stages),
            quotes=tuple(quotes),
        ))
    return _in_time_order(events)


def _in_time_order(events: Iterable[Event]) -> tuple[Event, ...]:
    """Events by time; one with no time stays right after the event before it."""
    keyed = []
    last = datetime.min.replace(tzinfo=UTC)
    for index, event in enumerate(events):
        last = event.when or last
        keyed.append((last, index, event))
    return tuple(event for _, _, event in sorted(keyed, key=lambda k: (k[0], k[1])))


def context_from_check(conversations: Sequence[CheckedConversation], situation: Situation, *,
                       pack_name: str | None = None, pack_sha256: str | None = None) -> DraftContext:
    """A draft context from a ``check --json`` result (which may lack assessments or identifiers)."""
    events: list[Event] = []
    shown = []  # the conversations that show something: where it happened
    for conversation in conversations:
        if conversation.assessment and (conversation.assessment.sextortion or conversation.assessment.stages):
            events.extend(events_from(conversation.assessment, conversation.messages))
            shown.append(conversation)
    return DraftContext(
        situation=situation,
        events=_in_time_order(events),
        identifiers=all_identifiers(conversations),
        platforms=tuple(dict.fromkeys(_platform_name(c.platform) for c in shown or conversations
                                      if c.platform)),
        pack_name=pack_name,
        pack_sha256=pack_sha256,
    )


def _platform_name(name: str) -> str:
    """The name people know a platform by ("instagram" from an export is Instagram)."""
    platform = platform_named(name)
    return platform.name if platform else name


# --- rendering ---------------------------------------------------------------------------


def _markdown_escape(markdown: bool) -> Any:
    def escape(value: object) -> str:
        text = " ".join(str(value).split())  # one line: a quote must not break the layout
        return _MARKDOWN_SPECIAL.sub(r"\\\1", text) if markdown else text
    return escape


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("takeback.guidance", "templates"),
        autoescape=False,  # plain text and Markdown, never HTML; user text goes through `u`
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _when(event: Event) -> str:
    if event.when:
        return event.when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return event.time_text or "time not known"


def _masked(identifier: Identifier) -> str:
    """Card numbers are shown by their last four digits only: the note may be emailed."""
    if identifier.kind == "card":
        digits = re.sub(r"\D", "", identifier.value)
        return f"ending {digits[-4:]}" if len(digits) >= 4 else identifier.value
    return identifier.value


def _theirs(identifiers: Iterable[Identifier]) -> list[Identifier]:
    """The other person's identifiers: never the person's own."""
    return [i for i in identifiers if i.role != "victim"]


def _groups(groups: Sequence[Group]) -> list[dict[str, Any]]:
    return [{"heading": g.heading, "services": list(g.services)} for g in groups]


def _link_item(url: str, situation: Situation, identifiers: Sequence[Identifier]) -> dict[str, Any]:
    platform = platform_for_url(url)
    accounts = []
    if platform is not None:
        accounts = [i for i in _theirs(identifiers)
                    if i.kind == "handle" and platform_named(i.platform) == platform]
    return {
        "url": url,
        "platform": platform.name if platform else None,
        "in_app": platform.in_app if platform else None,
        "routes": list(platform.routes_for(situation.country)) if platform else [],
        "accounts": accounts,
    }


def _values(context: DraftContext, markdown: bool) -> dict[str, Any]:
    s = context.situation
    events = context.events[:MAX_EVENTS]
    theirs = _theirs(context.identifiers)
    return {
        "markdown": markdown,
        "today": context.today.isoformat(),
        "age": s.age,
        "under_18": s.under_18,
        "paid": s.paid,
        "events": [{"when": _when(e), "sender": e.sender, "stages": e.stages, "quotes": e.quotes,
                    "message_id": e.message_id} for e in events],
        "more_events": len(context.events) - len(events),
        "platforms": list(context.platforms) or ([s.platform] if s.platform else []),
        "urls": list(s.images_shared),
        "accounts": [i for i in theirs if i.kind not in PAYMENT_KINDS],
        "payments": [{"kind": i.kind, "value": _masked(i), "platform": i.platform, "valid": i.valid}
                     for i in theirs if i.kind in PAYMENT_KINDS],
        "pack_name": context.pack_name,
        "pack_sha256": context.pack_sha256,
        "police": _groups(services_for(s, "police", "child_police")),
        "fraud": _groups(services_for(s, "fraud")) if s.paid else [],
        "bank": _groups(services_for(s, "bank")),
        "helpers": _groups(services_for(s, "child_police", "support")),
        "links": [_link_item(url, s, context.identifiers) for url in s.images_shared],
    }


def render_draft(kind: str, context: DraftContext, *, markdown: bool = False) -> str:
    """One draft (``police``, ``takedown``, ``bank`` or ``trusted-adult``) as plain text or Markdown."""
    if kind not in DRAFT_KINDS:
        raise UsageError(f"unknown draft {kind!r}: choose one of {', '.join(DRAFT_KINDS)}")
    if kind == "takedown" and not context.situation.images_shared:
        raise UsageError("a takedown request needs the link to the image: add --url LINK")
    environment = _environment()
    template = environment.get_template(f"{kind.replace('-', '_')}.j2")
    text = template.render(**_values(context, markdown), u=_markdown_escape(markdown))
    # Templates leave runs of blank lines where optional parts were left out.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def draft_files(context: DraftContext, *, markdown: bool = False) -> list[tuple[str, str]]:
    """Every draft that fits the situation, as (file name, text): for ``pack``.

    The bank note only when money was paid; takedown requests only for links
    given; the trusted-adult note unless the person is known to be 18 or over.
    """
    suffix = ".md" if markdown else ".txt"
    kinds = ["police"]
    if context.situation.images_shared:
        kinds.append("takedown")
    if context.situation.paid:
        kinds.append("bank")
    if context.situation.under_18 is not False:
        kinds.append("trusted-adult")
    return [(f"draft-{kind}{suffix}", render_draft(kind, context, markdown=markdown)) for kind in kinds]
