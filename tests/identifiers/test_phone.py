"""Phone numbers: libphonenumber's example numbers per region, near misses, participants."""

from __future__ import annotations

import random

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from takeback.identifiers import find
from takeback.identifiers.phone import read_number, too_long

REGIONS = ["GB", "US", "DE", "FR", "IN", "NG", "AU", "BR", "PH", "ES", "IT", "CA", "IE", "ZA", "GH", "MX"]


def phones(text: str, region: str = "GB") -> list[tuple[str, bool | None, str]]:
    return [(f.value, f.valid, f.raw) for f in find(text, region) if f.kind == "phone"]


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("kind", [PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE])
def test_libphonenumber_example_numbers_in_national_and_international_form(region: str, kind: int) -> None:
    number = phonenumbers.example_number_for_type(region, kind)
    assert number is not None
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    assert phones(f"call me on {national} tonight", region) == [(e164, True, national)]
    # Written internationally, the number is read right whatever the conversation's region.
    assert [(v, ok) for v, ok, _ in phones(f"text {international}.", "GB")] == [(e164, True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ring 07400 123456", [("+447400123456", True)]),
        ("ring 07400-123-456 or (020) 7946 0000", [("+447400123456", True), ("+442079460000", True)]),
        ("numbers: 07400 123456 / 07400 654321", [("+447400123456", True), ("+447400654321", True)]),
        ("whatsapp +1 (202) 555-0143", [("+12025550143", True)]),
        ("my number 0044 7400 123456", [("+447400123456", True)]),
        # the right length and written as a phone number, but not in use: valid False
        ("call +44 7700 900123 now", [("+447700900123", False)]),
        ("MY NO. IS 0125698789 RING ME", [("+44125698789", False)]),
        # numbers that touch other text, as spam writes them
        ("call 07400 123456 (10p/min)", [("+447400123456", True)]),
        ("stop SMS 07400 123456. 150ppm", [("+447400123456", True)]),
        ("07400123456.2stop", [("+447400123456", True)]),
        ("Call MobileUpd8 07400123456", [("+447400123456", True)]),
        ("stop-sms-07400123456", [("+447400123456", True)]),
        # a reference word further back says nothing about the number
        ("Your Account Statement for 07400123456 shows points", [("+447400123456", True)]),
    ],
)
def test_numbers(text: str, expected: list[tuple[str, bool]]) -> None:
    assert [(v, ok) for v, ok, _ in phones(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "on 12/05/2023 at 10:30",  # a date and a time
        "sent 20/10/2023 00:15",  # reads as a London number without its 0
        "code 0001-12 3456",  # 00 then 0 is no country code
        "2023-05-12",
        "order 07400123456 is on its way",  # an order number that looks like a phone number
        "invoice #07400123456",
        "ref: 07400 123456",
        "order no. 07400123456",
        "range 1-07400123456",
        "tracking 123456789012345678",  # inside a longer digit run
        "0740012345678901234",
        "08452810075over18's",  # letters glued to the digits: a code
        "£07400123456",  # an amount
        "version 1.2.3.4.5.6.7",
        "call 87121 18+",  # a short code and an age
        "1 2 3 4 5 6 7 8 9",
        "it costs 1234567",
        "western union MTCN 0060338906",  # a transfer number that reads as a Malaysian number
    ],
)
def test_near_misses_are_not_phone_numbers(text: str) -> None:
    assert phones(text) == []


def test_the_raw_text_and_span_are_kept() -> None:
    text = "ok so ring me on 07400 123456!"
    (item,) = [f for f in find(text) if f.kind == "phone"]
    assert text[item.start : item.end] == item.raw == "07400 123456"
    assert "a valid mobile number (+44)" in item.explanation
    assert "'ring'" in item.explanation


def test_the_region_decides_how_a_national_number_is_read() -> None:
    assert phones("call (202) 555-0143", "US") == [("+12025550143", True, "(202) 555-0143")]
    assert phones("call 030 123456", "DE")[0][0].startswith("+4930")


@pytest.mark.parametrize(
    ("raw", "region", "long"),
    [
        ("378282246310005", "GB", True),  # a 15-digit card number: never parsed as a phone number
        ("3782 822463 10005", "GB", True),
        ("07400 123456", "GB", False),
        ("447400123456789", "GB", False),  # starts with the country code: libphonenumber decides
        ("0 0 41 91 315 650 4063", "GB", False),  # the international prefix, spaced out
        ("01144 20 7946 0000", "US", False),  # the US international prefix
        ("+378282246310005", "GB", False),
        ("1234567890123456", "DE", False),  # Germany's numbers run long: libphonenumber decides
    ],
)
def test_runs_too_long_to_be_a_number_are_not_parsed(raw: str, region: str, long: bool) -> None:
    assert too_long(raw, region) is long


def test_what_is_too_long_libphonenumber_would_not_read() -> None:
    rng = random.Random(7)
    skipped = 0
    for region in ["GB", "US", "IN", "AR", "BR", "CN", "FR", "RU", "MX", "NG", "ID", "DE", "PH", "JP"]:
        for _ in range(1500):
            raw = "".join(rng.choice("0123456789") for _ in range(rng.randint(10, 17)))
            if too_long(raw, region):
                skipped += 1
                assert read_number(raw, region) is None, (raw, region)
    assert skipped > 1000  # the check is exercised
