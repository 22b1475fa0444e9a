"""How fast detection assesses short messages, next to a naive one-regex-at-a-time baseline.

    python benchmarks/scan_speed.py [--messages 1000000] [--baseline-messages 5000]

Generates short chat messages (seeded, reproducible): most are ordinary, about
3% carry sextortion wording, some have emoji, accents or leetspeak. Prints,
each as the median of 3 runs in one process (so per core):

- the assessment alone (takeback.detect.assess_text), messages/s;
- the naive baseline on a sample: every rule pattern searched one by one with
  the standard library's re on the lower-cased text;
- what the folding costs, with and without the map back to the original
  characters (the map is only built for texts that matched);
- `takeback scan` end to end on the generated messages as a JSON Lines file
  (reading, assessing, writing), one run;
- when ../shared is there, the real SMS corpus assessed twice, first with a
  new matcher (cold: RE2 builds its automaton's states as it meets new text)
  and then again (warm).

Target (issue 3): at least 100,000 messages/s per core for the assessment.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from takeback.cli import main as takeback
from takeback.detect import assess_text, engine
from takeback.detect.engine import spaced

ORDINARY = [
    "hey how are you", "ok see you at 5", "can you pick up milk on the way home?", "lol that's hilarious 😂",
    "did you finish the homework", "I'm running late, 10 mins", "what time is practice tomorrow",
    "happy birthday!! 🎉🎂", "thanks so much x", "where are you?", "call me when you're free",
    "the bus is so slow today", "did you see the match last night", "mum says dinner at 7",
    "can I borrow your charger", "omg yes", "no worries", "send me the address pls",
    "Meeting moved to 3pm", "I'll transfer the £12 for the pizza tonight", "café at noon?",
    "good luck with the exam tomorrow", "haha no way", "brb", "sounds good 👍", "who's coming on saturday",
    "I love this song", "got it, thanks", "can you send the photos from the trip", "see you later",
]
SIGNALS = [
    "ur really cute, add me on snap?", "send me a pic, no face needed", "wanna see something 😏",
    "I have your nudes. Pay $300 or I send them to your family", "you have 1 hour. don't block me",
    "i recorded you on the video call", "send n00dz", "pay me on cashapp now or everyone sees it",
    "I have screenshots of all your followers", "that's not enough, send another 200",
]
WORDS = "the a to and you i it is that of in for on my me we so just what at be your".split()


def generate(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    messages = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.03:
            text = rng.choice(SIGNALS)
        elif roll < 0.25:
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 14)))
        else:
            text = rng.choice(ORDINARY)
        if rng.random() < 0.2:
            text = f"{text} {rng.randint(1, 999)}"
        messages.append(text)
    return messages


def median_rate(work: Callable[[Sequence[str]], object], messages: Sequence[str], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work(messages)
        times.append(time.perf_counter() - started)
    return len(messages) / statistics.median(times)


def assess_all(messages: Sequence[str]) -> None:
    for text in messages:
        assess_text(text)


def naive_baseline() -> Callable[[Sequence[str]], object]:
    """Every pattern of every rule compiled with stdlib re and searched separately."""
    compiled = []
    for rule in engine().rules:
        for pattern in rule.patterns:
            try:
                compiled.append(re.compile(spaced(pattern)))
            except re.error:
                continue  # a pattern stdlib re cannot read: left out of the baseline

    def run(messages: Sequence[str]) -> int:
        hits = 0
        for text in messages:
            lowered = text.lower()
            for regex in compiled:
                if regex.search(lowered):
                    hits += 1
        return hits

    print(f"  (baseline: {len(compiled)} patterns searched one at a time)")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--baseline-messages", type=int, default=5_000)
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    args = parser.parse_args()

    print(f"generating {args.messages:,} messages")
    messages = generate(args.messages)
    matcher = engine()
    patterns = sum(len(rule.patterns) + len(rule.all_of) for rule in matcher.rules)
    print(f"{len(matcher.rules)} rules, {patterns} patterns in one RE2 set")

    # Real text first, while the matcher is new: RE2 builds its automaton's states as it
    # meets new text, so the first pass over real messages is the slow one.
    sms = args.shared / "corpora/dev/sms/SMSSpamCollection.tsv"
    if sms.exists():
        real = [line.partition("\t")[2].strip() for line in sms.read_text("utf-8", "replace").splitlines()]
        for label in ("first pass (cold)", "second pass (warm)"):
            started = time.perf_counter()
            assess_all(real)
            rate = len(real) / (time.perf_counter() - started)
            print(f"real SMS, {label}: {rate:>12,.0f} messages/s ({len(real):,} messages)")

    assessed = median_rate(assess_all, messages)
    print(f"assessment (assess_text):        {assessed:>12,.0f} messages/s per core (median of 3)")

    sample = messages[: args.baseline_messages]
    baseline = median_rate(naive_baseline(), sample)
    print(f"naive one-regex-at-a-time (re):  {baseline:>12,.0f} messages/s per core "
          f"(median of 3, {len(sample):,} messages)")
    print(f"speed-up:                        {assessed / baseline:>12,.1f}x")

    fold_sample = messages[: min(len(messages), 200_000)]
    normaliser = matcher.normaliser
    for name, fold in (("quick fold (every message)", normaliser.quick),
                       ("full fold", normaliser.fold),
                       ("full fold + offset map", normaliser.fold_mapped)):
        rate = median_rate(lambda texts, fold=fold: [fold(t) for t in texts], fold_sample)  # type: ignore[misc]
        print(f"  {name:<30} {1e6 / rate:6.2f} µs per message")
    hit = sum(bool(matcher.matched(t)) for t in fold_sample) / len(fold_sample)
    print(f"  share of messages that matched a rule (and so needed the map): {hit:.1%}")

    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "messages.jsonl", Path(folder) / "results.jsonl"
        with source.open("w", encoding="utf-8") as written:
            for number, text in enumerate(messages):
                written.write(json.dumps({"id": number, "text": text}, ensure_ascii=False) + "\n")
        started = time.perf_counter()
        code = takeback(["scan", str(source), "--out", str(out)])
        seconds = time.perf_counter() - started
        print(f"takeback scan end to end:        {len(messages) / seconds:>12,.0f} messages/s "
              f"(one run, one worker, exit {code})")
    met = "target met" if assessed >= 100_000 else "TARGET NOT MET"
    print(f"({met}: at least 100,000 messages/s per core for the assessment)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
