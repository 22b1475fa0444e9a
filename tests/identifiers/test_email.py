"""Email addresses, plain and obfuscated, and the near misses around them."""

from __future__ import annotations

import pytest

from takeback.identifiers import find


def emails(text: str) -> list[tuple[str, bool | None]]:
    return [(f.value, f.valid) for f in find(text) if f.kind == "email"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail Bob.Smith+x@Example.COM now", "bob.smith+x@example.com"),
        ("write to name [at] gmail [dot] com", "name@gmail.com"),
        ("name(at)proton.me", "name@proton.me"),
        ("name {at} yahoo {dot} co {dot} uk", "name@yahoo.co.uk"),
        ("name at gmail dot com", "name@gmail.com"),
        ("NAME [AT] GMAIL [DOT] COM", "name@gmail.com"),
        ("jo at gmail.com", "jo@gmail.com"),  # a bare "at" counts for the common mail hosts
        ("name@gmail[dot]com", "name@gmail.com"),
        ("<bob_99@mail.example.org>", "bob_99@mail.example.org"),
    ],
)
def test_addresses(text: str, expected: str) -> None:
    assert emails(text) == [(expected, None)]


@pytest.mark.parametrize(
    "text",
    [
        "meet at home.com",  # a bare "at" with an ordinary dot and an unknown host
        "see https://example.com/login?user=bob@example.org",  # inside a link: part of the link
        "https://user:secret@example.com/",  # the user part of a link
        "google.com/maps/@51.5,-0.12,15z",
        "just show msg+ticket@kiosk.Valid 4-7/12",  # a missing space after a full stop
        "bob@localhost",
        "@bob.smith",
        "bob@",
        "a@b.c",
    ],
)
def test_near_misses_are_not_addresses(text: str) -> None:
    assert emails(text) == []


def test_the_obfuscation_is_explained_and_the_raw_text_kept() -> None:
    text = "email me: bob [at] gmail [dot] com"
    (item,) = [f for f in find(text) if f.kind == "email"]
    assert item.raw == "bob [at] gmail [dot] com" == text[item.start : item.end]
    assert "written obfuscated: '[at]', '[dot]'" in item.explanation


def test_a_look_alike_domain_is_reported_in_punycode_and_flagged() -> None:
    (item,) = [f for f in find("pay at bob@pаypal.com") if f.kind == "email"]  # Cyrillic а
    assert item.value == "bob@xn--pypal-4ve.com"
    assert "mixes Latin and Cyrillic" in item.explanation
    assert "reads as 'paypal.com'" in item.explanation


def test_an_address_that_cannot_exist_is_invalid() -> None:
    local = "x" * 70
    assert emails(f"{local}@example.com") == [(f"{local}@example.com", False)]
