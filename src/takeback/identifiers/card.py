"""Payment card numbers, checked with the Luhn checksum and the issuer's number ranges.

A run of 13-19 digits (compact, or in the groups cards print: 4-4-4-4, 4-6-5 ...)
whose prefix and length belong to a card network. It is ``valid: true`` when the
Luhn checksum holds and ``valid: false`` when it fails; a failing run is reported
only when it is grouped like a card or has a card word nearby (otherwise it is an
order or tracking number).

The value is masked, all but the last four digits, so that what is shown on a
screen never shows a whole card number; the sighting's ``raw`` keeps the number as
written, because the police and the bank need it. See docs/identifiers.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import filterfalse
from typing import ClassVar

from takeback.identifiers.base import (
    EXTRACTORS,
    Candidate,
    Extractor,
    Scope,
    Words,
    char_after,
    char_before,
    context_group,
)

# Card networks by number prefix (ISO/IEC 7812 issuer ranges as the networks publish them):
# (network, first prefix, last prefix, lengths). Longer prefixes are tried first.
_NETWORKS = (
    ("Mir", "2200", "2204", (16, 17, 18, 19)),
    ("Mastercard", "2221", "2720", (16,)),
    ("Diners Club", "300", "305", (14, 15, 16, 17, 18, 19)),
    ("JCB", "3528", "3589", (16, 17, 18, 19)),
    ("American Express", "34", "34", (15,)),
    ("American Express", "37", "37", (15,)),
    ("Diners Club", "36", "36", (14, 15, 16, 17, 18, 19)),
    ("Diners Club", "38", "39", (16, 17, 18, 19)),
    ("Visa", "4", "4", (13, 16, 19)),
    ("Mastercard", "51", "55", (16,)),
    ("Maestro", "50", "50", (12, 13, 14, 15, 16, 17, 18, 19)),
    ("Maestro", "56", "58", (12, 13, 14, 15, 16, 17, 18, 19)),
    ("Discover", "6011", "6011", (16, 17, 18, 19)),
    ("Discover", "644", "649", (16, 17, 18, 19)),
    ("Discover", "65", "65", (16, 17, 18, 19)),
    ("UnionPay", "62", "62", (16, 17, 18, 19)),
    ("Maestro", "6304", "6304", (12, 13, 14, 15, 16, 17, 18, 19)),
    ("Maestro", "6759", "6759", (12, 13, 14, 15, 16, 17, 18, 19)),
    ("Maestro", "676", "676", (12, 13, 14, 15, 16, 17, 18, 19)),
)
# How close before a number a reference word ("tracking", "order") makes it a reference.
REFERENCE = 24
# How card numbers are grouped when printed or typed with spaces or dashes.
_LAYOUTS = ((4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4), (4, 4, 4, 3), (4, 4, 4, 1))


_LONGEST_PREFIX_FIRST = sorted(_NETWORKS, key=lambda n: -len(n[1]))


def network(digits: str) -> str | None:
    """The card network whose prefix and length fit ``digits``."""
    for name, first, last, lengths in _LONGEST_PREFIX_FIRST:
        prefix = digits[: len(first)]
        if first <= prefix <= last and len(digits) in lengths:
            return name
    return None


def luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def mask(digits: str) -> str:
    return "*" * (len(digits) - 4) + digits[-4:]


def _digits(raw: str) -> str:
    return "".join(filter(str.isdigit, raw))


class CardExtractor(Extractor):
    NAME = "card"
    PATTERNS: ClassVar[Mapping[str, str]] = {"card number": r"\d(?:[ \-]?\d){12,18}"}
    CONTEXT: ClassVar[Mapping[str, Words]] = {"card number": Words(context_group("card"))}
    NOT_CARD: ClassVar[Words] = Words(context_group("not_phone"))
    CONTEXT_AFTER_ACCEPT: ClassVar[frozenset[str]] = frozenset(["card number"])
    TRIGGERS: ClassVar[Mapping[str, str]] = {"card number": r"\d(?:[ \-]?\d){12}"}

    def accept(self, candidate: Candidate, scope: Scope) -> Candidate | None:
        text = candidate.text
        before = char_before(text, candidate.start)
        if (
            before.isdigit()
            or before in "+-.,/#"
            or (before == " " and char_before(text, candidate.start - 1).isdigit())
        ):
            return None  # part of a longer number, an amount or a phone number
        raw = candidate.raw
        separators = set(filterfalse(str.isdigit, raw))
        if len(separators) > 1:
            return None
        if separators:
            groups = [len(group) for group in raw.split(separators.pop())]
            layout = next((n for n in range(len(groups), 0, -1) if tuple(groups[:n]) in _LAYOUTS), 0)
            if not layout:
                return None
            candidate = candidate.replace(end=candidate.start + sum(groups[:layout]) + layout - 1)
        elif char_after(text, candidate.end).isdigit():
            return None
        if char_after(text, candidate.end) in "-." and char_after(text, candidate.end + 1).isdigit():
            return None
        brand = network(_digits(candidate.raw))
        return candidate.on(brand) if brand else None

    def normalise(self, candidate: Candidate) -> str:
        return mask(_digits(candidate.raw))

    def key(self, candidate: Candidate, value: str) -> str:
        return _digits(candidate.raw)

    def validate(self, candidate: Candidate) -> bool | None:
        return luhn(_digits(candidate.raw))

    def keep(self, candidate: Candidate, valid: bool | None) -> bool:
        grouped = not candidate.raw.isdigit()
        if not grouped and self.NOT_CARD.near(candidate.text, candidate.start, candidate.start, REFERENCE, 0):
            return False  # "tracking 3584...": a reference that passes Luhn by chance (one in ten do)
        return bool(valid) or grouped or bool(candidate.context)

    def verdict(self, candidate: Candidate, valid: bool | None) -> str:
        length = len(_digits(candidate.raw))
        check = (
            "Luhn checksum correct" if valid else "the Luhn checksum fails (a typo, a misread or not a card)"
        )
        return f"{check}; {candidate.platform} prefix and length ({length} digits)"


EXTRACTORS.register(CardExtractor())
