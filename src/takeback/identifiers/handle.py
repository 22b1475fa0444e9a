"""Account names: ``@name``, and names given in words ("my snap is x", "add me on insta: x").

The platform comes from the nearest platform word (platforms.yaml: "insta",
"snap", "telegram", "venmo" ...), or else from the conversation's own platform
(an @name in a Telegram chat is a Telegram username). A name on a payment
platform (Venmo, PayPal, Revolut ...) is reported as a ``payment`` identifier,
since that is what it is; everything else is a ``handle``.

Names cannot be checked against the platform (that needs the network): ``valid``
is None, or False when the name breaks the platform's published username rule.
Letters from other scripts that pass for Latin ones are flagged. The account
ids that exports carry (Telegram and Discord ids, phone-number senders) are
read from the conversation's participants in ``takeback.identifiers.extract``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import ClassVar

from takeback.identifiers.base import (
    EXTRACTORS,
    Candidate,
    Extractor,
    Found,
    Scope,
    Words,
    char_after,
    char_before,
    compile_pattern,
    context_group,
    load_data,
    lookalike,
    with_note,
)
from takeback.identifiers.platforms import Platform, by_export, by_word, platforms

_NAME = r"[\p{L}\p{N}_.\-]+"
# Names longer than this are not account names on any platform we know.
MAX_NAME = 40
_SEPARATOR = r"(?:(?:user\s?name|name|id|handle|acc(?:ount)?|is|me|at|on)\b|[@:=\-\x{2013}])"
# How far from an @name a platform word still names its platform.
PLATFORM_BEFORE = 48
PLATFORM_AFTER = 32
_TIME_OR_AMOUNT = compile_pattern(r"(?i)\d+(?:[.:]\d+)?(?:am|pm|h|k|p|x|st|nd|rd|th)?")


@cache
def all_platform_words() -> Words:
    return Words(word for platform in platforms() for word in platform.words)


@cache
def not_names() -> frozenset[str]:
    """Words of ordinary talk (and CSS) that are never taken as an account name."""
    return frozenset(context_group("not_handles"))


@cache
def _bare_tlds() -> frozenset[str]:
    return frozenset(load_data("tlds.yaml")["bare"])


def _named_pattern() -> str:
    words = all_platform_words().source.removeprefix("(?i)")
    return rf"(?i){words}[ \t]*(?:{_SEPARATOR}[ \t]*){{1,3}}({_NAME})"


def nearest_platform(text: str, start: int, end: int) -> tuple[Platform, str] | None:
    """The platform named nearest to ``text[start:end]``, and the word that named it."""
    words = all_platform_words()
    before = words.spans(text, max(0, start - PLATFORM_BEFORE), start)
    if before:
        word = before[-1][2]
    else:
        after = words.spans(text, end, min(len(text), end + PLATFORM_AFTER))
        if not after:
            return None
        word = after[0][2]
    platform = by_word(word)
    return (platform, word) if platform else None


class HandleExtractor(Extractor):
    NAME = "handle"
    PATTERNS: ClassVar[Mapping[str, str]] = {
        "@name": r"@[\p{L}\p{N}_.\-]+",
        "name given for a platform": _named_pattern(),
    }

    TRIGGERS: ClassVar[Mapping[str, str]] = {
        "@name": r"@[\p{L}\p{N}_.\-]",
        "name given for a platform": all_platform_words().source,
    }

    def accept(self, candidate: Candidate, scope: Scope) -> Candidate | None:
        text = candidate.text
        before = char_before(text, candidate.start)
        if candidate.pattern == "@name" and (before.isalnum() or before in "_.@/\\"):
            return None  # the middle of an email address or a path
        name = candidate.raw.lstrip("@").rstrip(".-")
        end = candidate.start + len(candidate.raw.rstrip(".-"))
        after = char_after(text, end)
        if after == "@" or not 2 <= len(name) <= MAX_NAME or not (name[0].isalnum() or name[0] == "_"):
            return None
        if _TIME_OR_AMOUNT.fullmatch(name) or name.lower() in not_names() or by_word(name):
            return None
        if "." in name and name.rsplit(".", 1)[1].lower() in _bare_tlds():
            return None  # a domain: the link or the address is found as such
        candidate = replace(candidate, end=end)
        named = nearest_platform(text, candidate.start, candidate.end)
        if named and named[0].kind == "phone":
            named = None  # a WhatsApp account is its phone number, found as such
        if named:
            platform, word = named
            return replace(candidate, platform=platform.name, context=(word,))
        if candidate.pattern == "@name":
            own = by_export(scope.platform)
            if own is not None and own.kind == "handle":
                return with_note(replace(candidate, platform=own.name), "platform: the conversation's own")
            return candidate
        return None

    def normalise(self, candidate: Candidate) -> str:
        return unicodedata.normalize("NFC", candidate.raw.lstrip("@")).lower()

    def validate(self, candidate: Candidate) -> bool | None:
        platform = _platform(candidate.platform)
        if platform is None:
            return None
        return False if platform.follows_rule(self.normalise(candidate)) is False else None

    def verdict(self, candidate: Candidate, valid: bool | None) -> str:
        if valid is False:
            return f"breaks {candidate.platform}'s username rule"
        return "no checksum exists for a name"

    def found(self, candidate: Candidate, valid: bool | None) -> Found:
        candidate = with_note(candidate, lookalike(self.normalise(candidate)))
        found = super().found(candidate, valid)
        platform = _platform(candidate.platform)
        if platform is not None and platform.kind == "payment":
            return replace(found, kind="payment")
        return found


def _platform(name: str | None) -> Platform | None:
    return next((p for p in platforms() if p.name == name), None) if name else None


EXTRACTORS.register(HandleExtractor())
