"""The rule contract: every rule's own examples, run through the real engine, and a checked rule file."""

from __future__ import annotations

import re

import pytest

from takeback.detect import engine
from takeback.detect.engine import EXTRA_STAGES, Engine, Rule, parse_rules, spaced
from takeback.errors import CorruptInput
from takeback.model import STAGES

RULES = engine().rules
MATCH = [(rule, text) for rule in RULES for text in rule.match]
NO_MATCH = [(rule, text) for rule in RULES for text in rule.no_match]


def rule_ids(value: object) -> str:
    return value.id if isinstance(value, Rule) else str(value)[:40]


@pytest.mark.parametrize(("rule", "text"), MATCH, ids=rule_ids)
def test_rule_finds_its_match_examples(rule: Rule, text: str) -> None:
    # A rule that says nothing alone is looked for as the engine does: with another rule.
    matched = None if rule.alone else [RULES.index(rule)]
    hits = [hit for hit in engine().hits(text, matched) if hit.rule.id == rule.id]
    assert hits, f"{rule.id} should match {text!r}"
    # The quote is the person's own words, exactly.
    assert all(text[hit.span[0]:hit.span[1]] == hit.quote and hit.quote for hit in hits)


@pytest.mark.parametrize(("rule", "text"), NO_MATCH, ids=rule_ids)
def test_rule_ignores_its_no_match_examples(rule: Rule, text: str) -> None:
    matched = None if rule.alone else [RULES.index(rule)]
    assert rule.id not in {hit.rule.id for hit in engine().hits(text, matched)}


@pytest.mark.parametrize("rule", RULES, ids=rule_ids)
def test_rule_is_complete(rule: Rule) -> None:
    assert rule.stage in STAGES or rule.stage in EXTRA_STAGES
    assert rule.description and rule.match and rule.no_match
    assert 0 < rule.weight <= 1
    for pattern in (*rule.patterns, *rule.all_of):
        # Folded text is lower case: an upper-case letter (other than an escape
        # such as \S or \W) could never match.
        assert not re.search(r"(?<!\\)[A-Z]", pattern), f"{rule.id}: upper case in {pattern!r}"
        assert "{" not in re.sub(r"\{\d+(,\d*)?\}", "", pattern), f"{rule.id}: unexpanded term"


def test_every_stage_has_rules() -> None:
    assert {rule.stage for rule in RULES} >= {*STAGES, "crisis", "context", "media"}


def test_rule_ids_are_unique() -> None:
    assert len({rule.id for rule in RULES}) == len(RULES)


GOOD = {
    "id": "threat.example",
    "stage": "threat",
    "weight": 1.0,
    "description": "An example.",
    "patterns": [r"\bfoo {X}\b"],
    "examples": {"match": ["foo bar"], "no_match": ["bar"]},
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stage": "gossip"}, "unknown stage"),
        ({"weight": 0}, "weight"),
        ({"weight": 1.5}, "weight"),
        ({"id": "NoDot"}, "rule id"),
        ({"patterns": [r"\bfoo {MISSING}"]}, "unknown term"),
        ({"patterns": []}, "no patterns"),
        ({"patterns": "foo"}, "list of strings"),
        ({"sexual": "yes"}, "sexual"),
        ({"by_victim": 1}, "by_victim"),
        ({"colour": "red"}, "unknown field"),
        ({"examples": {"match": ["x"]}}, "examples.no_match"),
        ({"patterns": [], "all_of": [r"\bfoo\b"]}, "two or more parts"),
        ({"all_of": "foo"}, "list of strings"),
        ({"alone": "no"}, "alone"),
    ],
)
def test_a_broken_rule_is_refused_with_a_clear_message(change: dict[str, object], message: str) -> None:
    document = {"language": "xx", "terms": {"X": "(?:bar|baz)"}, "rules": [{**GOOD, **change}]}
    with pytest.raises(CorruptInput, match=message):
        parse_rules(document, "xx.yaml")


def test_terms_are_expanded_and_spaces_match_runs_of_separators() -> None:
    rules, _ = parse_rules({"language": "xx", "terms": {"X": "(?:bar|baz)"}, "rules": [GOOD]}, "xx.yaml")
    assert rules[0].patterns == (r"\bfoo (?:bar|baz)\b",)
    assert spaced(r"a b ?c [ x]d (?: \S+){0,3}") == r"a +b(?: +)?c +[ x]d +(?: +\S+){0,3}"


def test_a_pattern_re2_cannot_read_is_refused() -> None:
    from takeback.detect.normalise import Normaliser

    bad = Rule("threat.bad", "threat", (r"(a)\1",), 1.0, False, False, "", ("a",), (), "xx")
    with pytest.raises(CorruptInput, match=r"threat\.bad"):
        Engine([bad], Normaliser())


def _all_of_engine() -> Engine:
    from takeback.detect.normalise import Normaliser

    document = {
        "language": "xx",
        "rules": [{**GOOD, "patterns": [], "all_of": [r"\bpics\b", r"\bfamily\b", r"\bpay\b"]}],
    }
    rules, _ = parse_rules(document, "xx.yaml")
    return Engine(rules, Normaliser())


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("pay or the pics go to your family", "pay or the pics go to your family"),
        ("your family, the pics: pay", "family, the pics: pay"),
        ("hello. pics and family, then pay up", "pics and family, then pay"),
        ("the pics, your family" + " ..." * 40 + " and pay", None),  # parts too far apart
        ("the pics and your family", None),  # one part missing
    ],
)
def test_all_of_parts_match_in_any_order_but_near_each_other(text: str, quote: str | None) -> None:
    hits = _all_of_engine().hits(text)
    assert [hit.quote for hit in hits] == ([quote] if quote else [])
    assert all(text[hit.span[0] : hit.span[1]] == hit.quote for hit in hits)


def test_a_text_where_only_modifier_rules_match_has_no_findings() -> None:
    assert engine().hits("can you send the photos from the trip") == []
    assert engine().hits("Police warn parents about scams") == []
    # A conversation asks for them anyway: what they say carries to its other messages.
    text = "can you send the photos from the trip"
    matched = engine().matched(text, modifiers=True)
    assert [h.rule.id for h in engine().hits(text, matched)] == ["media.ordinary"]
