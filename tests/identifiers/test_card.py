"""Payment cards: the networks' test numbers, Luhn failures, masking, near misses."""

from __future__ import annotations

import pytest

from takeback.identifiers import find


def cards(text: str) -> list[tuple[str, bool | None, str | None]]:
    return [(f.value, f.valid, f.platform) for f in find(text) if f.kind == "card"]


# The networks' published test card numbers.
TEST_NUMBERS = [
    ("4111111111111111", "Visa"),
    ("4012888888881881", "Visa"),
    ("4222222222222", "Visa"),
    ("5555555555554444", "Mastercard"),
    ("5105105105105100", "Mastercard"),
    ("2223003122003222", "Mastercard"),
    ("378282246310005", "American Express"),
    ("371449635398431", "American Express"),
    ("6011111111111117", "Discover"),
    ("6011000990139424", "Discover"),
    ("3530111333300000", "JCB"),
    ("3566002020360505", "JCB"),
    ("30569309025904", "Diners Club"),
    ("6200000000000005", "UnionPay"),
]


@pytest.mark.parametrize(("number", "network"), TEST_NUMBERS)
def test_network_test_numbers(number: str, network: str) -> None:
    masked = "*" * (len(number) - 4) + number[-4:]
    assert cards(f"my card is {number} exp 12/29") == [(masked, True, network)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4111 1111 1111 1111 12/25", [("************1111", True, "Visa")]),
        ("4111-1111-1111-1111", [("************1111", True, "Visa")]),
        ("3782 822463 10005", [("***********0005", True, "American Express")]),
        # Luhn fails: reported invalid when it is plainly a card (grouped, or a card word nearby)
        ("4111 1111 1111 1112", [("************1112", False, "Visa")]),
        ("visa 4111111111111112", [("************1112", False, "Visa")]),
        # a tracking number that passes Luhn by chance, after a real card
        (
            "use my card 371711266587255. tracking 35845323963786107",
            [("***********7255", True, "American Express")],
        ),
    ],
)
def test_cards(text: str, expected: list[tuple[str, bool | None, str | None]]) -> None:
    assert cards(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "order 4111111111111112",  # Luhn fails, no card word, not grouped: an order number
        "41111111111111111111",  # inside a longer digit run
        "tracking 9411111111111111",  # no network starts with 94
        "+4111111111111111",
        "1234-5678-9012-3456-7",
        "4111-1111 1111-1111",  # mixed separators
    ],
)
def test_near_misses_are_not_cards(text: str) -> None:
    assert cards(text) == []


def test_the_value_is_masked_but_the_raw_text_is_kept_and_cards_stay_apart() -> None:
    found = [f for f in find("card 4111111111111111 or 4000000000001111 ok") if f.kind == "card"]
    assert [f.value for f in found] == ["************1111", "************1111"]
    assert [f.raw for f in found] == ["4111111111111111", "4000000000001111"]
    assert len({f.key for f in found}) == 2  # the same last four digits are still two cards
    assert all("4111111111111111" not in f.explanation for f in found)
