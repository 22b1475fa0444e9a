"""`takeback read` and `takeback formats` as a person runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from takeback.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "whatsapp-sextortion.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_read_json_has_the_stable_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pasted.txt"
    path.write_text("Alex: hi\nSam: hello\n", encoding="utf-8")
    code, out, _ = run(capsys, "read", str(path), "--json")
    assert code == 0
    data = json.loads(out)
    [conversation] = data["conversations"]
    assert set(conversation) >= {"source", "platform", "participants", "messages", "warnings"}
    assert set(conversation["source"]) >= {"path", "sha256", "size", "format"}
    first = conversation["messages"][0]
    assert set(first) >= {"id", "sender", "timestamp", "text", "attachments", "system"}
    assert (first["sender"], first["text"]) == ("Alex", "hi")
    assert data["warnings"] == [] and data["errors"] == []


def test_read_table_makes_terminal_escapes_visible(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text("Alex: \x1b[2J\x1b]0;pwned\x07 hi\nSam: \u202egnp.exe\n", encoding="utf-8")
    code, out, _ = run(capsys, "read", str(path))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out


def test_unsupported_file_is_one_line_and_non_zero(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "junk.bin"
    path.write_bytes(b"\x00\x01\x02" * 100)
    code, _, err = run(capsys, "read", str(path))
    assert code == 1
    assert err.count("\n") == 1 and "junk.bin" in err and "not a format takeback reads" in err


def test_bad_timezone_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "read", str(EXAMPLE), "--timezone", "Nowhere/Else")
    assert code == 2 and "unknown time zone" in err


def test_formats_lists_every_parser(capsys: pytest.CaptureFixture[str]) -> None:
    from takeback.ingest import PARSERS

    code, out, _ = run(capsys, "formats")
    assert code == 0
    for name in PARSERS.names():
        assert name in out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys)
    assert code == 2 and "read" in out
