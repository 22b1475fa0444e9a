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

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import cache
from itertools import accumulate
from typing import Any

from takeback.detect import language
from takeback.detect.engine import Engine, Hit, build_engine
from takeback.detect.stages import LOCAL, assess_hits
from takeback.ingest.text import speaker
from takeback.model import Assessment, Conversation, Finding, Message, StageReached

__all__ = ["assess", "assess_text", "assessment_to_dict", "engine", "finding_to_dict"]

_NOTHING = assess_hits([Message(id="1", sender=None, timestamp=None, text="")], [[]])


@cache
def engine() -> Engine:
    """The engine with every packaged rule, built once per process."""
    return build_engine()


_SENTENCE = re.compile(r"[^.!?\n]+")
MAX_QUOTE = 140  # characters of the sentence a second opinion quotes
# Rules made of the images (or their spreading), what happens to them and a condition or a
# price, which offenders split over several messages. Rules without the condition are not
# joined: "i got the clip of u" / "posting it so everyone sees" is gamers' banter.
SPLIT = frozenset(
    {"threat.leverage_exposure_condition", "threat.spread_condition", "threat.rhetorical_price"}
)
RUN, OVERLAP = 12, 4  # messages of a sender's run read together at most; shared by two stretches


def _second_opinion(
    messages: Sequence[Message],
    victim: str | None,
    coerced: bool,
    cues: Sequence[int],
    sexual: bool,
    weak: Sequence[int] = (),
) -> Finding | None:
    """The language model's finding (detect/language.py): it quotes the sentence whose words
    weighed most, in the message that weighed most, not one of the targeted person's own
    unless they wrote them all.
    ``coerced``: the rules found a cue of coercion (else the model must be surer); ``cues``:
    the positions of the messages with a threat or demand; ``sexual``: they found sexual content
    or images too (the model may then be less sure); ``weak``: the positions of weaker cues of
    one."""
    model = language.load()
    if model is None:
        return None
    fold = engine().normaliser.fold
    # When the targeted person wrote every message (a retelling, or an offender's messages
    # pasted under their name), their words are what there is to quote.
    alone = all(m.sender == victim for m in messages)
    read = language.opinion(
        model,
        [fold(m.text) for m in messages],
        lambda i: victim is None or alone or messages[i].sender != victim,
        coerced,
        cues,
        sexual,
        weak,
    )
    if read is None:
        return None
    message = messages[read.message]
    sentences = [m for m in _SENTENCE.finditer(message.text) if m.group().strip()]
    best = max(sentences, key=lambda m: language.weight(model, fold(m.group())), default=None)
    start, end = best.span() if best else (0, len(message.text))
    quote = message.text[start:end]
    start += len(quote) - len(quote.lstrip())
    end = min(start + len(quote.strip()), start + MAX_QUOTE)
    return Finding(
        rule=language.RULE,
        stage="threat",
        message_id=message.id,
        quote=message.text[start:end],
        span=(start, end),
        weight=round(read.probability, 3),
        sender=message.sender,
    )


def assess(conversation: Conversation, language_model: bool = True) -> Assessment:
    """What a conversation shows, explained by its findings.

    ``language_model=False`` gives the rules' verdict alone, without the second opinion.
    """
    matcher = engine()
    messages = [m for m in conversation.messages if not m.system]
    opinion = _second_opinion if language_model else None
    # A conversation keeps what modifier rules say alone in a message ("the karaoke video"):
    # it tells how a threat in another message is read.
    hits = [matcher.hits(m.text, matcher.matched(m.text, modifiers=True)) if m.text else [] for m in messages]
    _split_threats(matcher, messages, hits)
    return assess_hits(messages, hits, opinion)


def _split_threats(matcher: Engine, messages: Sequence[Message], hits: list[list[Hit]]) -> None:
    """Add to ``hits`` the rules made of parts (``all_of``) that one sender split over messages
    in a row: "i have ur recording" / "u want it on youtube?" / "5k paytm". The parts must
    still be near (engine.NEAR), so only short messages add up; a long run (a channel's posts)
    is read in overlapping stretches of RUN messages."""
    start = 0
    while start < len(messages):
        end = start + 1
        sender = messages[start].sender
        while end < len(messages) and sender is not None and messages[end].sender == sender:
            end += 1
        for first in range(start, max(start + 1, end - OVERLAP), RUN - OVERLAP):
            if min(first + RUN, end) - first > 1:
                _join(matcher, messages, hits, first, min(first + RUN, end))
        start = end


def _join(matcher: Engine, messages: Sequence[Message], hits: list[list[Hit]], first: int, end: int) -> None:
    """One stretch of a sender's run read as one text; a finding is placed in the message that
    completes it and quotes its part there."""
    texts = [m.text for m in messages[first:end]]
    offsets = list(accumulate((len(t) + 1 for t in texts), initial=0))
    joined = "\n".join(texts)
    matched = [i for i in matcher.matched(joined) if matcher.rules[i].id in SPLIT]
    for hit in matcher.hits(joined, matched) if matched else ():
        last = bisect_right(offsets, hit.span[1] - 1) - 1  # the message where it ends
        if hit.span[0] >= offsets[last] or any(h.rule is hit.rule for h in hits[first + last]):
            continue  # within one message: found there already, or not at all
        span = (0, hit.span[1] - offsets[last])
        hits[first + last].append(Hit(hit.rule, span, texts[last][: span[1]]))


def assess_text(text: str, language_model: bool = True) -> Assessment:
    """What one text shows; its findings have message id "1" and spans into ``text``.

    A long chat pasted as one text (more than LOCAL + 1 "Name: text" lines, two people or
    more) is read as the conversation it is, one message a line: in weeks of messages the
    sexual talk, the threat and the demand must be near each other (see stages._local).
    """
    matcher = engine()
    matched = matcher.matched(text) if text else []
    if not matched:
        return _NOTHING
    opinion = _second_opinion if language_model else None
    lines = _chat_lines(text)
    if lines is None:
        message = Message(id="1", sender=None, timestamp=None, text=text)
        return assess_hits([message], [matcher.hits(text, matched)], opinion)
    messages = [
        Message(id=str(number), sender=sender, timestamp=None, text=line)
        for number, (_, sender, line) in enumerate(lines)
    ]
    assessment = assess_hits(messages, [matcher.hits(m.text) for m in messages], opinion)
    starts = [start for start, _, _ in lines]
    return replace(
        assessment,
        findings=tuple(
            replace(f, message_id="1", span=(start + f.span[0], start + f.span[1]))
            for f in assessment.findings
            for start in (starts[int(f.message_id)],)
        ),
        timeline=tuple(StageReached(s.stage, "1", s.timestamp) for s in assessment.timeline),
    )


def _chat_lines(text: str) -> list[tuple[int, str | None, str]] | None:
    """Each line of a long pasted chat: where its text starts, its sender, its text; None
    when ``text`` is not one (a line that is not "Name: text" continues the last sender's)."""
    if text.count("\n") <= LOCAL:
        return None
    lines: list[tuple[int, str | None, str]] = []
    senders: set[str] = set()
    named = 0
    offset = 0
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        found = speaker(bare)
        if found is not None:
            name, said, _ = found
            senders.add(name)
            named += 1
            lines.append((offset + len(bare) - len(said), name, said))  # the text ends the line
        elif bare.strip():
            lines.append((offset, lines[-1][1] if lines else None, bare))
        offset += len(line)
    if named <= LOCAL + 1 or len(senders) < 2 or named < 0.8 * len(lines):
        return None
    return lines


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
