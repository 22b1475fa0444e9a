"""Links: defanged, bare, profile links and their accounts, trailing punctuation, look-alikes."""

from __future__ import annotations

import pytest

from takeback.identifiers import find


def links(text: str) -> list[tuple[str, str | None]]:
    return [(f.value, f.platform) for f in find(text) if f.kind == "url"]


def accounts(text: str) -> list[tuple[str, str, str | None, bool | None]]:
    return [(f.kind, f.value, f.platform, f.valid) for f in find(text) if f.from_link]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("go to https://Example.COM/Path?q=1.", ("https://example.com/Path?q=1", None)),
        ("hxxps://evil[.]example[.]com/x", ("https://evil.example.com/x", None)),
        ("hXXp://bad(.)site/pay", ("http://bad.site/pay", None)),
        ("h**ps[:]//bad[.]example/a", ("https://bad.example/a", None)),
        ("(see https://en.wikipedia.org/wiki/Foo_(bar))", ("https://en.wikipedia.org/wiki/Foo_(bar)", None)),
        ("link: https://example.com/a).", ("https://example.com/a", None)),
        ("https://example.com:443/", ("https://example.com", None)),
        ("https://example.com:8080/x", ("https://example.com:8080/x", None)),
        ("http://[::1]:8080/x", ("http://[::1]:8080/x", None)),
        ("https://user:pw@example.com:21/a", ("https://example.com:21/a", None)),
        ("https://a.example.com:/x", ("https://a.example.com:/x", None)),  # no digits: not a port
        ("https://example.com:123456/x", ("https://example.com:123456/x", None)),  # six digits: not a port
        ("message me t.me/crypto_bob!", ("https://t.me/crypto_bob", "Telegram")),
        ("www.dbuk.net", ("https://www.dbuk.net", None)),
        ("WWW.SHOUTING.COM", ("https://www.shouting.com", None)),
        ("bit.ly/3abcDEF", ("https://bit.ly/3abcDEF", None)),
        ("visit www.Ldew.com1win150ppmx3age16", ("https://www.ldew.com", None)),  # spam glues words on
        ("site.com.subs16+1win150", ("https://site.com", None)),
        ("to 80878 http//www.prizes-example.com 0871", ("http://www.prizes-example.com", None)),
        ("experiencehttp://www.example.com/dining.asp", ("http://www.example.com/dining.asp", None)),
        ("More info:www.example.com", ("https://www.example.com", None)),
        ("YMCA :example.co.uk POBox", ("https://example.co.uk", None)),
    ],
)
def test_links(text: str, expected: tuple[str, str | None]) -> None:
    assert links(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "I went home.Today was long",  # no space after a full stop
        "ok.so what now",
        "e.g. this",
        "pi is 3.14159",
        "file.txt",
        "bob@gmail.com",  # the domain of an address is not a link
        "bob.smith@gmail.com",
        "http://",
        "http://careers",
    ],
)
def test_near_misses_are_not_links(text: str) -> None:
    assert links(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("instagram.com/Bob.Smith", [("handle", "bob.smith", "Instagram", None)]),
        ("https://www.instagram.com/bob_smith/?igshid=abc", [("handle", "bob_smith", "Instagram", None)]),
        ("https://www.instagram.com/p/Cxyz123/", []),  # a post, not a profile
        ("https://snapchat.com/add/snappy.bob", [("handle", "snappy.bob", "Snapchat", None)]),
        ("https://www.tiktok.com/@tok_bob", [("handle", "tok_bob", "TikTok", None)]),
        ("https://x.com/bob_x/status/1", [("handle", "bob_x", "X (Twitter)", None)]),
        ("https://twitter.com/home", []),
        ("https://facebook.com/profile.php?id=100012345678", [("handle", "100012345678", "Facebook", None)]),
        ("https://discord.com/users/123456789012345678", [("handle", "123456789012345678", "Discord", None)]),
        ("wa.me/447400123456", [("phone", "+447400123456", None, True)]),
        ("https://api.whatsapp.com/send?phone=447400123456", [("phone", "+447400123456", None, True)]),
        ("paypal.me/BobPays", [("payment", "bobpays", "PayPal", None)]),
        ("https://www.paypal.com/paypalme/bobpays", [("payment", "bobpays", "PayPal", None)]),
        ("https://cash.app/$BobCash", [("payment", "$bobcash", "Cash App", None)]),
        ("revolut.me/bobrev", [("payment", "bobrev", "Revolut", None)]),
        ("monzo.me/bobmonzo", [("payment", "bobmonzo", "Monzo", None)]),
        ("venmo.com/u/Bob-Venmo", [("payment", "bob-venmo", "Venmo", None)]),
        ("t.me/ab", []),  # too short for a Telegram username: a site page, not a profile
        ("https://www.facebook.com/email_open_log_pic.php?mid=5", []),
    ],
)
def test_profile_links_name_their_account(
    text: str, expected: list[tuple[str, str, str | None, bool | None]]
) -> None:
    assert accounts(text) == expected


def test_a_look_alike_host_is_reported_in_punycode_and_flagged() -> None:
    (item,) = [f for f in find("log in at https://www.pаypal.com/signin") if f.kind == "url"]  # Cyrillic а
    assert item.value == "https://www.xn--pypal-4ve.com/signin"
    assert "host in punycode: www.xn--pypal-4ve.com" in item.explanation
    assert "mixes Latin and Cyrillic" in item.explanation
    assert item.platform is None  # it is not PayPal


def test_a_wholly_foreign_script_domain_is_not_flagged() -> None:
    (item,) = [f for f in find("сайт https://пример.рф/путь") if f.kind == "url"]
    assert item.value.startswith("https://xn--")
    assert "look-alike" not in item.explanation


def test_text_before_an_at_sign_in_a_link_is_explained() -> None:
    (item,) = [f for f in find("https://paypal.com@evil.example/login") if f.kind == "url"]
    assert "hides the real host, evil.example" in item.explanation


def test_defanging_is_explained() -> None:
    (item,) = [f for f in find("hxxps://evil[.]com") if f.kind == "url"]
    assert "defanged: 'hxxps', '[.]'" in item.explanation


def test_a_link_that_cannot_work_is_invalid() -> None:
    assert [f.valid for f in find("http://example.com:99999/") if f.kind == "url"] == [False]
