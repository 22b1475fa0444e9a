"""`takeback check` as a person runs it: a calm verdict first, why, and what to do next."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from takeback.cli import main
from takeback.cli.check import CRISIS_FIRST

CHATS = Path(__file__).resolve().parents[1] / "data" / "detect" / "chats"
FIXTURES = sorted(CHATS.glob("*.txt"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def check_chat(tmp_path: Path, capsys: pytest.CaptureFixture[str], *lines: str) -> str:
    """`takeback check` (times in UTC) on a chat written from ``lines``; what it printed."""
    chat = tmp_path / "chat.txt"
    chat.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    code, out, _ = run(capsys, "check", str(chat), "--timezone", "UTC")
    assert code == 0
    return out


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_check_json_matches_the_golden_file(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(path), "--json")
    assert code == 0
    [conversation] = json.loads(out)["conversations"]
    assessment = conversation["assessment"]
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert {key: assessment[key] for key in expected} == expected


def test_check_json_has_the_stable_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(CHATS / "sextortion.txt"), "--json")
    data = json.loads(out)
    assert code == 0 and set(data) >= {"conversations", "warnings"}
    [conversation] = data["conversations"]
    assert set(conversation) >= {"source", "platform", "participants", "messages", "assessment"}
    assessment = conversation["assessment"]
    assert set(assessment) >= {"sextortion", "risk", "stages", "crisis", "offender", "victim",
                               "seconds_to_first_threat", "summary", "timeline", "findings"}
    texts = {m["id"]: m["text"] for m in conversation["messages"]}
    for finding in assessment["findings"]:
        assert set(finding) == {"rule", "stage", "message_id", "quote", "span", "weight", "sender"}
        start, end = finding["span"]
        assert texts[finding["message_id"]][start:end] == finding["quote"]
    for reached in assessment["timeline"]:
        assert set(reached) == {"stage", "message_id", "timestamp"}


def test_check_text_puts_the_verdict_first_then_why_then_next_steps(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(CHATS / "sextortion.txt"))
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("This looks like sextortion")
    assert "What happened, in order:" in lines
    assert any("threat" in line and "Maya:" in line and '"' in line for line in lines)
    assert out.index("What happened") < out.index("What to do next:")
    steps = out[out.index("What to do next:"):]
    assert "1. " in steps and "Do not pay" in steps  # the guidance plan's first steps
    # Numbers and links of services come from the guidance data, never from here.
    assert not re.search(r"https?://|\b\d{3}[ -]?\d{3,4}\b", CRISIS_FIRST)


def test_check_puts_crisis_support_first(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "check", str(CHATS / "crisis.txt"))
    assert out.splitlines()[0] == CRISIS_FIRST


def test_an_ordinary_chat_gets_a_short_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", str(CHATS / "ordinary.txt"))
    assert code == 0
    assert out.splitlines()[0] == "This does not look like sextortion."
    assert "What to do next" not in out


def test_check_exits_1_only_when_a_file_cannot_be_read(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", str(tmp_path / "missing.txt"))
    assert code == 1 and "missing.txt" in err
    assert out == "No conversations found.\n"


def test_check_makes_terminal_escapes_visible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("X: I have your nudes \x1b[2J\nX: pay $300 or I send them to your family\n",
                    encoding="utf-8")
    _, out, _ = run(capsys, "check", str(path))
    assert "\x1b" not in out


def test_check_json_has_identifiers_and_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "whatsapp-sextortion.txt"
    assert main(["check", str(example), "--json", "--timezone", "Europe/London", "--country", "GB"]) == 0
    data = json.loads(capsys.readouterr().out)
    [conversation] = data["conversations"]
    assert conversation["assessment"]["sextortion"] is True
    found = {(i["kind"], i["value"], i["role"]) for i in conversation["identifiers"]}
    assert ("payment", "jessmoney22", "offender") in found
    assert data["plan"]["jurisdiction"] == "GB" and data["plan"]["steps"]


def test_check_text_shows_their_details_and_first_steps(capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "whatsapp-sextortion.txt"
    assert main(["check", str(example), "--country", "GB", "--age", "16"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("This looks like sextortion")
    details = out.index("Their details")
    assert "jessmoney22" in out[details:] and details < out.index("What to do next")
    assert "1. " in out and "4. " not in out[out.index("What to do next"):]


def test_the_targeted_persons_own_words_are_marked_as_theirs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = check_chat(
        tmp_path,
        capsys,
        "12/06/2026, 21:10 - Unknown: ur video is ready. ur gf is first",
        "12/06/2026, 21:11 - Sam: please don't send it",
        "12/06/2026, 21:12 - Unknown: 150 cashapp. u got 20 min",
    )
    assert re.search(r"threat\s+Sam \(targeted\): \"please don't send it\"", out)
    assert re.search(r"demand\s+Unknown: ", out)


def test_the_timeline_quotes_the_whole_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = check_chat(
        tmp_path,
        capsys,
        "12/06/2026, 21:10 - Tyler: I have your nudes",
        "12/06/2026, 21:11 - Tyler: Thanks. Now listen. Your mom and your brother are all going to get "
        "these unless you pay. Then we are done",
    )
    assert '"Your mom and your brother are all going to get these unless you pay"' in out


def test_a_threat_read_from_the_whole_wording_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # No rule knows "u know what i have": the language model's second opinion reads it as the threat.
    out = check_chat(
        tmp_path,
        capsys,
        "Kira: remember what we did last night on facetime",
        "Sam: yeah why",
        "Kira: u know what i have",
        "Kira: ur sister. ur coach",
        "Kira: 300 on cashapp",
        "Kira: 1 hour",
    )
    assert out.startswith("This looks like sextortion")
    [line] = [line for line in out.splitlines() if line.lstrip().startswith("threat ")]
    # It quotes one of Kira's messages, the one whose words weighed most, and says how it was read.
    assert 'Kira: "' in line and line.endswith('" (read from the wording of the whole chat)')
    assert '"300 on cashapp"' in out and "(read from" not in out.replace(line, "")
