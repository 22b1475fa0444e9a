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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
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


class Candidate:
    """A stretch of text that may be an identifier, before it is validated.

    A plain class with slots, not a named tuple or a frozen dataclass: one is built for
    every stretch a pattern matches, and compiled (mypyc) it is built ten times faster.
    Treat it as immutable: :meth:`replace` and :meth:`on` give changed copies.
    """

    __slots__ = ("context", "end", "note", "pattern", "platform", "region", "start", "text")

    def __init__(
        self,
        text: str,  # the whole text it was found in: boundaries and context are read from it
        start: int,
        end: int,
        pattern: str,  # the name of the pattern that found it, for the explanation
        context: tuple[str, ...] = (),  # context words found near it
        platform: str | None = None,
        region: str = "GB",
        note: str = "",  # what the extractor learnt on the way (defanged, look-alike letters ...)
    ) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.pattern = pattern
        self.context = context
        self.platform = platform
        self.region = region
        self.note = note

    @property
    def raw(self) -> str:
        return self.text[self.start : self.end]

    def replace(
        self,
        *,
        start: int | None = None,
        end: int | None = None,
        pattern: str | None = None,
        context: tuple[str, ...] | None = None,
        region: str | None = None,
        note: str | None = None,
    ) -> Candidate:
        """A copy with the fields given changed (the platform: see :meth:`on`)."""
        return Candidate(
            self.text,
            self.start if start is None else start,
            self.end if end is None else end,
            self.pattern if pattern is None else pattern,
            self.context if context is None else context,
            self.platform,
            self.region if region is None else region,
            self.note if note is None else note,
        )

    def on(self, platform: str | None) -> Candidate:
        """A copy that names the platform (or none)."""
        return Candidate(
            self.text, self.start, self.end, self.pattern, self.context, platform, self.region, self.note
        )

    def _fields(self) -> tuple[object, ...]:
        return (
            self.text,
            self.start,
            self.end,
            self.pattern,
            self.context,
            self.platform,
            self.region,
            self.note,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Candidate) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        where = f"{self.start}, {self.end}"
        return f"Candidate({self.raw!r}, {where}, pattern={self.pattern!r}, platform={self.platform!r})"


class Found:
    """One identifier seen once in one text (immutable by convention; a plain class with
    slots for the same reason as :class:`Candidate`)."""

    __slots__ = (
        "end",
        "explanation",
        "from_link",
        "key",
        "kind",
        "platform",
        "raw",
        "start",
        "valid",
        "value",
    )

    def __init__(
        self,
        kind: str,
        value: str,
        valid: bool | None,
        start: int,
        end: int,
        raw: str,
        platform: str | None,
        explanation: str,
        key: str,  # what makes two sightings one identifier: the value, or the unmasked number of a card
        from_link: bool = False,  # read out of a link (a profile's account), not written on its own
    ) -> None:
        self.kind = kind
        self.value = value
        self.valid = valid
        self.start = start
        self.end = end
        self.raw = raw
        self.platform = platform
        self.explanation = explanation
        self.key = key
        self.from_link = from_link

    def _fields(self) -> tuple[object, ...]:
        return (
            self.kind, self.value, self.valid, self.start, self.end, self.raw, self.platform,
            self.explanation, self.key, self.from_link,
        )  # fmt: skip

    def as_kind(self, kind: str) -> Found:
        """A copy reported as another kind (a handle on a payment service is a payment handle)."""
        return Found(
            kind, self.value, self.valid, self.start, self.end, self.raw, self.platform,
            self.explanation, self.key, self.from_link,
        )  # fmt: skip

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Found) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return f"Found({self.kind!r}, {self.value!r}, valid={self.valid!r}, span=({self.start}, {self.end}))"


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


# google-re2's compiled RE2 answers Match(anchor, UTF-8 bytes, start, end) with the span of
# the match and of each group ((-1, -1) for none).
_Native = Callable[[Any, bytes, int, int], list[tuple[int, int]]]
# Private to google-re2: when a release no longer has them, Pattern uses the public methods.
_ANCHORS = getattr(re2, "_Anchor", None)
_UNANCHORED = getattr(_ANCHORS, "UNANCHORED", None)
_ANCHOR_START = getattr(_ANCHORS, "ANCHOR_START", None)
_ANCHOR_BOTH = getattr(_ANCHORS, "ANCHOR_BOTH", None)


class Pattern:
    """An RE2 pattern: linear-time matching, whatever the input.

    ``search``, ``match``, ``fullmatch`` and ``finditer`` are google-re2's. On a short
    message its match objects and generators cost more than the matching itself, so the
    questions that need only where or whether it matches (:meth:`spans`, :meth:`found_in`,
    :meth:`fits`, :meth:`opens`) ask the compiled RE2 the wrapper keeps (``_regexp``)
    directly; with a wrapper that keeps none, they use its public methods.
    """

    __slots__ = ("fast", "finditer", "fullmatch", "groups", "match", "search", "source")

    def __init__(self, source: str) -> None:
        regexp = re2.compile(source)
        self.source = source
        self.groups: int = regexp.groups
        self.search: Callable[[str | bytes], Re2Match | None] = regexp.search
        self.match: Callable[[str], Re2Match | None] = regexp.match
        self.fullmatch: Callable[[str], Re2Match | None] = regexp.fullmatch
        self.finditer: Callable[[str | bytes], Iterator[Re2Match]] = regexp.finditer
        native = getattr(regexp, "_regexp", None)
        self.fast: _Native | None = getattr(native, "Match", None) if _ANCHOR_BOTH is not None else None

    def spans(self, data: bytes, group: int = 0) -> list[tuple[int, int]]:
        """Where the pattern (or its group) matches in UTF-8 bytes: the matches ``finditer`` gives."""
        fast = self.fast
        if fast is None:
            found = [match.span(group) for match in self.finditer(data)]
            return [span for span in found if span[0] >= 0]
        found = []
        position, end = 0, len(data)
        while True:
            spans = fast(_UNANCHORED, data, position, end)
            whole = spans[0]
            if whole[0] < 0:
                return found
            span = spans[group]
            if span[0] >= 0:
                found.append(span)
            if position == end:
                return found
            # Step past an empty match, as finditer does.
            position = position + 1 if position == whole[1] else whole[1]

    def occurs(self, data: bytes) -> bool:
        """Whether the pattern matches somewhere in UTF-8 bytes."""
        fast = self.fast
        if fast is None:
            return self.search(data) is not None
        return fast(_UNANCHORED, data, 0, len(data))[0][0] >= 0

    def found_in(self, text: str) -> bool:
        """Whether the pattern matches somewhere in ``text``."""
        fast = self.fast
        return self.search(text) is not None if fast is None else _test(fast, _UNANCHORED, text)

    def fits(self, text: str) -> bool:
        """Whether the pattern matches the whole of ``text``."""
        fast = self.fast
        return self.fullmatch(text) is not None if fast is None else _test(fast, _ANCHOR_BOTH, text)

    def opens(self, text: str) -> bool:
        """Whether the pattern matches at the start of ``text``."""
        fast = self.fast
        return self.match(text) is not None if fast is None else _test(fast, _ANCHOR_START, text)


def _test(fast: _Native, anchor: Any, text: str) -> bool:
    data = text.encode("utf-8")
    return fast(anchor, data, 0, len(data))[0][0] >= 0


def compile_pattern(pattern: str) -> Pattern:
    """An RE2 pattern: linear-time matching, whatever the input."""
    return Pattern(pattern)


class Encoded:
    """A text in UTF-8, as RE2 reads it, with byte offsets turned back into character offsets.

    Every pattern reads the same message: encoding it once (and keeping the last one)
    saves the RE2 wrapper from encoding it again for each pattern.
    """

    def __init__(self, text: str, data: bytes | None = None) -> None:
        self.text = text
        self.data = text.encode("utf-8", "surrogatepass") if data is None else data
        self.ascii = len(self.data) == len(text)  # byte offsets are character offsets
        self._starts: list[int] | None = None  # byte offset of each character, for non-ASCII text

    def chars(self, offset: int) -> int:
        """The character offset of a byte offset that starts a character (or ends the text)."""
        if self.ascii:
            return offset
        if self._starts is None:
            self._starts = [0, *accumulate(_utf8_length(char) for char in self.text)]
        return bisect_left(self._starts, offset)

    def spans(self, pattern: Pattern, group: int = 0) -> list[tuple[int, int]]:
        """Where ``pattern`` (or its group) matches, in character offsets."""
        found = pattern.spans(self.data, group)
        if self.ascii or not found:
            return found
        chars = self.chars
        return [(chars(start), chars(end)) for start, end in found]


def _utf8_length(char: str) -> int:
    code = ord(char)
    return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4


_current: Encoded | None = None  # the text the patterns are reading


def encoded(text: str, data: bytes | None = None) -> Encoded:
    """The text encoded once (``data``, when the caller has it): the last one is kept, since
    all patterns read it in turn."""
    global _current
    current = _current
    if current is None or current.text is not text:
        current = _current = Encoded(text, data)
    return current


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
        self._last: tuple[str | None, WordIndex] = (None, _NO_WORDS)

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
        last = self._last  # read once and written once: a text is never paired with another's index
        if last[0] is not text:
            index = _NO_WORDS
            if self._pattern is not None:
                found = [
                    (s, e, " ".join(text[s:e].lower().split())) for s, e in encoded(text).spans(self._pattern)
                ]
                if found:
                    index = WordIndex(found)
            last = self._last = (text, index)
        return last[1]


def _nearest(found: list[tuple[int, int, str]], start: int, end: int) -> tuple[str, ...]:
    if len(found) == 1:
        return (found[0][2],)
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
        if not self.starts:
            return ()
        low = bisect_left(self.starts, start - before - MAX_PHRASE)
        high = bisect_right(self.starts, end + after)
        window = [hit for hit in self.spans[low:high] if hit[0] >= start - before and hit[1] <= end + after]
        return _nearest(window, start, end) if window else ()


_NO_WORDS = WordIndex([])


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
    (see :meth:`triggers`), then override the steps they need. Two optional sets
    make it faster, never different: ``ALONE`` (see :meth:`triggers`) and
    ``CONTEXT_AFTER_ACCEPT`` (the patterns whose ``accept`` does not read the
    context words, so that they are looked up only for what it accepts).
    """

    NAME: ClassVar[str]
    PATTERNS: ClassVar[Mapping[str, str]]
    CONTEXT: ClassVar[Mapping[str, Words]] = {}
    NEEDS_CONTEXT: ClassVar[frozenset[str]] = frozenset()
    TRIGGERS: ClassVar[
        Mapping[str, str]
    ] = {}  # pattern name -> a short necessary part ("": its words decide)
    ALONE: ClassVar[frozenset[str]] = frozenset()  # patterns whose trigger is matched on its own
    # Patterns whose ``accept`` does not read the context words: they are looked up only for
    # the candidates it accepts (most are not), around the span the pattern found.
    CONTEXT_AFTER_ACCEPT: ClassVar[frozenset[str]] = frozenset()

    def __init__(self) -> None:
        self.compiled = {name: compile_pattern(pattern) for name, pattern in self.PATTERNS.items()}
        # What each pattern's scan needs, looked up once: its regexp, the group that is the
        # candidate, its context words, whether it counts only with one of them nearby, and
        # whether they are looked up after ``accept``.
        self._scans = {
            name: (
                regexp,
                1 if regexp.groups > 0 else 0,
                self.CONTEXT.get(name),
                name in self.NEEDS_CONTEXT,
                name in self.CONTEXT_AFTER_ACCEPT,
            )
            for name, regexp in self.compiled.items()
        }

    def candidates(self, text: str, scope: Scope, names: Iterable[str] | None = None) -> Iterable[Candidate]:
        """The accepted candidates of the named patterns (all by default), in text order per pattern.

        A list, not a generator: most texts give one or two, and a generator costs more.
        """
        spans = encoded(text).spans
        region = scope.region
        kept: list[Candidate] = []
        for name in self.PATTERNS if names is None else names:
            regexp, group, words, needs_context, late = self._scans[name]
            index: WordIndex | None = None
            for start, end in spans(regexp, group):
                if start == end:
                    continue
                context: tuple[str, ...] = ()
                if words is not None and not late:
                    if index is None:
                        index = words.index(text)
                    context = index.near(start, end)
                    if needs_context and not context:
                        continue
                accepted = self.accept(Candidate(text, start, end, name, context, None, region), scope)
                if accepted is None:
                    continue
                if late and words is not None:
                    if index is None:
                        index = words.index(text)
                    accepted = accepted.replace(context=index.near(start, end))
                kept.append(accepted)
        return kept

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
            parts.append("context: " + ", ".join(map(repr, candidate.context)))
        return "; ".join(filter(None, parts))

    def found(self, candidate: Candidate, valid: bool | None) -> Found:
        value = self.normalise(candidate)
        return Found(
            self.NAME,
            value,
            valid,
            candidate.start,
            candidate.end,
            candidate.raw,
            candidate.platform,
            self.explain(candidate, valid),
            self.key(candidate, value),
        )

    def find(self, text: str, scope: Scope, names: Iterable[str] | None = None) -> Iterable[Found]:
        """Every identifier of this kind in ``text``, validated, with the ones they carry."""
        found: list[Found] = []
        for candidate in self.candidates(text, scope, names):
            valid = self.validate(candidate)
            if self.keep(candidate, valid):
                item = self.found(candidate, valid)
                found.append(item)
                found.extend(self.related(candidate, item.value, scope))
        return found

    def triggers(self, name: str) -> tuple[str, ...]:
        """RE2 patterns that must all match somewhere in a text for pattern ``name`` to find anything.

        Used to skip work: one RE2 set answers, in one pass over a text, which patterns
        can match it at all. A trigger is a short necessary part of its pattern
        (``TRIGGERS``; the pattern itself by default) and, for the patterns that need
        context, their context words. Short triggers keep the set's automaton small:
        long counted repetitions such as ``{25,110}`` would multiply its states.

        A trigger that must count many characters of a wide class (25 base58 characters)
        still multiplies them: every new text then builds many states of the set's automaton,
        which costs more than the matching. Such patterns are named in ``ALONE``: their own
        trigger is matched on its own, a small automaton, in a second pass.
        """
        own = self.TRIGGERS.get(name, self.PATTERNS[name])
        words = self.CONTEXT[name].source if name in self.NEEDS_CONTEXT else ""
        return tuple(source for source in (own, words) if source)


def with_note(candidate: Candidate, note: str) -> Candidate:
    """The candidate with one more thing learnt about it."""
    if not note:
        return candidate
    return candidate.replace(note=f"{candidate.note}; {note}" if candidate.note else note)


EXTRACTORS: Registry[Extractor] = Registry("identifier extractor")
