"""A learned second opinion: does the wording of a conversation read like sextortion?

The rules (``rules/<language>.yaml``) recognise the shapes of threats and
demands they know. Offenders also threaten in fragments no rule knows ("u know
what i have" / "ur sister" / "500"). For a conversation in which the rules have
found a cue of coercion, but not enough to call it sextortion, this module
weighs all its words: a linear model (logistic regression) over the
words, word pairs and letter runs of the folded text, each weighted by how rare it was in
training (its idf: a letter run found in most texts says little), trained by
``benchmarks/train_language.py`` on the project's own labelled examples and
stored, readable, in ``rules/<language>.language.json`` (every word's weight,
where the examples came from, and the threshold).

It reads a text or a short conversation whole, and a long one (over ``SHORT`` messages)
only in runs of a few messages around each threat or demand the rules recognised. It never
decides alone: it is asked only when the rules found a cue, and must be surer
(``threshold_without_coercion``) when that cue is only of sexual content, images
or self-harm and not of coercion. What it found is a finding like the others,
quoting the words that weighed most, so a person can see why.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import chain, pairwise, repeat

from takeback.errors import CorruptInput

RULE = "language.sextortion"


@dataclass(frozen=True, slots=True)
class LanguageModel:
    """Weights of words, word pairs and letter runs (folded text), a bias, and the probabilities
    to reach: with a cue of coercion from the rules, and with only other cues."""

    weights: Mapping[str, float]
    bias: float
    threshold: float
    threshold_without_coercion: float = math.inf  # never, unless the model file says
    # With a cue of coercion, in a text or a conversation of at most SHORT messages.
    threshold_short: float | None = None  # the threshold, unless the model file says
    # The same, when the rules also found a cue of sexual content or images.
    threshold_sexual: float | None = None  # threshold_short, unless the model file says
    # Each gram's idf squared, and that of a gram not seen in training: a text's grams are
    # scaled to unit length by them. Without them every gram counts as 1.
    rarity: Mapping[str, float] | None = None
    rarity_unseen: float = 1.0


@dataclass(frozen=True, slots=True)
class Opinion:
    """What the model made of a conversation: how sure it is, and which message weighed most."""

    probability: float
    message: int  # the index of the message whose words weighed most


CHARS = (3, 4)  # lengths of the letter runs taken from each word
WINDOW = 6  # messages the model reads around each cue of a long conversation
# Messages up to which a conversation is short: in a longer one sexual talk piles up over
# hundreds of lines (a groomer's chat), and only runs of WINDOW messages are read.
SHORT = 30
# The probability to reach in a run around a cue too weak to reach its stage, in a long chat: at
# 0.85 6 of the 56 grooming transcripts were called sextortion, at 0.9 none.
WEAK = 0.95


def grams(folded: str) -> list[str]:
    """The words, word pairs and letter runs of a folded text, in order.

    Letter runs ("#<nu", "#nud", "#ude" ... of "<nudes>") let a spelling never seen in
    training ("nudez", "nudess", "vidz") weigh like the words it shares them with.
    """
    words = folded.split()
    return [*words, *map(" ".join, pairwise(words)), *chain.from_iterable(map(letter_runs, words))]


@lru_cache(maxsize=1 << 16)
def letter_runs(word: str) -> tuple[str, ...]:
    """The letter runs of one word (cached: a chat repeats its words)."""
    marked = f"<{word}>"
    return tuple(f"#{marked[i : i + size]}" for size in CHARS for i in range(len(marked) - size + 1))


def features(folded_texts: Iterable[str]) -> set[str]:
    """The distinct words, word pairs and letter runs of a conversation's folded messages."""
    found: set[str] = set()
    for text in folded_texts:
        found.update(grams(text))
    return found


def probability(model: LanguageModel, found: set[str]) -> float:
    """How likely the model finds a conversation with these features to be sextortion.

    Features are present or absent, each weighted by its idf, and the whole scaled to unit
    length, as in training: a long conversation is not sextortion because it is long. (The
    stored weights already hold the idf; the length is the root of the sum of squared idfs.)
    """
    if not found:
        return 0.0
    rarity = model.rarity
    length = len(found) if rarity is None else sum(map(rarity.get, found, repeat(model.rarity_unseen)))
    z = model.bias + sum(map(model.weights.get, found, repeat(0.0))) / math.sqrt(length)
    return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


def weight(model: LanguageModel, folded: str) -> float:
    """How much the words of one folded text weigh towards sextortion (their weights' sum)."""
    weights = model.weights
    return sum(weights.get(gram, 0.0) for gram in set(grams(folded)))


def opinion(
    model: LanguageModel,
    folded_texts: list[str],
    eligible: Callable[[int], bool],
    coerced: bool = True,
    cues: Iterable[int] = (),
    sexual: bool = False,
    weak: Iterable[int] = (),
) -> Opinion | None:
    """The model's opinion when it reaches its threshold, else None.

    ``eligible`` says which messages may be quoted (not the targeted person's own);
    ``coerced`` whether the rules found a cue of coercion (else the higher threshold applies;
    with one, a short conversation or a single text is read with ``threshold_short``, or
    ``threshold_sexual`` when ``sexual``: the rules also found sexual content or images);
    ``cues`` the positions of the messages where the rules found a cue. Besides the whole of a
    conversation of at most SHORT messages, the model reads every run of WINDOW messages around
    a cue: in a long chat a short threat weighs little against hundreds of ordinary lines.
    ``weak``: the positions of cues too weak to reach their stage; in a long chat the runs
    around them are read too, at WEAK.
    """
    threshold = model.threshold if coerced else model.threshold_without_coercion
    count = len(folded_texts)
    whole = threshold
    if coerced and count <= SHORT and model.threshold_short is not None:
        whole = model.threshold_short
        if sexual and model.threshold_sexual is not None:
            whole = model.threshold_sexual
    starts = _starts(cues, count)
    # A long chat is read only in those runs: read whole, hundreds of ordinary lines give the
    # model too many words to be sure of (none of its training examples is that long).
    spans = [(0, count, whole)] if count <= SHORT else []
    spans += [(s, s + WINDOW, threshold) for s in starts if count > WINDOW]
    if count > SHORT:
        spans += [(s, s + WINDOW, WEAK) for s in _starts(weak, count) if s not in starts]
    for start, end, needed in spans:
        p = probability(model, features(folded_texts[start:end]))
        if p < needed:
            continue
        chosen = [i for i in range(start, end) if eligible(i) and folded_texts[i].strip()]
        if chosen:
            return Opinion(p, max(chosen, key=lambda i: (weight(model, folded_texts[i]), -i)))
    return None


def _starts(cues: Iterable[int], count: int) -> list[int]:
    """Where the runs of WINDOW messages around these messages start."""
    return sorted({s for cue in cues for s in range(max(0, cue - WINDOW + 1), min(cue, count - WINDOW) + 1)})


def parse_model(document: object, source: str) -> LanguageModel:
    """A model from its JSON document; CorruptInput naming ``source`` when it is not one."""
    if not isinstance(document, dict):
        raise CorruptInput(f"{source}: not a language model (expected a JSON object)")
    try:
        weights = {str(gram): float(weight) for gram, weight in document["weights"].items()}
        bias = float(document["bias"])
        threshold = float(document["threshold"])
        without = float(document.get("threshold_without_coercion", math.inf))
        short = float(document.get("threshold_short", threshold))
        sexual = float(document.get("threshold_sexual", short))
        idf = document.get("idf")
        idfs = None if idf is None else {str(gram): float(value) for gram, value in idf.items()}
        unseen = float(document.get("idf_unseen", 1.0))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise CorruptInput(f"{source}: not a language model ({error.__class__.__name__}: {error})") from None
    if not 0.5 <= threshold < 1.0:
        raise CorruptInput(f"{source}: threshold must be at least 0.5 and below 1")
    if not threshold <= without:
        raise CorruptInput(f"{source}: threshold_without_coercion must be at least the threshold")
    if not 0.5 <= short <= threshold:
        raise CorruptInput(f"{source}: threshold_short must be at least 0.5 and at most the threshold")
    if not 0.5 <= sexual <= short:
        raise CorruptInput(f"{source}: threshold_sexual must be at least 0.5 and at most threshold_short")
    # Checked before squaring: a negative idf would pass as its square.
    if (idfs is not None and min(idfs.values(), default=1.0) <= 0) or unseen <= 0:
        raise CorruptInput(f"{source}: every idf must be above 0")
    rarity = None if idfs is None else {gram: value * value for gram, value in idfs.items()}
    return LanguageModel(weights, bias, threshold, without, short, sexual, rarity, unseen * unseen)


@cache
def load(language: str = "en") -> LanguageModel | None:
    """The packaged model for a language, or None when there is none."""
    name = f"{language}.language.json"
    path = resources.files("takeback.detect").joinpath("rules", name)
    if not path.is_file():
        return None
    return parse_model(json.loads(path.read_text(encoding="utf-8")), name)
