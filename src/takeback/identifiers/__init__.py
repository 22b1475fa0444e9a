"""Identifiers of people and accounts, validated, with where each was seen.

Phone numbers, email addresses, links, handles, bank accounts, cards, payment
accounts and crypto addresses: each normalised (E.164, lower-cased, refanged ...),
checked where a checksum or rule exists (``valid``: True proven, False proven
wrong, None not checkable), and kept with every sighting (source hash, message
id, character span, the text as written, the sender).

    extract(conversation, assessment=None, region="GB")  one conversation, de-duplicated
    extract_text(text, region="GB")                      a bare text (bulk scan)
    identifier_to_dict(identifier)                       the stable JSON form

See docs/identifiers.md for what each kind means and docs/adding-an-identifier.md
to add one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

import phonenumbers
import re2

from takeback.errors import UsageError

# Importing the kinds registers their extractors.
from takeback.identifiers import bank, card, crypto, email, handle, payment, phone, url  # noqa: F401
from takeback.identifiers.base import (
    EXTRACTORS,
    Encoded,
    Extractor,
    Found,
    Pattern,
    Scope,
    compile_pattern,
    encoded,
)
from takeback.identifiers.email import normal_address, split_address
from takeback.identifiers.phone import parse_phone
from takeback.identifiers.platforms import by_export
from takeback.model import Assessment, Conversation, Identifier, Sighting

__all__ = ["EXTRACTORS", "Extractor", "Found", "extract", "extract_text", "find", "identifier_to_dict"]

# RE2 may use this much memory for the one set of all patterns (its default is 8 MiB).
_SET_MEMORY = 64 << 20
_PHONE_LIKE = compile_pattern(r"\+?[\d \-().]{7,24}")


@dataclass(frozen=True, slots=True)
class _Run:
    extractor: Extractor
    pattern: str
    needs: tuple[int, ...]  # the numbers of the pattern's triggers: all must match


# How many sets of matched triggers the triage remembers what to run for.
_PLANS = 4096
_NOTHING: frozenset[int] = frozenset()

_Plan = tuple[tuple[Extractor, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class _Triage:
    """Which patterns can match a text at all, found in one linear pass (an RE2 set).

    Triggers are numbered in the order the extractors give them. Most are in the set;
    the few marked ``ALONE`` are matched on their own (see :attr:`Extractor.ALONE`).
    """

    match: Callable[[bytes], list[int] | None]  # the set's patterns that match a text in UTF-8
    numbers: tuple[int, ...]  # the trigger number of each of the set's patterns
    alone: tuple[tuple[int, Pattern], ...]  # the triggers matched on their own, with their numbers
    runs: dict[int, tuple[_Run, ...]]  # by the number of each run's first trigger
    # What to run for each set of matched triggers: texts share a few such sets, so each
    # is worked out once.
    plans: dict[tuple[frozenset[int], tuple[bool, ...]], _Plan] = field(default_factory=dict)

    def work(self, data: bytes) -> _Plan:
        """The extractors to run on a text (in UTF-8), each with the names of its patterns to run."""
        matched = self.match(data)
        alone = tuple([pattern.occurs(data) for _, pattern in self.alone])
        key = (frozenset(matched) if matched else _NOTHING, alone)
        plan = self.plans.get(key)
        if plan is None:
            if len(self.plans) >= _PLANS:
                self.plans.clear()
            hits = {self.numbers[index] for index in key[0]}
            hits.update(number for (number, _), hit in zip(self.alone, alone, strict=True) if hit)
            plan = self.plans[key] = self._plan(hits)
        return plan

    def _plan(self, hits: set[int]) -> _Plan:
        chosen: dict[str, tuple[Extractor, list[str]]] = {}
        for number in sorted(hits):
            for run in self.runs.get(number, ()):
                if len(run.needs) == 1 or all(need in hits for need in run.needs):
                    chosen.setdefault(run.extractor.NAME, (run.extractor, []))[1].append(run.pattern)
        return tuple((extractor, tuple(names)) for extractor, names in chosen.values())


@cache
def _triage() -> _Triage:
    options = re2.Options()
    options.max_mem = _SET_MEMORY
    options.log_errors = False  # RE2 falls back by itself when its DFA is full; no noise on stderr
    patterns = re2.Set.SearchSet(options)
    numbered: dict[str, int] = {}
    in_set: list[int] = []
    alone: list[tuple[int, Pattern]] = []

    def add(source: str, on_its_own: bool) -> int:
        if source not in numbered:
            number = numbered[source] = len(numbered)
            if on_its_own:
                alone.append((number, compile_pattern(source)))
            else:
                patterns.Add(source)
                in_set.append(number)
        return numbered[source]

    runs: dict[int, list[_Run]] = {}
    for extractor in EXTRACTORS:
        for name in extractor.PATTERNS:
            # Only a pattern's own trigger (the first) may stand alone: its context words stay in the set.
            alone_too = name in extractor.ALONE
            needs = tuple(
                add(source, alone_too and i == 0) for i, source in enumerate(extractor.triggers(name))
            )
            runs.setdefault(needs[0], []).append(_Run(extractor, name, needs))
    patterns.Compile()
    by_first = {number: tuple(group) for number, group in runs.items()}
    # The compiled set itself, when google-re2 keeps it where we look: its Python wrapper
    # costs a call and a type check per text.
    native = getattr(getattr(patterns, "_set", None), "Match", None)
    return _Triage(native or patterns.Match, tuple(in_set), tuple(alone), by_first)


def _encodable(text: str) -> Encoded:
    """The text in UTF-8, lone surrogates (from undecodable bytes) read as '?': same length, same spans."""
    try:
        return encoded(text, text.encode("utf-8"))
    except UnicodeEncodeError:
        return encoded(text.encode("utf-8", "replace").decode("utf-8"))


def _resolve(found: list[Found]) -> list[Found]:
    """Settle overlaps: what lies inside a longer identifier of another kind is part of it.

    Digits inside an IBAN are not a phone number (nor is a number labelled an MTCN),
    ``gmail.com`` inside ``jo at gmail.com`` is not a link, and an address inside a link
    is part of the link (the link and any account it names are reported). A crypto
    address that passes its checksum is kept even inside a link, since block-explorer
    links carry real addresses. The same
    identifier found twice over one stretch (``telegram @x`` is both an @name and a name
    given for Telegram) is kept once.
    """
    if len(found) < 2:
        return found
    # A number labelled as something else (an MTCN, an account number) is not also a phone number.
    labelled = {
        (f.start, f.end) for f in found if f.kind in ("bank", "payment") and not f.value.startswith("+")
    }
    found = sorted(
        (f for f in found if f.kind != "phone" or (f.start, f.end) not in labelled),
        key=lambda f: (f.start, -f.end),
    )
    kept: list[Found] = []
    outer: Found | None = None
    for item in found:
        inside = (
            outer is not None
            and not item.from_link
            and outer.kind != item.kind
            and item.end <= outer.end
            and (outer.start, outer.end) != (item.start, item.end)
        )
        if inside and not (item.kind == "crypto" and item.valid):
            continue
        kept.append(item)
        if not item.from_link and (outer is None or item.end > outer.end):
            outer = item
    ends: dict[tuple[str, str | None, str], int] = {}
    unique = []
    for item in kept:
        identity = (item.kind, item.platform, item.key)
        if ends.get(identity, -1) > item.start:
            continue
        ends[identity] = item.end
        unique.append(item)
    return unique


@lru_cache(maxsize=64)
def _scope(region: str, platform: str | None) -> Scope:
    return Scope(region=region, platform=platform)


def find(text: str, region: str = "GB", platform: str | None = None) -> list[Found]:
    """Every identifier in one text, each time it occurs, in text order.

    ``region`` is where phone numbers written without a country code are read (a
    two-letter country code); ``platform`` the conversation's, for @names.
    """
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise UsageError(f"unknown region {region!r}: give a two-letter country code such as GB or US")
    readable = _encodable(text)
    text = readable.text
    scope = _scope(region, platform)
    found: list[Found] = []
    for extractor, names in _triage().work(readable.data):
        found.extend(extractor.find(text, scope, names))
    return _resolve(found)


@dataclass
class _Entry:
    first: Found
    sightings: list[Sighting] = field(default_factory=list)
    valid: bool | None = None
    explanation: str = ""


@dataclass
class _Collector:
    """Gathers sightings into one identifier per (kind, platform, value)."""

    entries: dict[tuple[str, str | None, str], _Entry] = field(default_factory=dict)

    def add(self, found: Found, sighting: Sighting) -> None:
        identity = (found.kind, found.platform, found.key)
        entry = self.entries.get(identity)
        if entry is None:
            entry = self.entries[identity] = _Entry(found, valid=found.valid, explanation=found.explanation)
        elif _stronger(found.valid, entry.valid):
            entry.valid, entry.explanation = found.valid, found.explanation
        entry.sightings.append(sighting)

    def identifiers(self, assessment: Assessment | None) -> list[Identifier]:
        return [
            Identifier(
                kind=entry.first.kind,
                value=entry.first.value,
                valid=entry.valid,
                role=_role(entry.sightings, assessment),
                sightings=tuple(entry.sightings),
                platform=entry.first.platform,
                explanation=entry.explanation,
            )
            for entry in self.entries.values()
        ]


def _stronger(new: bool | None, old: bool | None) -> bool:
    """One sighting that proves an identifier proves it; a failed one outranks no check at all."""
    rank = {True: 2, False: 1, None: 0}
    return rank[new] > rank[old]


def _role(sightings: Iterable[Sighting], assessment: Assessment | None) -> str:
    """Who wrote it: the offender if they ever did, else the victim if they did."""
    if assessment is None:
        return "unknown"
    senders = {sighting.sender for sighting in sightings}
    if assessment.offender is not None and assessment.offender in senders:
        return "offender"
    if assessment.victim is not None and assessment.victim in senders:
        return "victim"
    return "unknown"


def extract(
    conversation: Conversation, assessment: Assessment | None = None, region: str = "GB"
) -> list[Identifier]:
    """The identifiers in a conversation, one entry each with all its sightings, in order of first sighting.

    Besides the messages' text, the accounts the export gives for its participants
    (phone numbers, account ids, handles, email addresses) are identifiers too; their
    sightings have the span (0, 0) and the id of the participant's first message.
    """
    source = conversation.source.sha256
    collector = _Collector()
    first_message: dict[str, str] = {}
    for message in conversation.messages:
        if message.sender and message.sender not in first_message:
            first_message[message.sender] = message.id
        if not message.text:
            continue
        for found in find(message.text, region, conversation.platform):
            collector.add(found, _sighting(source, message.id, found, message.sender))
    for found, person in _participant_accounts(conversation, first_message, region):
        collector.add(found, _sighting(source, first_message.get(person, ""), found, person))
    return collector.identifiers(assessment)


def extract_text(text: str, region: str = "GB") -> list[Identifier]:
    """The identifiers in one bare text (a bulk scan): sightings carry no source or message."""
    collector = _Collector()
    for found in find(text, region):
        collector.add(found, _sighting("", "", found, None))
    return collector.identifiers(None)


def _sighting(source: str, message_id: str, found: Found, sender: str | None) -> Sighting:
    return Sighting(
        source_sha256=source,
        message_id=message_id,
        span=(found.start, found.end),
        raw=found.raw,
        sender=sender,
    )


def _participant_accounts(
    conversation: Conversation, first_message: dict[str, str], region: str
) -> Iterator[tuple[Found, str]]:
    """The accounts an export gives for each participant, and for senders it lists nowhere else."""
    people = {person.name: person for person in conversation.participants}
    for sender in first_message:
        if sender not in people:
            yield from _accounts(sender, [("name", sender)], conversation.platform, region)
    for person in people.values():
        fields = [
            ("phone number", person.phone),
            ("account id", person.account_id),
            ("handle", person.handle),
            ("name", person.name),
        ]
        given = [(label, value.strip()) for label, value in fields if value and value.strip()]
        yield from _accounts(person.name, given, conversation.platform, region)


def _accounts(
    person: str, fields: list[tuple[str, str]], export: str, region: str
) -> Iterator[tuple[Found, str]]:
    platform = by_export(export)
    platform_name = platform.name if platform else export
    for label, raw in fields:
        where = f"the {export} export gives it as the {label} of {person!r}"
        address = split_address(raw) if "@" in raw and " " not in raw.strip() else None
        if address is not None:
            value = normal_address(address)[0]
            yield (
                Found(
                    "email",
                    value,
                    None,
                    0,
                    0,
                    raw,
                    None,
                    f"{where}; no checksum exists for an address",
                    value,
                ),
                person,
            )
        elif label == "phone number" or (label == "name" and _PHONE_LIKE.fits(raw)):
            yield _phone_account(raw, region, where), person
        elif label in ("account id", "handle"):
            value = raw if label == "account id" else raw.lstrip("@").lower()
            explanation = f"{where}; no checksum exists for an account name"
            yield Found("handle", value, None, 0, 0, raw, platform_name, explanation, value), person


def _phone_account(raw: str, region: str, where: str) -> Found:
    parsed = parse_phone(raw, region)
    if parsed is None:
        value = "".join(char for char in raw if char.isdigit() or char == "+")
        return Found(
            "phone", value, False, 0, 0, raw, None, f"{where}; libphonenumber: not a possible number", value
        )
    value, valid = parsed
    verdict = "a valid number" if valid else "the right length, but not a number in use"
    return Found("phone", value, valid, 0, 0, raw, None, f"{where}; libphonenumber: {verdict}", value)


def identifier_to_dict(identifier: Identifier) -> dict[str, Any]:
    """The stable JSON form of an identifier (key names are a public contract)."""
    return {
        "kind": identifier.kind,
        "value": identifier.value,
        "raw": identifier.sightings[0].raw if identifier.sightings else "",
        "valid": identifier.valid,
        "role": identifier.role,
        "platform": identifier.platform,
        "explanation": identifier.explanation,
        "sightings": [
            {
                "source_sha256": sighting.source_sha256,
                "message_id": sighting.message_id,
                "span": list(sighting.span),
                "raw": sighting.raw,
                "sender": sighting.sender,
            }
            for sighting in identifier.sightings
        ],
    }
