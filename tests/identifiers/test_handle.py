"""Handles: @names, names given for a platform in words, platform inference, look-alikes."""

from __future__ import annotations

import pytest

from takeback.identifiers import find


def handles(text: str, platform: str | None = None) -> list[tuple[str, str, str | None, bool | None]]:
    return [
        (f.kind, f.value, f.platform, f.valid)
        for f in find(text, "GB", platform)
        if f.kind in ("handle", "payment")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("add me @Bob_Smith99", [("handle", "bob_smith99", None, None)]),
        ("my snap is bob.snaps", [("handle", "bob.snaps", "Snapchat", None)]),
        ("add me on insta: bob.smith_1", [("handle", "bob.smith_1", "Instagram", None)]),
        ("telegram @crypto_bob", [("handle", "crypto_bob", "Telegram", None)]),
        ("sc - bobsnap2", [("handle", "bobsnap2", "Snapchat", None)]),
        ("kik me bobkik", [("handle", "bobkik", "Kik", None)]),
        ("my discord username is bob_d", [("handle", "bob_d", "Discord", None)]),
        ("venmo @Bob-Smith-22", [("payment", "bob-smith-22", "Venmo", None)]),
        ("revolut: bobrev", [("payment", "bobrev", "Revolut", None)]),
        # the platform's published rule: a Snapchat name has at least three characters
        ("snap: b2", [("handle", "b2", "Snapchat", False)]),
        ("message @support_bot", [("handle", "support_bot", None, None)]),
    ],
)
def test_handles(text: str, expected: list[tuple[str, str, str | None, bool | None]]) -> None:
    assert handles(text) == expected


def test_the_conversation_platform_is_used_when_no_word_names_one() -> None:
    # An @name in a Telegram chat is a Telegram username; WhatsApp has no usernames.
    assert handles("message @support_bot", platform="telegram") == [
        ("handle", "support_bot", "Telegram", None)
    ]
    assert handles("message @support_bot", platform="whatsapp") == [("handle", "support_bot", None, None)]


@pytest.mark.parametrize(
    "text",
    [
        "email bob@example.com",  # an address, not a handle
        "my snap is down again",  # ordinary talk after a platform word
        "insta is so boring",
        "I saw it on facebook messages",
        "meet @5pm",
        "see you @ the park",
        "medium.com/@writer",  # inside a link: the link is reported
        "snapchat: instagram",  # a platform word, not a name
        "@media screen { } @-ms-viewport { }",  # CSS in an email's HTML
    ],
)
def test_near_misses_are_not_handles(text: str) -> None:
    assert [h for h in handles(text) if h[0] == "handle"] == []


def test_a_look_alike_handle_is_flagged() -> None:
    (item,) = [f for f in find("follow @іnstagram_help") if f.kind == "handle"]  # Cyrillic і
    assert "look-alike letters" in item.explanation
    assert "U+0456" in item.explanation
    assert "reads as 'instagram_help'" in item.explanation


def test_the_raw_text_keeps_the_at_sign() -> None:
    text = "dm @bob_x."
    (item,) = [f for f in find(text) if f.kind == "handle"]
    assert item.raw == "@bob_x" == text[item.start : item.end]
