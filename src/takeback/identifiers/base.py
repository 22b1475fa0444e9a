"""The contract every identifier extractor follows, and the helpers they share.

An :class:`Extractor` finds one kind of identifier. It names its candidate
``PATTERNS`` (RE2 syntax, so matching is linear in the length of the text
whatever the input: no backtracking), the ``CONTEXT`` words that say what a
candidate is, and which patterns count only with such a word nearby
(``NEEDS_CONTEXT``). For each candidate it decides:

- ``accept``: is this stretch of text a candidate at all (boundaries, shape)?
- ``validate``: True when a checksum or an issuer's rule proves it, False when it
  looks like one but is proven wrong, None when nothing can check it;
- ``normalise``: the value two sightings share (E.164, lower-cased, refanged ...);
- ``explain``: the pattern, the validation and the context words, in words.

Identifiers are evidence: every :class:`Found` keeps the span and the text as written.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources
from itertools import accumulate
from typing import Any, ClassVar, Protocol, cast

import re2
import yaml

from takeback.registry import Registry

# How far around a candidate its context words are looked for, in characters.
WINDOW_BEFORE = 80
WINDOW_AFTER = 40
MAX_PHRASE = 64  # no context phrase is longer


@dataclass(frozen=True, slots=True)
class Scope:
    """What an extractor may know beyond the text: the region numbers are read in, the platform."""

    region: str = "GB"
    platform: str | None = None  # the conversation's platform as its parser named it


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stretch of text that may be an identifier, before it is validated."""

    text: str  # the whole text it was found in: boundaries and context are read from it
    start: int
    end: int
    pattern: str  # the name of the pattern that found it, for the explanation
    context: tuple[str, ...] = ()  # context words found near it
    platform: str | None = None
    region: str = "GB"
    note: str = ""  # what the extractor learnt on the way (defanged, look-alike letters ...)

    @property
    def raw(self) -> str:
        return self.text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Found:
    """One identifier seen once in one text."""

    kind: str
    value: str
    valid: bool | None
    start: int
    end: int
    raw: str
    platform: str | None
    explanation: str
    key: str  # what makes two sightings one identifier: the value, or the unmasked number of a card
    from_link: bool = False  # read out of a link (a profile's account), not written on its own


def load_data(name: str) -> dict[str, Any]:
    """One of this package's YAML data files."""
    return _load_data(name)


@cache
def _load_data(name: str) -> dict[str, Any]:
    text = resources.files("takeback.identifiers").joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"identifiers/{name} must hold a mapping")
    return data


def context_group(name: str) -> list[str]:
    """A list of words from context.yaml."""
    data = load_data("context.yaml")
    words = data["groups"][name] if name in data["groups"] else data[name]
    if not all(isinstance(word, str) for word in words):
        # YAML reads a bare yes/no/on/off as a boolean: such words must be quoted.
        raise ValueError(f"identifiers/context.yaml: {name} holds a word that is not a string")
    return list(words)


class Re2Match(Protocol):
    def span(self, group: int = 0) -> tuple[int, int]: ...
    def start(self, group: int = 0) -> int: ...
    def end(self, group: int = 0) -> int: ...
    def group(self, group: int = 0) -> str: ...


class Re2Pattern(Protocol):
    @property
    def groups(self) -> int: ...
    def finditer(self, text: str) -> Iterator[Re2Match]: ...
    def search(self, text: str) -> Re2Match | None: ...
    def match(self, text: str) -> Re2Match | None: ...
    def fullmatch(self, text: str) -> Re2Match | None: ...


def compile_pattern(pattern: str) -> Re2Pattern:
    """An RE2 pattern: linear-time matching, whatever the input."""
    return cast(Re2Pattern, re2.compile(pattern))


class Encoded:
    """A text in UTF-8, as RE2 reads it, with byte offsets turned back into character offsets.

    Every pattern reads the same message: encoding it once (and keeping the last one)
    saves the RE2 wrapper from encoding it again for each pattern.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass")
        self._starts: list[int] | None = None  # byte offset of each character, for non-ASCII text

    def chars(self, offset: int) -> int:
        """The character offset of a byte offset that starts a character (or ends the text)."""
        if len(self.data) == len(self.text):
            return offset
        if self._starts is None:
            self._starts = [0, *accumulate(_utf8_length(char) for char in self.text)]
        return bisect_left(self._starts, offset)

    def spans(self, pattern: Re2Pattern, group: int = 0) -> Iterator[tuple[int, int]]:
        """Where ``pattern`` (or its group) matches, in character offsets."""
        for match in pattern.finditer(cast(str, self.data)):
            start, end = match.span(group)
            if start >= 0:
                yield self.chars(start), self.chars(end)


def _utf8_length(char: str) -> int:
    code = ord(char)
    return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4


_last_encoded: list[Encoded] = []


def encoded(text: str) -> Encoded:
    """The text encoded once: the last one is kept, since all patterns read it in turn."""
    if _last_encoded and _last_encoded[0].text is text:
        return _last_encoded[0]
    _last_encoded[:] = [Encoded(text)]
    return _last_encoded[0]


def escape(text: str) -> str:
    return cast(str, re2.escape(text))


class Words:
    """Phrases found case-insensitively as whole words, in linear time (one RE2 pattern)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases = tuple(sorted({p.lower() for p in phrases if p}, key=lambda p: (-len(p), p)))
        parts = []
        for phrase in self.phrases:
            body = r"\s+".join(escape(piece) for piece in phrase.split())
            head = r"\b" if phrase[0].isalnum() else ""
            tail = r"\b" if phrase[-1].isalnum() else ""
            parts.append(f"{head}{body}{tail}")
        self.source = "(?i)(?:" + "|".join(parts) + ")" if parts else ""
        self._pattern = compile_pattern(self.source) if parts else None
        self._last: tuple[str, WordIndex] | None = None

    def spans(self, text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
        """Where the phrases are in ``text[start:end]``, with the phrase each one is."""
        index = self.index(text)
        if start == 0 and end is None:
            return list(index.spans)
        stop = len(text) if end is None else end
        low, high = bisect_left(index.starts, start), bisect_right(index.starts, stop)
        return [hit for hit in index.spans[low:high] if hit[1] <= stop]

    def near(
        self, text: str, start: int, end: int, before: int = WINDOW_BEFORE, after: int = WINDOW_AFTER
    ) -> tuple[str, ...]:
        """The phrases in the window around ``text[start:end]``, each once, nearest first."""
        return self.index(text).near(start, end, before, after)

    def index(self, text: str) -> WordIndex:
        """Every phrase in ``text``, found in one pass, for asking about many places in it.

        The last text's index is kept: the extractors ask about the same text one after
        another, so a long text is read once per word list, not once per candidate.
        """
        if self._last is None or self._last[0] is not text:
            found: list[tuple[int, int, str]] = []
            if self._pattern is not None:
                found = [
                    (s, e, " ".join(text[s:e].lower().split())) for s, e in encoded(text).spans(self._pattern)
                ]
            self._last = (text, WordIndex(found))
        return self._last[1]


def _nearest(found: list[tuple[int, int, str]], start: int, end: int) -> tuple[str, ...]:
    found = sorted(found, key=lambda hit: start - hit[1] if hit[1] <= start else hit[0] - end)
    return tuple(dict.fromkeys(phrase for _, _, phrase in found))


class WordIndex:
    """The phrases of one :class:`Words` in one text, by position: one pass over a long text
    answers for all its candidates."""

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        self.spans = spans
        self.starts = [hit[0] for hit in spans]

    def near(
        self, start: int, end: int, before: int = WINDOW_BEFORE, after: int = WINDOW_AFTER
    ) -> tuple[str, ...]:
        low = bisect_left(self.starts, start - before - MAX_PHRASE)
        high = bisect_right(self.starts, end + after)
        window = [hit for hit in self.spans[low:high] if hit[0] >= start - before and hit[1] <= end + after]
        return _nearest(window, start, end) if window else ()


def char_before(text: str, index: int) -> str:
    """The character before ``index``; a space at the start (the edge of a text is a boundary)."""
    return text[index - 1] if index > 0 else " "


def char_after(text: str, index: int) -> str:
    """The character at ``index``; a space past the end."""
    return text[index] if index < len(text) else " "


def touches_number(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is part of something longer: a number, a date, an amount, a path."""
    before, after = char_before(text, start), char_after(text, end)
    if before.isalnum() or after.isalnum() or before in "+#£$€@_" or after in "%@_":
        return True
    if before in "-/.,:" and char_before(text, start - 1).isalnum():
        return True
    return after in "-/.,:" and char_after(text, end + 1).isalnum()


# Letters of other scripts that pass for Latin ones (a small part of Unicode's confusables
# table: the ones seen in look-alike domains and handles).
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "і": "i", "ї": "i", "ј": "j", "к": "k", "м": "m",
        "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d",
        "һ": "h", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ү": "y", "ɡ": "g", "ο": "o", "α": "a", "ν": "v",
        "ρ": "p", "ι": "i", "κ": "k", "υ": "u", "χ": "x", "ε": "e", "τ": "t", "β": "b", "օ": "o",
        "ս": "u", "հ": "h", "ց": "g", "ı": "i",
    }
)  # fmt: skip


def script_of(char: str) -> str:
    """The script of a letter, from its Unicode name: LATIN, CYRILLIC, GREEK ..."""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def lookalike(text: str) -> str:
    """A sentence flagging letters that pass for Latin ones, or "" when there are none.

    Text wholly in another script is left alone (пример.рф is a real Russian
    domain); mixing scripts, or other letters that read as Latin, is flagged.
    """
    if text.isascii():
        return ""
    letters = [char for char in text if char.isalpha()]
    scripts = list(dict.fromkeys(script_of(char) for char in letters))
    skeleton = unicodedata.normalize("NFKC", text).lower().translate(_LOOKALIKES)
    looks_latin = skeleton.isascii() and skeleton != text.lower()
    if len(scripts) < 2 and not looks_latin:
        return ""
    strangers = list(dict.fromkeys(char for char in letters if not char.isascii()))
    named = ", ".join(f"U+{ord(char):04X} {unicodedata.name(char, '?')}" for char in strangers[:4])
    mixed = " and ".join(script.title() for script in scripts)
    sentence = (
        f"look-alike letters: mixes {mixed} ({named})"
        if len(scripts) > 1
        else f"look-alike letters ({named})"
    )
    return f"{sentence}; reads as '{skeleton}'" if skeleton.isascii() else sentence


@lru_cache(maxsize=4096)
def ascii_host(host: str) -> str | None:
    """A host name in its ASCII (punycode) form, lower-cased; None when it cannot be one."""
    labels = []
    for label in host.rstrip(".").split("."):
        if not label or len(label) > 63:
            return None
        if label.isascii():
            labels.append(label.lower())
            continue
        try:
            labels.append(label.encode("idna").decode("ascii"))
        except UnicodeError:
            return None
    name = ".".join(labels)
    return name if len(name) <= 253 else None


class Extractor:
    """One kind of identifier: candidate patterns, context words, validation, normal form.

    Subclasses set ``NAME`` (the kind), ``PATTERNS`` (name -> RE2 pattern; when a
    pattern has a group, group 1 is the candidate), ``CONTEXT`` (pattern name ->
    the words that say what its candidates are), ``NEEDS_CONTEXT`` (the patterns
    whose candidates count only with one of those words nearby) and ``TRIGGERS``
    (see :meth:`triggers`), then override the steps they need.
    """

    NAME: ClassVar[str]
    PATTERNS: ClassVar[Mapping[str, str]]
    CONTEXT: ClassVar[Mapping[str, Words]] = {}
    NEEDS_CONTEXT: ClassVar[frozenset[str]] = frozenset()
    TRIGGERS: ClassVar[
        Mapping[str, str]
    ] = {}  # pattern name -> a short necessary part ("": its words decide)

    def __init__(self) -> None:
        self.compiled = {name: compile_pattern(pattern) for name, pattern in self.PATTERNS.items()}
        self._grouped = {name: regexp.groups > 0 for name, regexp in self.compiled.items()}

    def candidates(self, text: str, scope: Scope, names: Iterable[str] | None = None) -> Iterator[Candidate]:
        """The accepted candidates of the named patterns (all by default), in text order per pattern."""
        for name in self.PATTERNS if names is None else names:
            grouped = self._grouped[name]
            words = self.CONTEXT.get(name)
            index: WordIndex | None = None
            for start, end in encoded(text).spans(self.compiled[name], 1 if grouped else 0):
                if start == end:
                    continue
                context: tuple[str, ...] = ()
                if words is not None:
                    index = index or words.index(text)
                    context = index.near(start, end)
                if name in self.NEEDS_CONTEXT and not context:
                    continue
                candidate = Candidate(text, start, end, name, context, region=scope.region)
                accepted = self.accept(candidate, scope)
                if accepted is not None:
                    yield accepted

    def accept(self, candidate: Candidate, scope: Scope) -> Candidate | None:
        """The candidate (possibly trimmed or with its platform set), or None when it is not one."""
        return candidate

    def normalise(self, candidate: Candidate) -> str:
        return candidate.raw

    def validate(self, candidate: Candidate) -> bool | None:
        return None

    def verdict(self, candidate: Candidate, valid: bool | None) -> str:
        """What the validation showed, in words."""
        return "" if valid is None else ("checked" if valid else "fails its check")

    def keep(self, candidate: Candidate, valid: bool | None) -> bool:
        """Whether to report it once validated (a failed check may mean it was never one)."""
        return True

    def key(self, candidate: Candidate, value: str) -> str:
        return value

    def related(self, candidate: Candidate, value: str, scope: Scope) -> Iterator[Found]:
        """Other identifiers this one carries (a profile link carries an account)."""
        return iter(())

    def explain(self, candidate: Candidate, valid: bool | None) -> str:
        parts = [f"pattern: {candidate.pattern}", self.verdict(candidate, valid), candidate.note]
        if candidate.context:
            parts.append("context: " + ", ".join(repr(word) for word in candidate.context))
        return "; ".join(part for part in parts if part)

    def found(self, candidate: Candidate, valid: bool | None) -> Found:
        value = self.normalise(candidate)
        return Found(
            kind=self.NAME,
            value=value,
            valid=valid,
            start=candidate.start,
            end=candidate.end,
            raw=candidate.raw,
            platform=candidate.platform,
            explanation=self.explain(candidate, valid),
            key=self.key(candidate, value),
        )

    def find(self, text: str, scope: Scope, names: Iterable[str] | None = None) -> Iterator[Found]:
        """Every identifier of this kind in ``text``, validated, with the ones they carry."""
        for candidate in self.candidates(text, scope, names):
            valid = self.validate(candidate)
            if self.keep(candidate, valid):
                found = self.found(candidate, valid)
                yield found
                yield from self.related(candidate, found.value, scope)

    def triggers(self, name: str) -> tuple[str, ...]:
        """RE2 patterns that must all match somewhere in a text for pattern ``name`` to find anything.

        Used to skip work: one RE2 set answers, in one pass over a text, which patterns
        can match it at all. A trigger is a short necessary part of its pattern
        (``TRIGGERS``; the pattern itself by default) and, for the patterns that need
        context, their context words. Short triggers keep the set's automaton small:
        long counted repetitions such as ``{25,110}`` would multiply its states.
        """
        own = self.TRIGGERS.get(name, self.PATTERNS[name])
        words = self.CONTEXT[name].source if name in self.NEEDS_CONTEXT else ""
        return tuple(source for source in (own, words) if source)


def with_note(candidate: Candidate, note: str) -> Candidate:
    """The candidate with one more thing learnt about it."""
    if not note:
        return candidate
    return replace(candidate, note=f"{candidate.note}; {note}" if candidate.note else note)


EXTRACTORS: Registry[Extractor] = Registry("identifier extractor")
