"""Folding: the forms people use to dodge filters read the same, and every match maps back exactly."""

from __future__ import annotations

import random

import pytest
import re2

from takeback.detect import engine
from takeback.detect.normalise import NEEDS_LEET, NEEDS_SQUEEZE, Normaliser

FOLD = Normaliser({"🍆": "dick", "📸": "pic"})
FRESH = Normaliser({"🍆": "dick", "📸": "pic"})


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Send N00DZ now", "send noodz now"),
        ("nud3s pleeease", "nudes pleease"),
        ("s3x", "sex"),
        ("pu$$y", "pussy"),
        ("ѕеnd nudеs", "send nudes"),  # Cyrillic look-alikes
        ("Ｓｅｎｄ 𝕟𝕦𝕕𝕖𝕤", "send nudes"),  # full-width and mathematical letters
        ("se\u200bnd nu\u200dd\u00ades", "send nudes"),  # zero-width and soft hyphen
        ("send me 🍆 📸", "send me  dick   pic "),
        ("don’t, don't, dont", "dont  dont  dont"),
        ("Straße café naïve", "strasse cafe naive"),
        ("pay $500 in 24hrs or 5mins", "pay $500 in 24hrs or 5mins"),  # money and times keep digits
        ("p4y 0r 3v3ry0n3 s33s, c4sh 4pp", "pay or everyone sees  cash app"),  # words that start leet
        ("at 5pm on the 1st, 4k views, 70s, 4u", "at 5pm on the 1st  4k views  70s  4u"),  # numbers and units
        ("sooooo cuuute!!!", "soo cuute   "),
        ("İstanbul ΑΒΓ", "istanbul aby"),
        # Words spelled out letter by letter, with one separator throughout.
        ("ur n.u.d.3.s r saved", "ur nudes r saved"),
        ("N-U-D-E-S, n. u. d. e. s, c_a_s_h", "nudes  nudes  cash"),
        ("send it on P a y P a l", "send it on paypal"),
        # Not spelled out: three single words (a common sentence), a countdown, initials.
        ("u r a liar, 5 4 3 2 1, at 7 a.m.", "u r a liar  5 4 3 2 1  at 7 a m "),
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert FOLD.fold(text) == folded
    assert FOLD.fold_mapped(text)[0] == folded


@pytest.mark.parametrize(
    ("text", "word", "original"),
    [
        ("plz sennnnd it", "sennd", "sennnnd"),
        ("look 🍆 here", "dick", "🍆"),
        ("ѕеnd\u200b n00dz", "noodz", "n00dz"),
        ("ѕеnd\u200b n00dz", "send", "ѕеnd"),
        ("i don’t care", "dont", "don’t"),
        ("Straße", "strasse", "Straße"),
        ("ǅemal ﬁne", "fine", "ﬁne"),
        ("ur n.u.d.3.s r saved", "nudes", "n.u.d.3.s"),
        ("ur n.u.d.3.s r saved", "saved", "saved"),
        ("i have ur n. u. d. e. s 🍆", "dick", "🍆"),
    ],
)
def test_a_folded_word_maps_back_to_the_original_characters(text: str, word: str, original: str) -> None:
    folded, offsets = FOLD.fold_mapped(text)
    start = folded.index(word)
    begin, end = offsets.span(start, start + len(word))
    assert text[begin:end] == original


def test_fold_and_fold_mapped_always_agree_and_spans_stay_inside_the_text() -> None:
    alphabet = "aeiostnrd0134$@.,?-_*'’`\u200bàéÄßﬁ🍆📸ѕеΑ\n  xxx"
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        folded, offsets = FOLD.fold_mapped(text)
        assert folded == FRESH.fold(text)  # another normaliser: FOLD remembers what it just folded
        for start in range(len(folded)):
            begin, end = offsets.span(start, start + 1)
            assert 0 <= begin < end <= len(text)


def test_fold_remembers_only_the_text_it_just_folded_with_its_map() -> None:
    folded, _ = FOLD.fold_mapped("SEND 📸 n0w")
    assert FOLD.fold("SEND 📸 n0w") == folded == "send  pic  now"
    assert FOLD.fold("other text") == "other text"
    assert FOLD.fold("SEND 📸 n0w") == folded


def test_quick_fold_equals_full_fold_when_no_leet_or_repeats() -> None:
    matcher = engine()
    for text in ("hello there", "don’t send it", "café 😂 ok", "ЅЕND"):
        assert matcher.normaliser.quick(text) == matcher.normaliser.fold(text).encode()


def test_the_map_skips_leet_and_repeats_only_where_they_change_nothing() -> None:
    # The engine tells fold_mapped a text is plain when NEEDS_LEET and NEEDS_SQUEEZE do not
    # match its quick folding; the folding and every span must then be what the full steps give.
    needs = re2.compile(f"{NEEDS_LEET}|{NEEDS_SQUEEZE}")
    alphabet = "aeiostnrd0134$@.,?-'’ àéßѕ🍆\n  xxx"
    rng = random.Random(7)
    plain = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        if needs.search(FRESH.quick(text)):
            continue
        plain += 1
        folded, offsets = FRESH.fold_mapped(text)
        quick, quick_offsets = FOLD.fold_mapped(text, plain=True)
        assert quick == folded
        for start in range(len(folded)):
            assert quick_offsets.span(start, start + 1) == offsets.span(start, start + 1)
    assert plain > 300  # both kinds of text were drawn
