"""The language model's second opinion: its file, its arithmetic, and when detection asks it."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path

import pytest

from takeback.detect import assess, assess_text, engine, language
from takeback.detect.stages import assess_hits
from takeback.errors import CorruptInput
from takeback.model import Conversation, Message

from .chats import chat

ROOT = Path(__file__).resolve().parents[2]
TINY = language.LanguageModel({"pay": 1.0, "ur sister": 3.0, "hello": -2.0}, bias=0.0, threshold=0.6,
                              threshold_without_coercion=0.9)


def questions(
    conversation: Conversation, weak: list[Sequence[int]] | None = None
) -> list[tuple[bool, Sequence[int], bool]]:
    """What detection asked the second opinion: (a cue of coercion?, positions of the cues,
    a cue of sexual content or images?); the positions of weaker cues go to ``weak``."""
    asked: list[tuple[bool, Sequence[int], bool]] = []

    def second_opinion(
        messages: Sequence[Message],
        victim: str | None,
        coerced: bool,
        cues: Sequence[int],
        sexual: bool,
        weak_cues: Sequence[int],
    ) -> None:
        asked.append((coerced, cues, sexual))
        if weak is not None:
            weak.append(weak_cues)

    matcher = engine()
    messages = list(conversation.messages)
    assess_hits(messages, [matcher.hits(m.text) for m in messages], second_opinion)
    return asked


def test_grams_are_words_word_pairs_and_letter_runs() -> None:
    assert language.grams("ur  sees") == [
        "ur", "sees", "ur sees",
        "#<ur", "#ur>", "#<ur>",
        "#<se", "#see", "#ees", "#es>", "#<see", "#sees", "#ees>",
    ]  # fmt: skip


def test_probability_is_the_logistic_of_the_scaled_sum() -> None:
    found = {"ur", "sister", "ur sister", "pay"}  # "ur sister" 3 + "pay" 1, over sqrt(4) features
    assert language.probability(TINY, found) == pytest.approx(1 / (1 + math.exp(-(0.0 + 4.0 / 2))))
    assert language.probability(TINY, set()) == 0.0


def test_with_idfs_a_text_is_scaled_by_how_rare_its_grams_are() -> None:
    # The stored weight of "pay" holds its idf (2); the length is the root of the squared idfs:
    # "pay" 4, "ok" (in every example) 1, "zz" (never seen) 9.
    document = {"weights": {"pay": 2.0}, "bias": 0.0, "threshold": 0.6}
    model = language.parse_model({**document, "idf": {"pay": 2.0, "ok": 1.0}, "idf_unseen": 3.0}, "m.json")
    assert model.rarity == {"pay": 4.0, "ok": 1.0} and model.rarity_unseen == 9.0
    p = language.probability(model, {"pay", "ok", "zz"})
    assert p == pytest.approx(1 / (1 + math.exp(-2.0 / math.sqrt(14))))
    # A common gram dilutes less than an unseen one.
    assert language.probability(model, {"pay", "ok"}) > language.probability(model, {"pay", "zz"})


def test_opinion_quotes_the_heaviest_message_it_may_quote() -> None:
    texts = ["ok", "pay", "ur sister"]
    read = language.opinion(TINY, texts, lambda i: True)
    assert read is not None and read.message == 2
    # The targeted person's own message is never the one quoted.
    read = language.opinion(TINY, texts, lambda i: i != 2)
    assert read is not None and read.message == 1


def test_no_opinion_below_the_threshold() -> None:
    assert language.opinion(TINY, ["hello there"], lambda i: True) is None
    # "pay" alone: 1 over sqrt(4) features, p = 0.62; enough with a cue of coercion, not without.
    assert language.opinion(TINY, ["pay"], lambda i: True) is not None
    assert language.opinion(TINY, ["pay"], lambda i: True, coerced=False) is None


def test_a_short_conversation_with_a_cue_of_coercion_is_read_with_its_own_threshold() -> None:
    model = language.LanguageModel(TINY.weights, 0.0, threshold=0.7, threshold_short=0.6)
    # "pay" alone: p = 0.62, above threshold_short, below the threshold.
    assert language.opinion(model, ["pay"], lambda i: True) is not None
    assert language.opinion(model, ["pay"], lambda i: True, coerced=False) is None
    # The same words in a conversation longer than SHORT messages need the threshold.
    assert language.opinion(model, ["pay"] + [""] * language.SHORT, lambda i: True) is None


def test_with_a_cue_of_sexual_content_too_a_short_conversation_needs_less() -> None:
    model = language.LanguageModel(
        TINY.weights, 0.0, threshold=0.7, threshold_short=0.65, threshold_sexual=0.6
    )
    # "pay" alone: p = 0.62, above threshold_sexual, below threshold_short.
    assert language.opinion(model, ["pay"], lambda i: True) is None
    assert language.opinion(model, ["pay"], lambda i: True, sexual=True) is not None
    # Only with a cue of coercion, and only in a short conversation.
    assert language.opinion(model, ["pay"], lambda i: True, coerced=False, sexual=True) is None
    assert language.opinion(model, ["pay"] + [""] * language.SHORT, lambda i: True, sexual=True) is None


def test_in_a_long_chat_the_model_reads_the_messages_around_a_cue() -> None:
    # 40 ordinary lines dilute "ur sister" below the threshold in the whole chat; the run of
    # WINDOW messages around the cue (message 30) reaches it.
    texts = [str(n) for n in range(40)]
    texts[30] = "ur sister"
    assert language.opinion(TINY, texts, lambda i: True) is None
    read = language.opinion(TINY, texts, lambda i: True, cues=[30])
    assert read is not None and read.message == 30
    # A cue far from the threat gives windows that do not reach it.
    assert language.opinion(TINY, texts, lambda i: True, cues=[2]) is None
    # A chat no longer than a window is read whole only.
    assert language.opinion(TINY, texts[25 : 25 + language.WINDOW], lambda i: True, cues=[5]) is not None


def test_in_a_long_chat_a_weak_cue_is_read_around_only_when_the_model_is_nearly_sure() -> None:
    texts = [str(n) for n in range(40)]
    texts[30] = "ur sister"
    sure = language.LanguageModel({"ur sister": 20.0}, bias=0.0, threshold=0.6)
    read = language.opinion(sure, texts, lambda i: True, weak=[30])
    assert read is not None and read.message == 30 and read.probability >= language.WEAK
    # TINY reads the same run at about 0.7: enough around a threat the rules recognised, not
    # around a weaker cue.
    assert language.opinion(TINY, texts, lambda i: True, cues=[30]) is not None
    assert language.opinion(TINY, texts, lambda i: True, weak=[30]) is None


def test_a_long_chat_is_read_only_around_its_cues_never_whole() -> None:
    # Read whole, a chat of hundreds of lines gives the model too many words to be sure of.
    texts = ["ur sister"] * (language.SHORT + 1)
    assert language.opinion(TINY, texts[: language.SHORT], lambda i: True) is not None
    assert language.opinion(TINY, texts, lambda i: True) is None
    assert language.opinion(TINY, texts, lambda i: True, cues=[language.SHORT]) is not None


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([], "expected a JSON object"),
        ({"bias": 0, "threshold": 0.8}, "KeyError"),
        ({"weights": [], "bias": 0, "threshold": 0.8}, "AttributeError"),
        ({"weights": {"a": "x"}, "bias": 0, "threshold": 0.8}, "ValueError"),
        ({"weights": {}, "bias": 0, "threshold": 1.5}, "threshold"),
        ({"weights": {}, "bias": 0, "threshold": 0.8, "threshold_without_coercion": 0.7}, "at least"),
        ({"weights": {}, "bias": 0, "threshold": 0.8, "threshold_short": 0.9}, "threshold_short"),
        ({"weights": {}, "bias": 0, "threshold": 0.8, "threshold_short": 0.7, "threshold_sexual": 0.75},
         "threshold_sexual"),
        ({"weights": {}, "bias": 0, "threshold": 0.8, "idf": {"a": 0.0}}, "idf must be above 0"),
        ({"weights": {}, "bias": 0, "threshold": 0.8, "idf": {"a": -2.0}}, "idf must be above 0"),
        ({"weights": {}, "bias": 0, "threshold": 0.8, "idf": {"a": "x"}}, "ValueError"),
    ],
)
def test_a_broken_model_file_is_one_clear_error(document: object, problem: str) -> None:
    with pytest.raises(CorruptInput, match=f"^broken.json: .*{problem}"):
        language.parse_model(document, "broken.json")


def test_the_packaged_model_was_trained_on_the_data_as_it_is() -> None:
    # Change a training file and this fails until the model is trained again:
    # python benchmarks/train_language.py
    document = json.loads((ROOT / "src/takeback/detect/rules/en.language.json").read_text(encoding="utf-8"))
    model = language.load()
    assert model is not None and model.threshold == document["threshold"] and len(model.weights) > 1000
    for source in document["trained_on"]:
        data = (ROOT / source["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == source["sha256"], f"{source['file']} changed: retrain"
    assert any("real-quotes" in held for held in document["held_out"])


FRAGMENTS = chat(
    "Kira: remember what we did last night on facetime",
    "Sam: yeah why",
    "Kira: u know what i have",
    "Kira: ur sister. ur coach",
    "Kira: 300 on cashapp",
    "Sam: what are you talking about",
    "Kira: 1 hour",
)


def test_fragments_the_rules_do_not_call_sextortion_get_a_second_opinion() -> None:
    alone = assess(FRAGMENTS, language_model=False)
    assert not alone.sextortion and "payment_demand" in alone.stages
    both = assess(FRAGMENTS)
    assert both.sextortion and "threat" in both.stages
    (finding,) = [f for f in both.findings if f.rule == language.RULE]
    message = next(m for m in FRAGMENTS.messages if m.id == finding.message_id)
    assert message.sender == "Kira" and message.text[slice(*finding.span)] == finding.quote
    assert finding.weight >= language.load().threshold  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("conversation", "asked"),
    [
        # Sexual talk with no threat or demand: asked, and told there was no cue of coercion.
        (chat("A: u up? 😏", "B: maybe", "A: send me something naughty", "B: only if u send first"),
         [False]),
        # Ordinary chat: not asked.
        (chat("A: see u at 8", "B: yes, sending the address now"), []),
        # A demand the rules alone do not call sextortion: asked, with a cue of coercion.
        (FRAGMENTS, [True]),
        # Sextortion the rules see by themselves: no need.
        (chat("X: I have your nudes. pay $300 on cashapp or your family sees them"), []),
        # Fragments only ("ur mom", "250" as whole messages): asked, as on a weaker cue.
        (chat("X: guess what", "X: ur mom", "X: fb", "X: 250", "Y: what?"), [False]),
        # A sum of money beside sexual content or images: as on a cue of coercion.
        (chat("X: them snaps u sent me naked", "X: lmk when u got the $100"), [True]),
        # Not far apart, nor in a long chat (a groomer offers money beside his sexual talk).
        (chat("X: them snaps u sent me naked", *["X: ok"] * 3, "X: lmk when u got the $100"), [False]),
        (chat(*["A: hi"] * language.SHORT, "X: u look so sexy, ill give u $50"), [False]),
    ],
    ids=["sexting, no coercion", "ordinary", "demand only", "rules suffice", "fragments", "sum and images",
         "sum far from images", "sum in a long chat"],
)
def test_the_model_is_asked_only_where_the_rules_found_a_cue_but_no_sextortion(
    conversation: Conversation, asked: list[bool]
) -> None:
    assert [coerced for coerced, _, _ in questions(conversation)] == asked


@pytest.mark.parametrize(
    ("conversation", "sexual"),
    [
        (chat("X: them snaps u sent me naked", "X: lmk when u got the $100"), True),
        (FRAGMENTS, False),
        # Images the chat calls ordinary are no sexual cue.
        (chat("X: i have the video of you singing at the wedding", "X: a coffee or my mum sees it"), False),
    ],
)
def test_the_model_is_told_when_the_rules_found_sexual_content(
    conversation: Conversation, sexual: bool
) -> None:
    assert [told for _, _, told in questions(conversation)] == [sexual]


def test_the_model_reads_around_the_threats_and_demands_the_rules_recognised_only() -> None:
    # Pressure ("don't tell anyone", message 2) is also a groomer's word: no window around it.
    # The threat the rules recognise (message 12) is a cue; so is nothing else.
    lines = [f"A: ok {n}" for n in range(15)]
    lines[2] = "A: dont tell anyone ok"
    lines[12] = "A: or i start with ur grandma on fb"
    weak: list[Sequence[int]] = []
    assert [cues for _, cues, _ in questions(chat(*lines), weak)] == [[12]]
    assert weak == [[]]
    # A threat too weak to reach its stage (message 40 of a long chat) is a weaker cue.
    lines = [f"A: ok {n}" for n in range(45)]
    lines[40] = "A: your mom will see"
    assert [cues for _, cues, _ in questions(chat(*lines), weak)] == [[]]
    assert weak[-1] == [40]


def test_a_single_text_gets_the_second_opinion_too() -> None:
    text = "u know what i have. ur sister, ur coach. 300 on cashapp, 1 hour"
    assert not assess_text(text, language_model=False).sextortion
    assert assess_text(text).sextortion


def test_when_the_targeted_person_wrote_every_message_their_words_are_quoted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sure = language.LanguageModel({}, bias=5.0, threshold=0.6, threshold_without_coercion=0.9)
    monkeypatch.setattr(language, "load", lambda language="en": sure)
    # Pasted under the person's own name: the rules read them as its target.
    alone = chat("Jo: he says he will post it if i dont pay", "Jo: what do i do")
    assessment = assess(alone)
    assert assessment.victim == "Jo" and assessment.sextortion
    assert [f.message_id for f in assessment.findings if f.rule == language.RULE] == ["m1"]
    # With someone else in the chat, the other person's words are quoted.
    two = chat("Jo: he says he will post it if i dont pay", "Sam: what do i do")
    assert [f.message_id for f in assess(two).findings if f.rule == language.RULE] == ["m2"]
