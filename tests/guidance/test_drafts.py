"""Drafts: the police statement, takedown requests, the bank note and the trusted-adult note."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from takeback.errors import UsageError
from takeback.guidance import (
    DRAFT_KINDS,
    DraftContext,
    context_from_check,
    draft_files,
    events_from,
    read_check,
    render_draft,
    situation_from,
)
from takeback.model import Assessment, Finding, StageReached

DATA = Path(__file__).resolve().parents[1] / "data" / "guidance"
CHECK = DATA / "check.json"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
DAY = date(2026, 11, 29)


def context(age: int | None = 15, *, paid: bool = True, links: tuple[str, ...] = (
        "https://www.instagram.com/p/abc",), country: str = "GB") -> DraftContext:
    situation = situation_from(None, age, country, None, paid, links, None, False)
    found = context_from_check(read_check(CHECK), situation, pack_name="evidence-2026-03-02.zip",
                               pack_sha256=SHA)
    return replace(found, today=DAY)


@pytest.mark.parametrize(("kind", "markdown"), [(k, m) for k in DRAFT_KINDS for m in (False, True)])
def test_golden_drafts(kind: str, markdown: bool) -> None:
    name = f"draft-{kind}.{'md' if markdown else 'txt'}"
    expected = (DATA / name).read_text(encoding="utf-8")
    assert render_draft(kind, context(), markdown=markdown) == expected


def test_the_police_statement_tells_it_in_time_order_with_the_words_quoted() -> None:
    text = render_draft("police", context())
    order = [text.index(quote) for quote in (
        '"ur cute"', '"send me a pic of u, no face needed"', '"I send them to all your followers"',
        '"in 1 hour"')]
    assert order == sorted(order)
    assert "2026-03-01 21:04 UTC, message m4, from jordan.bright_22" in text
    assert "Username: jordan.bright_22 (Instagram)" in text
    assert SHA in text and 'sha256sum "evidence-2026-03-02.zip"' in text
    assert "CEOP" in text  # under 18: where to send it


def test_the_persons_own_details_and_full_card_numbers_stay_out() -> None:
    for kind in DRAFT_KINDS:
        text = render_draft(kind, context())
        assert "sam.example@example.org" not in text
        assert "4000 0000 0000 0002" not in text
    assert "ending 0002" in render_draft("bank", context())


@pytest.mark.parametrize(("age", "under_18_words"), [(15, True), (30, False), (None, False)])
def test_takedown_says_when_the_image_is_of_a_child(age: int | None, under_18_words: bool) -> None:
    text = render_draft("takedown", context(age))
    assert ("I was under 18 when it was taken" in text) is under_18_words
    assert "To: Instagram safety team" in text
    assert "https://help.instagram.com/616583228400289" in text


def test_one_takedown_request_per_link() -> None:
    text = render_draft("takedown", context(links=("https://x.com/a/status/1", "https://example.org/p")))
    assert text.count("REQUEST TO TAKE DOWN AN IMAGE") == 2
    assert "To: X (Twitter) safety team" in text and "To: the website safety team" in text
    assert 'Look for a "Report" or "Contact" link' in text


@pytest.mark.parametrize(("kind", "links", "message"), [
    ("takedown", (), "--url"),
    ("letter", ("https://x.com/a",), "unknown draft"),
])
def test_draft_usage_errors(kind: str, links: tuple[str, ...], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        render_draft(kind, context(links=links))


def test_without_a_check_the_drafts_leave_places_to_fill_in() -> None:
    situation = situation_from(None, None, "US", None, False, (), None, False)
    text = render_draft("police", DraftContext(situation, today=DAY))
    assert "[Write what happened, in time order" in text
    assert "[their usernames" in text and '[Run "takeback pack"' in text
    assert "FBI" in text


def test_markdown_escapes_what_came_from_the_chat() -> None:
    assessment = Assessment(
        sextortion=True, risk="high", stages=("threat",), crisis=False,
        timeline=(StageReached("threat", "1", datetime(2026, 1, 1, tzinfo=UTC)),),
        findings=(Finding("threat.x", "threat", "1", "pay *now*\nor [else](http://x)", (0, 5), 1.0, "a_b"),))
    situation = situation_from(None, 20, "GB", None, False, (), None, False)
    ctx = DraftContext(situation, events=events_from(assessment), today=DAY)
    markdown = render_draft("police", ctx, markdown=True)
    assert r"> pay \*now\* or \[else\](http://x)" in markdown and r"from a\_b" in markdown
    plain = render_draft("police", ctx)
    assert '"pay *now* or [else](http://x)"' in plain


@pytest.mark.parametrize(("age", "paid", "links", "kinds"), [
    (15, True, ("https://x.com/a",), ["police", "takedown", "bank", "trusted-adult"]),
    (30, False, (), ["police"]),
    (None, False, (), ["police", "trusted-adult"]),
    (30, True, (), ["police", "bank"]),
])
def test_draft_files_for_pack(age: int | None, paid: bool, links: tuple[str, ...], kinds: list[str]) -> None:
    files = draft_files(context(age, paid=paid, links=links), markdown=True)
    assert [name for name, _ in files] == [f"draft-{k}.md" for k in kinds]
    assert all(text.strip() for _, text in files)
