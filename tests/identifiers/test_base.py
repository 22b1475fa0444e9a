"""The fast paths: each must answer exactly as the slow way it replaces.

RE2 asked directly (``Pattern``) against google-re2's own methods, the pre-check (one RE2 set,
plus the triggers matched on their own) against running every pattern of every extractor,
and context words looked up after ``accept`` against looking them up before.
"""

from __future__ import annotations

import re

import pytest
import re2

from takeback.identifiers import EXTRACTORS, Extractor, _resolve, _triage, find
from takeback.identifiers.base import Candidate, Encoded, Scope, compile_pattern

PATTERN_CASES = [
    (r"\d+", "a1b22c333"),
    (r"(\d+)-(\d+)?", "1-2 3- 4-5"),
    (r"x*", "axxbx"),  # empty matches: the scan steps past them
    (r"\b", "ab cd"),
    (r"$", "abc"),
    (r"", ""),
    (r"a|(b)", "abab"),  # a group that takes no part in some matches
    (r"[\p{L}]+", "héllo wörld ok"),
    (r"(?i)snap|straße", "SNAP Straße snap"),
    (r"\+?\(?\d(?:[ \t\x{a0}().\-\x{2013}/]{0,3}\d){6,}", "call 07400 123456 or +1 (202) 555–0143"),
]


@pytest.mark.parametrize("fast", [True, False], ids=["RE2 directly", "public methods"])
@pytest.mark.parametrize(("source", "text"), PATTERN_CASES)
def test_a_pattern_answers_as_google_re2_does(source: str, text: str, fast: bool) -> None:
    pattern = compile_pattern(source)
    if not fast:
        pattern.fast = None  # as with a google-re2 that keeps no compiled RE2 where we look
    public = re2.compile(source)
    data = text.encode("utf-8")
    group = 1 if pattern.groups else 0
    spans = [match.span(group) for match in public.finditer(data)]
    assert pattern.spans(data, group) == [span for span in spans if span[0] >= 0]
    assert pattern.occurs(data) is (public.search(data) is not None)
    assert pattern.found_in(text) is (public.search(text) is not None)
    assert pattern.fits(text) is (public.fullmatch(text) is not None)
    assert pattern.opens(text) is (public.match(text) is not None)


def test_the_direct_path_is_the_one_taken() -> None:
    # Were it lost (google-re2 renames what it keeps), every answer would still be right, only slower.
    assert compile_pattern(r"\d").fast is not None


@pytest.mark.parametrize("text", ["plain 07400 123456", "é 07400 123456 😀 +44 7400 123456", "ü"])
def test_spans_are_character_offsets(text: str) -> None:
    spans = Encoded(text).spans(compile_pattern(r"\d+"))
    assert spans == [match.span() for match in re.finditer(r"[0-9]+", text)]


TEXTS = [
    "",
    "@",
    "hi, how are you?",
    "call 07400 123456 or +1 (202) 555-0143, mail bob [at] gmail [dot] com or jo@example.com",
    "hxxps://evil[.]com/x www.dbuk.net t.me/bob instagram.com/bob.smith https://a.example/p?q=1",
    "IBAN GB82 WEST 1234 5698 7654 32, swift DEUTDEFF, sort code 12-34-56 account 12345678",
    "my iban is DE89 3704 0044 0532 0130",  # too short for a German IBAN: only a bank word keeps it
    "routing 011000015, card 4111 1111 1111 1111 or 378282246310005; $BobCash99 cash app",
    "paypal: bob@example.com; zelle 2025550143; it is 1.5 or v2.0, home.Today",
    "steam gift card ABCD1-EFGH2-IJKL3, western union MTCN 123-456-7890, moneygram reference 12345678",
    "btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2 bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 eth "
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, my snap is bob_1 and telegram @bob_2",
    "wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",  # only the trigger matched on its own
    "send to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3 now",  # fails its checksum
    "hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "token QmFzZTU4IGlzIG5vdCBiYXNlNjQ=",
    "sol 4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T solana",
    "pаypal.com/sign-in от кого 07400 123456",  # a Cyrillic а
    "add me on snap? jess.x22 or jess_x on insta, discord jess#1234",
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_pre_check_loses_nothing(text: str) -> None:
    # Every pattern of every extractor, with no pre-check, finds what find() finds.
    scope = Scope()
    everything = [found for extractor in EXTRACTORS for found in extractor.find(text, scope)]
    order = lambda found: (found.start, found.end, found.kind, found.value)  # noqa: E731
    assert sorted(find(text), key=order) == sorted(_resolve(everything), key=order)


def test_the_contract_of_the_fast_paths() -> None:
    for extractor in EXTRACTORS:
        assert extractor.ALONE <= set(extractor.PATTERNS), extractor.NAME
        late = extractor.CONTEXT_AFTER_ACCEPT
        assert late <= set(extractor.CONTEXT), extractor.NAME
        assert late.isdisjoint(extractor.NEEDS_CONTEXT), extractor.NAME  # they decide before accept


LATE = [(extractor, name) for extractor in EXTRACTORS for name in sorted(extractor.CONTEXT_AFTER_ACCEPT)]


@pytest.mark.parametrize(("extractor", "name"), LATE, ids=lambda item: getattr(item, "NAME", item))
def test_accept_does_not_read_context_it_is_given_after(extractor: Extractor, name: str) -> None:
    pattern = extractor.compiled[name]
    seen = 0
    for text in TEXTS:
        for start, end in Encoded(text).spans(pattern, 1 if pattern.groups else 0):
            bare = extractor.accept(Candidate(text, start, end, name, (), None, "GB"), Scope())
            told = extractor.accept(
                Candidate(text, start, end, name, ("call", "wallet"), None, "GB"), Scope()
            )
            assert (told and told.replace(context=())) == bare, (name, text[start:end])
            seen += bare is not None
    assert seen, name  # the table holds candidates it accepts


def test_the_triage_asks_the_compiled_set_directly_and_as_its_wrapper_would() -> None:
    triage = _triage()
    native = triage.match
    assert isinstance(getattr(native, "__self__", None), re2._re2.Set)  # the direct path is taken
    wrapper = re2.Set.__new__(re2.Set)
    wrapper._set = native.__self__
    for text in TEXTS:
        data = text.encode("utf-8")
        assert sorted(native(data) or []) == sorted(wrapper.Match(data) or []), text
