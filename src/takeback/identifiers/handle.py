"""Account names: ``@name``, and names given in words ("my snap is x", "add me on insta: x").

A name given in words comes after a platform's name ("snap: x", "add me on snap? x",
"sc" and a newline, "add me snap x") or before it ("x on snap", "x is my snap",
"x#1234 on discord"). What lies between them says how sure the reading is (``Label``):

- a mark ("snap: x", "snap = x", "snap - x", "snap @x") names an account, unless the
  word is ordinary talk ("snap: later");
- a word ("my snap is x", "kik me x") names one when the name ends its clause
  ("my kik is x lol", not "my insta is turned off");
- only a space, a newline, "?" or "on" ("add me on snap? x", "sc x") names one when the
  name is shaped like one (digits, "_" or "." in it: "jess.x22") or when an invitation
  comes just before the platform ("add me", "hmu", "follow me");
- a name before the platform needs the same: a mark or "is my" ("x (snap)", "x is my
  snap"), a name's shape, or "add"/"follow" just before it ("add x on snap").

Ordinary words (context.yaml ``not_handles``: "later", "lol", "babe", "streak" ...) are
never names, nor is a name after "the", "ur", "your" ... ("the snap is slow") unless a
mark labels it. A name that breaks its platform's published rule counts only when
labelled (it is then reported ``valid: false``). A platform whose name is an ordinary
word too ("signal", "session", "on x": context.yaml ``ordinary_platform_words``) is read
only for names that keep its rule ("jess.01" on Signal, a 66-digit Session ID).

The platform comes from the platform word the name was given with, or for an @name
from the nearest platform word (platforms.yaml: "insta", "snap", "telegram",
"venmo" ...), else from the conversation's own platform (an @name in a Telegram chat
is a Telegram username). A name on a payment platform (Venmo, PayPal, Revolut ...) is
reported as a ``payment`` identifier, since that is what it is; everything else is a
``handle``. A WhatsApp account is its phone number, found by the phone extractor.

Names cannot be checked against the platform (that needs the network): ``valid``
is None, or False when the name breaks the platform's published username rule.
Letters from other scripts that pass for Latin ones are flagged. The account
ids that exports carry (Telegram and Discord ids, phone-number senders) are
read from the conversation's participants in ``takeback.identifiers.extract``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from enum import IntEnum
from functools import cache, lru_cache
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
    encoded,
    load_data,
    lookalike,
    with_note,
)
from takeback.identifiers.platforms import Platform, by_export, by_word, platforms

# Discord's older names carry a four-digit tag: "jess#1234".
_NAME = r"[\p{L}\p{N}_.\-]+(?:#[0-9]{4})?"
# Names longer than this are not account names on any platform we know, unless they keep
# their platform's rule (a Session ID is 66 characters).
MAX_NAME = 40
MAX_RULED_NAME = 66
# What may stand between a platform word and the name given after it: labels, "?", newlines.
_SEPARATOR = (
    r"(?:(?:user\s?name|name|id|handle|acc(?:ount)?|is|it['\x{2019}]?s|mine['\x{2019}]?s?|me|add|at|on)\b"
    r"|[@:=?,>(\-\x{2013}\x{2014}]+|\r?\n)"
)
# What may stand between a name and the platform word after it: "x on snap", "x (snap)".
_BEFORE_SEPARATOR = r"(?:(?:on|is[ \t]+my|via)\b|[(\-\x{2013}\x{2014}])"
# The marks and words between a platform word and a name that label the name as its account.
_LABEL_MARKS = ":=@(>-\u2013\u2014"
_LABEL_WORDS = frozenset(
    ["is", "its", "it's", "it\u2019s", "username", "user", "name", "id", "handle", "acc", "account",
     "mine", "mines", "mine's", "mine\u2019s", "me", "add"]
)  # fmt: skip


class Label(IntEnum):
    """How plainly the text says that a word is the account's name."""

    NONE = 0  # a space, a newline, "?", "on": "sc jess.x22", "add me on snap? jessxx"
    WORD = 1  # a word: "my snap is jessxx", "kik me jessxx", "jessxx is my snap"
    MARK = 2  # a mark: "snap: jessxx", "snap = jessxx", "snap - jessxx", "@jessxx"


# How far from an @name a platform word still names its platform.
PLATFORM_BEFORE = 48
PLATFORM_AFTER = 32
# How far before a platform word an invitation ("add me on", "hmu on") still counts.
INVITATION_BEFORE = 24
_TIME_OR_AMOUNT = compile_pattern(r"(?i)\d+(?:[.:]\d+)?(?:am|pm|h|k|p|x|st|nd|rd|th)?")

AT_NAME = "@name"
GIVEN_AFTER = "name given for a platform"
GIVEN_BEFORE = "name given before a platform's name"


@cache
def all_platform_words() -> Words:
    return Words(word for platform in platforms() for word in platform.words)


@cache
def not_names() -> frozenset[str]:
    """Words of ordinary talk (and CSS) that are never taken as an account name."""
    return frozenset(context_group("not_handles"))


@cache
def _ordinary_words() -> frozenset[str]:
    return frozenset(" ".join(word.lower().split()) for word in context_group("ordinary_platform_words"))


@cache
def _invitations() -> Words:
    return Words(context_group("handle_invitations"))


@cache
def _name_cues() -> Words:
    return Words(context_group("handle_name_cues"))


@cache
def _not_given() -> Words:
    return Words(context_group("handle_not_given"))


@cache
def _after_name() -> frozenset[str]:
    return frozenset(context_group("handle_after_name"))


@cache
def _bare_tlds() -> frozenset[str]:
    return frozenset(load_data("tlds.yaml")["bare"])


def _words_source() -> str:
    return all_platform_words().source.removeprefix("(?i)")


def _given_after_pattern() -> str:
    # Other platform words may stand between ("snap or insta? snap is x"): the name belongs to
    # the nearest, and a platform word is never itself taken for the name.
    words = _words_source()
    return rf"(?i){words}(?:[ \t]*(?:{_SEPARATOR}|or\b|{words})){{0,6}}[ \t]*({_NAME})"


def _platform_after_pattern() -> str:
    return rf"(?i)[ \t]*{_BEFORE_SEPARATOR}[ \t]*(?:(?:my|the)[ \t]+)?{_words_source()}"


def _given_before_pattern() -> str:
    return rf"(?i)({_NAME}){_platform_after_pattern().removeprefix('(?i)')}"


def looks_like_handle(name: str) -> bool:
    """Whether a word is shaped like an account name rather than a word: "jess.x22", "jess_x".

    At least three letters, so that text speak ("gr8", "d00d") is not one.
    """
    marked = any(map(str.isdigit, name)) or "_" in name or "." in name.strip(".")
    return marked and sum(map(str.isalpha, name)) >= 3


def _stretched(name: str) -> bool:
    """A word drawn out for emphasis ("sooooo", "waaaay"): four of a letter in a row (but x)."""
    run, last = 0, ""
    for char in name.lower():
        run = run + 1 if char == last else 1
        last = char
        if run >= 4 and char.isalpha() and char != "x":
            return True
    return False


def _ends_clause(text: str, end: int) -> bool:
    """Whether a name given in words ends its clause: "jessxx", "jessxx lol", not "truned off"."""
    rest = text[end : end + MAX_NAME].lstrip(" \t")
    if not rest or not rest[0].isalpha():
        return True
    word = "".join(filter(str.isalpha, rest.split(None, 1)[0].lower()))
    return word in _after_name()


def _may_name(word: str, platform: Platform, name: str | None) -> bool:
    """Whether a platform word can name ``name``'s platform: an ordinary word ("signal") only
    for a name that keeps the platform's rule."""
    if " ".join(word.split()) not in _ordinary_words():
        return True
    return name is not None and platform.follows_rule(name.lower()) is True


def nearest_platform(text: str, start: int, end: int, name: str | None = None) -> tuple[Platform, str] | None:
    """The platform named nearest to ``text[start:end]`` (before it first), and the word that named it.

    With ``name``, a platform word that is an ordinary word too ("signal") counts only when
    the name keeps that platform's rule.
    """
    words = all_platform_words()
    before = words.spans(text, max(0, start - PLATFORM_BEFORE), start)
    after = words.spans(text, end, min(len(text), end + PLATFORM_AFTER))
    for _, _, word in [*reversed(before), *after]:
        platform = by_word(word)
        if platform is not None and (name is None or _may_name(word, platform, name)):
            return platform, word
    return None


@lru_cache(maxsize=1024)
def _label(between: str) -> Label:
    """How the text between a platform word and a name labels the name as its account."""
    if any(mark in between for mark in _LABEL_MARKS):
        return Label.MARK
    tokens = "".join(char if char.isalnum() or char in "'\u2019" else " " for char in between.lower())
    return Label.NONE if _LABEL_WORDS.isdisjoint(tokens.split()) else Label.WORD


class HandleExtractor(Extractor):
    NAME = "handle"
    PATTERNS: ClassVar[Mapping[str, str]] = {
        AT_NAME: r"@" + _NAME,
        GIVEN_AFTER: _given_after_pattern(),
    }

    TRIGGERS: ClassVar[Mapping[str, str]] = {
        AT_NAME: r"@[\p{L}\p{N}_.\-]",
        GIVEN_AFTER: all_platform_words().source,
    }

    def __init__(self) -> None:
        super().__init__()
        # A name written before the platform's name needs the same platform word as a name
        # given after it, so it runs whenever that pattern does (and has the same trigger).
        self._before = compile_pattern(_given_before_pattern())
        self._only_separators = compile_pattern(rf"(?i)(?:[ \t]*{_SEPARATOR}){{0,4}}[ \t]*")
        self._platform_after = compile_pattern(_platform_after_pattern())

    def candidates(self, text: str, scope: Scope, names: Iterable[str] | None = None) -> Iterator[Candidate]:
        chosen = list(self.PATTERNS if names is None else names)
        yield from super().candidates(text, scope, chosen)
        if GIVEN_AFTER in chosen:
            for start, end in encoded(text).spans(self._before, 1):
                accepted = self.accept(Candidate(text, start, end, GIVEN_BEFORE, region=scope.region), scope)
                if accepted is not None:
                    yield accepted

    def accept(self, candidate: Candidate, scope: Scope) -> Candidate | None:
        text = candidate.text
        before = char_before(text, candidate.start)
        if candidate.pattern != GIVEN_AFTER and (before.isalnum() or before in "_.@/\\#$"):
            return None  # the middle of an email address, a path or a longer name
        raw = candidate.raw.split("..", 1)[0]  # "camera..but": the name ends at an ellipsis
        plain, tagged, _ = raw.partition("#")
        name = plain.lstrip("@").rstrip(".-")
        end = candidate.start + len(plain.rstrip(".-"))
        if tagged and not char_after(text, candidate.start + len(raw)).isalnum():
            end = candidate.start + len(raw)  # Discord's "name#1234" (not "#12345")
        if char_after(text, end) in "@/" or not self._plausible(name):
            return None  # an email address's local part, a path
        candidate = candidate.replace(end=end)
        if candidate.pattern == AT_NAME:
            return self._at_name(candidate, name, scope)
        if candidate.pattern == GIVEN_AFTER:
            return self._given_after(candidate, name)
        return self._given_before(candidate, name)

    def _plausible(self, name: str) -> bool:
        if not 2 <= len(name) <= MAX_RULED_NAME or not (name[0].isalnum() or name[0] == "_"):
            return False
        if _stretched(name):
            return False
        if name[0].isdigit() and _TIME_OR_AMOUNT.fits(name):
            return False
        if name.lower() in not_names() or by_word(name):
            return False
        # A domain: the link or the address is found as such.
        return "." not in name or name.rsplit(".", 1)[1].lower() not in _bare_tlds()

    def _at_name(self, candidate: Candidate, name: str, scope: Scope) -> Candidate | None:
        named = nearest_platform(candidate.text, candidate.start, candidate.end, name)
        if named and named[0].kind == "phone":
            named = None  # a WhatsApp account is its phone number, found as such
        if named:
            return self._settle(candidate, name, named[0], named[1], Label.MARK)
        if len(name) > MAX_NAME:
            return None
        candidate = _without_tag(candidate, None)
        own = by_export(scope.platform)
        if own is not None and own.kind == "handle":
            return with_note(candidate.on(own.name), "platform: the conversation's own")
        return candidate

    def _given_after(self, candidate: Candidate, name: str) -> Candidate | None:
        text, start = candidate.text, candidate.start
        words = all_platform_words().spans(text, max(0, start - PLATFORM_BEFORE), start)
        if not words:
            return None
        word_start, word_end, word = words[-1]
        between = text[word_end:start]
        platform = by_word(word)
        if not between or platform is None or platform.kind == "phone":
            return None  # glued to the platform's name ("snapchat.com"); a WhatsApp number
        label = _label(between)
        if label < Label.MARK and self._talked_about(text, word_start):
            # "the snap is slow", "ur snap? mine is jess.x22": only a name shaped like one, after "?"
            if "?" not in between or not looks_like_handle(name):
                return None
            label = Label.NONE
        if not label and self._platform_after.opens(text[candidate.end : candidate.end + PLATFORM_AFTER]):
            return None  # "jess.x on insta and jess22 on snap": jess22 is given for snap
        cue = () if label else self._invitation(text, word_start)
        return self._settle(candidate, name, platform, word, label, cue, _ends_clause(text, candidate.end))

    def _given_before(self, candidate: Candidate, name: str) -> Candidate | None:
        text, start, end = candidate.text, candidate.start, candidate.end
        if self._given_for_another(text, start):
            return None  # "snap - jess - insta": the name belongs to the platform before it
        words = all_platform_words().spans(text, end, min(len(text), end + PLATFORM_AFTER))
        if not words:
            return None
        word_start, _, word = words[0]
        platform = by_word(word)
        if platform is None or platform.kind == "phone":
            return None
        between = text[end:word_start]
        label = Label.MARK if any(mark in between for mark in _LABEL_MARKS) else Label.NONE
        if "is" in between.lower().split():
            label = Label.WORD  # "jess is my snap"
        cue = () if label else self._name_cue(text, start)
        return self._settle(candidate, name, platform, word, label, cue)

    def _settle(
        self,
        candidate: Candidate,
        name: str,
        platform: Platform,
        word: str,
        label: Label,
        cue: tuple[str, ...] = (),
        ends_clause: bool = True,
    ) -> Candidate | None:
        """The candidate as an account on ``platform``, or None when the words around it
        do not make it one.

        A name shaped like one ("jess.x22", Discord's "jess#1234") needs no more; a plain
        word needs a label or an invitation, and to end its clause unless a mark labels it.
        """
        if not _may_name(word, platform, name):
            return None
        rule = platform.follows_rule(name.lower())
        if len(name) > MAX_NAME and rule is not True:
            return None
        if rule is False and label is Label.NONE:
            return None
        candidate = _without_tag(candidate, platform)
        if not (looks_like_handle(name) or "#" in candidate.raw):
            if (label is Label.NONE and not cue) or (label < Label.MARK and not ends_clause):
                return None
        return candidate.on(platform.name).replace(context=(word, *cue))

    def _invitation(self, text: str, word_start: int) -> tuple[str, ...]:
        """An invitation just before a platform word ("add me on", "hmu on"), as context."""
        hits = _invitations().spans(text, max(0, word_start - INVITATION_BEFORE), word_start)
        return (hits[-1][2],) if hits else ()

    def _talked_about(self, text: str, word_start: int) -> bool:
        """Whether a word right before a platform's name makes it the app talked about ("the snap")."""
        hits = _not_given().spans(text, max(0, word_start - INVITATION_BEFORE), word_start)
        return bool(hits) and not text[hits[-1][1] : word_start].strip()

    def _name_cue(self, text: str, start: int) -> tuple[str, ...]:
        """A word right before a name that says a name follows ("add jess on snap")."""
        hits = _name_cues().spans(text, max(0, start - INVITATION_BEFORE), start)
        if hits and not text[hits[-1][1] : start].strip():
            return (hits[-1][2],)
        return ()

    def _given_for_another(self, text: str, start: int) -> bool:
        """Whether a platform word stands just before ``start`` with only labels between."""
        words = all_platform_words().spans(text, max(0, start - PLATFORM_BEFORE), start)
        return bool(words) and self._only_separators.fits(text[words[-1][1] : start])

    def normalise(self, candidate: Candidate) -> str:
        return _normal_name(candidate.raw)

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
            return found.as_kind("payment")
        return found


def _without_tag(candidate: Candidate, platform: Platform | None) -> Candidate:
    """The candidate without a "#1234" tag, which only Discord names carry."""
    if platform is not None and platform.name == "Discord":
        return candidate
    cut = candidate.raw.find("#")
    return candidate if cut < 0 else candidate.replace(end=candidate.start + cut)


def _platform(name: str | None) -> Platform | None:
    return _by_name().get(name) if name else None


@cache
def _by_name() -> dict[str, Platform]:
    found: dict[str, Platform] = {}
    for platform in platforms():
        found.setdefault(platform.name, platform)  # the first of a name, as a search in order finds
    return found


@lru_cache(maxsize=4096)
def _normal_name(raw: str) -> str:
    """An account name as two sightings share it (cached: each sighting asks three times)."""
    return unicodedata.normalize("NFC", raw.lstrip("@")).lower()


EXTRACTORS.register(HandleExtractor())
