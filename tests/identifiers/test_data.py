"""The identifier data files: platforms, context words and top-level domains hold together."""

from __future__ import annotations

from collections import Counter

import pytest

from takeback.identifiers.base import Words, context_group, load_data
from takeback.identifiers.platforms import KINDS, Platform, by_domain, by_export, by_word, platforms


def test_every_platform_is_well_formed() -> None:
    for platform in platforms():
        assert platform.kind in KINDS
        for template in load_data("platforms.yaml")["platforms"]:
            for profile in template.get("profiles") or ():
                assert "{account}" in profile, (template["name"], profile)


def test_no_word_or_domain_names_two_platforms() -> None:
    words = Counter(" ".join(w.lower().split()) for p in platforms() for w in p.words)
    domains = Counter(d for p in platforms() for d in p.domains)
    assert [w for w, n in words.items() if n > 1] == []
    assert [d for d, n in domains.items() if n > 1] == []


@pytest.mark.parametrize(
    ("host", "platform"),
    [
        ("www.instagram.com", "Instagram"),
        ("m.facebook.com", "Facebook"),
        ("t.me", "Telegram"),
        ("example.com", None),
    ],
)
def test_hosts_fold_their_subdomains(host: str, platform: str | None) -> None:
    found = by_domain(host)
    assert _name(found[0] if found else None) == platform


def _name(platform: Platform | None) -> str | None:
    return platform.name if platform else None


def test_words_and_exports_name_platforms() -> None:
    assert _name(by_word("Insta")) == "Instagram"
    assert _name(by_word("cash  app")) == "Cash App"
    assert _name(by_export("telegram")) == "Telegram"
    assert _name(by_export("unknown")) is None


@pytest.mark.parametrize("group", sorted(load_data("context.yaml")["groups"]))
def test_every_context_group_is_words(group: str) -> None:
    words = context_group(group)
    assert words and all(isinstance(word, str) and word.strip() for word in words)


def test_words_match_whole_words_only() -> None:
    words = Words(["snap", "cash app", "a/c"])
    assert [phrase for _, _, phrase in words.spans("Snapped? my SNAP, cash   app and a/c")] == [
        "snap",
        "cash app",
        "a/c",
    ]
    assert words.near("xx snap yy", 8, 10) == ("snap",)


def test_tlds_are_lower_case_words() -> None:
    data = load_data("tlds.yaml")
    for tld in [*data["bare"], *data["generic"]]:
        assert isinstance(tld, str) and tld.isalpha() and tld.islower()
