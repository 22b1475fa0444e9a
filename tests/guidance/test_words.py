"""Every sentence a person reads is plain: Flesch-Kincaid grade 8 or below (a reading age of about 11)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
import textstat

from takeback.guidance import DraftContext, plan, render_draft, situation_from
from takeback.guidance.directory import jurisdictions, platforms, raw_services, words

MAX_GRADE = 8.0
PLACES = [("GB", None), ("GB", "scotland"), ("GB", "northern-ireland"), ("US", None), ("CA", None),
          ("AU", None), ("IE", None), ("NZ", None)]
AGES = [None, 12, 16, 18, 25]
FLAGS = list(itertools.product([False, True], repeat=4))  # paid, in danger, at risk, nothing sent
LINKS = ("https://www.instagram.com/p/a", "https://wa.me/1", "https://www.google.com/x",
         "https://example.org/b")


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


def plan_texts() -> Iterator[str]:
    """Every step title, step text, group heading and group text, in every situation."""
    for (country, region), age, (paid, danger, risk, nothing) in itertools.product(PLACES, AGES, FLAGS):
        situation = situation_from(None, age, country, region, paid, LINKS, "snapchat", danger,
                                   at_risk=risk, nothing_sent=nothing)
        value = plan(situation)
        yield value.intro
        yield from value.notes
        yield from value.closing[:1]  # the second names the date the data was checked
        for step in value.steps:
            yield step.title
            yield " ".join(step.text)
            for group in step.groups:
                if group.heading:
                    yield group.heading
                if group.text:
                    yield " ".join(group.text)


def data_texts() -> Iterator[str]:
    """What the data says to the person: who each service is for and how to use it."""
    for entry in raw_services()["services"]:
        yield from (str(entry[k]) for k in ("for", "how") if entry.get(k))
    for place in jurisdictions().values():
        for routes in place.routes.values():
            yield from (t for r in routes for t in (r.heading, r.how) if t)
    for platform in platforms():
        if platform.in_app:
            yield platform.in_app
        yield from (r.label for r in platform.routes)


TEXTS = sorted(set(plan_texts()) | set(data_texts()))


def test_every_step_text_is_covered() -> None:
    """The situations above reach every sentence in steps.yaml."""
    def sentences(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in {"sources", "checked", "conditions", "platform"}:
                    yield from sentences(item)
        elif isinstance(value, list):
            for item in value:
                yield from sentences(item)
    shown = " ".join(TEXTS)
    for sentence in sentences(words()["steps"]):
        assert sentence in shown, sentence


@pytest.mark.parametrize("text", TEXTS)
def test_plain_words(text: str) -> None:
    assert grade(text) <= MAX_GRADE, f"grade {grade(text)}: {text}"


@pytest.mark.parametrize(("country", "age", "paid"), list(itertools.product(
    ["GB", "US", "CA", "AU", "IE", "NZ"], [None, 11, 15, 17], [False, True])))
def test_the_trusted_adult_note_is_plain(country: str, age: int | None, paid: bool) -> None:
    situation = situation_from(None, age, country, None, paid, (), None, False)
    note = render_draft("trusted-adult", DraftContext(situation))
    # Service lines name organisations and links; the note's own words are the rest.
    prose = "\n".join(line for line in note.splitlines() if "://" not in line and "phone " not in line)
    assert grade(prose) <= MAX_GRADE, prose
    assert grade(note) <= MAX_GRADE + 2
