"""`takeback guide` and `takeback draft` as a person runs them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from takeback.cli import main

CHECK = Path(__file__).resolve().parents[1] / "data" / "guidance" / "check.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_guide_starts_calmly_and_numbers_the_steps(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "guide", "--age", "16", "--country", "UK")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("You are not in trouble. This is not your fault.")
    assert "1. This is not your fault" in lines and "Phone: 0800 1111" in out


@pytest.mark.parametrize(("argv", "first"), [
    (["--in-danger"], "emergency"),
    (["--at-risk"], "crisis"),
    (["--nothing-sent"], "nothing_sent"),
    ([], "not_your_fault"),
])
def test_guide_json_puts_safety_first(capsys: pytest.CaptureFixture[str], argv: list[str],
                                      first: str) -> None:
    code, out, _ = run(capsys, "guide", "--country", "GB", "--json", *argv)
    assert code == 0
    assert json.loads(out)["steps"][0]["id"] == first


def test_guide_from_a_check_result(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "guide", "--from-check", str(CHECK), "--country", "GB", "--json")
    data = json.loads(out)
    assert code == 0 and data["situation"]["platform"] == "instagram"
    contact = next(s for s in data["steps"] if s["id"] == "stop_contact")
    assert contact["groups"][0]["heading"] == "On Instagram"


def test_guide_makes_links_safe_for_the_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "guide", "--country", "GB", "--images-shared", "https://example.org/\x1b[2Jx")
    assert code == 0 and "\x1b" not in out and "\\x1b[2J" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["guide", "--country", "Narnia"], "--country"),
    (["guide", "--country", "CA", "--region", "scotland"], "--region"),
    (["guide", "--age", "-3"], "--age"),
    (["draft", "takedown", "--country", "GB"], "--url"),
    (["draft", "police", "--pack-sha256", "abc"], "--pack-sha256"),
])
def test_wrong_options_are_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str],
                                               message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_a_broken_check_file_is_one_line_and_exit_1(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "check.json"
    path.write_text("{ nope", encoding="utf-8")
    code, _, err = run(capsys, "draft", "police", "--from-check", str(path))
    assert code == 1 and err.count("\n") == 1 and "check.json" in err


def test_draft_writes_a_file_whole_and_never_overwrites_without_force(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "evidence.zip"
    pack.write_bytes(b"fictional pack bytes")
    out = tmp_path / "statement.md"
    argv = ["draft", "police", "--from-check", str(CHECK), "--age", "15", "--country", "GB",
            "--pack", str(pack), "--out", str(out)]
    code, stdout, err = run(capsys, *argv)
    assert code == 0 and stdout == "" and "wrote" in err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Statement for the police")  # .md chooses Markdown
    assert hashlib.sha256(b"fictional pack bytes").hexdigest() in text
    out.write_text("keep me", encoding="utf-8")
    code, _, err = run(capsys, *argv)
    assert code == 2 and "already exists" in err
    assert out.read_text(encoding="utf-8") == "keep me"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    code, _, _ = run(capsys, *argv, "--force")
    assert code == 0 and out.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(("kind", "argv", "expected"), [
    ("trusted-adult", ["--age", "14", "--country", "GB"], "A NOTE FOR SOMEONE I TRUST"),
    ("bank", ["--paid", "--country", "GB", "--from-check", str(CHECK)], "$fakecash123"),
    ("takedown", ["--url", "https://www.tiktok.com/@x/video/1", "--age", "16"], "To: TikTok safety team"),
    ("police", ["--markdown", "--country", "US"], "# Statement for the police"),
])
def test_draft_kinds_to_the_screen(capsys: pytest.CaptureFixture[str], kind: str, argv: list[str],
                                   expected: str) -> None:
    code, out, _ = run(capsys, "draft", kind, *argv)
    assert code == 0 and expected in out


@pytest.mark.parametrize(("target", "message"), [
    (".", "is a folder"),
    ("missing/draft.txt", "no such folder"),
])
def test_draft_out_must_be_a_file_in_a_folder_that_exists(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str, message: str) -> None:
    code, _, err = run(capsys, "draft", "police", "--out", str(tmp_path / target))
    assert code == 2 and message in err and err.count("\n") == 1
