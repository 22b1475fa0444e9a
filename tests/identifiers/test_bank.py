"""Bank accounts: IBAN registry examples, BIC, UK sort code and account, US routing numbers."""

from __future__ import annotations

import pytest

from takeback.identifiers import find


def banks(text: str) -> list[tuple[str, bool | None]]:
    return [(f.value, f.valid) for f in find(text) if f.kind == "bank"]


# Examples from the IBAN registry (one per country).
REGISTRY_EXAMPLES = [
    "GB82WEST12345698765432",
    "DE89370400440532013000",
    "FR1420041010050500013M02606",
    "NL91ABNA0417164300",
    "ES9121000418450200051332",
    "IT60X0542811101000000123456",
    "BE68539007547034",
    "CH9300762011623852957",
    "AT611904300234573201",
    "IE29AIBK93115212345678",
    "PL61109010140000071219812874",
    "NO9386011117947",
    "SA0380000000608010167519",
    "MT84MALT011000012345MTLCAST001S",
]


@pytest.mark.parametrize("iban", REGISTRY_EXAMPLES)
def test_iban_registry_examples_compact_and_grouped(iban: str) -> None:
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    assert banks(f"pay to {iban} please") == [(iban, True)]
    assert banks(f"IBAN: {grouped}. Thanks") == [(iban, True)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IBAN GB82WEST12345698765431", [("GB82WEST12345698765431", False)]),  # checksum fails
        ("GB83WEST12345698765432", [("GB83WEST12345698765432", False)]),
        ("iban GB82WEST1234569876543", [("GB82WEST1234569876543", False)]),  # too short, said to be an IBAN
        ("GB82 WEST 1234 5698 7654 32 THANKS", [("GB82WEST12345698765432", True)]),
        ("swift DEUTDEFF", [("DEUTDEFF", True)]),
        ("BIC: NWBKGB2L", [("NWBKGB2L", True)]),
        ("swift code DEUTXXFF", [("DEUTXXFF", False)]),  # no such country
        ("sort code 12-34-56 account 12345678", [("12-34-56 12345678", None)]),
        ("acc no 12345678, sort 123456", [("12-34-56 12345678", None)]),
        ("my sort code is 40 47 84", [("40-47-84", None)]),
        ("routing 011000015", [("011000015", True)]),  # Federal Reserve Bank of Boston
        ("ABA routing number 011000016", [("011000016", False)]),
        ("wire to routing 021000021", [("021000021", True)]),
    ],
)
def test_bank_accounts(text: str, expected: list[tuple[str, bool | None]]) -> None:
    assert banks(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "XX82WEST12345698765432",  # not an IBAN country
        "GB82WEST12345698765432X",  # glued to more text: a code
        "DEUTDEFF is a word here",  # a BIC-shaped word, no BIC word nearby
        "BUSINESS OPPORTUNITY",
        "011000015",  # nine digits, no routing word
        "call 12-34-56",  # six digits, no sort-code word
        "12345678",
        "sort code 12-34-56-78",  # part of a longer number
    ],
)
def test_near_misses_are_not_bank_accounts(text: str) -> None:
    assert banks(text) == []


def test_the_explanation_names_the_check_and_the_bank() -> None:
    (item,) = [f for f in find("IBAN DE89370400440532013000") if f.kind == "bank"]
    assert "IBAN checksum and country layout correct" in item.explanation
    assert "Commerzbank" in item.explanation
    (pair,) = [f for f in find("sort code 12-34-56 account 12345678") if f.kind == "bank"]
    assert "Vocalink" in pair.explanation
