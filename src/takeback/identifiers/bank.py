"""Bank accounts: IBAN, BIC, UK sort code and account number, US ABA routing number.

- IBAN: ISO 13616 checksum and each country's length and layout, by ``schwifty``
  (MIT). Written compact or in groups of four; only IBAN countries count. A
  checksum or layout failure is ``valid: false``.
- BIC (SWIFT code): only with a BIC/SWIFT word nearby (eight capitals are often a
  word); ``schwifty`` checks the layout and the country code.
- UK sort code and account number: only with their words nearby. Their check
  (the Vocalink modulus tables) needs a table file the user would supply; without
  it only the format is known, so ``valid`` is None.
- US routing number (ABA): nine digits with a routing word nearby; the ABA
  checksum and the Federal Reserve district prefix decide ``valid``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import ClassVar

from schwifty import BIC, IBAN
from schwifty.exceptions import (
    InvalidChecksumDigits,
    InvalidLength,
    SchwiftyException,
)
from schwifty.registry import get_iban_spec

from takeback.identifiers.base import (
    EXTRACTORS,
    Candidate,
    Extractor,
    Found,
    Scope,
    Words,
    context_group,
    touches_number,
    with_note,
)

_SEPARATORS = " -"
# How far apart a sort code and an account number may be written and still be one account.
PAIR_DISTANCE = 60
# Federal Reserve routing symbols: 00-12 banks, 21-32 thrifts, 61-72 electronic, 80 travellers' cheques.
_ABA_PREFIXES = frozenset([*range(0, 13), *range(21, 33), *range(61, 73), 80])


def compact(raw: str) -> str:
    return raw.replace(" ", "").replace("-", "").upper()  # without the _SEPARATORS


def iban_length(country: str) -> int | None:
    try:
        return int(get_iban_spec(country).iban_length)
    except SchwiftyException:
        return None


def aba_valid(digits: str) -> bool:
    d = [int(char) for char in digits]
    total = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])
    return total % 10 == 0 and int(digits[:2]) in _ABA_PREFIXES


def sort_code(raw: str) -> str:
    digits = "".join(filter(str.isdigit, raw))
    return f"{digits[0:2]}-{digits[2:4]}-{digits[4:6]}"


class BankExtractor(Extractor):
    NAME = "bank"
    PATTERNS: ClassVar[Mapping[str, str]] = {
        "IBAN": r"\b[A-Z]{2}\d{2}(?:[ \-]?[A-Z0-9]){11,30}\b",
        "BIC": r"\b[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b",
        "UK sort code": r"\b\d{2}[\-\x{2013} ]?\d{2}[\-\x{2013} ]?\d{2}\b",
        "UK account number": r"\b\d{8}\b",
        "US routing number": r"\b\d{9}\b",
    }
    CONTEXT: ClassVar[Mapping[str, Words]] = {
        "IBAN": Words(context_group("iban")),
        "BIC": Words(context_group("bic")),
        "UK sort code": Words(context_group("sort_code")),
        "UK account number": Words(context_group("account_number")),
        "US routing number": Words(context_group("routing")),
    }
    TRIGGERS: ClassVar[Mapping[str, str]] = {
        "IBAN": r"[A-Z]{2}\d\d",
        "BIC": "",
        "UK sort code": "",
        "UK account number": "",
        "US routing number": "",
    }
    NEEDS_CONTEXT: ClassVar[frozenset[str]] = frozenset(
        ["BIC", "UK sort code", "UK account number", "US routing number"]
    )

    def accept(self, candidate: Candidate, scope: Scope) -> Candidate | None:
        if candidate.pattern == "IBAN":
            return self._iban(candidate)
        if touches_number(candidate.text, candidate.start, candidate.end):
            return None  # part of a longer number, a date or a path
        return candidate

    def _iban(self, candidate: Candidate) -> Candidate | None:
        raw = candidate.raw
        length = iban_length(raw[:2])
        if length is None:
            return None
        # The pattern may run into the next word ("GB82 WEST ... 32 THANKS"): cut at the
        # country's length when a separator is there.
        count = 0
        for index, char in enumerate(raw):
            if char not in _SEPARATORS:
                count += 1
            if count == length:
                if index + 1 == len(raw) or raw[index + 1] in _SEPARATORS:
                    return candidate.replace(end=candidate.start + index + 1)
                break
        if not candidate.context:
            return None  # the wrong length and no bank word nearby: a code, not an IBAN
        return with_note(candidate, f"{raw[:2]} IBANs have {length} characters")

    def find(self, text: str, scope: Scope, names: Iterable[str] | None = None) -> Iterator[Found]:
        codes: list[Candidate] = []
        accounts: list[Candidate] = []
        for candidate in self.candidates(text, scope, names):
            if candidate.pattern == "UK sort code":
                codes.append(candidate)
            elif candidate.pattern == "UK account number":
                accounts.append(candidate)
            else:
                valid = self.validate(candidate)
                if self.keep(candidate, valid):
                    yield self.found(candidate, valid)
        yield from self._uk_accounts(codes, accounts)

    def _uk_accounts(self, codes: list[Candidate], accounts: list[Candidate]) -> Iterator[Found]:
        unpaired = list(accounts)
        for code in codes:
            account = next((a for a in unpaired if _near(code, a)), None)
            if account is None:
                yield self.found(code, None)
                continue
            unpaired.remove(account)
            start, end = min(code.start, account.start), max(code.end, account.end)
            pair = code.replace(
                start=start,
                end=end,
                pattern="UK sort code and account number",
                context=tuple(dict.fromkeys(code.context + account.context)),
            )
            value = f"{sort_code(code.raw)} {account.raw}"
            explanation = self.explain(pair, None)
            yield Found(self.NAME, value, None, start, end, pair.raw, pair.platform, explanation, value)
        for account in unpaired:
            yield self.found(account, None)

    def normalise(self, candidate: Candidate) -> str:
        if candidate.pattern == "UK sort code":
            return sort_code(candidate.raw)
        return compact(candidate.raw)

    def validate(self, candidate: Candidate) -> bool | None:
        value = compact(candidate.raw)
        if candidate.pattern == "IBAN":
            return iban_check(value)[0]
        if candidate.pattern == "BIC":
            return bic_check(value)[0]
        if candidate.pattern == "US routing number":
            return aba_valid(value)
        return None

    def keep(self, candidate: Candidate, valid: bool | None) -> bool:
        return valid is not False or candidate.pattern != "BIC" or bool(candidate.context)

    def verdict(self, candidate: Candidate, valid: bool | None) -> str:
        pattern = candidate.pattern
        if pattern == "IBAN":
            return iban_check(compact(candidate.raw))[1]
        if pattern == "BIC":
            return bic_check(compact(candidate.raw))[1]
        if pattern == "US routing number":
            return "ABA checksum and prefix correct" if valid else "ABA checksum or prefix wrong"
        return "format only: the modulus check needs Vocalink's table, which was not supplied"


@lru_cache(maxsize=4096)
def iban_check(value: str) -> tuple[bool, str]:
    """Whether schwifty accepts an IBAN, and why (cached: asked twice per sighting)."""
    try:
        bank = IBAN(value).bank  # read once: its bank_name property looks the bank up twice
    except InvalidChecksumDigits:
        return False, "schwifty: the IBAN checksum fails (a typo or a misread)"
    except InvalidLength:
        return False, "schwifty: the wrong length for its country"
    except SchwiftyException as error:
        return False, f"schwifty: {str(error).lower()}"
    name = bank.name if bank is not None else None
    return True, "schwifty: IBAN checksum and country layout correct" + (f" (bank: {name})" if name else "")


@lru_cache(maxsize=4096)
def bic_check(value: str) -> tuple[bool, str]:
    try:
        known = BIC(value).exists
    except SchwiftyException:
        return False, "schwifty: not a possible BIC (layout or country code)"
    return True, "schwifty: a possible BIC" + (", listed in its bank registry" if known else "")


def _near(code: Candidate, account: Candidate) -> bool:
    gap = account.start - code.end if account.start >= code.end else code.start - account.end
    return 0 <= gap <= PAIR_DISTANCE


EXTRACTORS.register(BankExtractor())
