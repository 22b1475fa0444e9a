"""The matcher: one RE2 set for every rule, exact quotes, and no trouble with hostile text."""

from __future__ import annotations

import re
import time

import pytest
import re2

from takeback.detect import engine
from takeback.detect.engine import _finder, _places


@pytest.mark.parametrize(
    ("text", "rule", "quote"),
    [
        ("hi!! I have ur N00DZ lol", "threat.intimate_images", "I have ur N00DZ"),
        ("ok… i’ll post it on ur insta", "threat.distribute", "i’ll post it on ur insta"),
        ("ѕеnd nudеs pls", "image_request.nudes", "ѕеnd nudеs"),
        ("pleeease 🙏 send nuuuudes", "image_request.nudes", "send nuuuudes"),
    ],
)
def test_quotes_are_the_original_words(text: str, rule: str, quote: str) -> None:
    hit = next(h for h in engine().hits(text) if h.rule.id == rule)
    assert hit.quote == quote
    assert text[hit.span[0]:hit.span[1]] == quote


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01\x1b[2J", "\ufffd\ufffd", "🙂" * 50])
def test_odd_text_finds_nothing_and_does_not_fail(text: str) -> None:
    assert engine().hits(text) == []


def test_a_megabyte_message_is_matched_fast_and_quotes_stay_exact() -> None:
    filler = "just some ordinary words about the weekend and the weather. " * 17_000
    text = filler + "I have your nudes. pay $500 or I send them to your family " + filler
    started = time.perf_counter()
    hits = engine().hits(text)
    assert time.perf_counter() - started < 5
    found = {hit.rule.id: hit for hit in hits}
    assert {"threat.intimate_images", "threat.distribute"} <= set(found)
    for hit in hits:
        assert text[hit.span[0]:hit.span[1]] == hit.quote


def test_a_signal_across_a_window_edge_is_found_once() -> None:
    # Windows are 64 KiB with an overlap; place the signal near the first edge.
    text = "a" * 65_000 + " ok so i will send it to your family " + "b " * 1_000
    hits = [h for h in engine().hits(text) if h.rule.id == "threat.distribute"]
    assert len(hits) == 1 and hits[0].quote == "i will send it to your family"


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (rb"\bpay (?:me )?\d+", b"ok pay me 300 now or pay 50 later, pay 20"),
        (rb"x*", b"axxb"),  # empty matches move on by one, as finditer does
        (rb"nothing", b"pay me 300"),
    ],
)
def test_finding_directly_gives_what_the_wrapper_gives(pattern: bytes, text: bytes) -> None:
    # The direct call into google-re2 and the fallback through a regex's search() agree with
    # finditer, the places _near reads.
    expected = [m.span() for m in re.finditer(pattern, text)]
    assert _places(_finder(re2.compile(pattern)), text) == expected
    assert _places(_finder(re.compile(pattern)), text) == expected
