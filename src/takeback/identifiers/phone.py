"""Phone numbers, read and validated by libphonenumber (the ``phonenumbers`` package).

An RE2 pattern finds runs of at least seven digits with the separators people
type; libphonenumber's matcher then reads each run (never the whole text, so
its own regular expressions only ever see a short string) in the region of the
conversation. A number valid in its numbering plan is ``valid: true``; one that
is only the right length is reported ``valid: false`` when it was written in
international form or with a phone word nearby, and dropped otherwise (it is
more likely a date, an amount or a reference).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

import phonenumbers
from phonenumbers import (
    Leniency,
    NumberParseException,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
)

from takeback.identifiers.base import (
    EXTRACTORS,
    Candidate,
    Extractor,
    Found,
    Scope,
    Words,
    char_after,
    char_before,
    compile_pattern,
    context_group,
    with_note,
)

# Longer runs are tables or codes, not a number someone gave: bounding the run also bounds
# the work libphonenumber's own (backtracking) expressions can do on it.
MAX_RUN = 64
MIN_DIGITS = 7
MAX_DIGITS = 17  # E.164's 15, and an international prefix (00) or a trunk 0
MAX_COMPACT = 15  # a longer run with no separators is not written as a phone number
# What may stand between a reference word and its number: "order no. ", "ref: ", "invoice #".
_LABEL_GAP = compile_pattern(r"(?i)[\s:#.\-]*(?:(?:no|nr|num|number)\b\.?)?[\s:#.\-]*")
_DATE = compile_pattern(r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)?\d\d\b")
NOT_PHONE_BEFORE = 24

_TYPES = {
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline or mobile",
    PhoneNumberType.TOLL_FREE: "freephone",
    PhoneNumberType.PREMIUM_RATE: "premium-rate",
    PhoneNumberType.SHARED_COST: "shared-cost",
    PhoneNumberType.VOIP: "internet (VoIP)",
    PhoneNumberType.PERSONAL_NUMBER: "personal",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "company (UAN)",
    PhoneNumberType.VOICEMAIL: "voicemail",
}


def describe(number: PhoneNumber, kind_of: int | None = None) -> str:
    """'a valid mobile number (+44)' and the like (``kind_of``: its type, when known).

    The country code, not the region: finding the region (GB or Jersey, US or Canada)
    would validate the number once more per region sharing the code.
    """
    kind = _TYPES.get(phonenumbers.number_type(number) if kind_of is None else kind_of)
    code = f"+{number.country_code}"
    return f"a valid {kind} number ({code})" if kind else f"a valid number ({code})"


def e164(number: PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


@dataclass(frozen=True, slots=True)
class Reading:
    """One string read as one phone number."""

    value: str  # E.164
    valid: bool
    description: str  # "a valid GB mobile number", or "" when not valid


@lru_cache(maxsize=8192)
def read_number(text: str, region: str) -> Reading | None:
    """A whole string read as one phone number; None when it is not a possible number at all.

    Cached: a conversation repeats the same numbers, and parsing is the costly step.
    """
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    # libphonenumber's is_valid_number is exactly "its type is known" (both find the
    # region from the country code, then match the number's patterns): one reading, not two.
    kind = phonenumbers.number_type(number)
    valid = kind != PhoneNumberType.UNKNOWN
    return Reading(e164(number), valid, describe(number, kind) if valid else "")


@lru_cache(maxsize=256)
def _plain_length(region: str) -> tuple[int, tuple[re.Pattern[str], ...]]:
    """For numbers read in ``region``: the most digits a national number has (two to spare),
    and what a longer run may start with, as libphonenumber's metadata gives them (patterns):
    the trunk prefix and the carrier codes it strips, the international dialling prefix."""
    metadata = PhoneMetadata.metadata_for_region(region)
    lengths = metadata.general_desc.possible_length if metadata and metadata.general_desc else None
    if metadata is None or not lengths:
        return MAX_DIGITS, ()
    prefixes = (
        metadata.national_prefix_for_parsing,
        metadata.national_prefix,
        str(metadata.country_code),
        metadata.international_prefix,
    )
    return max(lengths) + 2, tuple(re.compile(prefix) for prefix in prefixes if prefix)


def too_long(raw: str, region: str) -> bool:
    """Whether a run of digits is longer than any number ``region`` reads without a prefix,
    and starts with none ("+", a trunk prefix, a country code, an international dialling
    prefix): a card number or a tracking code. Checked before libphonenumber, which is the
    costly step and would not read it either."""
    if is_international(raw):
        return False
    digits = "".join(filter(str.isdigit, raw))
    most, prefixes = _plain_length(region)
    return len(digits) > most and not any(prefix.match(digits) for prefix in prefixes)


def parse_phone(text: str, region: str) -> tuple[str, bool] | None:
    """A whole string read as one phone number (senders, participants, wa.me links): E.164 and validity."""
    reading = read_number(text, region)
    return (reading.value, reading.valid) if reading else None


def is_international(raw: str) -> bool:
    """Written with its country code: +44 ..., (+44) ..., 0044 ... (00 then a country code, never 0)."""
    return raw.startswith(("+", "(+")) or (
        raw.startswith("00") and raw[2:3] in "123456789" and raw[2:3] != ""
    )


def _grouped_by_four(raw: str) -> bool:
    """Card and account numbers come in groups of four ("4111 1111 1111 1111"); phone numbers do not."""
    groups = raw.replace("-", " ").split()
    return len(groups) >= 4 and all(len(group) == 4 for group in groups[:-1])


class PhoneExtractor(Extractor):
    NAME = "phone"
    PATTERNS: ClassVar[Mapping[str, str]] = {
        "phone number": r"\+?\(?\d(?:[ \t\x{a0}().\-\x{2013}/]{0,3}\d){6,}"
    }
    CONTEXT: ClassVar[Mapping[str, Words]] = {"phone number": Words(context_group("phone"))}
    NOT_PHONE: ClassVar[Words] = Words(context_group("not_phone"))
    CONTEXT_AFTER_ACCEPT: ClassVar[frozenset[str]] = frozenset(["phone number"])
    TRIGGERS: ClassVar[Mapping[str, str]] = {"phone number": r"\d(?:[ \t\x{a0}().\-\x{2013}/]{0,3}\d){6}"}

    def accept(self, candidate: Candidate, scope: Scope) -> Candidate | None:
        if candidate.end - candidate.start > MAX_RUN:
            return None
        text = candidate.text
        before = char_before(text, candidate.start)
        if before.isalnum():
            # "MobileUpd8 08001950382": the run began inside a word; the number may follow it.
            first = next((i for i, char in enumerate(candidate.raw) if not char.isdigit()), None)
            if first is None:
                return None
            start = candidate.start + first
            while start < candidate.end and not text[start].isdigit() and text[start] not in "+(":
                start += 1
            candidate = candidate.replace(start=start)
            before = char_before(text, start)
            if sum(map(str.isdigit, candidate.raw)) < MIN_DIGITS:
                return None
        after = char_after(text, candidate.end)
        if after.isalnum():
            # "08712460324 (10p/min)", "08714342399.2stop": the run ends inside a word; the
            # number may come before it.
            last = max((i for i, char in enumerate(candidate.raw) if not char.isdigit()), default=None)
            if last is None:
                return None
            end = candidate.start + last
            while end > candidate.start and not text[end - 1].isdigit():
                end -= 1
            candidate = candidate.replace(end=end)
            after = char_after(text, end)
            if sum(map(str.isdigit, candidate.raw)) < MIN_DIGITS:
                return None
        # A letter, digit or currency sign touching the run makes it a code, an amount or a part;
        # a dash does when a number comes before it (a range), not a word ("sms-0871...").
        if before in "£$€¥#@/\\_+" or (before == "-" and char_before(text, candidate.start - 1).isdigit()):
            return None
        if after.isalnum() or after in "%£$€_@/":
            return None
        # Dates, and numbers that are something else: a run of more digits than any number
        # without separators is a card, an account or a tracking number, and a reference
        # word just before it says so too. (Checked here, before libphonenumber and before
        # the phone words are looked up: most runs of digits in chat end here.)
        raw = candidate.raw
        if ("/" in raw or "." in raw or "-" in raw) and _DATE.found_in(raw):
            return None  # "20/10/2023 00:15" reads as a London number
        if (raw.isdigit() and len(raw) > MAX_COMPACT and not raw.startswith("00")) or _grouped_by_four(raw):
            return None  # a card, account or tracking number
        if not is_international(raw) and self._reference(text, candidate.start):
            return None
        return candidate

    def find(self, text: str, scope: Scope, names: Iterable[str] | None = None) -> Iterator[Found]:
        for candidate in self.candidates(text, scope, names):
            yield from self._numbers(candidate)

    def _numbers(self, candidate: Candidate) -> Iterator[Found]:
        # Most runs are one number: read the run whole. A run that is not one valid number
        # may hold several ("07400 123456 / 07400 654321") or a number and more ("08000407165
        # (18+"): libphonenumber's matcher takes it apart.
        raw = candidate.raw
        digits = sum(map(str.isdigit, raw))
        readable = digits <= MAX_DIGITS and not too_long(raw, candidate.region)
        whole = read_number(raw, candidate.region) if readable else None
        if (whole is None or not whole.valid) and not raw.isdigit():
            parts = list(self._parts(candidate))
            if parts:
                yield from parts
                return
        if whole is not None:
            yield from self._report(candidate, whole)

    def _parts(self, candidate: Candidate) -> Iterator[Found]:
        matcher = phonenumbers.PhoneNumberMatcher(candidate.raw, candidate.region, leniency=Leniency.POSSIBLE)
        for match in matcher:
            reading = read_number(match.raw_string, candidate.region)
            if reading is not None and reading.valid:
                start = candidate.start + match.start
                yield from self._report(
                    candidate.replace(start=start, end=start + len(match.raw_string)), reading
                )

    def _report(self, seen: Candidate, reading: Reading) -> Iterator[Found]:
        raw = seen.raw
        international = is_international(raw)
        if not reading.valid and not (international or self._tidy(seen)):
            return  # the right length by chance: a date, an amount or a code, more likely
        if reading.valid:
            verdict = f"libphonenumber: {reading.description}"
        else:
            verdict = "libphonenumber: the right length, but not a number in use in its numbering plan"
        if not international:
            verdict += f" (read as a {seen.region} number)"
        yield Found(
            kind=self.NAME,
            value=reading.value,
            valid=reading.valid,
            start=seen.start,
            end=seen.end,
            raw=raw,
            platform=None,
            explanation=self.explain(with_note(seen, verdict), None),
            key=reading.value,
        )

    @staticmethod
    def _tidy(seen: Candidate) -> bool:
        """A number that is not valid still counts when it is plainly given as one: a phone word
        nearby, at least ten digits, in at most four groups."""
        digits = sum(map(str.isdigit, seen.raw))
        groups = len(seen.raw.split())
        return bool(seen.context) and digits >= 10 and groups <= 4

    def _reference(self, text: str, start: int) -> bool:
        """An order, invoice or reference word just before the number ("order no. 0740...",
        "ref: 0740..."): it is not a phone number. Words further back ("your account
        statement for 0774...") say nothing about it."""
        words = self.NOT_PHONE.spans(text, max(0, start - NOT_PHONE_BEFORE), start)
        return bool(words) and _LABEL_GAP.fits(text[words[-1][1] : start])


EXTRACTORS.register(PhoneExtractor())
