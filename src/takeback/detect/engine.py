"""The signals, loaded from data, and the matcher that finds them in one text.

Rules live in ``rules/<language>.yaml`` (see docs/adding-a-signal.md). Every
pattern of every rule goes into one RE2 ``Set``, which answers "which rules
match anywhere in this text" in a single pass whatever the number of rules.
Only the rules that matched are then searched one by one for where they
matched, on the folded text, and the span is mapped back to the original
characters so the quote is exactly what the person wrote.

RE2 guarantees time linear in the text for every pattern (no backtracking), so
a hostile or megabyte-long message cannot stall a scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import re2
import yaml

from takeback.detect.normalise import NEEDS_LEET, NEEDS_SQUEEZE, Normaliser
from takeback.errors import CorruptInput
from takeback.model import STAGES

# Stages a rule may have besides the conversation stages: "crisis" (the person
# speaks of suicide or self-harm), "context" (text about sextortion, such as
# news or advice, rather than sextortion itself) and "media" (a line standing
# for a photo or video in an export).
EXTRA_STAGES = ("crisis", "context", "media")

_TERM = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_RULE_ID = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")
# Texts longer than this are matched in overlapping windows, so that the memory
# RE2 needs stays bounded whatever the length; windows overlap by more than any
# pattern can span, and start after a space so no word is cut.
_WINDOW = 1 << 16
_OVERLAP = 1 << 11
# The parts of an ``all_of`` rule must all be found within this many bytes of
# folded text: about a sentence or two, so that words far apart in a long
# email do not add up to a threat.
NEAR = 120
# How many places per part are looked at when checking that the parts are near.
_MAX_PLACES = 64
# RE2's memory budget for each rule's own regex (which finds where the Set's match is). A rule
# built of large terms (threat.distribute: 70,000 characters of pattern) needs more than 24 MB
# for the automaton that gives a match's span; with less, RE2 falls back to a search 50 to 100
# times slower (100 µs instead of 1.5 µs in a short message). The states are made as text
# needs them, so most of the budget is never taken.
_REGEX_MEMORY = 128 << 20


@dataclass(frozen=True, slots=True)
class Rule:
    """One signal: the stage it shows, its patterns (RE2 syntax, over folded text) and examples."""

    id: str
    stage: str
    patterns: tuple[str, ...]  # any one of them shows the signal
    weight: float
    sexual: bool
    by_victim: bool  # the person's own account of what is done to them: not the offender's words
    description: str
    match: tuple[str, ...]
    no_match: tuple[str, ...]
    language: str
    all_of: tuple[str, ...] = ()  # or: every one of these, in any order, within NEAR bytes
    alone: bool = True  # False: it only changes how the other findings of its message are read


@dataclass(frozen=True, slots=True)
class Hit:
    """Where one rule matched one text: span and quote refer to the original text."""

    rule: Rule
    span: tuple[int, int]
    quote: str


def _options(max_mem: int) -> Any:
    options = re2.Options()
    options.max_mem = max_mem
    options.never_capture = True
    options.log_errors = False  # RE2 falls back by itself when its DFA is full; no noise on stderr
    return options


def spaced(pattern: str) -> str:
    """A pattern where each space matches one or more spaces (folding keeps separators one for one)."""
    out: list[str] = []
    index = 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        following = pattern[index + 1 : index + 2]
        if in_class:
            in_class = char != "]"
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            if following == "]" or pattern[index + 1 : index + 3] == "^]":  # a literal ] first
                out.append(pattern[index + 1 : index + 2 + (following != "]")])
                index += 1 + (following != "]")
        elif char == " " and following in ("?", "*", "{"):
            out.append("(?: +)")
        elif char == " " and following != "+":
            out.append(" +")
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _windows(text: str | bytes) -> list[int]:
    """Where the matching windows of a long text start."""
    space = " " if isinstance(text, str) else b" "
    starts = [0]
    while starts[-1] + _WINDOW < len(text):
        nominal = starts[-1] + _WINDOW - _OVERLAP
        after = text.find(space, nominal, nominal + _OVERLAP // 2)  # type: ignore[arg-type]
        starts.append(after + 1 if after >= 0 else nominal)
    return starts


# Where a regex's first match in a text from a position is: (start, end) in bytes, or None.
Finder = Callable[[bytes, int], tuple[int, int] | None]
_UNANCHORED = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)


def _finder(regex: Any) -> Finder:
    """How to find ``regex``'s first match from a position. google-re2's compiled pattern is
    called directly where its wrapper keeps it: the wrapper makes a generator and a match
    object for every search, which in a short message cost more than the search itself."""
    match = getattr(getattr(regex, "_regexp", None), "Match", None)
    if match is None or _UNANCHORED is None:

        def wrapped(data: bytes, pos: int) -> tuple[int, int] | None:
            found = regex.search(data, pos)
            return None if found is None else (found.start(), found.end())

        return wrapped

    def direct(data: bytes, pos: int) -> tuple[int, int] | None:
        start, end = match(_UNANCHORED, data, pos, len(data))[0]
        return None if start < 0 else (start, end)

    return direct


class Engine:
    """All rules compiled once; :meth:`hits` finds them in a text."""

    def __init__(self, rules: Sequence[Rule], normaliser: Normaliser) -> None:
        self.rules = tuple(rules)
        self.normaliser = normaliser
        # RE2 caches the states of the Set's automaton up to a share of max_mem and starts
        # again from nothing when that is full. With every language's rules in one Set, a
        # million varied messages filled 256 MB's share and halved the speed; the cache grows
        # only as text needs it (the scan's resident memory was the same), so the bound is high.
        self._set = re2.Set.SearchSet(_options(1 << 30))
        self._regexes: list[Finder | None] = []  # per rule: its patterns as one regex, or None
        self._parts: list[tuple[Finder, ...]] = []  # per rule: one regex for each all_of part
        # What each Set entry stands for: (rule index, -1) for a rule's patterns,
        # (rule index, part) for one part of an all_of rule; a part shared by several rules
        # ("the person's images", "a condition or a price") is one entry, searched once.
        self._entries: list[list[tuple[int, int]]] = []
        # Each distinct pattern's Set entry and how to find it.
        self._patterns: dict[str, tuple[int, Finder]] = {}
        for index, rule in enumerate(self.rules):
            try:
                regex = None
                if rule.patterns:
                    regex = self._add("|".join(f"(?:{spaced(p)})" for p in rule.patterns), index, -1)
                self._regexes.append(regex)
                self._parts.append(
                    tuple(self._add(spaced(part), index, number) for number, part in enumerate(rule.all_of))
                )
            except re2.error:
                raise CorruptInput(f"rule {rule.id}: a pattern is not valid RE2 syntax") from None
        # Rules that say nothing on their own: a text where only these match has no findings.
        self._modifiers = frozenset(index for index, rule in enumerate(self.rules) if not rule.alone)
        # Two more entries say when a text needs the slower folding steps.
        self._needs_leet = self._set.Add(NEEDS_LEET)
        self._needs_squeeze = self._set.Add(NEEDS_SQUEEZE)
        self._set.Compile()
        # The compiled set itself when google-re2 keeps it where we look (its Python wrapper
        # costs a call per text); the wrapper otherwise.
        self._set_match = getattr(getattr(self._set, "_set", None), "Match", None) or self._set.Match
        # The last text matched() found needs only the quick folding (the Set's NEEDS_LEET and
        # NEEDS_SQUEEZE entries did not match it), so hits() on it can skip the slower steps.
        self._plain: str | None = None

    def _add(self, pattern: str, rule: int, part: int) -> Finder:
        if pattern not in self._patterns:
            regex = re2.compile(pattern, _options(_REGEX_MEMORY))
            self._patterns[pattern] = (self._set.Add(pattern), _finder(regex))
            self._entries.append([])
        entry, find = self._patterns[pattern]
        self._entries[entry].append((rule, part))
        return find

    def _match(self, folded: bytes) -> list[int]:
        if len(folded) <= _WINDOW:
            return self._set_match(folded) or []
        found: set[int] = set()
        for start in _windows(folded):
            found.update(self._set_match(folded[start : start + _WINDOW]) or ())
        return sorted(found)

    def _rules(self, entries: Iterable[int], modifiers: bool = False) -> list[int]:
        """The rules that may match, from the Set entries found (all_of parts still to be placed).

        Rules that are not ``alone`` count only beside others, unless ``modifiers`` says they
        are wanted anyway (a conversation remembers them across its messages).
        """
        found: set[int] = set()
        parts: dict[int, int] = {}
        for entry in entries:
            if entry >= self._needs_leet:
                continue
            for rule, part in self._entries[entry]:
                if part < 0:
                    found.add(rule)
                else:
                    parts[rule] = parts.get(rule, 0) + 1
                    if parts[rule] == len(self._parts[rule]):
                        found.add(rule)
        return sorted(found) if modifiers or not found <= self._modifiers else []

    def matched(self, text: str, modifiers: bool = False) -> list[int]:
        """Indices of the rules that may match somewhere in ``text`` (:meth:`hits` confirms).

        ``modifiers``: keep the rules that are not ``alone`` even when only they match.
        """
        found = self._match(self.normaliser.quick(text))
        if not found:
            return found
        if self._needs_leet in found or self._needs_squeeze in found:
            self._plain = None
            found = self._match(self.normaliser.fold(text).encode("utf-8"))
        else:
            self._plain = text  # its quick folding is all of it: hits() skips steps 2 and 3
        return self._rules(found, modifiers)

    def hits(self, text: str, matched: Sequence[int] | None = None) -> list[Hit]:
        """Every rule that matches ``text``, each once, at its first match.

        ``matched`` is what :meth:`matched` said for this text, when already known.
        """
        if matched is None:
            matched = self.matched(text) if text else []
        if not matched:
            return []
        folded, offsets = self.normaliser.fold_mapped(text, plain=self._plain is text)
        # RE2 searches bytes fastest; offsets are turned back into characters.
        data = folded.encode("utf-8")
        ascii_only = len(data) == len(folded)
        starts = _windows(data)
        places: dict[int, list[tuple[int, int]]] = {}  # where each all_of part matched, by id
        found: list[Hit] = []
        for index in matched:
            find = self._regexes[index]
            span = self._first(find, data, starts) if find is not None else None
            if span is None and self._parts[index]:
                span = _near(self._parts[index], data, places)
            if span is None:
                continue
            if not ascii_only:
                span = (
                    len(data[: span[0]].decode("utf-8", "ignore")),
                    len(data[: span[1]].decode("utf-8", "ignore")),
                )
            start, end = offsets.span(*span)
            found.append(Hit(self.rules[index], (start, end), text[start:end]))
        found.sort(key=lambda hit: (hit.span, hit.rule.id))
        return found

    @staticmethod
    def _first(find: Finder, data: bytes, starts: list[int]) -> tuple[int, int] | None:
        if len(data) <= _WINDOW:
            return find(data, 0)
        for start in starts:
            span = find(data[start : start + _WINDOW], 0)
            if span is not None:
                return start + span[0], start + span[1]
        return None


def _near(
    parts: Sequence[Finder], data: bytes, known: dict[int, list[tuple[int, int]]]
) -> tuple[int, int] | None:
    """The first stretch of at most NEAR bytes where every part matches, or None.

    Each part's first places are collected (at most _MAX_PLACES each; ``known``
    keeps them for the other rules that share the part), then a sweep over them
    in order of start finds the shortest stretches that hold one place of every part.
    """
    places: list[tuple[int, int, int]] = []  # (start, end, part)
    for number, find in enumerate(parts):
        spans = known.get(id(find))
        if spans is None:
            spans = known[id(find)] = _places(find, data)
        if not spans:
            return None
        places.extend((start, end, number) for start, end in spans)
    places.sort()
    latest: dict[int, tuple[int, int]] = {}
    for start, end, number in places:
        latest[number] = (start, end)
        if len(latest) == len(parts):
            first = min(place[0] for place in latest.values())
            last = max(place[1] for place in latest.values())
            if last - first <= NEAR:
                return first, last
    return None


def _places(find: Finder, data: bytes) -> list[tuple[int, int]]:
    """The first _MAX_PLACES matches, one after the other (as ``finditer`` gives them)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while len(spans) < _MAX_PLACES and pos <= len(data):
        span = find(data, pos)
        if span is None:
            break
        spans.append(span)
        pos = span[1] if span[1] > span[0] else span[1] + 1
    return spans


# --- loading ------------------------------------------------------------------------------------


def _expand(pattern: str, terms: Mapping[str, str], where: str) -> str:
    for _ in range(12):  # terms may use terms, a few levels deep
        if not _TERM.search(pattern):
            return pattern

        def term(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in terms:
                raise CorruptInput(f"{where}: unknown term {{{name}}}")
            return terms[name]

        pattern = _TERM.sub(term, pattern)
    raise CorruptInput(f"{where}: terms nest too deeply (a term uses itself?)")


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CorruptInput(f"{where}: must be a list of strings")
    return tuple(value)


def _rule(entry: object, language: str, terms: Mapping[str, str], source: str) -> Rule:
    if not isinstance(entry, dict):
        raise CorruptInput(f"{source}: every rule must be a mapping")
    rule_id = entry.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise CorruptInput(f"{source}: rule id {rule_id!r} must look like 'stage.name'")
    where = f"{source}: rule {rule_id}"
    stage = entry.get("stage")
    if stage not in STAGES and stage not in EXTRA_STAGES:
        raise CorruptInput(f"{where}: unknown stage {stage!r}")
    weight = entry.get("weight")
    if not isinstance(weight, int | float) or not 0 < weight <= 1:
        raise CorruptInput(f"{where}: weight must be a number above 0 and at most 1")
    sexual = entry.get("sexual", stage in ("sexualisation", "image_request"))
    if not isinstance(sexual, bool):
        raise CorruptInput(f"{where}: sexual must be true or false")
    alone = entry.get("alone", True)
    if not isinstance(alone, bool):
        raise CorruptInput(f"{where}: alone must be true or false")
    by_victim = entry.get("by_victim", False)
    if not isinstance(by_victim, bool):
        raise CorruptInput(f"{where}: by_victim must be true or false")
    unknown = set(entry) - {
        "id",
        "stage",
        "weight",
        "sexual",
        "by_victim",
        "description",
        "patterns",
        "all_of",
        "alone",
        "examples",
    }
    if unknown:
        raise CorruptInput(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    examples = entry.get("examples")
    if not isinstance(examples, dict):
        raise CorruptInput(f"{where}: examples must have match and no_match lists")
    patterns = tuple(
        _expand(p, terms, where) for p in _strings(entry.get("patterns", []), f"{where}: patterns")
    )
    all_of = tuple(_expand(p, terms, where) for p in _strings(entry.get("all_of", []), f"{where}: all_of"))
    if not patterns and not all_of:
        raise CorruptInput(f"{where}: no patterns")
    if len(all_of) == 1:
        raise CorruptInput(f"{where}: all_of needs two or more parts (one part is a pattern)")
    return Rule(
        id=rule_id,
        stage=str(stage),
        patterns=patterns,
        weight=float(weight),
        sexual=sexual,
        by_victim=by_victim,
        description=str(entry.get("description", "")).strip(),
        match=_strings(examples.get("match"), f"{where}: examples.match"),
        no_match=_strings(examples.get("no_match"), f"{where}: examples.no_match"),
        language=language,
        all_of=all_of,
        alone=alone,
    )


def parse_rules(document: object, source: str) -> tuple[list[Rule], dict[str, str]]:
    """Rules and emoji words from one parsed rule file."""
    if not isinstance(document, dict):
        raise CorruptInput(f"{source}: a rule file is a mapping with language, terms, emoji, rules")
    language = document.get("language")
    if not isinstance(language, str):
        raise CorruptInput(f"{source}: language is missing")
    raw_terms = document.get("terms") or {}
    emoji = document.get("emoji") or {}
    if not isinstance(raw_terms, dict) or not all(isinstance(v, str) for v in raw_terms.values()):
        raise CorruptInput(f"{source}: terms must map names to patterns")
    if not isinstance(emoji, dict) or not all(
        isinstance(k, str) and len(k) == 1 and isinstance(v, str) for k, v in emoji.items()
    ):
        raise CorruptInput(f"{source}: emoji must map single characters to words")
    terms = {str(name): value for name, value in raw_terms.items()}
    rules = [_rule(entry, language, terms, source) for entry in document.get("rules") or []]
    return rules, {str(k): str(v) for k, v in emoji.items()}


def load_rules(names: Iterable[str] | None = None) -> tuple[list[Rule], dict[str, str]]:
    """The packaged rule files (all languages, or the ones named), checked."""
    folder = resources.files("takeback.detect") / "rules"
    rules: list[Rule] = []
    emoji: dict[str, str] = {}
    wanted = set(names) if names is not None else None
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if not item.name.endswith(".yaml") or (
            wanted is not None and item.name.removesuffix(".yaml") not in wanted
        ):
            continue
        try:
            document = yaml.safe_load(item.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise CorruptInput(f"not valid YAML ({error})".replace("\n", " "), item.name) from None
        found, words = parse_rules(document, item.name)
        rules.extend(found)
        for char, word in words.items():
            if emoji.setdefault(char, word) != word:
                raise CorruptInput(f"{item.name}: emoji {char!r} means different words in two files")
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise CorruptInput(f"rule id {rule.id} is used twice")
        seen.add(rule.id)
    return rules, emoji


def build_engine(names: Iterable[str] | None = None) -> Engine:
    rules, emoji = load_rules(names)
    return Engine(rules, Normaliser(emoji))
