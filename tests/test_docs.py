"""Docs are tested: every command and every format has its docs entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from takeback.cli import commands
from takeback.ingest import PARSERS

DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("module", commands(), ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_every_command_has_help_and_a_docs_entry(module: object) -> None:
    name = module.__name__.rsplit(".", 1)[1]  # type: ignore[attr-defined]
    assert module.HELP.strip() and (module.__doc__ or "").strip()  # type: ignore[attr-defined]
    assert f"## takeback {name}" in (DOCS / "cli.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", PARSERS.names())
def test_every_format_has_a_page_and_an_index_entry(name: str) -> None:
    page = DOCS / "formats" / f"{name}.md"
    assert page.is_file(), f"docs/formats/{name}.md is missing"
    assert f"formats/{name}.md" in (DOCS / "formats.md").read_text(encoding="utf-8")
