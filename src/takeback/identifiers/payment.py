"""Where a victim is told to send money: payment accounts, gift-card codes, transfer references.

- Cash App ``$cashtag`` (all-capital tags of up to five letters, like ``$USD``, count
  only with a Cash App word nearby);
- an email address or phone number given for a service whose accounts are those
  (PayPal, Zelle: "paypal: name@example.com", "zelle 555 ...");
- gift-card codes (Apple, Google Play, Steam, Amazon ...) with a gift-card word nearby;
- Western Union transfer numbers (MTCN, ten digits) and MoneyGram reference numbers
  (eight digits), with their service's words nearby.

Payment links (``paypal.me/x``, ``cash.app/$x``, ``revolut.me/x``, ``monzo.me/x``,
``venmo.com/u/x``) are read by the url extractor through platforms.yaml, and names
given for a payment platform ("venmo @x") by the handle extractor: both report
them with kind ``payment``. None of these has a checksum: ``valid`` is None.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from itertools import filterfalse
from typing import ClassVar

from takeback.identifiers.base import (
    EXTRACTORS,
    WINDOW_BEFORE,
    Candidate,
    Extractor,
    Scope,
    Words,
    char_after,
    char_before,
    context_group,
    load_data,
    touches_number,
    with_note,
)
from takeback.identifiers.email import ADDRESS, EMAIL, normal_address, split_address
from takeback.identifiers.handle import nearest_platform, not_names
from takeback.identifiers.phone import PhoneExtractor, parse_phone
from takeback.identifiers.platforms import service_words

# Without a Cash App word nearby, a $tag this short is more likely code or a typo.
MIN_BARE_CASHTAG = 4
_GIFT_CODE = r"\b(?:[A-Z0-9]{4,6}(?:[ \-][A-Z0-9]{4,6}){2,4}|[A-Z0-9]{12,20})\b"


@cache
def _gift_brands() -> dict[str, Words]:
    return {brand: Words(words) for brand, words in load_data("context.yaml")["gift_brands"].items()}


def gift_brand(text: str, start: int, end: int) -> str | None:
    """The gift-card brand named nearest to a code."""
    best: tuple[int, str] | None = None
    for brand, words in _gift_brands().items():
        for hit_start, hit_end, _ in words.spans(text, max(0, start - 80), min(len(text), end + 40)):
            distance = start - hit_end if hit_end <= start else hit_start - end
            if best is None or distance < best[0]:
                best = (distance, brand)
    return best[1] if best else None


class PaymentExtractor(Extractor):
    NAME = "payment"
    PATTERNS: ClassVar[Mapping[str, str]] = {
        "$cashtag": r"\$[A-Za-z][A-Za-z0-9_\-]{0,19}",
        "email address for a payment service": ADDRESS,
        "phone number for a payment service": PhoneExtractor.PATTERNS["phone number"],
        "gift-card code": _GIFT_CODE,
        "Western Union MTCN": r"\b\d{3}[ \-]?\d{3}[ \-]?\d{4}\b",
        "MoneyGram reference number": r"\b\d{8}\b",
    }
    CONTEXT: ClassVar[Mapping[str, Words]] = {
        "$cashtag": Words(context_group("cashtag")),
        "email address for a payment service": service_words(emails=True),
        "phone number for a payment service": service_words(phones=True),
        "gift-card code": Words(context_group("gift_card")),
        "Western Union MTCN": Words(context_group("western_union")),
        "MoneyGram reference number": Words(context_group("moneygram")),
    }
    NEEDS_CONTEXT: ClassVar[frozenset[str]] = frozenset(
        [
            "email address for a payment service",
            "phone number for a payment service",
            "gift-card code",
            "Western Union MTCN",
            "MoneyGram reference number",
        ]
    )
    TRIGGERS: ClassVar[Mapping[str, str]] = {
        "$cashtag": r"\$[A-Za-z]",
        "email address for a payment service": "",
        "phone number for a payment service": "",
        "gift-card code": "",
        "Western Union MTCN": "",
        "MoneyGram reference number": "",
    }
    REFERENCES: ClassVar[Words] = Words(context_group("not_phone"))
    _PLATFORMS: ClassVar[Mapping[str, str]] = {
        "$cashtag": "Cash App",
        "Western Union MTCN": "Western Union",
        "MoneyGram reference number": "MoneyGram",
    }

    def accept(self, candidate: Candidate, scope: Scope) -> Candidate | None:
        pattern = candidate.pattern
        if pattern == "$cashtag":
            return self._cashtag(candidate)
        if pattern == "email address for a payment service":
            accepted = EMAIL.accept(candidate, scope)
            return self._on_service(accepted) if accepted else None
        if pattern == "phone number for a payment service":
            if touches_number(candidate.text, candidate.start, candidate.end):
                return None
            on_service = self._on_service(candidate)
            if on_service is None or parse_phone(on_service.raw, on_service.region) is None:
                return None
            return on_service
        if touches_number(candidate.text, candidate.start, candidate.end):
            return None
        if pattern == "gift-card code":
            return self._gift_code(candidate)
        if not self._labelled(candidate):
            return None
        return candidate.on(self._PLATFORMS[pattern])

    def _labelled(self, candidate: Candidate) -> bool:
        """Whether the transfer service's word labels this number, not another one before it.

        In "MTCN 1689965424. ref 469057-7029" only the first number is the MTCN: another
        number or a reference word stands between the second one and the label.
        """
        text, start = candidate.text, candidate.start
        words = self.CONTEXT[candidate.pattern].spans(text, max(0, start - WINDOW_BEFORE), start)
        if not words:
            return True  # the label comes after the number
        between = text[words[-1][1] : start]
        return not any(map(str.isdigit, between)) and not self.REFERENCES.spans(between)

    def _cashtag(self, candidate: Candidate) -> Candidate | None:
        before = char_before(candidate.text, candidate.start)
        after = char_after(candidate.text, candidate.end)
        # Inside a word ("ca$happ", "c@$happ": cashapp written with symbols) it is not a tag.
        if before.isalnum() or before in "_$/@#&*" or after.isalnum() or after in "_$":
            return None
        tag = candidate.raw[1:]
        if not candidate.context and (
            len(tag) < MIN_BARE_CASHTAG or (tag.isupper() and len(tag) <= 5) or tag.lower() in not_names()
        ):
            return None  # $USD, $BTC, $We, $media: a currency, a ticker, code; not a cashtag
        return candidate.on("Cash App")

    def _on_service(self, candidate: Candidate) -> Candidate | None:
        named = nearest_platform(candidate.text, candidate.start, candidate.end)
        if named is None or named[0].kind != "payment":
            return None
        platform, word = named
        return candidate.on(platform.name).replace(
            context=(word,), region=platform.region or candidate.region
        )

    def _gift_code(self, candidate: Candidate) -> Candidate | None:
        raw = candidate.raw
        separators = set(filterfalse(str.isalnum, raw))
        if len(separators) > 1 or not any(map(str.isdigit, raw)) or not any(map(str.isalpha, raw)):
            return None
        brand = gift_brand(candidate.text, candidate.start, candidate.end)
        note = "" if brand else "gift card of an unnamed brand"
        return with_note(candidate.on(brand), note)

    def normalise(self, candidate: Candidate) -> str:
        pattern = candidate.pattern
        if pattern == "$cashtag":
            return candidate.raw.lower()
        if pattern == "email address for a payment service":
            address = split_address(candidate.raw)
            return normal_address(address)[0] if address else candidate.raw.lower()
        if pattern == "phone number for a payment service":
            parsed = parse_phone(candidate.raw, candidate.region)
            return parsed[0] if parsed else candidate.raw
        return "".join(filter(str.isalnum, candidate.raw)).upper()

    def verdict(self, candidate: Candidate, valid: bool | None) -> str:
        if candidate.pattern == "gift-card code":
            return "no checksum can be checked for a gift-card code"
        if candidate.pattern in ("Western Union MTCN", "MoneyGram reference number"):
            return "no checksum can be checked for a transfer reference"
        return f"a {candidate.platform} account; no checksum exists for it"


EXTRACTORS.register(PaymentExtractor())
