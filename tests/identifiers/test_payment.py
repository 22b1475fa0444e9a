"""Payment accounts, gift-card codes and money-transfer references."""

from __future__ import annotations

import pytest

from takeback.identifiers import find


def payments(text: str) -> list[tuple[str, str | None]]:
    return [(f.value, f.platform) for f in find(text) if f.kind == "payment"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("send it to $BobCash99", [("$bobcash99", "Cash App")]),
        ("cash app $BOB please", [("$bob", "Cash App")]),  # a short all-capital tag needs a Cash App word
        ("paypal: Bob.Pays@Example.com", [("bob.pays@example.com", "PayPal")]),
        ("pay me on paypal bob [at] gmail [dot] com", [("bob@gmail.com", "PayPal")]),
        ("zelle me at bob@example.com", [("bob@example.com", "Zelle")]),
        ("zelle to (202) 555-0143", [("+12025550143", "Zelle")]),  # Zelle numbers are read as US ones
        ("venmo @Bob-Venmo", [("bob-venmo", "Venmo")]),
        ("paypal.me/BobPays", [("bobpays", "PayPal")]),
        ("revolut.me/bobrev", [("bobrev", "Revolut")]),
        ("monzo.me/bobmonzo", [("bobmonzo", "Monzo")]),
        ("buy a steam gift card and send the code ABCD1-EFGH2-IJKL3", [("ABCD1EFGH2IJKL3", "Steam")]),
        ("itunes gift card X4RT7K9P2M3N8Q5W", [("X4RT7K9P2M3N8Q5W", "Apple")]),
        ("google play card code: 4C7T-9K2M-X8P3-7QRT-5N6W", [("4C7T9K2MX8P37QRT5N6W", "Google Play")]),
        ("amazon gift card claim code AQ4P-7T3K9M-2XR5", [("AQ4P7T3K9M2XR5", "Amazon")]),
        ("send via western union, MTCN 123-456-7890", [("1234567890", "Western Union")]),
        ("moneygram reference number 12345678", [("12345678", "MoneyGram")]),
        # only the number the label names: the second is a reference of something else
        ("western union MTCN 1689965424. ref 469057-7029", [("1689965424", "Western Union")]),
    ],
)
def test_payments(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert payments(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "it costs $100 or $USD 5",  # amounts and currencies
        "buy $AAPL today",
        "$We said $g and $media",  # too short, or a word: code or a typo, with no Cash App word
        "p@y 200 on c@$happ now",  # "cashapp" written with symbols: no tag in it
        "email bob@example.com",  # an address with no payment service named
        "code ABCD1-EFGH2-IJKL3",  # no gift-card word
        "gift card for you: THANKS-SO-MUCH",  # words, not a code
        "call 123-456-7890",  # ten digits, no Western Union word
        "12345678",
        "western union 1234567890123",  # a longer number
    ],
)
def test_near_misses_are_not_payments(text: str) -> None:
    assert payments(text) == []


def test_no_payment_identifier_claims_a_checksum() -> None:
    text = "paypal.me/bob $bobcash zelle bob@example.com steam gift card ABCD1-EFGH2-IJKL3 mtcn 1234567890"
    found = [f for f in find(text) if f.kind == "payment"]
    assert len(found) == 5
    assert {f.valid for f in found} == {None}
